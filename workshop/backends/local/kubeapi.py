"""The Kubernetes REST surface of the local control plane, for InferenceServices only.

Paths, Status errors, patch formats, label selectors and the watch stream behave as
the real API server's do, so that KServeClient (and the kubernetes client under it)
cannot tell the difference. The objects themselves, and what each verb does to them,
belong to LocalControlPlane in controlplane.py; the handler only parses and routes.
"""

from __future__ import annotations

import copy
import json
import re
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

GROUP, VERSION, KIND, PLURAL = "serving.kserve.io", "v1beta1", "InferenceService", "inferenceservices"
API_VERSION = f"{GROUP}/{VERSION}"
_PATH = re.compile(
    r"^/apis/serving\.kserve\.io/v1beta1(?:/namespaces/(?P<ns>[^/]+))?/inferenceservices(?:/(?P<name>[^/]+))?/?$"
)
# KServe's webhook wants DNS-1035 names; checking them also keeps paths under root/isvc.
NAME = re.compile(r"^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$")
_NAMESPACE = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
Key = tuple[str, str]  # (namespace, name)
_MAX_BODY = 3 * 1024 * 1024  # the real API server's request size limit


class ApiError(Exception):
    def __init__(self, code: int, reason: str, message: str, name: str | None = None) -> None:
        super().__init__(message)
        self.code, self.reason, self.name = code, reason, name

    def status(self) -> dict[str, Any]:
        """A Kubernetes `Status` object, the body every API error carries."""
        body: dict[str, Any] = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure"}
        body.update(message=str(self), reason=self.reason, code=self.code)
        if self.name:
            body["details"] = {"name": self.name, "group": GROUP, "kind": PLURAL}
        return body


def not_found(name: str) -> ApiError:
    return ApiError(404, "NotFound", f'{PLURAL}.{GROUP} "{name}" not found', name)


def deleted_status(name: str, uid: str) -> dict[str, Any]:
    """The `Status` a successful DELETE answers with."""
    details = {"name": name, "group": GROUP, "kind": PLURAL, "uid": uid}
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": details}


