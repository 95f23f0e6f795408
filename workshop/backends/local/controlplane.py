"""A loopback-only stand-in for the Kubernetes API: just enough for KServeClient.

A lesson's `deploy_model_to_kserve` component runs unchanged here and on a cluster:
given KUBECONFIG=<root>/kubeconfig, `KServeClient()` creates/gets/patches/deletes
InferenceServices (serving.kserve.io/v1beta1) against this server, and a "controller"
thread turns each one into a KServe model server process on 127.0.0.1.
Objects persist as JSON under <root>/isvc/ so a restarted app can serve them again.
"""

from __future__ import annotations

import copy
import hmac
import json
import os
import queue
import secrets
import subprocess
import threading
import time
import uuid
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from workshop.core.errors import BackendError, words

from .kubeapi import (
    API_VERSION,
    GROUP,
    KIND,
    NAME,
    PLURAL,
    ApiError,
    ApiHandler,
    Key,
    check_body,
    deleted_status,
    json_patch,
    match_labels,
    merge_patch,
    not_found,
    now,
)
from .modelserver import LOOPBACK, ModelServer, ModelServerError, spawn_spare, stop_spare
from .stopping import stop_together

_CONDITIONS = ("IngressReady", "PredictorReady", "Ready")


class ControlPlaneError(BackendError, RuntimeError):
    """A service cannot be served; the message says why (its English starts with the condition's reason)."""


def model_dir_of(spec: dict[str, Any]) -> Path:
    """The local model directory a predictor spec names; ControlPlaneError says why not."""
    predictor = spec.get("predictor") or {}
    sklearn = predictor.get("sklearn")
    if sklearn is None:
        model = predictor.get("model") or {}
        if str((model.get("modelFormat") or {}).get("name", "")).lower() != "sklearn":
            raise ControlPlaneError.of("backend:isvc_predictor")
        sklearn = model
    uri = str(sklearn.get("storageUri") or "")
    parts = urlsplit(uri)
    if parts.scheme not in ("", "file"):
        raise ControlPlaneError.of("backend:isvc_scheme", scheme=parts.scheme, uri=uri)
    path = Path(unquote(parts.path) if parts.scheme else uri)
    if not uri or not path.is_absolute():
        raise ControlPlaneError.of("backend:isvc_relative", uri=repr(uri))
    path = path.parent if path.is_file() else path  # a URI may name model.joblib itself
    if not path.is_dir():
        raise ControlPlaneError.of("backend:isvc_no_model", path=path)
    return path


