"""Ask a served model for a prediction, as a learner would with curl (KServe's V1 protocol)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workshop.core.errors import PredictionError, said
from workshop.core.ports import Backend, ServiceHosts
from workshop.core.text import text as catalog_text


def parse_features(raw: list[str], names: list[str], lang: str = "en") -> list[float]:
    """The features as numbers; `names` are what the learner sees (the fields' labels).

    Non-finite values are refused as the Run form refuses them: JSON has no inf or nan, so the
    request would never be answered."""
    import math

    from workshop.core.check_text import say

    values = []
    for name, text in zip(names, raw, strict=True):
        try:
            value = float(text.strip())
        except ValueError:
            raise PredictionError(say(lang, "arg.not_number", name=name, raw=repr(text))) from None
        if not math.isfinite(value):
            raise PredictionError(say(lang, "arg.not_finite", name=name, raw=repr(text)))
        values.append(value)
    return values


def predict(backend: Backend, service: str, namespace: str, features: list[float], timeout: float = 30.0,
            lang: str = "en") -> Any:
    """The model's prediction for one row; raises PredictionError with what to do next."""
    import httpx

    status = backend.service_status(service, namespace)
    if not status.ready:
        raise PredictionError(catalog_text(lang, "learner:not_ready", service=service,
                                           detail=said(status.detail, lang)))
    url = f"{status.url}/v1/models/{service}:predict"
    try:
        response = httpx.post(url, json={"instances": [features]}, timeout=timeout)
    except httpx.HTTPError as exc:
        raise PredictionError(catalog_text(lang, "learner:no_answer", url=url, error=exc)) from exc
    if response.status_code != 200:
        raise PredictionError(catalog_text(lang, "learner:answered", url=url, status=response.status_code,
                                   body=response.text[:200]))
    predictions = response.json().get("predictions") or []
    if not predictions:
        raise PredictionError(catalog_text(lang, "learner:no_predictions", url=url, body=response.text[:200]))
    return predictions[0]


# KServe names an InferenceService's URL {name}.{namespace}.{ingressDomain} (status.url), and the
# Istio ingress gateway routes on that Host header; ingressDomain is "example.com" unless the
# cluster's admin set another (inferenceservice-config, key ingress). KServe's own docs call the
# model with exactly this: curl -H "Host: ${SERVICE_HOSTNAME}" http://${INGRESS_HOST}:${INGRESS_PORT}/v1/models/NAME:predict
DEFAULT_DOMAIN = "example.com"


def curl_command(service: str, namespace: str, features: list[float], domain: str = DEFAULT_DOMAIN,
                 gateway: str = "${INGRESS_HOST}:${INGRESS_PORT}", host: str | None = None) -> str:
    """The request a real cluster takes for these features, as a shell command (KServe's V1 protocol).

    host: the InferenceService's own (the host of its status.url); without it, the one KServe's
    default ingress domain gives, {service}.{namespace}.{domain}."""
    import json
    import shlex

    host = host or f"{service}.{namespace}.{domain}"
    body = json.dumps({"instances": [features]})
    url = f"http://{gateway}/v1/models/{service}:predict"
    # the URL in double quotes: the shell fills in the gateway's variables
    return (f"curl -H {shlex.quote('Host: ' + host)} -H 'Content-Type: application/json' \\\n"
            f"  \"{url}\" \\\n  -d {shlex.quote(body)}")


@dataclass(frozen=True)
class CurlRequest:
    """Copy as curl: the command, the Host header in it, and whether that host is the cluster's own
    (read from the InferenceService's status.url) or assumed (KServe's default domain)."""

    command: str
    host: str
    from_status: bool


def curl_request(backend: Backend, service: str, namespace: str, features: list[float]) -> CurlRequest:
    """The curl for these features with the Host header the backend knows; a backend that cannot say
    it (local), or a service with no status.url yet, gets the default domain's, marked as assumed."""
    host: str | None = None
    if isinstance(backend, ServiceHosts):
        try:
            host = backend.service_host(service, namespace)
        except Exception:  # noqa: BLE001 - a cluster that does not answer now: the assumed host, said so
            host = None
    assumed = f"{service}.{namespace}.{DEFAULT_DOMAIN}"
    return CurlRequest(curl_command(service, namespace, features, host=host), host or assumed, host is not None)
