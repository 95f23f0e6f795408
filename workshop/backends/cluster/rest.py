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
from workshop.core.errors import BackendError

_VERBS = {"GET": "get", "POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}


class HttpError(BackendError):
    """A BackendError that remembers the HTTP status, for callers that treat 404 or 409 specially."""

    def __init__(self, message: str, status: int, body: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.body = body


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
        raise BackendError(f"cannot use the TLS files {verify if isinstance(verify, str) else ''} {cert or ''}: "
                           f"{exc}") from None
    return context


class Rest:
    """httpx with a bearer token read per request, a base URL and what-to-do errors."""

    def __init__(
        self,
        base_url: str,
        tokens: TokenSource,
        *,
        what: str,
        verify: bool | str = True,
        cert: tuple[str, str] | None = None,
        connect_timeout: float = 5.0,
        read_timeout: float = 20.0,
        where_set: str = "",
        renew_hint: str = "",
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
            raise BackendError(f"{self.what} answered {method} {path} with something that is not JSON: "
                               f"{response.text[:200]!r}") from None

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
        where = f" (set by {self.where_set})" if self.where_set else ""
        if isinstance(exc, httpx.TimeoutException) and not isinstance(exc, httpx.ConnectTimeout):
            waited = read_timeout or self.read_timeout
            return BackendError(f"{self.what} at {self.base_url}{where} accepted the connection but did not answer "
                                f"within {waited:g} s: it may be overloaded (try again in a minute), or the address "
                                "is not that service (a port-forward whose pod is gone answers like this)")
        reason = str(exc) or type(exc).__name__
        if isinstance(exc, httpx.ConnectTimeout):
            reason = f"no answer within {self.connect_timeout:g} s"
        return BackendError(f"cannot reach {self.what} at {self.base_url}{where}: {reason}. Check the address, "
                            "that you run this inside the cluster (a Kubeflow notebook) or through a port-forward, "
                            "and the network in between")

    def http_error(self, method: str, path: str, response: httpx.Response) -> HttpError:
        status = response.status_code
        message = server_message(response)
        try:
            body = response.json()
        except ValueError:
            body = response.text
        if status == 401:
            token = self.tokens.token()
            state = "no token was sent" if not token else describe_expiry(token)[1]
            text = (f"{self.what} rejected the token (401 Unauthorized; token {state}): "
                    f"{self.renew_hint or 'get a new token'}")
        elif status == 403:
            rbac = _rbac_denied(message)
            if rbac:
                text = rbac
            else:
                ns = f" in namespace {self.namespace}" if self.namespace else ""
                text = (f"{self.what} refused {method} {path.split('?')[0]} (403 Forbidden): the account behind the "
                        f"token lacks permission to {permission_for(method, path)}{ns}. Server said: {message}. "
                        "Ask the cluster admin for that permission (Kubeflow profiles grant it to contributors).")
        else:
            said = message or response.reason_phrase
            text = f"{self.what} answered {status} to {method} {path.split('?')[0]}: {said}"
        return HttpError(text, status, body)


def _rbac_denied(message: str) -> str:
    if "RBAC: access denied" not in message:
        return ""
    return ("Istio refused the request (RBAC: access denied): an AuthorizationPolicy in front of the service does "
            "not allow this caller. An admin must add an AuthorizationPolicy allowing requests from your "
            "namespace (or turn off sidecar injection for the service).")

