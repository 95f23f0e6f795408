"""The cluster backend: lessons on a real Kubeflow (docs/cluster.md). Imported only when it is chosen."""

from workshop.backends.cluster.backend import ClusterBackend

__all__ = ["ClusterBackend"]
