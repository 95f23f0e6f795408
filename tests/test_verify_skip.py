"""`verify` re-checks completed lessons without recording anything; `skip` runs the reference solution."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.test_reset import take, workshop
from workshop.core import verify
from workshop.core.course import Course, LessonState
from workshop.core.lessons import LessonError


def test_verify_rechecks_completed_lessons_and_records_nothing(course: Course, backend: Any) -> None:
    take(course, backend, 1)
    take(course, backend, 2)
    before = (course.progress.all_lessons(), course.progress.runs())
    results = verify.verify(course, backend)
    assert [lesson.id for lesson, _ in results] == [1, 2]
    assert all(verify.holds(checks) for _, checks in results)
    assert (course.progress.all_lessons(), course.progress.runs()) == before  # no attempt, no run, no checks

    backend.volumes.file("aidatasource", "output/sorted_numbers.csv").unlink()
    by_lesson = {lesson.id: checks for lesson, checks in verify.verify(course, backend)}
    assert verify.holds(by_lesson[1])
    failing = [c for c in by_lesson[2] if not c.passed]
    assert [c.id for c in failing] == ["sorted"] and "does not exist" in failing[0].summary
    assert course.progress.lesson(2).attempts == 1 and course.states()[2] is LessonState.DONE


def test_verify_checks_the_run_that_passed_not_a_later_failed_one(course: Course, backend: Any) -> None:
    from tests.conftest import variant

    passed = take(course, backend, 1)
    lesson = course.lesson(1)
    broken = variant("pythagorean_subtract")
    failed = course.run_lesson(lesson, backend, {"a": 1.0, "b": 1.0}, pipeline_file=broken)
    assert not failed.passed and course.states()[1] is LessonState.DONE
    assert verify.verified_run(course, lesson).run_id == passed.run.run_id  # type: ignore[union-attr]
    assert verify.holds(verify.verify_lesson(course, backend, lesson))


def test_verify_command_reports_what_no_longer_holds(home: Path) -> None:
    empty = workshop(home, "verify")
    assert empty.returncode == 0 and "No completed lesson" in empty.stdout
    assert workshop(home, "run", "1").returncode == 0
    assert workshop(home, "run", "2").returncode == 0
    ok = workshop(home, "verify")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "All 2 completed lessons still hold." in ok.stdout

    (home / "local" / "volumes" / "aidatasource" / "output" / "sorted_numbers.csv").unlink()
    out = workshop(home, "verify")
    assert out.returncode == 1
    assert "Lesson 1 (done)" in out.stdout and "still holds" in out.stdout
    assert "Lesson 2 (done)" in out.stdout and "no longer holds" in out.stdout
    assert "output/sorted_numbers.csv does not exist" in out.stdout
    assert "Traceback" not in out.stdout + out.stderr
    progress = json.loads(workshop(home, "progress", "--json").stdout)
    assert [row["attempts"] for row in progress["lessons"][:2]] == [1, 1]  # verify recorded no attempt


def test_skip_runs_the_reference_and_marks_skipped_not_passed(course: Course, backend: Any) -> None:
    attempt = verify.skip(course, backend, course.lesson(1))
    assert attempt.passed
    assert course.progress.lesson(1).state == "skipped"
    states = course.states()
    assert states[1] is LessonState.SKIPPED and states[2] is LessonState.OPEN
    assert course.progress.last_run(1).state == "SUCCEEDED"  # type: ignore[union-attr]
    with pytest.raises(LessonError, match="lesson 3 is locked"):
        verify.skip(course, backend, course.lesson(3))


def test_skip_does_not_mark_a_lesson_whose_reference_fails(course: Course, backend: Any) -> None:
    take(course, backend, 1)
    volume = backend.volumes.ensure("aidatasource")
    (volume / "input_numbers.csv").write_text("three\nfour\n")  # the reference sort cannot read this
    attempt = verify.skip(course, backend, course.lesson(2))
    assert not attempt.passed
    assert course.states()[2] is LessonState.OPEN and course.states()[3] is LessonState.LOCKED


def test_skip_command(home: Path) -> None:
    out = workshop(home, "skip", "1")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "[add]" in out.stdout and "Lesson 1 is skipped" in out.stdout
    lines = workshop(home, "list").stdout.splitlines()
    assert lines[0].split()[:2] == ["1", "skipped"] and lines[1].split()[:2] == ["2", "open"]
    for args, message in ((("skip", "3"), "lesson 3 is locked"), (("skip", "9"), "no lesson '9'")):
        refused = workshop(home, *args)
        assert refused.returncode != 0 and message in refused.stderr
        assert "Traceback" not in refused.stdout + refused.stderr


def test_skip_command_says_when_the_reference_fails(home: Path) -> None:
    assert workshop(home, "run", "1").returncode == 0
    volume = home / "local" / "volumes" / "aidatasource"
    volume.mkdir(parents=True)  # a volume that exists is not seeded again
    (volume / "input_numbers.csv").write_text("three\n")
    out = workshop(home, "skip", "2")
    assert out.returncode == 1
    assert "did not pass here, so the lesson is not marked skipped" in out.stderr
    assert workshop(home, "list").stdout.splitlines()[1].split()[:2] == ["2", "open"]
