"""Which pod runs which task, what it was given, and why it does not start.

KFP v2 labels every pod of a run `pipeline/runid=<run id>` (the API server sets it in the
workflow's podMetadata) and Argo annotates each pod with its node,
`workflows.argoproj.io/node-name`: `<workflow>.root.<task>-driver` for a driver pod (older
KFP) and `<workflow>.root.<task>.executor` for the pod that runs the component, with `(N)`
appended per attempt when the task retries. The executor pod (template system-container-impl)
also has the `kfp-launcher` init container and runs the component in the `main` container.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from workshop.core.ports import PodFacts

RUN_LABEL = "pipeline/runid"
NODE_NAME = "workflows.argoproj.io/node-name"
LAUNCHER = "kfp-launcher"
GPU_KEYS = ("nvidia.com/gpu", "amd.com/gpu", "intel.com/gpu")
GPU_LABEL = "nvidia.com/gpu.product"
_EXECUTOR = re.compile(r"^executor(?:\((\d+)\))?$")
_ATTEMPT = re.compile(r"^(.*?)(?:\((\d+)\))?$")


@dataclass(frozen=True)
class TaskPod:
    task: str
    attempt: int
    name: str
    pod: dict[str, Any]

    @property
    def phase(self) -> str:
        return str((self.pod.get("status") or {}).get("phase") or "Pending")

    @property
    def created(self) -> str:
        return str((self.pod.get("metadata") or {}).get("creationTimestamp") or "")


def executor_of(pod: dict[str, Any]) -> tuple[str, int] | None:
    """(task, attempt) when the pod runs a component, None for a driver or any other pod."""
    meta = pod.get("metadata") or {}
    node = str((meta.get("annotations") or {}).get(NODE_NAME) or "")
    parts = node.split(".")
    for i in range(2, len(parts)):
        match = _EXECUTOR.match(parts[i])
        if match:
            return parts[i - 1], int(match[1] or 0)
    init = [c.get("name") for c in (pod.get("spec") or {}).get("initContainers") or []]
    if LAUNCHER in init and len(parts) >= 2:  # an executor in a layout without the `.executor` step
        match = _ATTEMPT.match(parts[-1])
        assert match is not None
        return match[1], int(match[2] or 0)
    return None


def executor_pods(pods: list[dict[str, Any]]) -> dict[str, list[TaskPod]]:
    """The executor pods of a run per task, oldest attempt first."""
    found: dict[str, list[TaskPod]] = {}
    for pod in pods:
        which = executor_of(pod)
        if which is None:
            continue
        task, attempt = which
        name = str((pod.get("metadata") or {}).get("name") or "")
        found.setdefault(task, []).append(TaskPod(task, attempt, name, pod))
    for attempts in found.values():
        attempts.sort(key=lambda p: (p.attempt, p.created, p.name))
    return found


def main_container(pod: dict[str, Any]) -> dict[str, Any]:
    containers = (pod.get("spec") or {}).get("containers") or []
    return next((c for c in containers if c.get("name") == "main"), containers[0] if containers else {})


def container_waiting(pod: dict[str, Any], container: str = "main") -> str:
    """The reason the container has not started (ContainerCreating, PodInitializing...), '' when it has."""
    status = pod.get("status") or {}
    for cs in status.get("containerStatuses") or []:
        if cs.get("name") == container:
            waiting = (cs.get("state") or {}).get("waiting")
            return str(waiting.get("reason") or "Waiting") if waiting else ""
    return str(status.get("phase") or "Pending") if status.get("phase") in (None, "Pending") else ""


def container_done(pod: dict[str, Any], container: str = "main") -> bool:
    status = pod.get("status") or {}
    if status.get("phase") in ("Succeeded", "Failed"):
        return True
    for cs in status.get("containerStatuses") or []:
        if cs.get("name") == container:
            return "terminated" in (cs.get("state") or {})
    return False


def describe_pod(pod: dict[str, Any], node: dict[str, Any] | None) -> PodFacts:
    """What task_pod returns: the container's resources and where the pod was (or would be) placed."""
    meta, spec, status = pod.get("metadata") or {}, pod.get("spec") or {}, pod.get("status") or {}
    resources = main_container(pod).get("resources") or {}
    node_labels = ((node or {}).get("metadata") or {}).get("labels") if node is not None else None
    return {
        "name": meta.get("name", ""),
        "namespace": meta.get("namespace", ""),
        "phase": status.get("phase", ""),
        "container": main_container(pod).get("name", ""),
        "limits": dict(resources.get("limits") or {}),
        "requests": dict(resources.get("requests") or {}),
        "node_selector": dict(spec.get("nodeSelector") or {}),
        "node_name": spec.get("nodeName", ""),
        "node_labels": dict(node_labels) if node_labels is not None else None,
    }


