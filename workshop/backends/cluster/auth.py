"""Tokens: where they come from, when they expire; never printed, logged or written elsewhere.

The KFP token is read through kfp's own ServiceAccountTokenVolumeCredentials on every request,
so a token the kubelet rotates in the notebook (or a file the user refreshes) is picked up
without a restart. The only place a token is ever written is a 0600 file the user asks for
(`write_token_file`).
"""

from __future__ import annotations

import base64
import json
import os
import time
from collections.abc import Callable
from typing import Any

from workshop.core.errors import BackendError
from workshop.core.text import by_language


class TokenSource:
    """Gives the current bearer token (or None), and says where it comes from in words."""

    description = "no token"

    def token(self) -> str | None:
        return None

    def __repr__(self) -> str:  # never the token itself
        return f"<{type(self).__name__}: {self.description}>"


class _HookConfig:
    """The two attributes kfp's refresh_api_key_hook writes to (a kfp_server_api Configuration has them)."""

    def __init__(self) -> None:
        self.api_key: dict[str, str] = {}
        self.api_key_prefix: dict[str, str] = {}


class FileToken(TokenSource):
    """A token file read again on every request, through kfp's refreshing credentials."""

    def __init__(self, path: str) -> None:
        from kfp.client.set_volume_credentials import ServiceAccountTokenVolumeCredentials

        self.path = path
        self.description = f"token file {path}"
        self._credentials = ServiceAccountTokenVolumeCredentials(path)

    def token(self) -> str | None:
        config = _HookConfig()
        try:
            self._credentials.refresh_api_key_hook(config)
        except OSError as exc:
            raise BackendError.of("backend:token_file", path=self.path, error=exc.strerror or exc) from None
        return config.api_key.get("authorization") or None


class StaticToken(TokenSource):
    def __init__(self, value: str, description: str) -> None:
        self._value = value.strip()
        self.description = description

    def token(self) -> str | None:
        return self._value or None


class HookToken(TokenSource):
    """A kubeconfig's credentials (token, exec plugin, OIDC), refreshed by the kubernetes client's hook."""

    def __init__(self, config: Any, description: str) -> None:
        self._config = config
        self.description = description

    def token(self) -> str | None:
        hook: Callable[[Any], None] | None = getattr(self._config, "refresh_api_key_hook", None)
        if hook is not None:
            hook(self._config)
        value = str(self._config.api_key.get("authorization", "") or "")
        return value.removeprefix("Bearer ").strip() or None


def kfp_token_source(token: str, token_file: str) -> TokenSource:
    if token_file:
        return FileToken(token_file)
    if token:
        return StaticToken(token, "environment WORKSHOP_TOKEN")
    return TokenSource()


def jwt_claims(token: str) -> dict[str, Any]:
    """The claims of a JWT, decoded without verifying anything (to tell its expiry and subject)."""
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        data = json.loads(base64.urlsafe_b64decode(payload.encode()))
    except (ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def token_expiry(token: str) -> float | None:
    exp = jwt_claims(token).get("exp")
    return float(exp) if isinstance(exp, int | float) else None


def describe_expiry(token: str, now: float | None = None, lang: str = "en") -> tuple[bool | None, str]:
    """(still valid?, words in `lang`) for a token, without ever showing it."""
    words = WORDS["zh" if lang == "zh" else "en"]
    claims = jwt_claims(token)
    exp = token_expiry(token)
    subject = claims.get("sub", "")
    who = words["who"].format(subject=subject) if subject else ""
    if exp is None:
        return None, words["not_jwt"].format(who=who)
    left = exp - (time.time() if now is None else now)
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(exp))
    if left <= 0:
        return False, words["expired"].format(span=_span(-left, lang), when=when, who=who)
    return True, words["valid"].format(span=_span(left, lang), when=when, who=who)


def _span(seconds: float, lang: str = "en") -> str:
    words = WORDS["zh" if lang == "zh" else "en"]
    if seconds >= 2 * 86400:
        return words["days"].format(n=f"{seconds / 86400:.0f}")
    if seconds >= 2 * 3600:
        return words["hours"].format(n=f"{seconds / 3600:.0f}")
    return words["minutes"].format(n=max(1, round(seconds / 60)))


# The token's words in both languages (the doctor's KFP token row; a 401 names the English ones).
WORDS: dict[str, dict[str, str]] = by_language("token")
NO_NOTEBOOK_TOKEN = WORDS["en"]["no_notebook_token"]


def renew_hint(in_notebook: bool, token_file: str, in_pod: bool = False,
               projected: str = "/var/run/secrets/kubeflow/pipelines/token", lang: str = "en") -> str:
    """What to do about a missing or refused KFP token, for where the workshop runs, in `lang`."""
    words = WORDS["zh" if lang == "zh" else "en"]
    if in_notebook and token_file:
        return words["renew_notebook"]
    if in_pod and not token_file:  # a learner cannot create tokens: name what they can do
        return words["no_notebook_token"].format(path=projected)
    return words["renew_file"].format(target=token_file or words["a_file"])


def write_token_file(path: str, token: str) -> None:
    """Write a token to a file only its owner can read (0600): the one place a token is written."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, token.strip().encode() + b"\n")
    finally:
        os.close(fd)
