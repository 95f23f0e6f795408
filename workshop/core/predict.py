"""Ask a served model for a prediction, as a learner would with curl (KServe's V1 protocol)."""

from __future__ import annotations

from typing import Any

from workshop.core.errors import PredictionError
from workshop.core.ports import Backend


def parse_features(raw: list[str], names: list[str]) -> list[float]:
    values = []
    for name, text in zip(names, raw, strict=True):
        try:
            values.append(float(text.strip()))
        except ValueError:
            raise PredictionError(f"{name} must be a number, not {text!r}") from None
    return values


def predict(backend: Backend, service: str, namespace: str, features: list[float], timeout: float = 30.0) -> Any:
    """The model's prediction for one row; raises PredictionError with what to do next."""
    import httpx

    status = backend.service_status(service, namespace)
    if not status.ready:
        raise PredictionError(f"{service} is not ready: {status.detail}. Run the lesson first.")
    url = f"{status.url}/v1/models/{service}:predict"
    try:
        response = httpx.post(url, json={"instances": [features]}, timeout=timeout)
    except httpx.HTTPError as exc:
        raise PredictionError(f"no answer from {url}: {exc}") from exc
    if response.status_code != 200:
        raise PredictionError(f"{url} answered {response.status_code}: {response.text[:200]}")
    predictions = response.json().get("predictions") or []
    if not predictions:
        raise PredictionError(f"{url} answered without predictions: {response.text[:200]}")
    return predictions[0]
