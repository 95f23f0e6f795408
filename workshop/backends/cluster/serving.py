"""KServe: the InferenceService the lesson's deploy step creates, and what it needs to load the model.

The predictor's storage initializer downloads s3:// models with the credentials of the
service account the InferenceService names (workshop-kserve-sa): a secret that carries the
S3 keys plus KServe's serving.kserve.io/s3-* annotations. ensure_prerequisites() creates or
updates both, copying the keys from mlpipeline-minio-artifact, labelled as the workshop's.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from workshop.backends.cluster.config import PART_OF
from workshop.backends.cluster.kube import KubeApi
from workshop.backends.cluster.objectstore import ObjectStore
from workshop.core.errors import BackendError, Words, words
from workshop.core.ports import ServiceStatus
from workshop.core.text import text

SERVICE_ACCOUNT = "workshop-kserve-sa"
S3_SECRET = "workshop-kserve-s3"
RBAC_HINT = words("backend:istio_predict")  # what a check says of a refused prediction


def storage_uri(isvc: dict[str, Any]) -> str:
    predictor = (isvc.get("spec") or {}).get("predictor") or {}
    for key in ("sklearn", "model"):
        uri = (predictor.get(key) or {}).get("storageUri")
        if uri:
            return str(uri)
    return ""


def cluster_url(isvc: dict[str, Any], name: str, namespace: str) -> str:
    status = isvc.get("status") or {}
    predictor = ((status.get("components") or {}).get("predictor") or {})
    for candidate in (predictor.get("address") or {}, status.get("address") or {}):
        url = candidate.get("url")
        if url:
            return str(url).rstrip("/")
    return f"http://{name}-predictor.{namespace}.svc.cluster.local"


def external_host(isvc: dict[str, Any]) -> str | None:
    """The host of status.url: what KServe's own docs put in the Host header (`cut -d / -f 3` of it).

    KServe writes it from the cluster's ingress domain and domain template (Knative's
    {name}.{namespace}.{domain} in serverless mode, {name}-{namespace}.{domain} in raw mode), so
    it is the only place that says the cluster's real host."""
    from urllib.parse import urlsplit

    url = (isvc.get("status") or {}).get("url")
    if not url:
        return None
    host = urlsplit(str(url)).hostname
    return host or None


def conditions_text(isvc: dict[str, Any], lang: str = "en") -> str:
    conditions = (isvc.get("status") or {}).get("conditions") or []
    parts = []
    for c in conditions:
        if c.get("status") == "True":
            continue
        words = " ".join(str(c.get(k)) for k in ("reason", "message") if c.get(k))
        parts.append(f"{c.get('type')}: {words or c.get('status', 'Unknown')}")
    return "; ".join(parts) or text(lang, "backend:wait_no_conditions")


def _container_text(status: dict[str, Any], lang: str) -> str:
    state = status.get("state") or {}
    name = status.get("name", "?")
    if "waiting" in state:
        waiting = state["waiting"] or {}
        message = f": {waiting['message']}" if waiting.get("message") else ""
        return text(lang, "backend:wait_container_waiting", name=name, message=message,
                    reason=waiting.get("reason") or text(lang, "backend:wait_no_reason_yet"))
    if "terminated" in state:
        done = state["terminated"] or {}
        return text(lang, "backend:wait_container_ended", name=name, code=done.get("exitCode", "?"),
                    reason=done.get("reason") or text(lang, "backend:wait_no_reason"))
    if "running" in state:
        return text(lang, "backend:wait_container_running", name=name)
    return text(lang, "backend:wait_container_not_started", name=name)


def pod_text(pod: dict[str, Any], lang: str = "en") -> str:
    """A predictor pod as the learner needs it: its init container (the model download) and its server."""
    status = pod.get("status") or {}
    name = (pod.get("metadata") or {}).get("name", "?")
    containers = (status.get("initContainerStatuses") or []) + (status.get("containerStatuses") or [])
    if containers:
        return text(lang, "backend:wait_pod", name=name,
                    containers=", ".join(_container_text(c, lang) for c in containers))
    unscheduled = next((c for c in status.get("conditions") or [] if c.get("type") == "PodScheduled"
                        and c.get("status") == "False"), None)
    if unscheduled:
        return text(lang, "backend:wait_pod_unscheduled", name=name,
                    why=unscheduled.get("message") or unscheduled.get("reason"))
    return text(lang, "backend:wait_pod", name=name, containers=status.get("phase") or "Pending")


