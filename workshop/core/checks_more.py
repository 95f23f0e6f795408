"""Check kinds for lessons 2-5: volumes, resources, the object store, KServe."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from workshop.core.check_base import CheckContext, Outcome, check, failed, passed, skipped
from workshop.core.check_text import order_word, say
from workshop.core.pipeline_spec import Task
from workshop.core.ports import ClockSkew, PredictionHints, ServiceNamespaces, ServiceStatus, ServiceWaits, TaskPods
from workshop.core.wiring import task_input_value

# Iris samples whose species every reasonable classifier gets right (setosa, versicolor, virginica).
IRIS_SAMPLES = [[5.1, 3.5, 1.4, 0.2], [5.9, 3.0, 4.2, 1.5], [6.9, 3.1, 5.4, 2.1], [4.9, 3.0, 1.4, 0.2]]
IRIS_LABELS = [0, 1, 2, 0]


def _skew(ctx: CheckContext) -> float:
    """How far the backend's clock may be off ours: none locally, a little on a cluster."""
    return float(ctx.backend.clock_skew) if isinstance(ctx.backend, ClockSkew) else 0.0


def _when(ts: float) -> str:
    import time

    return time.strftime("%H:%M:%S", time.localtime(ts))


def _task(ctx: CheckContext, name: str) -> Task | None:
    """The task called `name` at any depth of the DAG (inside dsl.If, ParallelFor, ...): root first."""
    return ctx.pipeline().task(name)


def _yaml(data: Any) -> str:
    import yaml

    return yaml.safe_dump(data, sort_keys=True, default_flow_style=False).strip()


@check("pvc_mounts")
def pvc_mounts(ctx: CheckContext, params: dict[str, Any]) -> Outcome:
    pipeline = ctx.pipeline()
    volume, mount_path = params["volume"], params["mount_path"]
    missing: list[str] = []
    seen: dict[str, Any] = {}
    places: list[str] = []
    for name in params.get("tasks", []):
        task = _task(ctx, name)
        if task is None:
            seen[name] = []
            missing.append(name)
            continue
        places.append(pipeline.platform_place(task.executor_label, "pvcMount"))
        # the PVC name as the run used it: a constant, or a pipeline parameter with the run's value
        mounts = pipeline.pvc_mounts(task, ctx.run.arguments)
        seen[name if task.depth == 0 else task.qualified] = pipeline.platform_of(task.executor_label).raw.get(
            "pvcMount", [])
        if not any(pvc == volume and path == mount_path for pvc, path in mounts):
            missing.append(name)
    fragment = _yaml({t: {"pvcMount": m} for t, m in seen.items()})
    if missing:
        tasks = say(ctx.lang, "sep.list").join(missing)
        return failed(say(ctx.lang, "pvc_mounts.missing", tasks=tasks, volume=volume, mount_path=mount_path),
                      yaml=fragment).at(*places)
    return passed(say(ctx.lang, "pvc_mounts.ok", volume=volume, mount_path=mount_path), yaml=fragment).at(*places)


def _numbers(text: str) -> list[int]:
    return [int(line.strip()) for line in text.splitlines() if line.strip()]


def _volume_mount_paths(ctx: CheckContext, volume: str, default: str) -> list[str]:
    """Where the run's tasks mount the volume: every executor of the platform spec (any depth)."""
    _, platform = ctx.spec_docs()
    executors = platform.get("platforms", {}).get("kubernetes", {}).get("deploymentSpec", {}).get("executors", {})
    paths = [str(m.get("mountPath")) for e in executors.values() for m in (e or {}).get("pvcMount", [])
             if (m.get("constant") or m.get("pvcName")
                 or m.get("pvcNameParameter", {}).get("runtimeValue", {}).get("constant")) == volume
             and m.get("mountPath")]
    return sorted(set(paths), key=len, reverse=True) or [default]


