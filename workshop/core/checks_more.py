"""Check kinds for lessons 2-5: volumes, resources, the object store, KServe."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from workshop.core.checks import CheckContext, Outcome, check, failed, passed, skipped

# Iris samples whose species every reasonable classifier gets right (setosa, versicolor, virginica).
IRIS_SAMPLES = [[5.1, 3.5, 1.4, 0.2], [5.9, 3.0, 4.2, 1.5], [6.9, 3.1, 5.4, 2.1], [4.9, 3.0, 1.4, 0.2]]
IRIS_LABELS = [0, 1, 2, 0]


def _skew(ctx: CheckContext) -> float:
    """How far the backend's clock may be off ours: none locally, a little on a cluster."""
    return float(getattr(ctx.backend, "clock_skew", 0.0))


def _when(ts: float) -> str:
    import time

    return time.strftime("%H:%M:%S", time.localtime(ts))


def _executor_label(pipeline: dict[str, Any], task: str) -> str | None:
    spec = pipeline.get("root", {}).get("dag", {}).get("tasks", {}).get(task)
    if spec is None:
        return None
    comp = pipeline.get("components", {}).get(spec.get("componentRef", {}).get("name", ""), {})
    return comp.get("executorLabel")


def _platform_executor(platform: dict[str, Any], label: str) -> dict[str, Any]:
    executors = platform.get("platforms", {}).get("kubernetes", {}).get("deploymentSpec", {}).get("executors", {})
    return executors.get(label, {}) or {}


def _yaml(data: Any) -> str:
    import yaml

    return yaml.safe_dump(data, sort_keys=True, default_flow_style=False).strip()


@check("pvc_mounts")
def pvc_mounts(ctx: CheckContext, params: dict[str, Any]) -> Outcome:
    pipeline, platform = ctx.spec_docs()
    volume, mount_path = params["volume"], params["mount_path"]
    missing, seen = [], {}
    for task in params.get("tasks", []):
        label = _executor_label(pipeline, task)
        mounts = _platform_executor(platform, label or "").get("pvcMount", [])
        seen[task] = mounts
        ok = any(
            (m.get("constant") or m.get("pvcName")
             or m.get("pvcNameParameter", {}).get("runtimeValue", {}).get("constant")) == volume
            and m.get("mountPath") == mount_path
            for m in mounts
        )
        if not ok:
            missing.append(task)
    fragment = _yaml({t: {"pvcMount": m} for t, m in seen.items()})
    if missing:
        return failed(f"{', '.join(missing)} does not mount PVC {volume} at {mount_path}", yaml=fragment)
    return passed(f"every task mounts PVC {volume} at {mount_path}", yaml=fragment)


def _numbers(text: str) -> list[int]:
    return [int(line.strip()) for line in text.splitlines() if line.strip()]


@check("volume_sorted")
def volume_sorted(ctx: CheckContext, params: dict[str, Any]) -> Outcome:
    volume, source, target = params["volume"], params["input"], params["output"]
    where = f"{volume}:/{target}"
    try:
        numbers = _numbers(ctx.backend.read_volume_file(volume, source))
    except FileNotFoundError:
        return failed(f"the input {volume}:/{source} is missing: put your numbers there, one per line")
    except ValueError as exc:
        return failed(f"the input {volume}:/{source} holds something that is not an integer: {exc}")
    try:
        text = ctx.backend.read_volume_file(volume, target)
    except FileNotFoundError:
        return failed(f"{where} does not exist: the save task did not write it", file=where)
    head = "\n".join(text.splitlines()[:5])
    modified = ctx.backend.volume_file_modified(volume, target)
    if modified < ctx.run.started_at - _skew(ctx):
        return failed(f"{where} was written by an earlier run, not by this one "
                      f"(last written {_when(modified)}, this run started {_when(ctx.run.started_at)})",
                      file=where, first_lines=head)
    try:
        got = _numbers(text)
    except ValueError:
        return failed(f"{where} holds something that is not one integer per line", file=where, first_lines=head)
    expected = sorted(numbers, reverse=params.get("order", "desc") == "desc")
    if got == expected:
        return passed(f"{where} holds the {len(got)} input numbers sorted {params.get('order', 'desc')}",
                      file=where, first_lines=head)
    return failed(f"{where} is not the input sorted {params.get('order', 'desc')}: expected "
                  f"{expected[:5]}..., found {got[:5]}...", file=where, first_lines=head)


