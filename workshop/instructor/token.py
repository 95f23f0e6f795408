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

ACCOUNT = "kfp-api-user"
BINDING = "kfp-api-user-binding"
CLUSTER_ROLE = "kubeflow-pipelines-edit"
AUDIENCE = "pipelines.kubeflow.org"
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> int:
    """Seconds in forms like 24h, 90m, 3600s, 1h30m or a bare number of seconds."""
    value = text.strip().lower()
    if value.isdigit():
        seconds = int(value)
    elif re.fullmatch(r"(\d+[dhms])+", value):
        seconds = sum(int(n) * _UNITS[unit] for n, unit in re.findall(r"(\d+)([dhms])", value))
    else:
        raise ValueError(f"{text!r} is not a duration like 24h, 90m or 3600s")
    if seconds < 600:
        raise ValueError(f"{text!r} is too short: Kubernetes issues tokens for at least 10 minutes")
    return seconds


@dataclass
class TokenResult:
    steps: list[str] = field(default_factory=list)
    token: str = field(default="", repr=False)
    expires: str = ""


def _labels() -> dict[str, str]:
    return {"app.kubernetes.io/part-of": PART_OF}


def issue_token(kube: Any, namespace: str, seconds: int, output: str) -> TokenResult:
    """Create what is missing, request a token, write it to `output` (0600). The token is never logged."""
    result = TokenResult()
    account = {"apiVersion": "v1", "kind": "ServiceAccount",
               "metadata": {"name": ACCOUNT, "namespace": namespace, "labels": _labels()}}
    created = _create(lambda: kube.create_if_missing("serviceaccounts", account, namespace),
                      f"create serviceaccounts in namespace {namespace}")
    result.steps.append(f"service account {namespace}/{ACCOUNT}: {'created' if created else 'already there'}")
    binding = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
               "metadata": {"name": BINDING, "labels": _labels()},
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": CLUSTER_ROLE},
               "subjects": [{"kind": "ServiceAccount", "name": ACCOUNT, "namespace": namespace}]}
    created = _create(lambda: kube.create_cluster_role_binding(binding), "create clusterrolebindings (cluster scope)")
    result.steps.append(f"ClusterRoleBinding {BINDING} to {CLUSTER_ROLE}: {'created' if created else 'already there'}")
    answer = _create(lambda: kube.request_token(ACCOUNT, namespace, AUDIENCE, seconds),
                     f"create serviceaccounts/token in namespace {namespace}")
    status = answer.get("status") or {}
    token = str(status.get("token") or "")
    if not token:
        raise BackendError(f"the TokenRequest for {namespace}/{ACCOUNT} was answered without a token")
    write_token_file(output, token)
    result.token = token
    result.expires = str(status.get("expirationTimestamp") or "unknown")
    result.steps.append(f"token for {namespace}/{ACCOUNT} (audience {AUDIENCE}) written to {output} (mode 0600)")
    return result


def _create(step: Any, permission: str) -> Any:
    try:
        return step()
    except HttpError as exc:
        if exc.status == 403:
            raise BackendError(f"the Kubernetes API refused to {permission} (403 Forbidden): this needs a "
                               "cluster admin (cluster-admin), as the tutorial's kubectl steps do; run it with an "
                               "admin's kubeconfig (WORKSHOP_KUBECONFIG)") from None
        raise