def _on_volume(ctx: CheckContext, params: dict[str, Any], template_key: str, fixed_key: str) -> str | None:
    """The path on the volume of a file the run was told to use (its arguments), or None when the
    argument points outside every mount of the volume. Without a template: the lesson's fixed path."""
    template = params.get(template_key)
    if not template:
        return str(params[fixed_key])
    values = {k: str(v) for k, v in ctx.run.arguments.items()}
    try:
        container_path = str(template).format(**values)
    except (KeyError, IndexError, ValueError):
        return str(params[fixed_key])
    import posixpath

    container_path = posixpath.normpath(container_path)
    for mount in _volume_mount_paths(ctx, params["volume"], str(params.get("mount_path", "/"))):
        mount = posixpath.normpath(mount)
        if container_path.startswith(mount.rstrip("/") + "/"):
            return container_path[len(mount.rstrip("/")) + 1:]
    return None


@check("volume_sorted")
def volume_sorted(ctx: CheckContext, params: dict[str, Any]) -> Outcome:
    lang = ctx.lang
    volume = params["volume"]
    order = params.get("order", "desc")
    mount = say(lang, "sep.list").join(_volume_mount_paths(ctx, volume, str(params.get("mount_path", "/"))))
    source = _on_volume(ctx, params, "input_from", "input")
    if source is None:
        where = str(params["input_from"]).format(**{k: str(v) for k, v in ctx.run.arguments.items()})
        return failed(say(lang, "volume_sorted.off_volume", path=where, volume=volume, mount=mount),
                      hint=say(lang, "volume_sorted.off_volume_hint", mount=mount))
    target = _on_volume(ctx, params, "output_from", "output")
    if target is None:
        where = str(params["output_from"]).format(**{k: str(v) for k, v in ctx.run.arguments.items()})
        return failed(say(lang, "volume_sorted.off_volume", path=where, volume=volume, mount=mount),
                      hint=say(lang, "volume_sorted.off_volume_hint", mount=mount))
    where = f"{volume}:/{target}"
    try:
        numbers = _numbers(ctx.backend.read_volume_file(volume, source))
    except FileNotFoundError:
        return failed(say(lang, "volume_sorted.no_input", volume=volume, source=source))
    except ValueError as exc:
        return failed(say(lang, "volume_sorted.bad_input", volume=volume, source=source, error=exc))
    try:
        text = ctx.backend.read_volume_file(volume, target)
    except FileNotFoundError:
        return failed(say(lang, "volume_sorted.no_output", where=where), file=where)
    head = "\n".join(text.splitlines()[:5])
    modified = ctx.backend.volume_file_modified(volume, target)
    if modified < ctx.run.started_at - _skew(ctx):
        return failed(say(lang, "volume_sorted.stale", where=where,
                          modified=_when(modified), started=_when(ctx.run.started_at)),
                      file=where, first_lines=head)
    try:
        got = _numbers(text)
    except ValueError:
        return failed(say(lang, "volume_sorted.bad_output", where=where), file=where, first_lines=head)
    expected = sorted(numbers, reverse=order == "desc")
    if got == expected:
        return passed(say(lang, "volume_sorted.ok", where=where, count=len(got), order=order_word(lang, order)),
                      file=where, first_lines=head)
    return failed(say(lang, "volume_sorted.wrong", where=where, order=order_word(lang, order),
                      expected=expected[:5], got=got[:5]), file=where, first_lines=head)


@check("task_resources")
def task_resources(ctx: CheckContext, params: dict[str, Any]) -> Outcome:
    lang = ctx.lang
    pipeline = ctx.pipeline()
    task = _task(ctx, params["task"])
    if task is None or task.executor_label is None:
        return failed(say(lang, "task_resources.no_task", task=params["task"]))
    name, label = params["task"], task.executor_label
    container = pipeline.container(label)
    res = pipeline.resources(label)
    have = {"cpu_limit": res.cpu_limit, "memory_limit": res.memory_limit,
            "accelerator_type": res.accelerator_type, "accelerator_count": res.accelerator_count}
    selector = pipeline.node_selector(label)
    fragment = _yaml({"resources": container.get("resources", {}), "nodeSelector": selector})
    not_set = say(lang, "task_resources.not_set")
    problems = []
    for key in ("cpu_limit", "memory_limit", "accelerator_type", "accelerator_count"):
        if key in params and str(params[key]) != have[key]:
            problems.append(say(lang, "task_resources.wrong_value", key=key, have=have[key] or not_set,
                                want=params[key]))
    for k, v in params.get("node_selector", {}).items():
        if selector.get(k) != v:
            problems.append(say(lang, "task_resources.wrong_selector", key=k, have=selector.get(k, not_set), want=v))
    places = (pipeline.resources_place(label),
              pipeline.platform_place(label, "nodeSelector") if selector or "node_selector" in params else "")
    if problems:
        return failed(say(lang, "task_resources.failed", task=name, problems=say(lang, "sep.clause").join(problems)),
                      yaml=fragment).at(*places)
    wanted = say(lang, "sep.list").join(f"{k}={params[k]}" for k in params if k not in ("task", "node_selector"))
    if selector:
        return passed(say(lang, "task_resources.ok_on", task=name, wanted=wanted, selector=selector),
                      yaml=fragment).at(*places)
    return passed(say(lang, "task_resources.ok", task=name, wanted=wanted), yaml=fragment).at(*places)


