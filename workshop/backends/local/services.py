"""The local backend's servers, each started the first time a lesson needs it: the object store
(SeaweedFS, objectstore.py) and the control plane that serves InferenceServices (controlplane.py)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

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
        self._releasing: list[threading.Thread] = []
        self._release_errors: list[Exception] = []

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

    def release(self, keep: set[str]) -> None:
        """Stop, in the background, the started servers not named in `keep` (no lesson ahead needs
        them): SeaweedFS takes about a second to stop, which then overlaps the next lesson. stop()
        waits for these stops; a server asked for again starts once its stop is done."""
        from workshop.backends.local.stopping import stop_together

        with self._lock:
            store = self._object_store if "object_store" not in keep else None
            plane = self._control_plane if "model_serving" not in keep else None
            self._object_store = None if store is not None else self._object_store
            self._control_plane = None if plane is not None else self._control_plane
        stops = [service.stop for service in (plane, store) if service is not None]
        if not stops:
            return

        def stop() -> None:
            try:
                stop_together(stops)
            except Exception as exc:  # noqa: BLE001  raised by stop(), in its caller's thread
                self._release_errors.append(exc)

        thread = threading.Thread(target=stop, name="release-services", daemon=True)
        self._releasing.append(thread)
        thread.start()

    def _released(self) -> None:
        """Wait for the background stops (release); the caller holds the lock."""
        while self._releasing:
            self._releasing.pop().join()

    def object_store(self) -> ObjectStore:
        with self._lock:
            return self._start_object_store()

    def _start_object_store(self) -> ObjectStore:  # the caller holds the lock
        if self._object_store is None:
            self._released()  # never two servers on one data folder
            from workshop.backends.local.objectstore import ObjectStore, ObjectStoreError

            store = ObjectStore(self.root / "objectstore")
            try:
                store.start()
            except ObjectStoreError:
                raise  # a BackendError already, said in the reader's language
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
            self._released()
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
            self._released()
            errors, self._release_errors = self._release_errors, []
            stop_together(service.stop for service in started)
            if errors:
                raise errors[0]
