"""`workshop instructor class`: every learner's progress, read from their workshop-progress ConfigMaps,
and resetting one learner's lesson (its artifacts in their namespace, and their ConfigMap).
"""

from __future__ import annotations

import csv
import io
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from workshop.backends.cluster import reset as cluster_reset
from workshop.backends.cluster.progress_configmap import CONFIGMAP, SELECTOR, configmap_body, parse_configmap
from workshop.core.errors import BackendError
from workshop.core.ports import Artifact
from workshop.core.reset import KIND_ORDER, describe
from workshop.core.reset import line as reset_line
from workshop.instructor.words import say

if TYPE_CHECKING:
    from workshop.backends.cluster.backend import ClusterBackend

CSV_FIELDS = ("namespace", "learner", "lesson", "state", "attempts", "passed_at", "last_failure", "own_code")
OWN_CODE_MARK = "✎"  # passed with the learner's own code (exercise mode), not the reference


@dataclass
class Learner:
    namespace: str
    learner: str
    lessons: dict[str, dict[str, Any]]
    updated_at: float | None = None

    @property
    def last_failure(self) -> str:
        failures = [(int(i), str(r.get("last_failure") or "")) for i, r in self.lessons.items()]
        return next((f"lesson {i}: {text}" for i, text in sorted(failures, reverse=True) if text), "")


@dataclass
class ClassView:
    learners: list[Learner] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # ConfigMaps that could not be read


def read_class(kube: Any) -> ClassView:
    """Every learner's progress; a ConfigMap that is not readable is reported, never fatal."""
    view = ClassView()
    for item in kube.list_configmaps(SELECTOR):
        meta = item.get("metadata") or {}
        if meta.get("name") != CONFIGMAP:
            continue
        namespace = str(meta.get("namespace") or "?")
        try:
            data = parse_configmap(item)
        except BackendError as exc:
            view.problems.append(str(exc))
            continue
        updated = data.get("updated_at")
        view.learners.append(Learner(namespace, str(data.get("learner") or "?"), data["lessons"],
                                     float(updated) if isinstance(updated, int | float) else None))
    view.learners.sort(key=lambda learner: learner.namespace)
    return view


STUCK_ATTEMPTS = 3  # failed attempts on one lesson: the same count that unlocks the solution
DONE_STATES = ("passed", "skipped")


@dataclass(frozen=True)
class Stuck:
    """Why a learner looks stuck: `attempts` failed attempts on `lesson`, or `idle_minutes` with no progress."""

    lesson: int | None = None
    attempts: int = 0
    idle_minutes: float = 0.0


def stuck(learner: Learner, now: float, idle_minutes: float | None, lesson_ids: tuple[int, ...] = ()) -> Stuck | None:
    """Three failed attempts on a lesson not yet passed, else no progress (no ConfigMap update) for
    `idle_minutes` while some lesson (of the record, or of `lesson_ids`, the course's) is unfinished;
    None when neither."""
    for lesson_id, record in sorted(learner.lessons.items(), key=lambda kv: int(kv[0])):
        attempts = int(record.get("attempts") or 0)
        if record.get("state") not in DONE_STATES and attempts >= STUCK_ATTEMPTS:
            return Stuck(lesson=int(lesson_id), attempts=attempts)
    unfinished = any((learner.lessons.get(str(i)) or {}).get("state") not in DONE_STATES
                     for i in {*lesson_ids, *map(int, learner.lessons)}) or not learner.lessons
    if idle_minutes and learner.updated_at is not None and unfinished:
        idle = (now - learner.updated_at) / 60.0
        if idle >= idle_minutes:
            return Stuck(idle_minutes=idle)
    return None


def when(stamp: Any) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(float(stamp))) if isinstance(stamp, int | float) else ""


def rows(view: ClassView) -> list[dict[str, Any]]:
    """One row per learner and lesson, as CSV holds them."""
    out = []
    for learner in view.learners:
        for lesson_id, record in sorted(learner.lessons.items(), key=lambda kv: int(kv[0])):
            out.append({"namespace": learner.namespace, "learner": learner.learner, "lesson": int(lesson_id),
                        "state": record.get("state", ""), "attempts": int(record.get("attempts") or 0),
                        "passed_at": when(record.get("passed_at")), "last_failure": record.get("last_failure") or "",
                        "own_code": yes_no(record.get("own_code"))})
    return out


def yes_no(value: Any) -> str:
    return "" if value is None else ("yes" if value else "no")


def cell(record: dict[str, Any]) -> str:
    """One learner's lesson as the class table shows it: state, a mark for own code, attempts."""
    if not record:
        return ""
    mark = f" {OWN_CODE_MARK}" if record.get("own_code") else ""
    return f"{record.get('state', '')}{mark} ({record.get('attempts', 0)})"


