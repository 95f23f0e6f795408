"""The local backend's servers, each started the first time a lesson needs it: the object store
(SeaweedFS, objectstore.py) and the control plane that serves InferenceServices (controlplane.py)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from workshop.core.errors import BackendError

if TYPE_CHECKING:  # both import heavy clients (minio, kserve's): only when a lesson needs them
    from workshop.backends.local.controlplane import LocalControlPlane
    from workshop.backends.local.objectstore import ObjectStore


class LazyServices:
    """Starts each server once, on first use, and stops what was started."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._object_store: ObjectStore | None = None
        self._control_plane: LocalControlPlane | None = None
        self._lock = threading.Lock()
        self._stopped = False
        self._preparing: threading.Thread | None = None

    @property
    def started_object_store(self) -> ObjectStore | None:
        """The object store if it runs for this backend already, else None (nothing is started)."""
        return self._object_store

    @property
    def started_control_plane(self) -> LocalControlPlane | None:
        """The control plane if it runs for this backend already, else None (nothing is started)."""
        return self._control_plane

    def prepare(self, names: set[str]) -> None:
        """Start these servers now, in the background ("object_store", "model_serving"; the latter with
        a model server whose imports are done): a lesson that needs them later finds them running.

        A server that fails to start here is left for the lesson's own call, which says why; stop()
        stops what this started, or keeps it from starting."""
        def start() -> None:
            try:
                if "object_store" in names:
                    with self._lock:
                        if not self._stopped:
                            self._start_object_store()
                if "model_serving" in names:
                    with self._lock:
                        plane = None if self._stopped else self._start_control_plane()
                    if plane is not None:
                        plane.prewarm_server()
            except Exception:  # noqa: BLE001  the lesson's own call starts it again and reports the error
                pass

        self._stopped = False
        self._preparing = threading.Thread(target=start, name="prepare-services", daemon=True)
        self._preparing.start()

    def object_store(self) -> ObjectStore:
        with self._lock:
            return self._start_object_store()

    def _start_object_store(self) -> ObjectStore:  # the caller holds the lock
        if self._object_store is None:
            from workshop.backends.local.objectstore import ObjectStore, ObjectStoreError

            store = ObjectStore(self.root / "objectstore")
            try:
                store.start()
            except ObjectStoreError as exc:
                raise BackendError(str(exc)) from exc
            except BaseException:  # Ctrl+C mid-start: start() has stopped what it launched; make sure
                store.stop()
                raise
            self._object_store = store
        return self._object_store

    def control_plane(self) -> LocalControlPlane:
        with self._lock:
            return self._start_control_plane()

    def _start_control_plane(self) -> LocalControlPlane:  # the caller holds the lock
        if self._control_plane is None:
            from workshop.backends.local.controlplane import LocalControlPlane

            plane = LocalControlPlane(self.root / "serving")
            plane.start()
            self._control_plane = plane
        return self._control_plane

    def stop(self) -> None:
        """Stop what was started, the control plane (with its model servers) and the object store at once."""
        from workshop.backends.local.stopping import stop_together

        with self._lock:
            self._stopped = True  # a prepare() still under way starts nothing more
            started = [s for s in (self._control_plane, self._object_store) if s is not None]
            self._control_plane = self._object_store = None
            stop_together(service.stop for service in started)
