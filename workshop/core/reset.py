"""Reset: lessons go back to open, and what they created is removed, and nothing else.

What a lesson created is derived from its lesson.toml checks and its run records, never
by scanning: a `volume_sorted` check names the output file on its volume, `s3_object`
a bucket and key, `kserve_ready` a service (in each run's `namespace` argument), and the
progress store lists the lesson's runs. A file put by hand next to the output, or an
object under another key, is never touched.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from workshop.core.errors import ResetError, said
from workshop.core.lessons import Lesson
from workshop.core.ports import Artifact, Backend
from workshop.core.progress import RunRecord
from workshop.core.text import by_language, text, zh_only

if TYPE_CHECKING:  # the course runs reset's plan: a type here, never an import
    from workshop.core.course import Course

# Removal order: the model servers first (they read models from run folders), the runs last
# (their records tell a later reset where the other things were, should this one stop halfway).
KIND_ORDER = {"inference_service": 0, "object": 1, "volume_file": 2, "run": 3}


class Plan(list[Artifact]):
    """The artifacts that exist now, plus the lessons whose progress goes back to open."""

    def __init__(self, artifacts: Iterable[Artifact], lesson_ids: Iterable[int], rows: Iterable[int]) -> None:
        super().__init__(artifacts)
        self.lesson_ids = list(lesson_ids)
        self.rows = sorted(set(rows))  # lessons with a progress row to reset

    @property
    def empty(self) -> bool:
        return not self and not self.rows


def describe(artifact: Artifact, lang: str = "en") -> str:
    ref = artifact.ref
    if artifact.kind == "volume_file":
        volume, _, path = ref.partition(":")
        return text(lang, "reset:volume_file", volume=volume, path=path)
    if artifact.kind in ("run", "object", "inference_service"):
        return text(lang, f"reset:{artifact.kind}", ref=ref)
    return f"{artifact.kind} {ref}"


def relocked(course: Course, lesson_ids: Iterable[int]) -> list[int]:
    """The open lessons that lock again when these go back to open (a passed lesson stays passed)."""
    from workshop.core.course import LessonState

    reset_ids = set(lesson_ids)
    states = course.states()
    return [lesson.id for lesson in course.lessons
            if lesson.id not in reset_ids and states[lesson.id] is LessonState.OPEN
            and any(required in reset_ids for required in lesson.requires)]


def _namespaces(backend: Backend, runs: list[RunRecord]) -> list[str]:
    found = {str(run.arguments.get("namespace") or "local") for run in runs}
    if not found:  # no run record left (a reset that stopped halfway): the backend's own namespace
        found = {str(backend.defaults({"namespace"}).get("namespace") or "local")}
    return sorted(found)


def created_by(course: Course, backend: Backend, lesson: Lesson) -> list[Artifact]:
    """Everything the lesson may have created, whether or not it exists now, in removal order."""
    runs = course.progress.runs(lesson.id)
    found: dict[tuple[str, str], Artifact] = {}

    def add(kind: str, ref: str) -> None:
        found.setdefault((kind, ref), Artifact(kind, ref, lesson.id))

    for spec in lesson.checks:
        params = spec.params
        if spec.kind == "volume_sorted":
            add("volume_file", f"{params['volume']}:/{str(params['output']).lstrip('/')}")
        elif spec.kind == "s3_object":
            add("object", f"{params['bucket']}/{params['key']}")
            for run in runs:  # the key each run wrote (lesson 4's object_key, a backend default)
                key = run.arguments.get(params.get("key_argument") or "")
                if key:
                    add("object", f"{params['bucket']}/{key}")
        elif spec.kind == "kserve_ready":
            for namespace in _namespaces(backend, runs):
                add("inference_service", f"{namespace}/{params['service']}")
    for run in runs:
        add("run", run.run_id)
    return sorted(found.values(), key=lambda a: KIND_ORDER.get(a.kind, len(KIND_ORDER)))


def plan(course: Course, backend: Backend, lesson_ids: list[int]) -> Plan:
    """What a reset of these lessons would remove: only what exists now.

    A run counts while its record is in the progress store, even when its files are gone.
    """
    artifacts: list[Artifact] = []
    for lesson_id in lesson_ids:  # lesson by lesson, each in removal order
        lesson = course.lesson(lesson_id)
        for artifact in created_by(course, backend, lesson):
            if artifact.kind == "run" or backend.artifact_exists(artifact):
                artifacts.append(artifact)
    records = course.progress.all_lessons()
    return Plan(artifacts, lesson_ids, [i for i in lesson_ids if i in records])


def apply(course: Course, backend: Backend, plan: list[Artifact], lang: str = "en") -> list[str]:
    """Remove each artifact, then reset the lessons' progress; returns what was done, in words.

    A lesson whose artifacts could not all be removed keeps its run records and its state, so
    a later reset finds the rest; ResetError then carries every line.
    """
    lesson_ids = list(getattr(plan, "lesson_ids", None) or sorted({a.lesson_id for a in plan}))
    if isinstance(plan, Plan) and plan.empty:
        return [line(lang, "nothing", lessons=lessons_text(lesson_ids, lang))]
    before = course.states()
    lines: list[str] = []
    failed: set[int] = set()
    for artifact in plan:
        try:
            backend.remove_artifact(artifact)
        except Exception as exc:  # one stubborn artifact must not stop the rest
            if getattr(exc, "kept", False):  # the backend may not remove it, and it does no harm: say so, go on
                lines.append(line(lang, "kept", what=describe(artifact, lang), error=said(exc, lang)))
                continue
            failed.add(artifact.lesson_id)
            lines.append(line(lang, "not_removed", what=describe(artifact, lang), error=said(exc, lang)))
        else:
            lines.append(line(lang, "removed", what=describe(artifact, lang)))
    done = [i for i in lesson_ids if i not in failed]
    for lesson_id in done:
        course.progress.delete_runs(lesson_id)
    course.progress.reset(done)
    course.sync_progress(backend)
    if not plan:
        lines.append(line(lang, "none_left"))
    after = course.states()
    touched = {a.lesson_id for a in plan} | set(getattr(plan, "rows", ()))
    for lesson in course.lessons:  # the lessons reset, and those that lock again because of them
        if (lesson.id in done and lesson.id in touched) or after[lesson.id] != before[lesson.id]:
            lines.append(line(lang, "again", id=lesson.id, state=_state(lang, after[lesson.id].value)))
    if failed:
        its = "its" if len(failed) == 1 else "their"
        lines.append(line(lang, "kept_progress", lessons=lessons_text(sorted(failed), lang), its=its))
        raise ResetError(lines)
    return lines


LINES: dict[str, dict[str, str]] = by_language("reset")
_STATES_ZH = zh_only("reset_states")


def line(lang: str, key: str, **kwargs: object) -> str:
    return LINES["zh" if lang == "zh" else "en"][key].format(**kwargs)


def _state(lang: str, state: str) -> str:
    return _STATES_ZH.get(state, state) if lang == "zh" else state


def lessons_text(lesson_ids: list[int], lang: str = "en") -> str:
    ids = text(lang, "reset:lesson_sep").join(map(str, lesson_ids))
    return text(lang, "reset:lesson_one" if len(lesson_ids) == 1 else "reset:lesson_many", ids=ids)
