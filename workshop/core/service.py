"""The application service: what the app and the CLI both ask of the course, in one place.

Both faces call these and only present the answers: the lesson's arguments (a backend may
provide some, `default_from` in lesson.toml), a run, a check, skip, verify, reset (plan, then
apply), the rows of the progress table, and the exercise operations (take a lesson as an
exercise, go back to following along, the solution's gate). Everything here is blocking; the
app calls it from worker threads.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workshop.core import exercise as core_exercise
from workshop.core import reset as core_reset
from workshop.core import verify as core_verify
from workshop.core.checks import CheckContext, CheckResult, Status, run_checks
from workshop.core.course import Attempt, Course, LessonState
from workshop.core.errors import ResetError, said
from workshop.core.events import RunEvent
from workshop.core.exercise import FAILED_ATTEMPTS_TO_REVEAL, SolutionGate
from workshop.core.lessons import Lesson, lesson_arguments
from workshop.core.ports import Backend
from workshop.core.progress import RunRecord

__all__ = ["FAILED_ATTEMPTS_TO_REVEAL", "ExerciseStart", "ProgressRow", "ResetError", "ResetOutcome", "ResetPlan",
           "SolutionGate", "apply_reset", "check", "checks_in_language", "exercise_file", "holds", "in_exercise",
           "interrupted", "lesson_arguments", "lessons_text", "plan_reset", "progress_rows", "reset", "run", "skip",
           "solution_gate", "start_exercise", "stop_exercise", "verify", "why_not_skippable"]


def run(
    course: Course,
    backend: Backend,
    lesson: Lesson,
    raw: dict[str, Any] | None = None,
    on_event: Callable[[RunEvent], object] = lambda event: None,
    on_run_id: Callable[[str], object] = lambda run_id: None,
    pipeline_file: Path | None = None,
    on_step: Callable[[str, dict[str, Any]], object] = lambda step, details: None,
    lang: str = "en",
    by_label: bool = False,
) -> Attempt:
    """Run the lesson with these arguments, check it and record the attempt; `on_step` hears the
    Kubeflow steps (compiled, uploaded, run created) as they happen."""
    arguments = lesson_arguments(lesson, backend, raw, lang, by_label)  # a form names fields by label
    return course.run_lesson(lesson, backend, arguments, on_event=on_event, on_run_id=on_run_id,
                             pipeline_file=pipeline_file, on_step=on_step)


def interrupted(course: Course, backend: Backend, run_id: str) -> None:
    """The learner stopped a run from the terminal (Ctrl-C): cancel it, and record it as canceled."""
    backend.cancel(run_id)
    course.progress.finish_run(run_id, "CANCELED", {}, "interrupted")


def check(course: Course, backend: Backend, lesson: Lesson,
          on_event: Callable[[RunEvent], object] = lambda event: None) -> Attempt:
    """The lesson's checks on its last run; LookupError when it has not run yet."""
    return course.check(lesson, backend, on_event=on_event)


def checks_in_language(course: Course, backend: Backend, lesson: Lesson, run: RunRecord,
                       shown: list[CheckResult], lang: str) -> list[CheckResult]:
    """A run's checks said again in `lang`, recorded nowhere (the app's language key on shown checks).

    Said again only if they come out as they were shown: otherwise (a service stopped since, or
    a backend that cannot answer now) the shown results keep their verdicts and summaries, with
    the titles and hints in `lang`.
    """
    attempt = max(course.progress.lesson(lesson.id).attempts, 1)
    try:
        fresh = run_checks(CheckContext(lesson, run, backend, lang, attempt,
                                        not_the_code=run.run_id in course.not_the_code))
    except Exception:  # a backend that cannot answer now: say what can be said without it
        fresh = []
    if [(r.id, r.status) for r in fresh] == [(r.id, r.status) for r in shown]:
        return fresh
    specs = {spec.id: spec for spec in lesson.checks}
    return [dataclasses.replace(
        r, title=specs[r.id].title_in(lang),
        hint=specs[r.id].hint(lang, attempt) if r.status is Status.FAILED else "")
        if r.id in specs else r for r in shown]


def skip(
    course: Course,
    backend: Backend,
    lesson: Lesson,
    on_event: Callable[[RunEvent], object] = lambda event: None,
    on_run_id: Callable[[str], object] = lambda run_id: None,
) -> Attempt:
    return core_verify.skip(course, backend, lesson, on_event=on_event, on_run_id=on_run_id)


def why_not_skippable(course: Course, lesson: Lesson) -> str | None:
    """Why the lesson cannot be skipped now (locked, coming soon, already passed), in the course's language."""
    return core_verify.why_not_skippable(course, lesson)


def verify(course: Course, backend: Backend) -> list[tuple[Lesson, list[CheckResult]]]:
    """Every completed lesson with its checks re-run now; nothing is recorded."""
    return core_verify.verify(course, backend)


def holds(results: list[CheckResult]) -> bool:
    """A verified lesson still holds: every one of its checks passes now."""
    return core_verify.holds(results)


