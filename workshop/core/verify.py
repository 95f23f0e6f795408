"""Progress that can be trusted: re-check completed lessons, and skip one for a stuck learner.

`verify` runs a completed lesson's checks again against what exists now, on the run that
passed, and records nothing: progress, attempts and run records stay as they are.
`skip` runs the lesson's own reference pipeline, so that what later lessons need exists,
and marks the lesson skipped (never passed).
"""

from __future__ import annotations

from collections.abc import Callable

from workshop.core.checks import CheckContext, CheckResult, Status, run_checks
from workshop.core.course import Attempt, Course, LessonState
from workshop.core.events import RunEvent
from workshop.core.lessons import Lesson, LessonError, lesson_arguments
from workshop.core.ports import Backend
from workshop.core.progress import SKIPPED, RunRecord
from workshop.core.text import text

VERIFIED_STATES = (LessonState.DONE, LessonState.SKIPPED)


def verified_run(course: Course, lesson: Lesson) -> RunRecord | None:
    """The run the lesson passed on (its evidence names it), else its last run."""
    evidence = course.progress.lesson(lesson.id).evidence or {}
    wanted = evidence.get("run_id")
    if wanted:
        for run in course.progress.runs(lesson.id):
            if run.run_id == wanted:
                return run
    return course.progress.last_run(lesson.id)


def verify_lesson(course: Course, backend: Backend, lesson: Lesson) -> list[CheckResult]:
    state = course.states()[lesson.id]
    run = verified_run(course, lesson)
    if run is None:
        status = Status.SKIPPED if state is LessonState.SKIPPED else Status.FAILED
        summary = "no run of this lesson is recorded, so there is nothing to check: run it again"
        return [CheckResult("run", "A recorded run", status, summary)]
    attempts = course.progress.lesson(lesson.id).attempts
    ctx = CheckContext(lesson, run, backend, course.settings.language, max(attempts, 1))
    return run_checks(ctx)


def verify(course: Course, backend: Backend) -> list[tuple[Lesson, list[CheckResult]]]:
    """Every completed (passed or skipped) lesson with its checks, re-run now; nothing is recorded."""
    states = course.states()
    return [
        (lesson, verify_lesson(course, backend, lesson))
        for lesson in course.lessons
        if states[lesson.id] in VERIFIED_STATES
    ]


def holds(results: list[CheckResult]) -> bool:
    return all(result.passed for result in results)


def why_not_skippable(course: Course, lesson: Lesson) -> str | None:
    state = course.states()[lesson.id]
    needed = ", ".join(map(str, lesson.requires))
    lang = course.settings.language
    why = {LessonState.LOCKED: "skip_locked", LessonState.COMING_SOON: "skip_coming", LessonState.DONE: "skip_done"}
    return text(lang, f"course:{why[state]}", id=lesson.id, needed=needed) if state in why else None


def skip(
    course: Course,
    backend: Backend,
    lesson: Lesson,
    on_event: Callable[[RunEvent], object] = lambda event: None,
    on_run_id: Callable[[str], object] = lambda run_id: None,
) -> Attempt:
    """Run the reference solution; when it passes, the lesson is marked skipped (not passed).

    When it does not pass, nothing is marked: the attempt says what went wrong.
    """
    reason = why_not_skippable(course, lesson)
    if reason:
        raise LessonError(reason)
    arguments = lesson_arguments(lesson, backend)
    attempt = course.run_lesson(lesson, backend, arguments, on_event=on_event, on_run_id=on_run_id,
                                pipeline_file=lesson.pipeline_file)  # the reference, even in exercise mode
    if attempt.passed:
        course.progress.mark(lesson.id, SKIPPED)
        course.sync_progress(backend)
    return attempt
