"""Check kinds that look at what a task was given and what it saw (lesson 3): resources and node
selector in the spec, the pod the cluster made, the task's own report and the GPUs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workshop.core.check_base import CheckContext, Outcome, as_yaml, check, failed, passed, skipped, spec_task
from workshop.core.check_text import say
from workshop.core.ports import TaskPods


@check("task_resources")
def task_resources(ctx: CheckContext, params: dict[str, Any]) -> Outcome:
    lang = ctx.lang
    pipeline = ctx.pipeline()
    task = spec_task(ctx, params["task"])
    if task is None or task.executor_label is None:
        return failed(say(lang, "task_resources.no_task", task=params["task"]))
    name, label = params["task"], task.executor_label
    container = pipeline.container(label)
    res = pipeline.resources(label)
    have = {"cpu_limit": res.cpu_limit, "memory_limit": res.memory_limit,
            "accelerator_type": res.accelerator_type, "accelerator_count": res.accelerator_count}
    selector = pipeline.node_selector(label)
    fragment = as_yaml({"resources": container.get("resources", {}), "nodeSelector": selector})
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
    evidence = {"pod": pod.get("name", ""), "limits": as_yaml(limits),
                "node_selector": as_yaml(pod.get("node_selector")),
                "node": pod.get("node_name") or "(not scheduled)",
                "node_labels": as_yaml({k: v for k, v in (pod.get("node_labels") or {}).items()
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