def unschedulable_message(pod: dict[str, Any], events: list[dict[str, Any]]) -> str:
    """The scheduler's words for a pending pod: its FailedScheduling event, else its PodScheduled condition."""
    status = pod.get("status") or {}
    if status.get("phase") not in (None, "Pending"):
        return ""
    failed = [e for e in events if e.get("reason") == "FailedScheduling" and e.get("message")]
    if failed:
        failed.sort(key=lambda e: str(e.get("lastTimestamp") or e.get("eventTime") or ""))
        return str(failed[-1]["message"])
    for condition in status.get("conditions") or []:
        if condition.get("type") == "PodScheduled" and condition.get("status") == "False":
            if condition.get("reason") == "Unschedulable":
                return str(condition.get("message") or "no node fits")
    return ""


def gpu_request(pod: dict[str, Any]) -> tuple[str, str]:
    limits = (main_container(pod).get("resources") or {}).get("limits") or {}
    for key in GPU_KEYS:
        if key in limits:
            return key, str(limits[key])
    return "", ""


def gpu_nodes(nodes: list[dict[str, Any]]) -> list[tuple[str, str, dict[str, str]]]:
    """(name, GPUs allocatable, labels) of every node that offers nvidia.com/gpu (or another GPU resource)."""
    found = []
    for node in nodes:
        allocatable = (node.get("status") or {}).get("allocatable") or {}
        count = next((str(allocatable[k]) for k in GPU_KEYS if str(allocatable.get(k, "0")) not in ("0", "")), "")
        if count:
            meta = node.get("metadata") or {}
            found.append((str(meta.get("name", "")), count, dict(meta.get("labels") or {})))
    return found


def explain_pending(task: str, pod: dict[str, Any], message: str, nodes: list[dict[str, Any]] | None) -> list[str]:
    """Lines that say why a task's pod waits: what it asked for and which nodes could offer it."""
    resource, count = gpu_request(pod)
    selector = dict((pod.get("spec") or {}).get("nodeSelector") or {})
    lines = [f"[workshop] {task} is waiting for a node: {message}"]
    asks = []
    if resource:
        asks.append(f"{count} {resource}")
    if selector:
        asks.append("nodes labelled " + ", ".join(f"{k}={v}" for k, v in selector.items()))
    if asks:
        lines.append(f"[workshop] {task} asks for " + " on ".join(asks))
    if nodes is None:
        lines.append("[workshop] this account may not list nodes; an admin can check with kubectl get nodes "
                     f"-L {GPU_LABEL} (and kubectl describe node | grep {resource or 'nvidia.com/gpu'})")
        return lines
    if selector:
        matching = [n for n in nodes if all(((n.get("metadata") or {}).get("labels") or {}).get(k) == v
                                            for k, v in selector.items())]
        names = ", ".join(str((n.get("metadata") or {}).get("name")) for n in matching) or "none"
        lines.append(f"[workshop] nodes with that label: {names}")
    with_gpus = gpu_nodes(nodes)
    if resource:
        if with_gpus:
            described = "; ".join(f"{name} ({n} GPUs, {GPU_LABEL}={labels.get(GPU_LABEL, '?')})"
                                  for name, n, labels in with_gpus)
            lines.append(f"[workshop] nodes with GPUs: {described}")
        else:
            lines.append("[workshop] no node offers GPUs (nvidia.com/gpu allocatable): the task cannot run here")
    return lines
