"""Backends: where a lesson's pipeline runs. `make_backend` picks one."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # not at import: a local run's worker process imports this package, and needs neither
    from workshop.core.ports import Backend
    from workshop.core.settings import Settings

BACKENDS = ("local", "cluster")


def detect_backend() -> str:
    """`cluster` inside a Kubeflow notebook (its projected KFP token is there), else `local`."""
    explicit = os.environ.get("WORKSHOP_BACKEND")
    if explicit in BACKENDS:
        return explicit
    token = os.environ.get("KF_PIPELINES_SA_TOKEN_PATH", "/var/run/secrets/kubeflow/pipelines/token")
    return "cluster" if os.path.isfile(token) else "local"


def make_backend(settings: Settings, name: str | None = None) -> Backend:
    name = name or detect_backend()
    if name == "cluster":
        try:
            from workshop.backends.cluster import ClusterBackend
        except ImportError:
            from workshop.core.errors import BackendError

            raise BackendError.of("backend:no_cluster") from None
        return ClusterBackend.from_environment(settings)
    from workshop.backends.local.backend import LocalBackend

    return LocalBackend(settings.local_dir, settings.assets_dir)
