"""`workshop instructor token`: the tutorial's kubectl steps (2.2.1) for the learners' KFP token.

A service account kfp-api-user in kubeflow, bound to kubeflow-pipelines-edit by the
ClusterRoleBinding kfp-api-user-binding, and a token for it from the TokenRequest API with
the audience pipelines.kubeflow.org. The token goes to a 0600 file and nowhere else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from workshop.backends.cluster.auth import write_token_file
from workshop.backends.cluster.config import PART_OF
from workshop.backends.cluster.rest import HttpError
from workshop.core.errors import BackendError
from workshop.instructor.words import say

ACCOUNT = "kfp-api-user"
BINDING = "kfp-api-user-binding"
CLUSTER_ROLE = "kubeflow-pipelines-edit"
AUDIENCE = "pipelines.kubeflow.org"
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str, lang: str = "en") -> int:
    """Seconds in forms like 24h, 90m, 3600s, 1h30m or a bare number of seconds."""
    value = text.strip().lower()
    if value.isdigit():
        seconds = int(value)
    elif re.fullmatch(r"(\d+[dhms])+", value):
        seconds = sum(int(n) * _UNITS[unit] for n, unit in re.findall(r"(\d+)([dhms])", value))
    else:
        raise ValueError(say(lang, "not_duration", text=text))
    if seconds < 600:
        raise ValueError(say(lang, "too_short", text=text))
    return seconds


@dataclass
class TokenResult:
    steps: list[str] = field(default_factory=list)
    token: str = field(default="", repr=False)
    expires: str = ""


def _labels() -> dict[str, str]:
    return {"app.kubernetes.io/part-of": PART_OF}


def issue_token(kube: Any, namespace: str, seconds: int, output: str, lang: str = "en") -> TokenResult:
    """Create what is missing, request a token, write it to `output` (0600); the steps in `lang`.

    The token is never logged."""
    result = TokenResult()
    account = {"apiVersion": "v1", "kind": "ServiceAccount",
               "metadata": {"name": ACCOUNT, "namespace": namespace, "labels": _labels()}}
    created = _create(lambda: kube.create_if_missing("serviceaccounts", account, namespace),
                      say(lang, "perm_account", namespace=namespace), lang)
    result.steps.append(say(lang, "step_account", namespace=namespace, account=ACCOUNT,
                            outcome=_outcome(lang, created)))
    binding = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
               "metadata": {"name": BINDING, "labels": _labels()},
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": CLUSTER_ROLE},
               "subjects": [{"kind": "ServiceAccount", "name": ACCOUNT, "namespace": namespace}]}
    created = _create(lambda: kube.create_cluster_role_binding(binding), say(lang, "perm_binding"), lang)
    result.steps.append(say(lang, "step_binding", binding=BINDING, role=CLUSTER_ROLE, outcome=_outcome(lang, created)))
    answer = _create(lambda: kube.request_token(ACCOUNT, namespace, AUDIENCE, seconds),
                     say(lang, "perm_token", namespace=namespace), lang)
    status = answer.get("status") or {}
    token = str(status.get("token") or "")
    if not token:
        raise BackendError(say(lang, "no_token", namespace=namespace, account=ACCOUNT))
    write_token_file(output, token)
    result.token = token
    result.expires = str(status.get("expirationTimestamp") or "unknown")
    result.steps.append(say(lang, "step_token", namespace=namespace, account=ACCOUNT, audience=AUDIENCE, output=output))
    return result


def _outcome(lang: str, created: bool) -> str:
    return say(lang, "created" if created else "already_there")


def _create(step: Any, permission: str, lang: str = "en") -> Any:
    try:
        return step()
    except HttpError as exc:
        if exc.status == 403:
            raise BackendError(say(lang, "forbidden", permission=permission)) from None
        raise