def _cgroup_file_missing(lines: list[str]) -> str | None:
    """The cgroup file a task failed to open, when that is why it failed."""
    import re

    for line in reversed(lines):
        found = re.search(r"(?:FileNotFoundError|No such file or directory).*?'(/sys/fs/cgroup/[^']+)'", line)
        if found:
            return found.group(1)
    return None


@check("task_report")
def task_report(ctx: CheckContext, params: dict[str, Any]) -> Outcome:
    """The task printed a line for each thing it reports; each `expect` entry is a substring or a
    list of substrings any of which will do (the lesson's wording and the tutorial's)."""
    lang = ctx.lang
    task = params["task"]
    lines = ctx.backend.task_log(ctx.run.run_id, task)
    wanted = [[w] if isinstance(w, str) else [str(x) for x in w] for w in params.get("expect", [])]
    found = [line.strip() for line in lines if any(w in line for group in wanted for w in group)]
    missing = [group[0] for group in wanted if not any(w in line for w in group for line in lines)]
    if not lines:
        return failed(say(lang, "task_report.silent", task=task))
    if missing:
        absent = _cgroup_file_missing(lines)
        if absent is not None:  # the host's cgroup version, not the report's wording
            # cpu.max and memory.max are cgroup v2's names; missing, the task ran under cgroup v1
            version = "v1" if Path(absent).name in ("cpu.max", "memory.max", "cpu.weight") else "v2"
            return failed(say(lang, "task_report.cgroup_file", task=task, path=absent, version=version),
                          hint=say(lang, "task_report.cgroup_hint"), report="\n".join(found))
        return failed(say(lang, "task_report.missing", task=task, missing=say(lang, "sep.list").join(missing)),
                      report="\n".join(found))
    return passed(say(lang, "task_report.ok", task=task), report="\n".join(found))


@check("task_pod")
def task_pod(ctx: CheckContext, params: dict[str, Any]) -> Outcome:
    """What the cluster really gave the task: its pod's limits, node selector and node."""
    lang = ctx.lang
    if not isinstance(ctx.backend, TaskPods):
        return skipped(say(lang, "task_pod.local"))
    task = params["task"]
    pod = ctx.backend.task_pod(ctx.run.run_id, task)
    if pod is None:
        return failed(say(lang, "task_pod.missing", task=task))
    limits = {str(k): str(v) for k, v in (pod.get("limits") or {}).items()}
    evidence = {"pod": pod.get("name", ""), "limits": _yaml(limits), "node_selector": _yaml(pod.get("node_selector")),
                "node": pod.get("node_name") or "(not scheduled)",
                "node_labels": _yaml({k: v for k, v in (pod.get("node_labels") or {}).items()
                                      if "gpu" in k or "nvidia" in k})}
    problems = [say(lang, "task_pod.limit", key=k, have=limits.get(k, "-"), want=str(v))
                for k, v in params.get("limits", {}).items() if limits.get(k) != str(v)]
    selector = pod.get("node_selector") or {}
    problems += [say(lang, "task_pod.selector", key=k, have=selector.get(k, "-"), want=v)
                 for k, v in params.get("node_selector", {}).items() if selector.get(k) != v]
    if problems:
        return failed(say(lang, "task_pod.wrong", pod=evidence["pod"], problems=say(lang, "sep.clause").join(problems)),
                      **evidence)
    return passed(say(lang, "task_pod.ok", pod=evidence["pod"], limits=limits, node=evidence["node"]), **evidence)


