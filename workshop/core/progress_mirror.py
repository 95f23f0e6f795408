"""The learner's progress as a mirror keeps it: a snapshot of the store, and restoring one.

The local SQLite store stays the record; a backend with the ProgressMirror ability (the
cluster's ConfigMap workshop-progress, backends/cluster/progress_configmap.py) keeps a copy an
instructor can read (`workshop instructor class`) and that restores a learner's progress when
the app starts with an empty local store (a new notebook server, a wiped home).
"""

from __future__ import annotations

import time
from typing import Any

from workshop.core.ports import ProgressMirror
from workshop.core.progress import LessonProgress, ProgressStore

FIELDS = ("state", "attempts", "passed_at", "time_spent", "last_failure")


def snapshot(store: ProgressStore) -> dict[str, Any]:
    """The store's lessons as the ConfigMap holds them: learner, lessons {id: fields}, updated_at."""
    lessons = {str(lesson_id): {name: getattr(record, name) for name in FIELDS} | {"own_code": own_code(record)}
               for lesson_id, record in sorted(store.all_lessons().items())}
    return {"learner": store.learner, "lessons": lessons, "updated_at": time.time()}


def own_code(record: LessonProgress) -> bool | None:
    """For a passed lesson: did the learner's own code pass (exercise mode), or the reference?"""
    if record.state != "passed":
        return None
    source = (record.evidence or {}).get("source")
    return bool(source.get("own_code")) if isinstance(source, dict) else None


def push(backend: object, store: ProgressStore) -> None:
    """Mirror the store to the backend (only backends with the ProgressMirror ability keep a copy)."""
    if isinstance(backend, ProgressMirror):
        backend.save_progress(snapshot(store))


def pull(backend: object, store: ProgressStore) -> bool:
    """Restore an empty store from the backend's copy; True when something was restored."""
    if not isinstance(backend, ProgressMirror) or store.all_lessons():
        return False
    data = backend.load_progress()
    if not data or not data.get("lessons"):
        return False
    restore(store, data["lessons"])
    return True


def restore(store: ProgressStore, lessons: dict[str, dict[str, Any]]) -> None:
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