@dataclass(frozen=True)
class ResetPlan:
    """What a reset would do: the artifacts that exist now, and the lessons that lock again.

    Reset never touches the learner's own code; the plan names those files so that both faces
    can say they stay.
    """

    plan: core_reset.Plan
    relocks: list[int]
    exercising: dict[int, Path] = field(default_factory=dict)  # lessons asked for, in exercise mode: their file
    files_kept: dict[int, Path] = field(default_factory=dict)  # lessons reset, whose own file exists: it stays

    @property
    def empty(self) -> bool:
        return self.plan.empty

    def artifact_lines(self, lang: str = "en") -> list[tuple[int, str]]:
        """Each artifact the reset removes, described in `lang`, with its lesson."""
        return [(artifact.lesson_id, core_reset.describe(artifact, lang)) for artifact in self.plan]


def plan_reset(course: Course, backend: Backend, lesson_ids: list[int]) -> ResetPlan:
    """Look, change nothing (BackendError when the backend cannot tell)."""
    plan = core_reset.plan(course, backend, lesson_ids)
    exercising = {i: exercise_file(course, course.lesson(i)) for i in lesson_ids
                  if in_exercise(course, course.lesson(i))}
    kept = {i: mine for i in plan.rows if (mine := exercise_file(course, course.lesson(i))).is_file()}
    return ResetPlan(plan, core_reset.relocked(course, plan.lesson_ids), exercising, kept)


def apply_reset(course: Course, backend: Backend, plan: ResetPlan) -> list[str]:
    """Remove what the plan lists and reset the progress; ResetError (with every line) when something stayed.

    The lines are in the course's language.
    """
    return core_reset.apply(course, backend, plan.plan, course.settings.language)


@dataclass(frozen=True)
class ResetOutcome:
    """How a reset went: its lines (what was removed, or what stayed and why), and whether all went."""

    lines: list[str]
    ok: bool


def reset(course: Course, backend: Backend, plan: ResetPlan) -> ResetOutcome:
    """apply_reset, never raising: a reset that stopped halfway, or a backend error, is an outcome too."""
    try:
        return ResetOutcome(apply_reset(course, backend, plan), True)
    except ResetError as exc:
        return ResetOutcome(exc.lines, False)
    except Exception as exc:  # a backend that fails is said, never a traceback
        return ResetOutcome([said(exc, course.settings.language)], False)


def lessons_text(lesson_ids: list[int], lang: str = "en") -> str:
    """"lesson 1", "lessons 1 and 2"... in `lang`, as the reset's lines name them."""
    return core_reset.lessons_text(lesson_ids, lang)


@dataclass(frozen=True)
class ProgressRow:
    """One lesson in the progress table, as both faces show it (each formats it its own way)."""

    lesson: Lesson
    state: LessonState
    attempts: int
    passed_at: float | None
    time_spent: float
    last_failure: str
    exercising: bool
    your_file: Path | None  # the learner's own file, in exercise mode


def progress_rows(course: Course) -> list[ProgressRow]:
    states = course.states()
    records = course.progress.all_lessons()
    exercises = course.progress.exercises()
    rows = []
    for lesson in course.lessons:
        rec = records.get(lesson.id)
        exercising = lesson.id in exercises
        rows.append(ProgressRow(
            lesson, states[lesson.id], rec.attempts if rec else 0, rec.passed_at if rec else None,
            rec.time_spent if rec else 0.0, rec.last_failure if rec else "", exercising,
            exercise_file(course, lesson) if exercising else None,
        ))
    return rows


# --- exercise mode (workshop/core/exercise.py) ----------------------------------------------
def exercise_file(course: Course, lesson: Lesson) -> Path:
    """The learner's own copy of the lesson's pipeline (it may not exist yet)."""
    return core_exercise.exercise_file(course.settings, lesson)


def in_exercise(course: Course, lesson: Lesson) -> bool:
    """The learner chose to write this lesson themselves (and has not gone back to following along)."""
    return core_exercise.in_exercise(course.progress, lesson)


@dataclass(frozen=True)
class ExerciseStart:
    """A lesson taken as an exercise: the learner's file, the backup of an older one, and whether
    the lesson was already an exercise with its file in place (then nothing was copied)."""

    path: Path
    backup: Path | None
    existed: bool


def start_exercise(course: Course, lesson: Lesson, fresh: bool = False) -> ExerciseStart:
    """Take the lesson as an exercise (LessonError or OSError when its starter cannot be written).

    An existing file is the learner's work and is kept, unless `fresh`: then it is first moved
    aside to a new .bak name, never overwritten.
    """
    existed = in_exercise(course, lesson) and exercise_file(course, lesson).is_file()
    path, backup = core_exercise.start_exercise(course.settings, course.progress, lesson, fresh=fresh)
    return ExerciseStart(path, backup, existed)


def stop_exercise(course: Course, lesson: Lesson) -> Path | None:
    """Back to following along: runs use the reference again. The learner's file (if any) stays; it is returned."""
    return core_exercise.stop_exercise(course.settings, course.progress, lesson)


def solution_gate(course: Course, lesson: Lesson) -> SolutionGate:
    """Whether the reference solution may be shown in exercise mode, and why (not)."""
    return course.solution_gate(lesson)
