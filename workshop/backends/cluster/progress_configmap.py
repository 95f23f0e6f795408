"""The progress mirror's ConfigMap: workshop-progress in the learner's own namespace.

What goes in it is core/progress_mirror.py's snapshot; this module only writes and reads the
ConfigMap that holds it (ClusterBackend.save_progress / load_progress, and the instructor's
class view).
"""

from __future__ import annotations

import json
from typing import Any

from workshop.backends.cluster.config import PART_OF
from workshop.core.errors import BackendError

CONFIGMAP = "workshop-progress"
DATA_KEY = "progress.json"
SELECTOR = f"app.kubernetes.io/part-of={PART_OF}"


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
        raise BackendError.of("backend:cm_empty", where=where, key=DATA_KEY)
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise BackendError.of("backend:cm_not_json", where=where, key=DATA_KEY, error=exc) from None
    if not isinstance(data, dict) or not isinstance(data.get("lessons"), dict):
        raise BackendError.of("backend:cm_no_lessons", where=where, key=DATA_KEY)
    for lesson_id, record in data["lessons"].items():
        if not str(lesson_id).isdigit() or not isinstance(record, dict):
            raise BackendError.of("backend:cm_bad_lesson", where=where, lesson=repr(lesson_id))
    return data
