"""What reset asks the local backend: does an artifact exist, and remove it.

Each function touches exactly the one thing the artifact names: a run's folder, one file
on a volume, one object, one InferenceService. The object store and the control plane are
started only when there may be something of theirs to look at.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from workshop.core.errors import BackendError
from workshop.core.ports import Artifact

if TYPE_CHECKING:
    from workshop.backends.local.backend import LocalBackend

_RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_DNS = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


def artifact_exists(local: LocalBackend, artifact: Artifact) -> bool:
    kind = artifact.kind
    if kind == "run":
        return _run_folder(local, artifact.ref).is_dir()
    if kind == "volume_file":
        return _volume_file(local, artifact.ref).is_file()
    if kind == "object":
        return _object_exists(local, artifact.ref)
    if kind == "inference_service":
        try:
            namespace, name = _service(artifact.ref)
        except BackendError:
            return False  # a name the control plane refuses was never created there
        plane = local.services.started_control_plane
        if plane is not None:
            return plane.get_service(name, namespace) is not None
        return _service_file(local, namespace, name).is_file()  # as the control plane stores it
    raise BackendError.of("backend:local_kind", kind=repr(kind))


def remove_artifact(local: LocalBackend, artifact: Artifact) -> None:
    """Remove the artifact; removing one that is already gone is not an error."""
    kind = artifact.kind
    if kind == "run":
        run_id = artifact.ref
        folder = _run_folder(local, run_id)
        local.cancel(run_id)  # a run of this session that is still going stops first
        shutil.rmtree(folder, ignore_errors=True)
        if folder.exists():
            raise BackendError.of("backend:not_removed", path=folder)
    elif kind == "volume_file":
        path = _volume_file(local, artifact.ref)
        path.unlink(missing_ok=True)
        _remove_empty_parents(path.parent, local.volumes.path(artifact.ref.partition(":")[0]).resolve())
    elif kind == "object":
        if _object_exists(local, artifact.ref):
            bucket, key = _object(artifact.ref)
            local.object_store().delete(bucket, key)
    elif kind == "inference_service":
        if artifact_exists(local, artifact):
            namespace, name = _service(artifact.ref)
            local.control_plane().delete_service(name, namespace)  # stops its model server too
            _service_file(local, namespace, name).unlink(missing_ok=True)
    else:
        raise BackendError.of("backend:local_kind", kind=repr(kind))


# --- runs and volumes ---------------------------------------------------------------------
def _run_folder(local: LocalBackend, run_id: str) -> Path:
    if not _RUN_ID.match(run_id):
        raise BackendError.of("backend:not_run_id", run_id=repr(run_id))
    return Path(local.root) / "runs" / run_id


def _volume_file(local: LocalBackend, ref: str) -> Path:
    volume, sep, path = ref.partition(":")
    if not sep or not path.strip("/"):
        raise BackendError.of("backend:not_volume_file", ref=repr(ref))
    try:
        return Path(local.volumes.file(volume, path))
    except ValueError:
        raise BackendError.of("backend:outside_volume", ref=repr(ref)) from None


def _remove_empty_parents(folder: Path, volume_root: Path) -> None:
    """The run made the output's folders; an empty one goes with it, never the volume itself."""
    while folder != volume_root and volume_root in folder.parents:
        try:
            folder.rmdir()  # only ever succeeds on an empty folder
        except OSError:
            return
        folder = folder.parent


# --- the object store ---------------------------------------------------------------------
def _object(ref: str) -> tuple[str, str]:
    bucket, _, key = ref.partition("/")
    if not bucket or not key:
        raise BackendError.of("backend:not_object", ref=repr(ref))
    return bucket, key


def _object_exists(local: LocalBackend, ref: str) -> bool:
    bucket, key = _object(ref)
    if local.services.started_object_store is None and not (Path(local.root) / "objectstore").exists():
        return False  # the store never ran here: nothing can be in it
    from minio.error import S3Error

    try:
        local.object_store().stat(bucket, key)
    except S3Error as exc:
        if exc.code in ("NoSuchKey", "NoSuchBucket", "NoSuchObject", "NotFound", "ResourceNotFound"):
            return False
        raise BackendError.of("backend:cannot_stat", bucket=bucket, key=key, error=exc) from exc
    return True


# --- InferenceServices --------------------------------------------------------------------
def _service(ref: str) -> tuple[str, str]:
    namespace, _, name = ref.partition("/")
    if not _DNS.match(namespace) or not _DNS.match(name):
        raise BackendError.of("backend:not_isvc", ref=repr(ref))
    return namespace, name


def _service_file(local: LocalBackend, namespace: str, name: str) -> Path:
    return Path(local.root) / "serving" / "isvc" / namespace / f"{name}.json"