class LocalControlPlane:
    """The API server plus a one-thread controller that runs the model servers."""

    def __init__(self, root: Path, start_timeout: float = 60.0) -> None:
        self.root = Path(root)
        self.kubeconfig_path = self.root / "kubeconfig"
        self._start_timeout = start_timeout
        self._token = secrets.token_urlsafe(32)
        self._cond = threading.Condition(threading.RLock())  # guards everything below
        self._objects: dict[Key, dict[str, Any]] = {}
        self._servers: dict[Key, ModelServer] = {}
        self._served_generation: dict[Key, int] = {}
        self._ports: dict[Key, int] = {}  # last port per service: URLs survive restarts
        self._reconciled: dict[Key, int] = {}  # reconcile count, for ensure_serving waits
        self._pending: set[Key] = set()
        self._rv = 0
        self._stopping = False
        self._queue: queue.Queue[Key | None] = queue.Queue()
        self._http: ThreadingHTTPServer | None = None
        self._threads: list[threading.Thread] = []
        self._spare: subprocess.Popen[bytes] | None = None  # a model server with its imports done

    # ----- lifecycle and the backend's Python API

    def start(self) -> Path:
        """Load stored services, serve the API on 127.0.0.1, write the kubeconfig; returns its path."""
        self._load()
        self._stopping, self._queue, self._pending = False, queue.Queue(), set()
        self._http = ThreadingHTTPServer((LOOPBACK, 0), ApiHandler)
        self._http.daemon_threads = True
        self._http.plane = self  # type: ignore[attr-defined]
        self._threads = [
            threading.Thread(target=self._http.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True),
            threading.Thread(target=self._controller, daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        self._write_kubeconfig(f"http://{LOOPBACK}:{self._http.server_address[1]}")
        return self.kubeconfig_path

    def prewarm_server(self) -> None:
        """Start a model server that imports kserve now and serves the next model deployed (one at a time)."""
        with self._cond:
            if self._stopping or self._http is None or (self._spare is not None and self._spare.poll() is None):
                return
            self._spare = spawn_spare(self.root)

    def _take_spare(self) -> subprocess.Popen[bytes] | None:
        with self._cond:
            spare, self._spare = self._spare, None
            return spare

    def stop(self) -> None:
        """Stop the API server, the controller and every model server it started; idempotent."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
            spare, self._spare = self._spare, None
        if spare is not None:
            stop_spare(spare)
        self._queue.put(None)
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
            self._http = None
        for thread in self._threads:  # the controller may be mid-start; let it finish
            thread.join(self._start_timeout + 15)
        self._threads = []
        with self._cond:
            servers, self._servers = list(self._servers.values()), {}
            self._served_generation.clear()
        stop_together(server.stop for server in servers)

    def get_service(self, name: str, namespace: str = "default") -> dict[str, Any] | None:
        with self._cond:
            obj = self._objects.get((namespace, name))
            return copy.deepcopy(obj) if obj else None

    def list_services(self, label_selector: str | None = None) -> list[dict[str, Any]]:
        return self.list_objects(None, label_selector)["items"]

    def server_pid(self, name: str, namespace: str = "default") -> int | None:
        with self._cond:
            server = self._servers.get((namespace, name))
            return server.pid if server and server.is_running() else None

    def ensure_serving(self, name: str, namespace: str = "default", timeout: float = 60.0) -> str:
        """Base URL of the service's model server, starting it if it is not running."""
        key, deadline = (namespace, name), time.monotonic() + timeout
        if self._http is None:
            raise ControlPlaneError.of("backend:plane_down")
        with self._cond:
            done = self._reconciled.get(key, 0)
            while True:
                obj = self._objects.get(key)
                if obj is None:
                    raise ControlPlaneError.of("backend:isvc_none", namespace=namespace, name=name)
                url = self._serving_url(key)
                if url:
                    return url
                ready = obj["status"]["conditions"][-1]
                if self._reconciled.get(key, 0) > done and ready["status"] == "False":  # tried and failed
                    raise ControlPlaneError.of("backend:isvc_not_ready", namespace=namespace, name=name,
                                               message=ready.get("message") or words("backend:not_ready"))
                self._enqueue(key)
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._stopping:
                    raise ControlPlaneError.of("backend:isvc_slow", namespace=namespace, name=name,
                                               seconds=f"{timeout:.0f}")
                self._cond.wait(remaining)

    def delete_service(self, name: str, namespace: str = "default") -> bool:
        try:
            self.delete_object(namespace, name)
        except ApiError:
            return False
        return True

    # ----- storage

    def _file(self, key: Key) -> Path:
        return self.root / "isvc" / key[0] / f"{key[1]}.json"

    def _load(self) -> None:
        with self._cond:
            for path in sorted((self.root / "isvc").glob("*/*.json")):
                obj = json.loads(path.read_text(encoding="utf-8"))
                key = (obj["metadata"]["namespace"], obj["metadata"]["name"])
                port = urlsplit(obj.get("status", {}).get("url", "")).port
                if port:
                    self._ports[key] = port
                self._rv = max(self._rv, int(obj["metadata"]["resourceVersion"]))
                self._objects[key] = obj
                self._set_status(key, "Unknown", "Stopped", "model server not running; it starts on demand")

    def _save(self, key: Key) -> None:
        path, obj = self._file(key), self._objects[key]
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(obj, indent=1), encoding="utf-8")
        os.replace(tmp, path)  # atomic: a crash never leaves half an object behind

    def _write_kubeconfig(self, server: str) -> None:
        names = {"cluster": "workshop-local", "user": "workshop-local"}
        config = {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": "workshop-local", "cluster": {"server": server}}],
            "users": [{"name": "workshop-local", "user": {"token": self._token}}],
            "contexts": [{"name": "workshop-local", "context": {**names, "namespace": "default"}}],
            "current-context": "workshop-local",
        }
        self.root.mkdir(parents=True, exist_ok=True)
        # 0600 from the first byte: the file holds the bearer token (JSON is valid YAML).
        fd = os.open(self.kubeconfig_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)  # O_CREAT's mode does not apply to an existing file
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(config, fh, indent=1)

    def authorized(self, header: str) -> bool:
        return hmac.compare_digest(header.encode(), f"Bearer {self._token}".encode())

    # ----- the API's verbs: kubeapi.ApiStore, what the HTTP handler calls with its parsed request

    def list_objects(self, namespace: str | None, selector: str | None) -> dict[str, Any]:
        with self._cond:
            items = [
                copy.deepcopy(obj)
                for (ns, _), obj in sorted(self._objects.items())
                if namespace in (None, ns) and match_labels(obj["metadata"].get("labels") or {}, selector)
            ]
            meta = {"resourceVersion": str(self._rv)}
        return {"apiVersion": API_VERSION, "kind": f"{KIND}List", "metadata": meta, "items": items}

    def get_object(self, namespace: str, name: str) -> dict[str, Any]:
        obj = self.get_service(name, namespace)
        if obj is None:
            raise not_found(name)
        return obj

    def create_object(self, namespace: str, body: Any) -> dict[str, Any]:
        meta = check_body(namespace, body)
        if not meta.get("name") and meta.get("generateName"):
            meta["name"] = f"{meta['generateName']}{secrets.token_hex(3)[:5]}"
        name = str(meta.get("name") or "")
        if not NAME.match(name):
            raise ApiError(422, "Invalid", f"metadata.name {name!r} must be a DNS-1035 label", name or None)
        key = (namespace, name)
        with self._cond:
            if key in self._objects:
                raise ApiError(409, "AlreadyExists", f'{PLURAL}.{GROUP} "{name}" already exists', name)
            meta.update(namespace=namespace, uid=str(uuid.uuid4()), creationTimestamp=now(), generation=1)
            for field in ("resourceVersion", "deletionTimestamp", "generateName"):
                meta.pop(field, None)
            obj = {"apiVersion": API_VERSION, "kind": KIND, "metadata": meta, "spec": body["spec"]}
            self._objects[key] = obj
            return self._spec_changed(key)

    def patch_object(self, namespace: str, name: str, content_type: str, body: Any) -> dict[str, Any]:
        with self._cond:  # read-modify-write under the lock: patches never conflict
            current = self.get_object(namespace, name)
            if content_type == "application/merge-patch+json":
                new = merge_patch(current, body)
            elif content_type == "application/json-patch+json":
                new = json_patch(current, body)
            else:  # as the real API server answers for custom resources (strategic merge, apply)
                msg = f"the body of the request was in an unknown format: {content_type}"
                raise ApiError(415, "UnsupportedMediaType", msg)
            return self.update_object(namespace, name, new, require_rv=False)

    def update_object(self, namespace: str, name: str, new: Any, require_rv: bool) -> dict[str, Any]:
        meta = check_body(namespace, new)
        if meta.get("name") != name:
            msg = f"the name of the object ({meta.get('name')}) does not match the name on the URL ({name})"
            raise ApiError(400, "BadRequest", msg)
        key, rv = (namespace, name), meta.get("resourceVersion")
        with self._cond:
            obj = self._objects.get(key)
            if obj is None:
                raise not_found(name)
            if require_rv and not rv:  # custom resources allow no unconditional update
                raise ApiError(
                    422, "Invalid", "metadata.resourceVersion: must be specified for an update", name
                )
            if rv and rv != obj["metadata"]["resourceVersion"]:
                msg = f'Operation cannot be fulfilled on {PLURAL}.{GROUP} "{name}": the object has been'
                msg += " modified; please apply your changes to the latest version and try again"
                raise ApiError(409, "Conflict", msg, name)
            for field in ("uid", "creationTimestamp", "generation", "namespace"):  # the server owns these
                meta[field] = obj["metadata"][field]
            # status is a subresource: writes to the main resource leave it alone.
            old_spec, obj["metadata"], obj["spec"] = obj["spec"], meta, new["spec"]
            if new["spec"] == old_spec:  # metadata-only edits keep the generation,
                if not self._serving_url(key):  # but re-applying a stopped service starts it
                    self._enqueue(key)
                return self._bump(key)
            meta["generation"] += 1
            return self._spec_changed(key)

    def delete_object(self, namespace: str, name: str) -> dict[str, Any]:
        key = (namespace, name)
        with self._cond:
            obj = self._objects.pop(key, None)
            if obj is None:
                raise not_found(name)
            self._file(key).unlink(missing_ok=True)
            server = self._servers.pop(key, None)
            self._served_generation.pop(key, None)
            self._rv += 1
            self._cond.notify_all()
        if server:
            server.stop()
        return deleted_status(name, obj["metadata"]["uid"])

    def watch_events(
        self, namespace: str | None, selector: str | None, seen: dict[Key, dict[str, Any]], deadline: float
    ) -> list[dict[str, Any]]:
        """The watch events since `seen` (which it updates), waiting for some until the deadline.

        Empty once the deadline passes or the plane stops: the watch then ends cleanly.
        """
        with self._cond:
            while True:
                current = {
                    key: obj
                    for key, obj in self._objects.items()
                    if namespace in (None, key[0]) and match_labels(obj["metadata"].get("labels") or {}, selector)
                }
                events = [
                    {"type": "DELETED", "object": seen.pop(key)} for key in list(seen) if key not in current
                ]
                for key, obj in sorted(current.items()):
                    rv = obj["metadata"]["resourceVersion"]
                    if key not in seen or seen[key]["metadata"]["resourceVersion"] != rv:
                        kind = "MODIFIED" if key in seen else "ADDED"
                        seen[key] = copy.deepcopy(obj)
                        events.append({"type": kind, "object": seen[key]})
                if events:
                    return events
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._stopping:
                    return []
                self._cond.wait(min(remaining, 1.0))

    # ----- status and the controller

    def _bump(self, key: Key) -> dict[str, Any]:
        """Record a write: new resourceVersion, persisted, watchers woken. Caller holds the lock."""
        self._rv += 1
        self._objects[key]["metadata"]["resourceVersion"] = str(self._rv)
        self._save(key)
        self._cond.notify_all()
        return copy.deepcopy(self._objects[key])

    def _spec_changed(self, key: Key) -> dict[str, Any]:
        # Not ready until the controller says so, synchronously: a client polling right
        # after a patch must not read the previous model's Ready=True.
        self._set_status(key, "Unknown", "Reconciling", "starting the KServe model server")
        self._enqueue(key)
        return copy.deepcopy(self._objects[key])

    def _set_status(self, key: Key, state: str, reason: str = "", message: str = "", url: str = "") -> None:
        obj = self._objects[key]
        old = {c["type"]: c for c in obj.get("status", {}).get("conditions", [])}
        status: dict[str, Any] = {"observedGeneration": obj.get("status", {}).get("observedGeneration", 0)}
        conditions = []
        for kind in _CONDITIONS:
            cond: dict[str, Any] = {"type": kind, "status": "True" if url else state}
            if not url:
                cond.update(reason=reason, message=message)
            same = old.get(kind, {}).get("status") == cond["status"]
            cond["lastTransitionTime"] = old[kind]["lastTransitionTime"] if same else now()
            conditions.append(cond)
        status["conditions"] = conditions
        loaded = "Loaded" if url else ("FailedToLoad" if state == "False" else "Pending")
        status["modelStatus"] = {"states": {"activeModelState": loaded, "targetModelState": loaded}}
        if state != "Unknown" or url:  # a final verdict for this generation
            status["observedGeneration"] = obj["metadata"]["generation"]
        if url:
            revision = f"{key[1]}-predictor-{obj['metadata']['generation']:05d}"
            traffic = [{"latestRevision": True, "percent": 100, "revisionName": revision}]
            predictor: dict[str, Any] = {"url": url, "address": {"url": url}, "traffic": traffic}
            predictor["latestReadyRevision"] = predictor["latestCreatedRevision"] = revision
            status.update(url=url, address={"url": url}, components={"predictor": predictor})
        obj["status"] = status
        self._bump(key)

    def _serving_url(self, key: Key) -> str | None:
        server, obj = self._servers.get(key), self._objects.get(key)
        if server is None or obj is None or not server.is_running():
            return None
        return server.url if self._served_generation.get(key) == obj["metadata"]["generation"] else None

    def _enqueue(self, key: Key) -> None:
        if key not in self._pending:
            self._pending.add(key)
            self._queue.put(key)

    def _controller(self) -> None:
        while True:
            try:
                key = self._queue.get(timeout=2.0)
            except queue.Empty:
                self._check_servers()
                continue
            if key is None:
                return
            with self._cond:
                self._pending.discard(key)
            try:
                self._reconcile(key)
            finally:
                with self._cond:
                    self._reconciled[key] = self._reconciled.get(key, 0) + 1
                    self._cond.notify_all()

    def _check_servers(self) -> None:
        """A model server that died after it was Ready must not go on reporting Ready."""
        with self._cond:
            for key, server in list(self._servers.items()):
                if not server.is_running() and key in self._objects:
                    del self._servers[key]
                    self._served_generation.pop(key, None)
                    message = f"the model server exited; last log lines:\n{server.log_tail()}"
                    self._set_status(key, "False", "ModelServerExited", message)

    def _reconcile(self, key: Key) -> None:
        with self._cond:
            obj = self._objects.get(key)
            if obj is None or self._stopping or self._serving_url(key):
                return
            generation, spec = obj["metadata"]["generation"], copy.deepcopy(obj["spec"])
            old = self._servers.pop(key, None)
            if old and old.port:
                self._ports[key] = old.port
        if old:  # one process per service: stop the old model before loading the new one
            old.stop()
        server: ModelServer | None = None
        try:
            model_dir = model_dir_of(spec)
            log = self.root / "logs" / f"{key[0]}_{key[1]}.log"
            server = ModelServer(key[1], model_dir, log, port=self._ports.get(key) or None, spare=self._take_spare())
            url, state, reason, message = server.start(self._start_timeout), "True", "", ""
        except (ControlPlaneError, ModelServerError) as exc:
            url, state, message = "", "False", str(exc)
            reason = message.split(":", 1)[0] if isinstance(exc, ControlPlaneError) else "ModelServerFailed"
        with self._cond:
            obj = self._objects.get(key)
            superseded = obj is None or self._stopping or obj["metadata"]["generation"] != generation
            if not superseded:
                if url and server is not None:
                    self._servers[key], self._served_generation[key] = server, generation
                    self._ports[key] = server.port or 0
                self._set_status(key, state, reason, message, url)
        if superseded and server is not None:
            server.stop()  # the object changed or went away while we were starting
