"""A recording fake of the KFP v2beta1 and Kubernetes REST APIs, on 127.0.0.1 only.

Answers are built from the published client models (kfp_server_api, kubernetes, kserve) and
turned into the JSON the servers send with their ApiClient's sanitize_for_serialization, so
they cannot drift from the schemas. Every request is recorded for the tests to pin.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import kfp_server_api
from kubernetes import client as k8s

from tests.cluster.schema import K8S_MODELS, poddefault_problems, problems

_K8S = k8s.ApiClient()
_KFP = kfp_server_api.ApiClient()


def kjson(obj: Any) -> Any:
    """A kubernetes (or kserve) model as the Kubernetes API server writes it (camelCase)."""
    return _K8S.sanitize_for_serialization(obj)


def kfpjson(obj: Any) -> Any:
    """A kfp_server_api model as the KFP API server writes it (snake_case)."""
    return _KFP.sanitize_for_serialization(obj)


def k8s_status(code: int, reason: str, message: str) -> dict[str, Any]:
    return kjson(k8s.V1Status(api_version="v1", kind="Status", status="Failure", code=code, reason=reason,
                              message=message))


def kfp_error(code: int, message: str) -> dict[str, Any]:
    """grpc-gateway's error body (google.rpc.Status as JSON)."""
    return kfpjson(kfp_server_api.GoogleRpcStatus(code=code, message=message))


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def q(self, key: str) -> str | None:
        values = self.query.get(key)
        return values[0] if values else None

    def json(self) -> Any:
        return json.loads(self.body or b"null")


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    chunks: Iterable[bytes] | None = None  # a streamed body, written chunk by chunk


Handler = Callable[..., Any]


class _HTTPHandler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        req = Request(self.command, parts.path, parse_qs(parts.query, keep_blank_values=True),
                      {k.lower(): v for k, v in self.headers.items()}, body)
        reply = self.server.fake.dispatch(req)
        self.send_response(reply.status)
        headers = dict(reply.headers)
        if reply.chunks is not None:
            headers.setdefault("Content-Type", "text/plain")
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            for chunk in reply.chunks:
                self.wfile.write(chunk)
                self.wfile.flush()
            return
        if isinstance(reply.body, bytes | str):
            data = reply.body.encode() if isinstance(reply.body, str) else reply.body
            headers.setdefault("Content-Type", "text/plain")
        else:
            data = json.dumps(reply.body).encode() if reply.body is not None else b""
            headers.setdefault("Content-Type", "application/json")
        headers.setdefault("Content-Length", str(len(data)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _handle


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeServer


class FakeServer:
    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.invalid: list[tuple[str, str, list[str]]] = []  # bodies refused with 400: the backend's defects
        self.denied: list[tuple[str, str, str]] = []  # requests refused by RBAC (403)
        self.rbac: Callable[[Request], str] | None = None  # the caller's permissions, when a test sets them
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _HTTPHandler)
        self._server.fake = self
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def on(self, method: str, pattern: str, handler: Handler | Any) -> None:
        """Route METHOD path-regex to a handler(req, **groups) or a fixed answer; later routes win."""
        fn = handler if callable(handler) else (lambda req, **_: handler)
        with self._lock:
            self._routes.insert(0, (method, re.compile(f"^{pattern}$"), fn))

    def dispatch(self, req: Request) -> Reply:
        with self._lock:
            self.requests.append(req)
            routes = list(self._routes)
        refused = self.refuse(req)
        if refused is not None:
            return refused
        for method, pattern, fn in routes:
            match = pattern.match(req.path)
            if method == req.method and match:
                result = fn(req, **match.groupdict())
                if isinstance(result, Reply):
                    return result
                if isinstance(result, tuple):
                    return Reply(result[0], result[1])
                return Reply(200, result)
        return Reply(404, k8s_status(404, "NotFound", f"no route for {req.method} {req.path}"))

    def refuse(self, req: Request) -> Reply | None:
        """A 400 for a body the real server would not decode, a 403 for what the caller may not do."""
        invalid = body_problems(req)
        if invalid:
            with self._lock:
                self.invalid.append((req.method, req.path, invalid))
            if req.path.startswith("/apis/v2beta1"):  # grpc-gateway: codes.InvalidArgument
                return Reply(400, kfp_error(3, f"proto: {invalid[0]}"))
            return Reply(400, k8s_status(400, "BadRequest", f"strict decoding error: {', '.join(invalid)}"))
        if self.rbac is not None:
            denied = self.rbac(req)
            if denied:
                with self._lock:
                    self.denied.append((req.method, req.path, denied))
                return Reply(403, k8s_status(403, "Forbidden", denied))
        return None

    def calls(self, method: str | None = None, path: str | None = None) -> list[Request]:
        with self._lock:
            found = list(self.requests)
        return [r for r in found if (method is None or r.method == method)
                and (path is None or re.fullmatch(path, r.path))]


_CORE_WRITE = re.compile(r"^/api/v1/namespaces/[^/]+/(?P<kind>[a-z]+)(?:/[^/]+(?:/(?P<sub>token))?)?$")


def body_problems(req: Request) -> list[str]:
    """What the real server would refuse in this request's JSON body ([] when it decodes)."""
    if req.path.endswith(("/pipelines/upload", "/pipelines/upload_version")) and req.method == "POST":
        # KFP 2.17.0 backend/src/apiserver/server/pipeline_upload_server.go ~44-52: the form file is
        # `uploadfile`; name, display_name, description, namespace, pipelineid come as query parameters
        allowed = {"name", "display_name", "description", "namespace", "pipelineid"}
        found = [f'unknown upload parameter "{key}"' for key in req.query if key not in allowed]
        if b'name="uploadfile"' not in req.body:
            found.append("the multipart form has no uploadfile")
        return found
    if req.method not in ("POST", "PUT", "PATCH") or "json" not in req.headers.get("content-type", "json"):
        return []
    try:
        data = req.json()
    except ValueError:
        return ["the body is not JSON"]
    partial = req.method == "PATCH"
    path = req.path
    if path.startswith("/apis/v2beta1/"):
        rest = path[len("/apis/v2beta1/"):]
        model = {"runs": "V2beta1Run", "experiments": "V2beta1Experiment"}.get(rest)
        if rest.endswith(":terminate"):
            return [] if data in (None, {}) else ["terminate takes no body"]
        return problems("kfp", model, data) if model else []
    if "/apis/kubeflow.org/" in path and "/poddefaults" in path:
        return poddefault_problems(data) if not partial else []
    match = _CORE_WRITE.match(path)
    kind = "token" if match and match["sub"] else (match["kind"] if match else path.rstrip("/").rsplit("/", 1)[-1])
    model = K8S_MODELS.get(kind)
    if model is None:
        return []
    return problems("k8s", model, data, partial=partial)
