"""One small HTTP client for the KFP and the Kubernetes REST APIs, with timeouts and plain-words errors.

Every failure a learner can meet becomes a BackendError that says what happened and what to
do: an unreachable host (within the connect timeout, never a hang), 401 (the token), 403 (the
permission that is missing), and any other answer with the server's own message.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from workshop.backends.cluster.auth import TokenSource, describe_expiry
from workshop.core.errors import BackendError, Words, words

_VERBS = {"GET": "get", "POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}


class HttpError(BackendError):
    """A BackendError that remembers the HTTP status, for callers that treat 404 or 409 specially."""

    status: int = 0
    body: Any = None

    def __init__(self, message: str, status: int, body: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.body = body

    @classmethod
    def answered(cls, status: int, body: Any, key: str, /, **fields: Any) -> HttpError:
        """The catalog's words for a refusal (said in the reader's language), with the status and body."""
        error = cls.of(key, **fields)
        error.status, error.body = status, body
        return error


def server_message(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text.strip()[:300]
    if isinstance(data, dict):
        for key in ("message", "error", "error_message"):
            if data.get(key):
                return str(data[key])[:500]
    return json.dumps(data)[:300]


def permission_for(method: str, path: str) -> str:
    """The RBAC permission a request needs, in kubectl words: 'list pods', 'get pods/log', ..."""
    parts = [p for p in path.split("?")[0].split("/") if p]
    if parts[:1] == ["apis"] and len(parts) >= 3 and parts[1] in ("v1beta1", "v2beta1"):  # KFP's own API
        resource, action = parts[2], parts[-1].partition(":")[2]
        verb = action or _VERBS.get(method, method.lower())
        if method == "GET" and len(parts) == 3:
            verb = "list"
        return f"{verb} {resource} (pipelines.kubeflow.org)"
    if parts[:1] == ["api"]:
        parts = parts[2:]
    elif parts[:1] == ["apis"]:
        parts = parts[3:]
    if parts[:1] == ["namespaces"] and len(parts) >= 3:
        parts = parts[2:]
    resource = parts[0] if parts else "?"
    if len(parts) >= 3:
        resource += "/" + parts[2]
    verb = _VERBS.get(method, method.lower())
    if method == "GET" and len(parts) == 1:
        verb = "list"
    return f"{verb} {resource}"


def ssl_context(verify: bool | str, cert: tuple[str, str] | None = None) -> ssl.SSLContext:
    """TLS as configured: a CA file, the system's CAs (certifi), or no verification; a client certificate."""
    try:
        if verify is False:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        else:
            import certifi

            context = ssl.create_default_context(cafile=verify if isinstance(verify, str) else certifi.where())
        if cert:
            context.load_cert_chain(*cert)
    except (OSError, ssl.SSLError) as exc:
        raise BackendError.of("backend:tls_files", files=f"{verify if isinstance(verify, str) else ''} {cert or ''}",
                              error=exc) from None
    return context


class Rest:
    """httpx with a bearer token read per request, a base URL and what-to-do errors."""

    def __init__(
        self,
        base_url: str,
        tokens: TokenSource,
        *,
        what: str | Words,
        verify: bool | str = True,
        cert: tuple[str, str] | None = None,
        connect_timeout: float = 5.0,
        read_timeout: float = 20.0,
        where_set: str = "",
        renew_hint: str | Words = "",
        namespace: str = "",
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.tokens = tokens
        self.what = what
        self.where_set = where_set
        self.renew_hint = renew_hint
        self.namespace = namespace
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.client = httpx.Client(base_url=self.base_url, verify=ssl_context(verify, cert), trust_env=False,
                                   timeout=httpx.Timeout(read_timeout, connect=connect_timeout))

    def close(self) -> None:
        self.client.close()

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        token = self.tokens.token()
        if token:
            headers["Authorization"] = f"Bearer {token}"
        headers.update(extra or {})
        return headers

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Any = None,
        json_body: Any = None,
        content: bytes | None = None,
        files: Any = None,
        headers: dict[str, str] | None = None,
        timeout: float | None = None,
    ) -> httpx.Response:
        try:
            response = self.client.request(
                method, path, params=params, json=json_body, content=content, files=files,
                headers=self.headers(headers),
                timeout=httpx.Timeout(timeout or self.read_timeout, connect=self.connect_timeout),
            )
        except httpx.HTTPError as exc:
            raise self.transport_error(exc, timeout or self.read_timeout) from None
        if response.status_code >= 400:
            raise self.http_error(method, path, response)
        return response

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.request(method, path, **kwargs)
        if not response.content:
            return {}
        try:
            return response.json()
        except ValueError:
            raise BackendError.of("backend:not_json", what=self.what, method=method, path=path,
                                  body=repr(response.text[:200])) from None

    def get_or_none(self, path: str, **kwargs: Any) -> Any:
        """GET, with None for 404."""
        try:
            return self.json("GET", path, **kwargs)
        except HttpError as exc:
            if exc.status == 404:
                return None
            raise

    @contextmanager
    def stream(self, path: str, params: Any, read_timeout: float) -> Iterator[httpx.Response]:
        try:
            with self.client.stream("GET", path, params=params, headers=self.headers(),
                                    timeout=httpx.Timeout(read_timeout, connect=self.connect_timeout)) as response:
                if response.status_code >= 400:
                    response.read()
                    raise self.http_error("GET", path, response)
                yield response
        except httpx.HTTPError as exc:
            raise self.transport_error(exc) from None

    # --- errors, in words ------------------------------------------------------------
    def transport_error(self, exc: httpx.HTTPError, read_timeout: float | None = None) -> BackendError:
        where = words("backend:set_by", source=self.where_set) if self.where_set else ""
        if isinstance(exc, httpx.TimeoutException) and not isinstance(exc, httpx.ConnectTimeout):
            waited = read_timeout or self.read_timeout
            return BackendError.of("backend:rest_slow", what=self.what, url=self.base_url, where=where,
                                   seconds=f"{waited:g}")
        reason: str | Words = str(exc) or type(exc).__name__
        if isinstance(exc, httpx.ConnectTimeout):
            reason = words("backend:no_answer_within", seconds=f"{self.connect_timeout:g}")
        return BackendError.of("backend:unreachable", what=self.what, url=self.base_url, where=where, reason=reason)

    def http_error(self, method: str, path: str, response: httpx.Response) -> HttpError:
        status = response.status_code
        message = server_message(response)
        try:
            body = response.json()
        except ValueError:
            body = response.text
        if status == 401:
            token = self.tokens.token()
            state = (words("backend:no_token_sent") if not token else
                     Words(lambda lang: describe_expiry(token, lang=lang)[1]))
            return HttpError.answered(status, body, "backend:token_rejected", what=self.what, state=state,
                                      hint=self.renew_hint or words("backend:new_token"))
        elif status == 403:
            if "RBAC: access denied" in message:
                return HttpError.answered(status, body, "backend:istio_request")
            ns = words("backend:in_namespace", ns=self.namespace) if self.namespace else ""
            return HttpError.answered(status, body, "backend:forbidden", what=self.what, method=method,
                                      path=path.split("?")[0], permission=permission_for(method, path), ns=ns,
                                      message=message)
        return HttpError.answered(status, body, "backend:http_answered", what=self.what, status=status, method=method,
                                  path=path.split("?")[0], said=message or response.reason_phrase)



