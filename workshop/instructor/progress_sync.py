"""A learner's progress mirrored to the ConfigMap workshop-progress in their own namespace.

The local SQLite store stays the record; the ConfigMap is a copy an instructor can read
(`workshop instructor class`) and that restores a learner's progress when the app starts
on the cluster with an empty local store (a new notebook server, a wiped home).
"""

from __future__ import annotations

import json
import time
from typing import Any

from workshop.backends.base import BackendError
from workshop.backends.cluster.config import PART_OF

CONFIGMAP = "workshop-progress"
DATA_KEY = "progress.json"
SELECTOR = f"app.kubernetes.io/part-of={PART_OF}"
FIELDS = ("state", "attempts", "passed_at", "time_spent", "last_failure")


def snapshot(store: Any) -> dict[str, Any]:
    """The store's lessons as the ConfigMap holds them: learner, lessons {id: fields}, updated_at."""
    lessons = {str(lesson_id): {name: getattr(record, name) for name in FIELDS} | {"own_code": own_code(record)}
               for lesson_id, record in sorted(store.all_lessons().items())}
    return {"learner": store.learner, "lessons": lessons, "updated_at": time.time()}


def own_code(record: Any) -> bool | None:
    """For a passed lesson: did the learner's own code pass (exercise mode), or the reference?"""
    if record.state != "passed":
        return None
    source = (record.evidence or {}).get("source")
    return bool(source.get("own_code")) if isinstance(source, dict) else None


def configmap_body(data: dict[str, Any], name: str = CONFIGMAP) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "labels": {"app.kubernetes.io/part-of": PART_OF}},
            "data": {DATA_KEY: json.dumps(data, ensure_ascii=False, sort_keys=True)}}


def parse_configmap(configmap: dict[str, Any]) -> dict[str, Any]:
    """The progress a ConfigMap holds; BackendError when it is not what the workshop writes."""
    meta = configmap.get("metadata") or {}
    where = f"{meta.get('namespace', '?')}/{meta.get('name', CONFIGMAP)}"
    text = (configmap.get("data") or {}).get(DATA_KEY)
    if not text:
        raise BackendError(f"ConfigMap {where} has no {DATA_KEY}")
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise BackendError(f"ConfigMap {where}: {DATA_KEY} is not JSON ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("lessons"), dict):
        raise BackendError(f"ConfigMap {where}: {DATA_KEY} has no lessons")
    for lesson_id, record in data["lessons"].items():
        if not str(lesson_id).isdigit() or not isinstance(record, dict):
            raise BackendError(f"ConfigMap {where}: lesson {lesson_id!r} is not a lesson record")
    return data


def push(backend: Any, store: Any) -> None:
    """Mirror the store to the backend's ConfigMap (only backends with save_progress keep one)."""
    save = getattr(backend, "save_progress", None)
    if save is not None:
        save(snapshot(store))


def pull(backend: Any, store: Any) -> bool:
    """Restore an empty store from the backend's ConfigMap; True when something was restored."""
    load = getattr(backend, "load_progress", None)
    if load is None or store.all_lessons():
        return False
    data = load()
    if not data or not data.get("lessons"):
        return False
    restore(store, data["lessons"])
    return True


def restore(store: Any, lessons: dict[str, dict[str, Any]]) -> None:
    """Write lesson rows as the ConfigMap has them (runs are not kept there: they stay on the cluster)."""
    now = time.time()
    with store._write() as conn:  # one transaction; ProgressStore has no public bulk write
        for lesson_id, record in lessons.items():
            conn.execute(
                "INSERT OR REPLACE INTO lesson_progress (learner, lesson_id, state, attempts, started_at, passed_at, "
                "time_spent, last_failure) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (store.learner, int(lesson_id), str(record.get("state") or "open"), int(record.get("attempts") or 0),
                 now, record.get("passed_at"), float(record.get("time_spent") or 0.0),
                 str(record.get("last_failure") or "")),
            )