def waiting_text(isvc: dict[str, Any], pods: list[dict[str, Any]], lang: str = "en") -> str:
    """What a readiness wait waits for now: the Ready condition, the predictor's URL, the predictor pods.
    The cluster's own words (reasons, messages, phases) stay as the cluster wrote them."""
    status = isvc.get("status") or {}
    conditions = status.get("conditions") or []
    ready = next((c for c in conditions if c.get("type") == "Ready"), None)
    parts = [text(lang, "backend:wait_ready", conditions=conditions_text(isvc, lang)) if ready is not None
             or conditions else text(lang, "backend:wait_ready_unreported")]
    predictor = ((status.get("components") or {}).get("predictor") or {}).get("address") or {}
    parts.append(text(lang, "backend:wait_url", url=predictor["url"]) if predictor.get("url")
                 else text(lang, "backend:wait_url_none"))
    parts += [pod_text(pod, lang) for pod in pods] or [text(lang, "backend:wait_no_pod")]
    return "; ".join(parts)


def _conditions_words(isvc: dict[str, Any]) -> Words:
    return Words(lambda lang: conditions_text(isvc, lang))


def waiting_words(isvc: dict[str, Any], pods: list[dict[str, Any]]) -> Words:
    """waiting_text, said in whichever language it is asked for (str() is the English)."""
    return Words(lambda lang: waiting_text(isvc, pods, lang))


def is_ready(isvc: dict[str, Any]) -> bool:
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in (isvc.get("status") or {}).get("conditions") or [])


def prediction_hint(status_code: int, body: str) -> str | Words:
    """What to do about a refused prediction; '' when the answer is not Istio's RBAC denial."""
    return RBAC_HINT if status_code == 403 and "RBAC: access denied" in body else ""


class Serving:
    def __init__(self, kube: KubeApi, objects: ObjectStore, poll: float = 2.0) -> None:
        self.kube = kube
        self.objects = objects
        self.poll = poll

    def status(self, name: str, namespace: str, timeout: float = 60.0,
               on_wait: Callable[[str, str | Words], object] | None = None) -> ServiceStatus:
        """Wait up to timeout for Ready; on_wait(what, detail) hears what it waits for each time that changes."""
        deadline = time.monotonic() + timeout
        said = ""
        while True:
            isvc = self.kube.get_isvc(name, namespace)
            if isvc is None:
                return ServiceStatus(name, False, "", words("backend:no_isvc", name=name, namespace=namespace))
            if is_ready(isvc):
                return ServiceStatus(name, True, cluster_url(isvc, name, namespace), "ready", storage_uri(isvc))
            if on_wait is not None:
                detail = waiting_words(isvc, self.pods(name, namespace))
                if str(detail) != said:
                    said = str(detail)
                    on_wait(f"InferenceService {namespace}/{name}", detail)
            if time.monotonic() >= deadline:
                late = words("backend:isvc_no_ready_in_time", namespace=namespace, name=name, timeout=f"{timeout:g}",
                             conditions=_conditions_words(isvc))
                return ServiceStatus(name, False, "", late, storage_uri(isvc))
            time.sleep(min(self.poll, max(0.0, deadline - time.monotonic())))

    def pods(self, name: str, namespace: str) -> list[dict[str, Any]]:
        """The predictor pods (KServe labels them with their InferenceService); [] when they may not be read."""
        try:
            return self.kube.list_pods(f"serving.kserve.io/inferenceservice={name}", namespace)
        except BackendError:
            return []

    def ensure_prerequisites(self) -> dict[str, str]:
        access, key = self.objects.credentials()
        endpoint = self.objects.endpoint()
        https = self.objects.url.startswith("https://")
        labels = {"app.kubernetes.io/part-of": PART_OF}
        secret = {
            "apiVersion": "v1", "kind": "Secret", "type": "Opaque",
            "metadata": {"name": S3_SECRET, "labels": labels, "annotations": {
                "serving.kserve.io/s3-endpoint": endpoint,
                "serving.kserve.io/s3-usehttps": "1" if https else "0",
                "serving.kserve.io/s3-verifyssl": "1" if https and self.objects.verify else "0",
                "serving.kserve.io/s3-region": "us-east-1",
            }},
            "stringData": {"AWS_ACCESS_KEY_ID": access, "AWS_SECRET_ACCESS_KEY": key},
        }
        self.kube.apply("secrets", secret)
        account = {"apiVersion": "v1", "kind": "ServiceAccount",
                   "metadata": {"name": SERVICE_ACCOUNT, "labels": labels}, "secrets": [{"name": S3_SECRET}]}
        self.kube.apply("serviceaccounts", account)
        return {"service_account": SERVICE_ACCOUNT, "secret": S3_SECRET, "s3_endpoint": endpoint}

    def predict(self, url: str, body: dict[str, Any], timeout: float = 30.0) -> dict[str, Any]:
        import httpx

        try:
            response = httpx.post(url, json=body, timeout=timeout)
        except httpx.HTTPError as exc:
            raise BackendError.of("learner:no_answer", url=url, error=exc) from None
        hint = prediction_hint(response.status_code, response.text)
        if hint:
            raise BackendError.of("backend:istio_predict")
        if response.status_code != 200:
            raise BackendError.of("learner:answered", url=url, status=response.status_code, body=response.text[:200])
        return dict(response.json())
