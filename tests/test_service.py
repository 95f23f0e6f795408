"""The application service that the app and the CLI both call (workshop/core/service.py)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from tests.conftest import variant
from workshop.core import service
from workshop.core.check_base import Status
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


def test_the_exercise_operations_go_through_the_service(course: Course) -> None:
    lesson = course.lesson(1)
    mine = service.exercise_file(course, lesson)
    assert not service.in_exercise(course, lesson) and not mine.exists()
    assert service.solution_gate(course, lesson).reason == "following"
    started = service.start_exercise(course, lesson)
    assert started.path == mine and started.backup is None and not started.existed
    assert service.in_exercise(course, lesson) and "TODO" in mine.read_text(encoding="utf-8")
    gate = service.solution_gate(course, lesson)
    assert not gate.unlocked and gate.attempts_left == service.FAILED_ATTEMPTS_TO_REVEAL
    mine.write_text("# my work\n", encoding="utf-8")
    again = service.start_exercise(course, lesson)  # already an exercise, the file in place: kept as it is
    assert again.existed and again.backup is None and mine.read_text(encoding="utf-8") == "# my work\n"
    fresh = service.start_exercise(course, lesson, fresh=True)
    assert fresh.existed and fresh.backup is not None and fresh.backup.read_text(encoding="utf-8") == "# my work\n"
    assert [r.your_file for r in service.progress_rows(course)][0] == mine
    assert service.stop_exercise(course, lesson) == mine and mine.is_file()  # the file stays
    assert not service.in_exercise(course, lesson) and service.solution_gate(course, lesson).unlocked


def test_the_reset_plan_names_what_goes_and_the_learners_file_that_stays(course: Course, backend: Any) -> None:
    lesson = course.lesson(1)
    attempt = service.run(course, backend, lesson)
    mine = service.start_exercise(course, lesson).path
    plan = service.plan_reset(course, backend, [1])
    assert plan.artifact_lines("en") == [(1, f"run {attempt.run.run_id} (its record and its files)")]
    assert plan.artifact_lines("zh") == [(1, f"运行 {attempt.run.run_id}（记录与文件）")]
    assert plan.exercising == {1: mine} and plan.files_kept == {1: mine}
    assert service.lessons_text([1, 2], "en") == "lessons 1, 2" and service.lessons_text([1], "zh") == "第 1 课"
    outcome = service.reset(course, backend, plan)
    assert outcome.ok and "lesson 1 is open again" in outcome.lines
    assert mine.is_file() and course.progress.runs(1) == []  # reset never touches the learner's own code


def test_a_reset_that_stops_halfway_is_an_outcome_not_an_exception(course: Course, backend: Any) -> None:
    from workshop.core import reset as core_reset
    from workshop.core.ports import Artifact

    service.run(course, backend, course.lesson(1))
    runs = course.progress.runs(1)
    plan = service.ResetPlan(core_reset.Plan([Artifact("run", "../not-a-run", 1)], [1], [1]), [])
    outcome = service.reset(course, backend, plan)
    assert not outcome.ok and any(line.startswith("could not remove run ../not-a-run") for line in outcome.lines)
    assert "lesson 1 kept its progress" in outcome.lines[-1] and course.progress.runs(1) == runs


def test_skip_and_verify_go_through_the_service(course: Course, backend: Any) -> None:
    locked, first = course.lesson(2), course.lesson(1)
    assert service.why_not_skippable(course, locked) == "lesson 2 is locked: pass or skip lesson 1 first"
    assert service.why_not_skippable(course, first) is None
    assert service.verify(course, backend) == []  # nothing completed: nothing to verify
    service.run(course, backend, first)
    assert "already passed" in (service.why_not_skippable(course, first) or "")
    [(lesson, checks)] = service.verify(course, backend)
    assert lesson.id == 1 and service.holds(checks) and checks
    assert not service.holds([*checks[:-1], dataclasses.replace(checks[-1], status=Status.FAILED)])


def test_a_run_stopped_from_the_terminal_is_canceled_and_recorded(course: Course, backend: Any) -> None:
    from workshop.core.events import RunFinished

    run_ids: list[str] = []

    def stop(event: object) -> None:
        raise KeyboardInterrupt  # Ctrl-C while the run's first event is printed

    with pytest.raises(KeyboardInterrupt):
        service.run(course, backend, course.lesson(1), on_event=stop, on_run_id=run_ids.append)
    [run_id] = run_ids
    assert course.progress.run(run_id).state == "RUNNING"  # type: ignore[union-attr]
    service.interrupted(course, backend, run_id)
    record = course.progress.run(run_id)
    assert record is not None and (record.state, record.error) == ("CANCELED", "interrupted")
    finished = [e for e in backend.events(run_id) if isinstance(e, RunFinished)]
    assert [e.state.value for e in finished] == ["CANCELED"]


def test_checks_said_again_in_the_other_language_record_nothing(course: Course, backend: Any) -> None:
    lesson = course.lesson(1)
    attempt = service.run(course, backend, lesson)
    before = course.progress.lesson(1)
    again = service.checks_in_language(course, backend, lesson, attempt.run, attempt.checks, "zh")
    assert [(r.id, r.status) for r in again] == [(r.id, r.status) for r in attempt.checks]
    titles = {spec.id: spec.title_in("zh") for spec in lesson.checks}
    assert [r.title for r in again] == [titles[r.id] for r in attempt.checks] != [r.title for r in attempt.checks]
    assert course.progress.lesson(1) == before and course.progress.run(attempt.run.run_id).checks == [  # type: ignore[union-attr]
        r.to_dict() for r in attempt.checks]


def test_checks_that_come_out_otherwise_keep_what_was_shown_in_the_other_language(course: Course,
                                                                                  backend: Any) -> None:
    lesson = course.lesson(1)
    attempt = service.run(course, backend, lesson)
    shown = [dataclasses.replace(r, status=Status.FAILED, summary="as it was") for r in attempt.checks]
    again = service.checks_in_language(course, backend, lesson, attempt.run, shown, "zh")
    specs = {spec.id: spec for spec in lesson.checks}
    assert [(r.status, r.summary, r.title, r.hint) for r in again] == [
        (Status.FAILED, "as it was", specs[r.id].title_in("zh"), specs[r.id].hint("zh", 1)) for r in shown]
