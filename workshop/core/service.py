"""The application service: what the app and the CLI both ask of the course, in one place.

Both faces call these and only present the answers: the lesson's arguments (a backend may
provide some, `default_from` in lesson.toml), a run, a check, skip, verify, reset (plan, then
apply) and the rows of the progress table. Everything here is blocking; the app calls it
from worker threads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workshop.core import reset as core_reset
from workshop.core import verify as core_verify
from workshop.core.checks import CheckResult
from workshop.core.course import Attempt, Course, LessonState
from workshop.core.events import RunEvent
from workshop.core.exercise import exercise_file
from workshop.core.lessons import Lesson, lesson_arguments
from workshop.core.ports import Backend

__all__ = ["ProgressRow", "ResetPlan", "apply_reset", "check", "lesson_arguments", "plan_reset", "progress_rows",
           "run", "skip", "verify"]


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


def check(course: Course, backend: Backend, lesson: Lesson,
          on_event: Callable[[RunEvent], object] = lambda event: None) -> Attempt:
    """The lesson's checks on its last run; LookupError when it has not run yet."""
    return course.check(lesson, backend, on_event=on_event)


def skip(
    course: Course,
    backend: Backend,
    lesson: Lesson,
    on_event: Callable[[RunEvent], object] = lambda event: None,
    on_run_id: Callable[[str], object] = lambda run_id: None,
) -> Attempt:
    return core_verify.skip(course, backend, lesson, on_event=on_event, on_run_id=on_run_id)


def verify(course: Course, backend: Backend) -> list[tuple[Lesson, list[CheckResult]]]:
    return core_verify.verify(course, backend)


@dataclass(frozen=True)
class ResetPlan:
    """What a reset would do: the artifacts that exist now, and the lessons that lock again."""

    plan: core_reset.Plan
    relocks: list[int]

    @property
    def empty(self) -> bool:
        return self.plan.empty


def plan_reset(course: Course, backend: Backend, lesson_ids: list[int]) -> ResetPlan:
    """Look, change nothing (BackendError when the backend cannot tell)."""
    plan = core_reset.plan(course, backend, lesson_ids)
    return ResetPlan(plan, core_reset.relocked(course, plan.lesson_ids))


def apply_reset(course: Course, backend: Backend, plan: ResetPlan) -> list[str]:
    """Remove what the plan lists and reset the progress; ResetError (with every line) when something stayed.

    The lines are in the course's language.
    """
    return core_reset.apply(course, backend, plan.plan, course.settings.language)


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
            exercise_file(course.settings, lesson) if exercising else None,
        ))
    return rows
