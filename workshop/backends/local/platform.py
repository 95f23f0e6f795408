"""Read the Kubernetes platform config (kfp-kubernetes) out of a compiled pipeline.

kfp.local ignores it; the local backend honours the parts a lesson depends on:
PVC mounts and secrets as environment variables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class ExecutorPlatform:
    pvc_mounts: tuple[tuple[str, str], ...] = ()  # (pvc name, mount path)
    secret_env: tuple[tuple[str, str, str], ...] = ()  # (secret name, key, env var)
    node_selector: dict[str, str] = field(default_factory=dict)


def _constant(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        runtime = value.get("runtimeValue", {})
        if "constant" in runtime:
            return str(runtime["constant"])
    return None


def load_documents(package: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """(pipeline spec, platform spec) of a compiled pipeline YAML."""
    docs = [d for d in yaml.safe_load_all(package.read_text(encoding="utf-8")) if d]
    if not docs:
        raise ValueError(f"{package} holds no pipeline")
    return docs[0], (docs[1] if len(docs) > 1 else {})


def executor_platforms(platform_spec: dict[str, Any]) -> dict[str, ExecutorPlatform]:
    executors = (
        platform_spec.get("platforms", {}).get("kubernetes", {}).get("deploymentSpec", {}).get("executors", {})
    )
    result = {}
    for label, cfg in executors.items():
        mounts = []
        for m in cfg.get("pvcMount", []):
            name = m.get("constant") or m.get("pvcName") or _constant(m.get("pvcNameParameter"))
            if name and m.get("mountPath"):
                mounts.append((name, m["mountPath"]))
        secrets = []
        for s in cfg.get("secretAsEnv", []):
            secret = s.get("secretName") or _constant(s.get("secretNameParameter"))
            for k in s.get("keyToEnv", []):
                if secret:
                    secrets.append((secret, k["secretKey"], k["envVar"]))
        selector = cfg.get("nodeSelector", {}).get("labels", {})
        result[label] = ExecutorPlatform(tuple(mounts), tuple(secrets), dict(selector))
    return result


def task_order(pipeline_spec: dict[str, Any]) -> list[str]:
    """The root DAG's tasks in an order that respects dependencies (ties by name)."""
    tasks = pipeline_spec.get("root", {}).get("dag", {}).get("tasks", {})
    deps = {name: set(spec.get("dependentTasks", [])) & set(tasks) for name, spec in tasks.items()}
    order: list[str] = []
    while deps:
        ready = sorted(name for name, needs in deps.items() if not needs - set(order))
        if not ready:  # a cycle cannot compile, but never loop forever on bad input
            order.extend(sorted(deps))
            break
        order.extend(ready)
        for name in ready:
            del deps[name]
    return order


def task_executor_labels(pipeline_spec: dict[str, Any]) -> dict[str, str]:
    """Task name -> executor label, for the root DAG's tasks, in dependency order."""
    components = pipeline_spec.get("components", {})
    labels = {}
    tasks = pipeline_spec.get("root", {}).get("dag", {}).get("tasks", {})
    for task in task_order(pipeline_spec):
        spec = tasks[task]
        comp = components.get(spec.get("componentRef", {}).get("name", ""), {})
        if "executorLabel" in comp:
            labels[task] = comp["executorLabel"]
    return labels
