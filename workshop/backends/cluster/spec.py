"""The compiled pipeline package: its tasks, and a copy with caching off for the upload.

kfp's Client(enable_caching=False) rewrites root.dag.tasks[*].cachingOptions before it sends
an inline spec; a run that references an uploaded pipeline version runs that version's spec
as it is, so the workshop uploads the version with caching already off.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from workshop.core.errors import BackendError
from workshop.core.pipeline_spec import PipelineSpec, PipelineSpecError


def load_documents(package: Path) -> list[dict[str, Any]]:
    try:
        return PipelineSpec.load(package).documents
    except PipelineSpecError as exc:
        raise BackendError.of("backend:spec", error=exc) from None


def task_names(spec: dict[str, Any]) -> tuple[str, ...]:
    """The root DAG's tasks in dependency order, ties by name (the order the local backend shows too)."""
    if not spec:  # a run started elsewhere whose spec the API did not return
        return ()
    try:
        return PipelineSpec(spec).root_tasks
    except PipelineSpecError as exc:
        raise BackendError.of("backend:spec", error=exc) from None


def pipeline_name(spec: dict[str, Any]) -> str:
    return str((spec.get("pipelineInfo") or {}).get("name") or "")


def _disable(dag: dict[str, Any]) -> None:
    for task in (dag.get("tasks") or {}).values():
        task["cachingOptions"] = {"enableCache": False}


def caching_off(package: Path, target: Path) -> Path:
    """Write the package to target with every task's cache disabled (the root DAG and sub-DAGs)."""
    docs = load_documents(package)
    spec = docs[0]
    _disable(spec.get("root", {}).get("dag", {}))
    for component in (spec.get("components") or {}).values():
        _disable(component.get("dag") or {})
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump_all(docs, sort_keys=False), encoding="utf-8")
    return target