def _resources(container: dict[str, Any]) -> dict[str, Any]:
    res = container.get("resources", {})
    acc = res.get("accelerator", {})
    return {
        "cpu_limit": str(res.get("resourceCpuLimit", res.get("cpuLimit", ""))),
        "memory_limit": str(res.get("resourceMemoryLimit", res.get("memoryLimit", ""))),
        "accelerator_type": str(acc.get("resourceType", acc.get("type", ""))),
        "accelerator_count": str(acc.get("resourceCount", acc.get("count", ""))),
    }


@check("task_resources")
def task_resources(ctx: CheckContext, params: dict[str, Any]) -> Outcome:
    pipeline, platform = ctx.spec_docs()
    task = params["task"]
    label = _executor_label(pipeline, task)
    if label is None:
        return failed(f"there is no task {task} in the compiled pipeline")
    container = pipeline.get("deploymentSpec", {}).get("executors", {}).get(label, {}).get("container", {})
    have = _resources(container)
    selector = _platform_executor(platform, label).get("nodeSelector", {}).get("labels", {})
    fragment = _yaml({"resources": container.get("resources", {}), "nodeSelector": selector})
    problems = []
    for key in ("cpu_limit", "memory_limit", "accelerator_type", "accelerator_count"):
        if key in params and str(params[key]) != have[key]:
            problems.append(f"{key} is {have[key] or 'not set'}, expected {params[key]}")
    for k, v in params.get("node_selector", {}).items():
        if selector.get(k) != v:
            problems.append(f"node selector {k}={selector.get(k, 'not set')}, expected {v}")
    if problems:
        return failed(f"{task}: " + "; ".join(problems), yaml=fragment)
    wanted = ", ".join(f"{k}={params[k]}" for k in params if k not in ("task", "node_selector"))
    return passed(f"{task} asks for {wanted}" + (f" on {selector}" if selector else ""), yaml=fragment)


@check("task_report")
def task_report(ctx: CheckContext, params: dict[str, Any]) -> Outcome:
    task = params["task"]
    lines = ctx.backend.task_log(ctx.run.run_id, task)
    wanted = params.get("expect", [])
    found = [line.strip() for line in lines if any(w in line for w in wanted)]
    missing = [w for w in wanted if not any(w in line for line in lines)]
    if not lines:
        return failed(f"{task} printed nothing (did it run?)")
    if missing:
        return failed(f"{task} did not report {', '.join(missing)}", report="\n".join(found))
    return passed(f"{task} reported what it was given", report="\n".join(found))


@check("gpu_runtime")
def gpu_runtime(ctx: CheckContext, params: dict[str, Any]) -> Outcome:
    gpus = ctx.backend.gpu_lines()
    if gpus is None:
        return skipped("skipped: no GPU here (nvidia-smi finds none where the tasks run); "
                       "the spec checks above decide this lesson")
    lines = [line.strip() for line in ctx.backend.task_log(ctx.run.run_id, params["task"]) if "GPU " in line]
    if any("UUID" in line or line.startswith("GPU ") for line in lines):
        return passed(f"the task saw {len(lines)} GPU line(s)", nvidia_smi="\n".join(lines), host="\n".join(gpus))
    return failed("this machine has a GPU, but the task saw none", host="\n".join(gpus))


@check("s3_object")
def s3_object(ctx: CheckContext, params: dict[str, Any]) -> Outcome:
    bucket, key = params["bucket"], params["key"]
    try:
        info = ctx.backend.stat_object(bucket, key)
    except Exception as exc:
        return failed(f"s3://{bucket}/{key} is not there: {exc}", bucket=bucket, key=key)
    evidence = {"bucket": bucket, "key": key, "size": info.size, "etag": info.etag,
                "last_modified": _when(info.last_modified)}
    if info.last_modified and info.last_modified < ctx.run.started_at - _skew(ctx):
        return failed(f"s3://{bucket}/{key} was stored by an earlier run, not by this one", **evidence)
    return passed(f"s3://{bucket}/{key} is stored ({info.size} bytes)", **evidence)