def to_csv(view: ClassView) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows(view))
    return buffer.getvalue()


def to_json(view: ClassView) -> dict[str, Any]:
    learners = [{"namespace": lr.namespace, "learner": lr.learner, "updated_at": when(lr.updated_at),
                 "last_failure": lr.last_failure,
                 "lessons": {i: {"state": r.get("state", ""), "attempts": int(r.get("attempts") or 0),
                                 "passed_at": when(r.get("passed_at")), "last_failure": r.get("last_failure") or "",
                                 "own_code": r.get("own_code")}
                             for i, r in sorted(lr.lessons.items(), key=lambda kv: int(kv[0]))}}
                for lr in view.learners]
    return {"learners": learners, "problems": view.problems}


# --- resetting one learner ---------------------------------------------------------------------
def lesson_artifacts(lesson: Any, namespace: str, defaults: dict[str, Any] | None = None) -> list[Artifact]:
    """What the lesson's checks name (a volume output, an object, a labelled InferenceService in the namespace).

    The learner's run records live in their own store, so runs are not among them: runs stay in KFP.
    """
    found: list[Artifact] = []
    for spec in lesson.checks:
        params = spec.params
        if spec.kind == "volume_sorted":
            found.append(Artifact("volume_file", f"{params['volume']}:/{str(params['output']).lstrip('/')}", lesson.id))
        elif spec.kind == "s3_object":
            # the key the backend gives the learner's runs (lesson 4's object_key), else the lesson's own
            argument = next((a for a in lesson.arguments if a.name == params.get("key_argument")), None)
            key = (defaults or {}).get(argument.default_from) if argument and argument.default_from else None
            found.append(Artifact("object", f"{params['bucket']}/{key or params['key']}", lesson.id))
        elif spec.kind == "kserve_ready":
            found.append(Artifact("inference_service", f"{namespace}/{params['service']}", lesson.id))
    return sorted(found, key=lambda a: KIND_ORDER.get(a.kind, len(KIND_ORDER)))


def plan_reset(backend: ClusterBackend, lessons: list[Any]) -> list[Artifact]:
    """The artifacts of these lessons that exist now in the backend's namespace (labelled ones only)."""
    namespace = backend.config.namespace
    wanted = {a.default_from for lesson in lessons for a in lesson.arguments if a.default_from}
    defaults = backend.defaults(wanted - {"object_store_endpoint"})  # no endpoint discovery for a key
    return [a for lesson in lessons for a in lesson_artifacts(lesson, namespace, defaults)
            if cluster_reset.artifact_exists(backend, a)]


def artifact_lines(plan: list[Artifact], lang: str = "en") -> list[tuple[int, str]]:
    """Each artifact the plan removes, described in `lang` as the learner's own reset says it, with its lesson."""
    return [(artifact.lesson_id, describe(artifact, lang)) for artifact in plan]


def apply_reset(backend: ClusterBackend, plan: list[Artifact], lesson_ids: list[int],
                lang: str = "en") -> tuple[list[str], bool]:
    """Remove the artifacts, then put the lessons back to open in the learner's ConfigMap; (lines in `lang`, all ok).

    The lines are the learner's own reset's (core/reset.py), plus what only a ConfigMap has."""
    lines: list[str] = []
    ok = True
    for artifact in plan:
        try:
            cluster_reset.remove_artifact(backend, artifact)
        except BackendError as exc:
            if getattr(exc, "kept", False):  # the store forbids deleting it (Kubeflow 1.11): it stays, harmless
                lines.append(reset_line(lang, "kept", what=describe(artifact, lang), error=exc))
                continue
            ok = False
            lines.append(reset_line(lang, "not_removed", what=describe(artifact, lang), error=exc))
        else:
            lines.append(reset_line(lang, "removed", what=describe(artifact, lang)))
    namespace = backend.config.namespace
    found = backend.kube.get_object("configmaps", CONFIGMAP)
    if found is None:
        lines.append(say(lang, "no_configmap", configmap=CONFIGMAP, namespace=namespace))
        return lines, ok
    data = parse_configmap(found)
    failed = {a.lesson_id for a in plan} if not ok else set()
    for lesson_id in lesson_ids:
        if lesson_id in failed or str(lesson_id) not in data["lessons"]:
            continue
        data["lessons"][str(lesson_id)] = {"state": "open", "attempts": 0, "passed_at": None, "time_spent": 0.0,
                                           "last_failure": ""}
        lines.append(say(lang, "learner_open", id=lesson_id, learner=data.get("learner", "?"), namespace=namespace))
    data["updated_at"] = time.time()
    backend.kube.merge_patch("configmaps", CONFIGMAP, configmap_body(data))
    return lines, ok
