"""What reset asks the cluster backend: does an artifact exist, and remove exactly it.

Only the workshop's own things: a run (terminated if still going, then deleted, with the
local copy of its logs), one file on a PVC, one object, and an InferenceService only when it
carries the workshop's label app.kubernetes.io/part-of=kubeflow-workshop.
"""

from __future__ import annotations

import re
import shutil
from typing import TYPE_CHECKING, Any

from workshop.backends.cluster.config import PART_OF
from workshop.core.errors import BackendError
from workshop.core.ports import Artifact

if TYPE_CHECKING:
    from workshop.backends.cluster.backend import ClusterBackend

_DNS = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


def _service(ref: str) -> tuple[str, str]:
    namespace, _, name = ref.partition("/")
    if not (_DNS.match(namespace) and _DNS.match(name)):
        raise BackendError.of("backend:not_isvc", ref=repr(ref))
    return namespace, name


def _object(ref: str) -> tuple[str, str]:
    bucket, _, key = ref.partition("/")
    if not bucket or not key:
        raise BackendError.of("backend:not_object", ref=repr(ref))
    return bucket, key


def _ours(isvc: dict[str, Any] | None) -> bool:
    labels = ((isvc or {}).get("metadata") or {}).get("labels") or {}
    return labels.get("app.kubernetes.io/part-of") == PART_OF


def artifact_exists(backend: ClusterBackend, artifact: Artifact) -> bool:
    kind, ref = artifact.kind, artifact.ref
    if kind == "run":
        return bool(backend.kfp.run_exists(ref)) or (backend.config.state_dir / "runs" / ref).is_dir()
    if kind == "volume_file":
        volume, _, path = ref.partition(":")
        return bool(backend.volumes.exists(volume, path))
    if kind == "object":
        try:
            return bool(backend.objects.exists(*_object(ref)))
        except BackendError as exc:
            if "AccessDenied" in str(exc):  # outside the namespace's prefixes: it cannot have written there
                return False
            raise
    if kind == "inference_service":
        namespace, name = _service(ref)
        return _ours(backend.kube.get_isvc(name, namespace))
    raise BackendError.of("backend:cluster_kind", kind=repr(kind))


def remove_artifact(backend: ClusterBackend, artifact: Artifact) -> None:
    kind, ref = artifact.kind, artifact.ref
    if kind == "run":
        if backend.kfp.run_exists(ref):
            if not backend.status(ref).finished:
                backend.cancel(ref)
            backend.kfp.delete_run(ref)
        shutil.rmtree(backend.config.state_dir / "runs" / ref, ignore_errors=True)
    elif kind == "volume_file":
        volume, _, path = ref.partition(":")
        backend.volumes.remove(volume, path)
    elif kind == "object":
        bucket, key = _object(ref)
        if backend.objects.exists(bucket, key):
            backend.objects.remove(bucket, key)
    elif kind == "inference_service":
        namespace, name = _service(ref)
        isvc = backend.kube.get_isvc(name, namespace)
        if isvc is None:
            return
        if not _ours(isvc):
            raise BackendError.of("backend:isvc_not_ours", ref=ref, part_of=PART_OF)
        backend.kube.delete_isvc(name, namespace)
    else:
        raise BackendError.of("backend:cluster_kind", kind=repr(kind))