@check("keras_model_accuracy")
def keras_model_accuracy(ctx: CheckContext, params: dict[str, Any]) -> Outcome:
    import json
    import subprocess
    import sys

    bucket, key = params["bucket"], params["key"]
    minimum = float(params.get("min_accuracy", 0.9))
    try:
        data = ctx.backend.get_object(bucket, key)
    except Exception as exc:
        return failed(f"cannot download s3://{bucket}/{key}: {exc}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(key).name
        path.write_bytes(data)
        scale = str(params.get("input_scale", 16.0))
        done = subprocess.run([sys.executable, "-m", "workshop.core.keras_eval", str(path), scale],
                              capture_output=True, text=True, timeout=600)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        return failed(f"scoring the model failed: {(done.stderr.strip().splitlines() or ['?'])[-1]}")
    result = json.loads(lines[-1])
    if "error" in result:
        return failed(f"s3://{bucket}/{key} is {result['error']}")
    accuracy = float(result["accuracy"])
    evidence = {"object": f"s3://{bucket}/{key}", "held_out_samples": result["samples"],
                "accuracy": f"{accuracy:.3f}"}
    if accuracy >= minimum:
        return passed(f"the stored model scores {accuracy:.3f} on held-out digits (≥ {minimum})", **evidence)
    return failed(f"the stored model scores {accuracy:.3f} on held-out digits, below {minimum}", **evidence)


def _namespace(ctx: CheckContext) -> str:
    return str(ctx.run.arguments.get("namespace") or "local")


def _same_uri(a: str, b: str) -> bool:
    """An artifact URI as KFP records it and as the InferenceService holds it."""
    def norm(uri: str) -> str:
        uri = uri.strip().rstrip("/")
        for prefix, repl in (("minio://", "s3://"), ("file://", "")):
            if uri.startswith(prefix):
                uri = repl + uri[len(prefix):]
        return uri

    return norm(a) == norm(b)


@check("kserve_ready")
def kserve_ready(ctx: CheckContext, params: dict[str, Any]) -> Outcome:
    status = ctx.backend.service_status(params["service"], _namespace(ctx))
    if not status.ready:
        return failed(f"InferenceService {status.name} is not ready: {status.detail}")
    evidence = {"url": status.url, "storage_uri": status.storage_uri}
    model_from = params.get("model_from")  # "task/output": the model this run trained
    if model_from:
        task, _, output = model_from.partition("/")
        artifact = ctx.backend.task_outputs(ctx.run.run_id, task).get(output)
        uri = artifact.get("uri", "") if isinstance(artifact, dict) else ""
        evidence["this_run_model"] = uri or "(none)"
        if not uri:
            return failed(f"this run has no {model_from} artifact, so nothing new can be served", **evidence)
        if not _same_uri(uri, status.storage_uri):
            return failed(f"InferenceService {status.name} serves another model than this run trained "
                          "(an earlier deployment?)", **evidence)
    return passed(f"InferenceService {status.name} is ready" +
                  (", serving this run's model" if model_from else ""), **evidence)


@check("kserve_prediction")
def kserve_prediction(ctx: CheckContext, params: dict[str, Any]) -> Outcome:
    import httpx

    name, protocol = params["service"], params.get("protocol", "v1")
    status = ctx.backend.service_status(name, _namespace(ctx))
    if not status.ready:
        return failed(f"InferenceService {name} is not ready, so it cannot predict: {status.detail}")
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
        return failed(f"no answer from {url}: {exc}")
    if response.status_code != 200:
        return failed(f"{url} answered {response.status_code}: {response.text[:200]}")
    answer = response.json()
    got = answer["outputs"][0]["data"] if protocol == "v2" else answer.get("predictions")
    got = [int(x) for x in got or []]
    evidence = {"url": url, "request": str(IRIS_SAMPLES), "predictions": str(got), "expected": str(IRIS_LABELS)}
    if got == IRIS_LABELS:
        return passed(f"{protocol.upper()} predictions match the known species", **evidence)
    return failed(f"{protocol.upper()} predictions {got} differ from the known species {IRIS_LABELS}", **evidence)