@check("gpu_runtime")
def gpu_runtime(ctx: CheckContext, params: dict[str, Any]) -> Outcome:
    gpus = ctx.backend.gpu_lines()
    if gpus is None:
        return skipped(say(ctx.lang, "gpu_runtime.no_gpu"))
    lines = [line.strip() for line in ctx.backend.task_log(ctx.run.run_id, params["task"]) if "GPU " in line]
    if any("UUID" in line or line.startswith("GPU ") for line in lines):
        return passed(say(ctx.lang, "gpu_runtime.ok", count=len(lines)),
                      nvidia_smi="\n".join(lines), host="\n".join(gpus))
    return failed(say(ctx.lang, "gpu_runtime.unseen"), host="\n".join(gpus))


def object_key(ctx: CheckContext, params: dict[str, Any]) -> str:
    """The key the run wrote: its own argument `key_argument` (a backend-provided default), else `key`."""
    argument = params.get("key_argument")
    value = ctx.run.arguments.get(argument) if argument else None
    return str(value) if value else str(params["key"])


@check("s3_object")
def s3_object(ctx: CheckContext, params: dict[str, Any]) -> Outcome:
    bucket, key = params["bucket"], object_key(ctx, params)
    try:
        info = ctx.backend.stat_object(bucket, key)
    except Exception as exc:
        return failed(say(ctx.lang, "s3_object.missing", bucket=bucket, key=key, error=exc), bucket=bucket, key=key)
    evidence = {"bucket": bucket, "key": key, "size": info.size, "etag": info.etag,
                "last_modified": _when(info.last_modified)}
    if info.last_modified and info.last_modified < ctx.run.started_at - _skew(ctx):
        return failed(say(ctx.lang, "s3_object.stale", bucket=bucket, key=key), **evidence)
    return passed(say(ctx.lang, "s3_object.ok", bucket=bucket, key=key, size=info.size), **evidence)


@check("keras_model_accuracy")
def keras_model_accuracy(ctx: CheckContext, params: dict[str, Any]) -> Outcome:
    # The model is scored in a child process (started when the run began, see
    # keras_eval.prestart) that loads only the stored file, never the learner's code.
    from workshop.core import keras_eval

    bucket, key = params["bucket"], object_key(ctx, params)
    minimum = float(params.get("min_accuracy", 0.9))
    try:
        data = ctx.backend.get_object(bucket, key)
    except Exception as exc:
        return failed(say(ctx.lang, "keras_model_accuracy.no_download", bucket=bucket, key=key, error=exc))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(key).name
        path.write_bytes(data)
        result = keras_eval.score(str(path), float(params.get("input_scale", 16.0)))
    if "failed" in result:
        return failed(say(ctx.lang, "keras_model_accuracy.scoring_failed", error=result["failed"]))
    if "error" in result:
        return failed(say(ctx.lang, "keras_model_accuracy.bad_model", bucket=bucket, key=key, error=result["error"]))
    accuracy = float(result["accuracy"])
    evidence = {"object": f"s3://{bucket}/{key}", "held_out_samples": result["samples"],
                "accuracy": f"{accuracy:.3f}"}
    if accuracy >= minimum:
        return passed(say(ctx.lang, "keras_model_accuracy.ok", accuracy=accuracy, minimum=minimum), **evidence)
    return failed(say(ctx.lang, "keras_model_accuracy.low", accuracy=accuracy, minimum=minimum), **evidence)


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
        return failed(say(ctx.lang, "kserve_ready.not_ready", name=status.name, detail=status.detail),
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
        return failed(say(ctx.lang, "kserve_prediction.not_ready", name=name, detail=status.detail))
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
                          body=response.text[:200]) + (f" — {hint}" if hint else ""))
    answer = response.json()
    got = answer["outputs"][0]["data"] if protocol == "v2" else answer.get("predictions")
    got = [int(x) for x in got or []]
    evidence = {"url": url, "request": str(IRIS_SAMPLES), "predictions": str(got), "expected": str(IRIS_LABELS)}
    if got == IRIS_LABELS:
        return passed(say(ctx.lang, "kserve_prediction.ok", protocol=protocol.upper()), **evidence)
    return failed(say(ctx.lang, "kserve_prediction.wrong", protocol=protocol.upper(), got=got, expected=IRIS_LABELS),
                  **evidence)
