"""What both sides of a differential run are compared on: task states, outputs, artifact contents.

Imported by the stock driver (a plain kfp.local process) and by the tests, so both sides are
reduced to the same JSON by the same code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def content(path: str) -> Any:
    """A file's text, or a folder's files and their texts (a directory artifact)."""
    p = Path(path)
    if p.is_file():
        return p.read_text(encoding="utf-8", errors="replace")
    if p.is_dir():
        return {str(f.relative_to(p)): f.read_text(encoding="utf-8", errors="replace")
                for f in sorted(p.rglob("*")) if f.is_file()}
    return None


def value(v: Any) -> Any:
    if isinstance(v, dict) and "artifact" in v and "uri" in v:  # the workshop's event form of an artifact
        return {"artifact": v["artifact"], "metadata": v.get("metadata") or {}, "content": content(v.get("path", ""))}
    if hasattr(v, "uri") and hasattr(v, "path"):  # a dsl.Artifact, as kfp.local returns it
        return {"artifact": type(v).__name__, "metadata": dict(getattr(v, "metadata", {}) or {}),
                "content": content(v.path)}
    if isinstance(v, list | tuple):
        return [value(x) for x in v]
    if isinstance(v, dict):
        return {str(k): value(x) for k, x in v.items()}
    return v


def record(tasks: list[tuple[str, str, dict[str, Any]]], outputs: dict[str, Any], state: str) -> dict[str, Any]:
    """One run: each task name with its states and outputs (a loop runs a name several times,
    in an order threads decide, so each name's list is sorted), the pipeline's outputs, its state."""
    by_name: dict[str, list[str]] = {}
    for name, task_state, task_outputs in tasks:
        by_name.setdefault(name, []).append(json.dumps([task_state, value(task_outputs)], sort_keys=True))
    return {
        "state": state,
        "tasks": {name: sorted(items) for name, items in sorted(by_name.items())},
        "outputs": value(outputs),
    }
