"""Check kinds that look at model serving (lesson 5): the InferenceService the run deployed, that it
serves this run's model, and that it answers a prediction."""

from __future__ import annotations

from typing import Any

from workshop.core.check_base import CheckContext, Outcome, check, failed, passed
from workshop.core.check_text import say
from workshop.core.errors import said
from workshop.core.ports import PredictionHints, ServiceNamespaces, ServiceStatus, ServiceWaits
from workshop.core.wiring import task_input_value

# Iris samples whose species every reasonable classifier gets right (setosa, versicolor, virginica).
IRIS_SAMPLES = [[5.1, 3.5, 1.4, 0.2], [5.9, 3.0, 4.2, 1.5], [6.9, 3.1, 5.4, 2.1], [4.9, 3.0, 1.4, 0.2]]
IRIS_LABELS = [0, 1, 2, 0]


def _service(ctx: CheckContext, params: dict[str, Any]) -> tuple[str, str]:
    """The InferenceService's name and namespace where this run created it.

    The deploy task's inputs in the compiled spec say it (the tutorial hard-codes both); else the
    run's `namespace` argument. Where the backend can list InferenceServices and there is none of
    that name in that namespace, the one namespace that holds a service of that name.
    """
    name, namespace = str(params["service"]), str(ctx.run.arguments.get("namespace") or "local")
    deploy = params.get("deploy_task")
    if deploy:
        name = task_input_value(ctx, deploy, str(params.get("name_input", "service_name"))) or name
        namespace = task_input_value(ctx, deploy, str(params.get("namespace_input", "namespace"))) or namespace
    if isinstance(ctx.backend, ServiceNamespaces):
        found = list(ctx.backend.service_namespaces(name))
        if namespace not in found and len(found) == 1:
            namespace = found[0]
    return name, namespace


def _same_uri(a: str, b: str) -> bool:
    """An artifact URI as KFP records it and as the InferenceService holds it."""
    def norm(uri: str) -> str:
        uri = uri.strip().rstrip("/")
        for prefix, repl in (("minio://", "s3://"), ("file://", "")):
            if uri.startswith(prefix):
                uri = repl + uri[len(prefix):]
        return uri

    return norm(a) == norm(b)


def _ready(ctx: CheckContext, name: str, namespace: str) -> ServiceStatus:
    """The service's status once Ready (or the wait's end); a backend that can says what it waits for meanwhile."""
    if isinstance(ctx.backend, ServiceWaits):
        return ctx.backend.wait_for_service(name, namespace, ctx.on_wait)
    return ctx.backend.service_status(name, namespace)


@check("kserve_ready")
def kserve_ready(ctx: CheckContext, params: dict[str, Any]) -> Outcome:
    name, namespace = _service(ctx, params)
    status = _ready(ctx, name, namespace)
    if not status.ready:
        return failed(say(ctx.lang, "kserve_ready.not_ready", name=status.name, detail=said(status.detail, ctx.lang)),
                      namespace=namespace)
    evidence = {"url": status.url, "storage_uri": status.storage_uri, "namespace": namespace}
    model_from = params.get("model_from")  # "task/output": the model this run trained
    if model_from:
        task, _, output = model_from.partition("/")
        artifact = ctx.backend.task_outputs(ctx.run.run_id, task).get(output)
        uri = artifact.get("uri", "") if isinstance(artifact, dict) else ""
        evidence["this_run_model"] = uri or "(none)"
        if not uri:
            return failed(say(ctx.lang, "kserve_ready.no_artifact", model_from=model_from), **evidence)
        if not _same_uri(uri, status.storage_uri):
            return failed(say(ctx.lang, "kserve_ready.other_model", name=status.name), **evidence)
        return passed(say(ctx.lang, "kserve_ready.ok_this_model", name=status.name), **evidence)
    return passed(say(ctx.lang, "kserve_ready.ok", name=status.name), **evidence)


@check("kserve_prediction")
def kserve_prediction(ctx: CheckContext, params: dict[str, Any]) -> Outcome:
    import httpx

    protocol = params.get("protocol", "v1")
    name, namespace = _service(ctx, params)
    status = _ready(ctx, name, namespace)
    if not status.ready:
        return failed(say(ctx.lang, "kserve_prediction.not_ready", name=name, detail=said(status.detail, ctx.lang)))
    if protocol == "v2":
        url = f"{status.url}/v2/models/{name}/infer"
        body: dict[str, Any] = {"inputs": [{"name": "input-0", "shape": [len(IRIS_SAMPLES), 4],
                                            "datatype": "FP32", "data": IRIS_SAMPLES}]}
    else:
        url = f"{status.url}/v1/models/{name}:predict"
        body = {"instances": IRIS_SAMPLES}
    try:
        response = httpx.post(url, json=body, timeout=30)
    except httpx.HTTPError as exc:
        return failed(say(ctx.lang, "kserve_prediction.no_answer", url=url, error=exc))
    if response.status_code != 200:
        hint = (ctx.backend.prediction_hint(response.status_code, response.text)
                if isinstance(ctx.backend, PredictionHints) else "")
        return failed(say(ctx.lang, "kserve_prediction.http_error", url=url, code=response.status_code,
                          body=response.text[:200]) + (f" — {said(hint, ctx.lang)}" if hint else ""))
    answer = response.json()
    got = answer["outputs"][0]["data"] if protocol == "v2" else answer.get("predictions")
    got = [int(x) for x in got or []]
    evidence = {"url": url, "request": str(IRIS_SAMPLES), "predictions": str(got), "expected": str(IRIS_LABELS)}
    if got == IRIS_LABELS:
        return passed(say(ctx.lang, "kserve_prediction.ok", protocol=protocol.upper()), **evidence)
    return failed(say(ctx.lang, "kserve_prediction.wrong", protocol=protocol.upper(), got=got, expected=IRIS_LABELS),
                  **evidence)
