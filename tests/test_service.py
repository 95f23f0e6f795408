"""The application service that the app and the CLI both call (workshop/core/service.py)."""

from __future__ import annotations

from typing import Any

from tests.conftest import variant
from workshop.core import service
from workshop.core.course import Course


def test_an_attempt_says_whether_the_lesson_had_passed_before(course: Course, backend: Any) -> None:
    lesson = course.lesson(1)
    first = service.run(course, backend, lesson, {"a": "3", "b": "4"})
    assert first.passed and not first.passed_before
    broken = variant("pythagorean_subtract")
    failed = service.run(course, backend, lesson, {"a": "3", "b": "4"}, pipeline_file=broken)
    assert not failed.passed and failed.passed_before  # the panel and the CLI say "stays passed" from this
    again = service.check(course, backend, lesson)  # re-checking the failed run: still passed from before
    assert not again.passed and again.passed_before


def test_progress_rows_and_the_reset_plan(course: Course, backend: Any) -> None:
    lesson = course.lesson(1)
    service.run(course, backend, lesson)
    rows = service.progress_rows(course)
    assert [(r.lesson.id, r.state.value, r.attempts) for r in rows[:2]] == [(1, "done", 1), (2, "open", 0)]
    assert rows[0].passed_at and not rows[0].exercising and rows[0].your_file is None
    plan = service.plan_reset(course, backend, [1])
    assert [a.kind for a in plan.plan] == ["run"] and plan.relocks == [2]  # lesson 2 locks again
    lines = service.apply_reset(course, backend, plan)
    assert "lesson 1 is open again" in lines and course.progress.runs(1) == []
