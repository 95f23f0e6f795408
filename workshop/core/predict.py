"""Ask a served model for a prediction, as a learner would with curl (KServe's V1 protocol)."""

from __future__ import annotations

from typing import Any

from workshop.core.errors import PredictionError
from workshop.core.ports import Backend


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