def now() -> str:
    """A timestamp as Kubernetes writes them (RFC 3339, whole seconds, UTC)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def check_body(namespace: str, body: Any) -> dict[str, Any]:
    """Validate a create/update body against its URL; returns its (possibly new) metadata."""
    if not _NAMESPACE.match(namespace):
        raise ApiError(422, "Invalid", f"namespace {namespace!r} is not a DNS-1123 label")
    if not isinstance(body, dict) or body.get("kind") != KIND or body.get("apiVersion") != API_VERSION:
        raise ApiError(400, "BadRequest", f"expected kind {KIND} with apiVersion {API_VERSION}")
    if not isinstance(body.get("spec"), dict) or not isinstance(body["spec"].get("predictor"), dict):
        raise ApiError(422, "Invalid", "spec.predictor is required")
    meta = body.setdefault("metadata", {})
    if meta.get("namespace") not in (None, namespace):
        msg = "the namespace of the object does not match the namespace on the URL"
        raise ApiError(400, "BadRequest", msg)
    return meta


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON merge patch: what KServeClient.patch sends (application/merge-patch+json)."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def json_patch(doc: Any, ops: Any) -> Any:
    """RFC 6902 JSON patch (add/remove/replace/test), as `kubectl patch --type=json` sends."""
    if not isinstance(ops, list):
        raise ApiError(400, "BadRequest", "a JSON patch must be a list of operations")
    doc = copy.deepcopy(doc)
    for op in ops:
        parts = [p.replace("~1", "/").replace("~0", "~") for p in str(op.get("path", "")).split("/")[1:]]
        if not parts:
            raise ApiError(422, "Invalid", "patching the whole object is not supported")
        try:
            parent = doc
            for part in parts[:-1]:
                parent = parent[int(part)] if isinstance(parent, list) else parent[part]
            last: Any = parts[-1]
            if isinstance(parent, list):
                last = len(parent) if last == "-" else int(last)
            kind = op.get("op")
            if kind == "test" and parent[last] != op.get("value"):
                raise ApiError(422, "Invalid", f"test failed at {op['path']}")
            if kind == "remove" or kind == "replace":
                parent[last]  # noqa: B018 - both need the target to exist
            if kind == "remove":
                del parent[last]
            elif kind == "add" and isinstance(parent, list):
                parent.insert(last, op["value"])
            elif kind in ("add", "replace"):
                parent[last] = op["value"]
            elif kind != "test":
                raise ApiError(422, "Invalid", f"unsupported JSON patch op {kind!r}")
        except (KeyError, IndexError, ValueError, TypeError) as exc:
            raise ApiError(422, "Invalid", f"JSON patch {op!r} failed: {exc!r}") from exc
    return doc


def match_labels(labels: dict[str, str], selector: str | None) -> bool:
    """Equality-based label selectors: `a=b,c==d,e!=f,g,!h`."""
    for term in filter(None, (t.strip() for t in (selector or "").split(","))):
        if " in " in term or " notin " in term:
            raise ApiError(400, "BadRequest", f"set-based selector {term!r} is not supported locally")
        if "!=" in term:
            key, value = (s.strip() for s in term.split("!=", 1))
            ok = labels.get(key) != value
        elif "=" in term:
            key, value = (s.strip() for s in term.replace("==", "=").split("=", 1))
            ok = labels.get(key) == value
        else:
            ok = (term[1:].strip() not in labels) if term.startswith("!") else term in labels
        if not ok:
            return False
    return True


class ApiStore(Protocol):
    """What the handler asks of the objects' owner (LocalControlPlane): one method per verb.

    Each raises ApiError with the Status the real API server would send.
    """

    def authorized(self, header: str) -> bool: ...

    def list_objects(self, namespace: str | None, selector: str | None) -> dict[str, Any]: ...

    def get_object(self, namespace: str, name: str) -> dict[str, Any]: ...

    def create_object(self, namespace: str, body: Any) -> dict[str, Any]: ...

    def patch_object(self, namespace: str, name: str, content_type: str, body: Any) -> dict[str, Any]: ...

    def update_object(self, namespace: str, name: str, new: Any, require_rv: bool) -> dict[str, Any]: ...

    def delete_object(self, namespace: str, name: str) -> dict[str, Any]: ...

    def watch_events(
        self, namespace: str | None, selector: str | None, seen: dict[Key, dict[str, Any]], deadline: float
    ) -> list[dict[str, Any]]:
        """The events since `seen` (updated in place); empty when the deadline passed or the store stops."""
        ...


class ApiHandler(BaseHTTPRequestHandler):
    """One request against the plane set as the server's `plane` attribute."""

    protocol_version = "HTTP/1.1"  # keep-alive, as the kubernetes client's pool expects
    timeout = 120  # idle keep-alive connections must not pin a thread forever
    server: ThreadingHTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: the app owns the terminal (request lines never carry the token anyway)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        plane: ApiStore = self.server.plane  # type: ignore[attr-defined]
        code = 200
        try:
            if not plane.authorized(self.headers.get("Authorization", "")):
                self.close_connection = True  # its body stays unread
                raise ApiError(401, "Unauthorized", "Unauthorized")
            body = self._body()
            url = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(url.query).items()}
            match = _PATH.match(url.path)
            if match is None or (match["name"] and not match["ns"]):
                raise ApiError(404, "NotFound", "the server could not find the requested resource")
            ns, name = match["ns"], match["name"]
            selector = query.get("labelSelector")
            if method == "GET" and not name and query.get("watch", "").lower() in ("true", "1"):
                return self._watch(plane, ns, selector, float(query.get("timeoutSeconds") or 300))
            if method == "GET":
                result = plane.get_object(ns, name) if name else plane.list_objects(ns, selector)
            elif method == "POST" and ns and not name:
                result, code = plane.create_object(ns, body), 201
            elif method == "PATCH" and name:
                content_type = self.headers.get("Content-Type", "").split(";")[0].strip()
                result = plane.patch_object(ns, name, content_type, body)
            elif method == "PUT" and name:
                result = plane.update_object(ns, name, body, require_rv=True)
            elif method == "DELETE" and name:
                result = plane.delete_object(ns, name)
            else:
                raise ApiError(405, "MethodNotAllowed", f"{method} is not supported on {url.path}")
        except ApiError as exc:
            result, code = exc.status(), exc.code
        except Exception as exc:  # a malformed request must still get a Status, not a dropped socket
            result, code = ApiError(500, "InternalError", f"{type(exc).__name__}: {exc}").status(), 500
        self._send(code, result)

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        if length > _MAX_BODY:
            self.close_connection = True
            raise ApiError(413, "RequestEntityTooLarge", f"request body over {_MAX_BODY} bytes")
        raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw) if raw else None
        except ValueError as exc:
            raise ApiError(400, "BadRequest", f"invalid JSON body: {exc}") from exc

    def _send(self, code: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if self.close_connection:  # say so, or a keep-alive client sends its next request into a closed socket
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)

    def _watch(self, plane: ApiStore, ns: str | None, selector: str | None, timeout: float) -> None:
        """Newline-delimited watch events, as kubernetes.watch.Watch reads them."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        # Chunked, as the API server does: urllib3 hands a chunk over as soon as it
        # arrives, while a close-delimited body would be read to its very end.
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        seen: dict[Key, dict[str, Any]] = {}
        deadline = time.monotonic() + min(timeout, 3600)
        while events := plane.watch_events(ns, selector, seen, deadline):
            if not self._chunk(b"".join(json.dumps(e).encode() + b"\n" for e in events)):
                return  # the client stopped watching (isvc_watch breaks once Ready)
        self._chunk(b"")  # the terminating chunk: a clean end of the watch

    def _chunk(self, data: bytes) -> bool:
        try:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()
        except OSError:
            return False
        return True
