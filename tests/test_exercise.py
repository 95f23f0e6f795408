"""Exercise mode: the learner fills the gaps of a starter; the solution shows after a pass or 3 fails."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.test_app import new_app, settle
from tests.test_cli import workshop
from workshop.core.compile import CompileError, compile_pipeline, load_pipeline, task_names
from workshop.core.course import Course, LessonState
from workshop.core.exercise import exercise_file, start_exercise, starter_text, stop_exercise
from workshop.core.lessons import LessonError, load_lessons


@pytest.mark.parametrize("lesson", load_lessons(ROOT / "lessons", ROOT / "pipelines"), ids=lambda item: item.key)
def test_every_lesson_has_a_starter_with_gaps_that_still_compiles(lesson: Any, tmp_path: Path) -> None:
    assert lesson.gaps_file == ROOT / "exercises" / f"{lesson.pipeline_file.stem}.toml"
    text = starter_text(lesson)  # every gap is found exactly once in today's reference
    assert "TODO 1" in text and text.startswith(f'"""Exercise: lesson {lesson.id}, ')
    assert text != lesson.code()
    # the starter compiles, so the learner's first run already shows which checks are missing
    starter = tmp_path / lesson.pipeline_file.name
    starter.write_text(text, encoding="utf-8")
    package = compile_pipeline(starter, lesson.pipeline_function, tmp_path / "starter.yaml")
    assert task_names(package)


def test_a_gap_that_no_longer_matches_the_reference_is_an_error(tmp_path: Path) -> None:
    for folder in ("lessons", "pipelines", "exercises"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    reference = tmp_path / "pipelines" / "pythagorean.py"
    reference.write_text(reference.read_text().replace("return x + y", "return y + x"))  # the reference moved on
    lesson = load_lessons(tmp_path / "lessons", tmp_path / "pipelines")[0]
    with pytest.raises(LessonError, match="gap 1 is found 0 times in pythagorean.py"):
        starter_text(lesson)


def test_start_copies_the_starter_once_and_a_fresh_start_keeps_every_old_file(course: Course) -> None:
    lesson = course.lesson(1)
    assert course.pipeline_file(lesson) == lesson.pipeline_file  # following along: the reference runs
    path, backup = start_exercise(course.settings, course.progress, lesson)
    assert path == course.settings.home / "exercises" / "01-pythagorean" / "pythagorean.py"
    assert backup is None and path.read_text() == starter_text(lesson)
    assert course.pipeline_file(lesson) == path  # exercising: the learner's file runs
    path.write_text("# my work\n")
    assert start_exercise(course.settings, course.progress, lesson) == (path, None)
    assert path.read_text() == "# my work\n"  # a second start never overwrites the learner's work
    backups = []
    for text in ("# first\n", "# second\n"):  # twice within the same second: two backups
        path.write_text(text)
        again, backup = start_exercise(course.settings, course.progress, lesson, fresh=True)
        assert again == path and path.read_text() == starter_text(lesson)
        assert backup is not None
        backups.append(backup)
    assert [b.read_text() for b in backups] == ["# first\n", "# second\n"]


def test_a_missing_file_in_exercise_mode_is_an_error_not_the_reference(course: Course) -> None:
    lesson = course.lesson(1)
    path, _ = start_exercise(course.settings, course.progress, lesson)
    path.rename(path.with_name("renamed.py"))  # a rename in JupyterLab's file browser
    with pytest.raises(LessonError, match="your file for lesson 1 is gone"):
        course.pipeline_file(lesson)
    path.with_name("renamed.py").rename(path)
    moved = path.parent.with_name("01-moved")
    path.parent.rename(moved)  # the whole folder moved: still an error, never the reference
    with pytest.raises(LessonError, match="your file for lesson 1 is gone"):
        course.pipeline_file(lesson)
    course.progress.reset([1])  # a reset ends neither the exercise nor the learner's file
    with pytest.raises(LessonError, match="is gone"):
        course.pipeline_file(lesson)
    assert stop_exercise(course.settings, course.progress, lesson) is None  # back to following along
    assert course.pipeline_file(lesson) == lesson.pipeline_file
    assert (moved / "pythagorean.py").is_file()  # nothing of the learner's is removed


def test_the_solution_unlocks_after_three_different_failed_tries_a_pass_or_a_skip(course: Course) -> None:
    lesson = course.lesson(1)
    assert course.solution_gate(lesson).reason == "following"  # the reference is the lesson's code
    start_exercise(course.settings, course.progress, lesson)
    for n in range(3):
        gate = course.solution_gate(lesson)
        assert not gate.unlocked and gate.failed_attempts == n and gate.attempts_left == 3 - n
        course.progress.record_attempt(1, False, {}, "output: wrong", tried=f"sha-{n}")
        course.progress.record_attempt(1, False, {}, "output: wrong", tried=f"sha-{n}")  # same code again
        course.progress.record_attempt(1, False, {}, "output: wrong")  # not the learner's own code
    gate = course.solution_gate(lesson)
    assert gate.unlocked and gate.reason == "attempts" and gate.failed_attempts == 3
    course.progress.reset([1])
    assert not course.solution_gate(lesson).unlocked
    course.progress.record_attempt(1, True, {"run_id": "r"})
    assert course.solution_gate(lesson).reason == "passed"
    course.progress.reset([1])
    course.progress.mark(1, "skipped")
    assert course.solution_gate(lesson).reason == "skipped"


def test_a_file_that_does_not_compile_is_a_failed_attempt(course: Course, backend: Any) -> None:
    lesson = course.lesson(1)
    path, _ = start_exercise(course.settings, course.progress, lesson)
    path.write_text(path.read_text() + "\ndef broken(:\n")
    with pytest.raises(CompileError, match="does not import"):
        course.run_lesson(lesson, backend, lesson.defaults())
    record = course.progress.lesson(1)
    assert record.attempts == 1 and record.last_failure.startswith("compile: pythagorean.py does not import")
    assert len(record.tried) == 1


def test_an_edit_within_the_same_second_and_size_runs_the_new_code(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)  # as on a learner's machine
    path = tmp_path / "mine.py"
    path.write_text("def pipeline():\n    return 'A'\n")
    assert load_pipeline(path, "pipeline")() == "A"
    path.write_text("def pipeline():\n    return 'B'\n")  # same size, same second
    assert load_pipeline(path, "pipeline")() == "B"
    assert not (tmp_path / "__pycache__").exists()  # nothing written beside the learner's file
    path.write_text("def pipeline():\n    return 'A'\n\nanswer = undefined_name\n")
    with pytest.raises(CompileError, match=r"mine.py, line 4, does not import: NameError"):
        load_pipeline(path, "pipeline")  # the line to look at, as a traceback would say


def fill_lesson_one(text: str) -> str:
    """What a learner writes into the three gaps of lesson 1's starter."""
    fixes = {
        '    raise NotImplementedError("TODO 1: add() must return x + y")\n': "    return x + y\n",
        '    raise NotImplementedError("TODO 2: square_root() must return the square root of x")\n':
            "    return x ** 0.5\n",
        "    return b_sq_task.output\n":
            "    total = add(x=a_sq_task.output, y=b_sq_task.output)\n"
            "    return square_root(x=total.output).output\n",
    }
    for gap, fix in fixes.items():
        assert text.count(gap) == 1, gap
        text = text.replace(gap, fix)
    return text


def test_lesson_one_exercise_fails_as_given_and_passes_once_filled(course: Course, backend: Any) -> None:
    lesson = course.lesson(1)
    path, _ = start_exercise(course.settings, course.progress, lesson)
    attempt = course.run_lesson(lesson, backend, lesson.parse_arguments({"a": "5", "b": "12"}))
    statuses = {c.id: c.status.value for c in attempt.checks}
    assert statuses == {"compiled": "failed", "succeeded": "passed", "output": "failed"}
    assert attempt.run.outputs.get("Output") == 144.0  # the starter returns b's square
    assert course.states()[1] is LessonState.OPEN and not course.solution_gate(lesson).unlocked
    course.run_lesson(lesson, backend, lesson.defaults())  # Run again, code untouched
    course.check(lesson, backend)  # and `workshop check`: the same run, checked again
    assert course.progress.lesson(1).attempts == 2
    assert course.solution_gate(lesson).failed_attempts == 0  # the untouched starter is not a try
    path.write_text(path.read_text().replace("# TODO 3:", "#   TODO 3:") + "\n# thinking...\n")
    course.run_lesson(lesson, backend, lesson.defaults())  # comments and layout only: the same code
    assert course.solution_gate(lesson).failed_attempts == 0

    path.write_text(fill_lesson_one(path.read_text()))
    attempt = course.run_lesson(lesson, backend, lesson.parse_arguments({"a": "5", "b": "12"}))
    assert attempt.passed, [(c.id, c.summary) for c in attempt.checks]
    assert attempt.run.outputs.get("Output") == 13.0
    assert course.states()[1] is LessonState.DONE and course.solution_gate(lesson).reason == "passed"
    source = (course.progress.lesson(1).evidence or {})["source"]
    assert source == {"file": str(path), "version": attempt.run.source_sha, "own_code": True}


@pytest.mark.parametrize(("lesson_id", "gaps"), [
    (2, {"mounts", "sorted"}),              # ascending, and the save step without the volume
    (3, {"train-model-resources"}),         # no accelerator, no node selector
    (4, {"succeeded", "object"}),           # no credentials from the secret, no upload
    (5, {"compiled", "ready"}),             # no model file, no deploy step
])
def test_each_starter_as_given_fails_the_checks_of_its_gaps(
    course: Course, backend: Any, lesson_id: int, gaps: set[str]
) -> None:
    lesson = course.lesson(lesson_id)
    start_exercise(course.settings, course.progress, lesson)
    wanted = {a.default_from for a in lesson.arguments if a.default_from}
    attempt = course.run_lesson(lesson, backend, lesson.parse_arguments({}, backend.defaults(wanted)))
    failed = {c.id for c in attempt.checks if c.status.value == "failed"}
    assert not attempt.passed and gaps <= failed, [(c.id, c.summary) for c in attempt.checks]
    assert course.progress.lesson(lesson_id).attempts == 1


def test_skip_runs_the_reference_even_in_exercise_mode(course: Course, backend: Any) -> None:
    from workshop.core.verify import skip

    lesson = course.lesson(1)
    start_exercise(course.settings, course.progress, lesson)  # the untouched starter would fail
    attempt = skip(course, backend, lesson)
    assert attempt.passed and course.states()[1] is LessonState.SKIPPED
    assert (course.progress.lesson(1).evidence or {})["source"]["own_code"] is False  # an instructor can tell


def test_exercise_and_solution_commands(home: Path) -> None:
    done = workshop(home, "exercise", "1")
    assert done.returncode == 0, done.stderr
    mine = home / "exercises" / "01-pythagorean" / "pythagorean.py"
    assert str(mine) in done.stdout and "Fill in its 3 TODOs" in done.stdout
    assert mine.is_file()
    done = workshop(home, "exercise", "1")
    assert "already writing lesson 1 yourself" in done.stdout
    rows = json.loads(workshop(home, "progress", "--json").stdout)["lessons"]
    assert (rows[0]["mode"], rows[0]["your_file"]) == ("exercise", str(mine))
    assert (rows[1]["mode"], rows[1]["your_file"]) == ("follow along", None)

    done = workshop(home, "solution", "1")
    assert done.returncode == 1
    assert "unlocks when you pass it, or after 3 failed attempts with your own changes (you have 0 failed " \
           "attempts, 3 to go)" in " ".join(done.stderr.split())
    assert "Traceback" not in done.stderr

    done = workshop(home, "run", "1")  # the starter as given: runs the learner's file and fails
    assert done.returncode == 1
    assert f"running your own file {mine}" in done.stdout

    from workshop.core.progress import ProgressStore

    store = ProgressStore(home / "progress.db", "tester")
    assert store.lesson(1).tried == ()  # the untouched starter failed, but it is no try of the learner's
    store.record_attempt(1, False, {}, "output", tried="a")
    store.record_attempt(1, False, {}, "output", tried="b")
    store.record_attempt(1, False, {}, "output", tried="c")
    done = workshop(home, "solution", "1")
    assert done.returncode == 0, done.stderr
    assert done.stdout == (ROOT / "pipelines" / "pythagorean.py").read_text()

    done = workshop(home, "exercise", "99")
    assert done.returncode == 1 and "no lesson '99'" in done.stderr

    mine.unlink()  # deleted by mistake: a clear message, not the reference run instead
    done = workshop(home, "run", "1")
    assert done.returncode == 1 and "your file for lesson 1 is gone" in done.stderr
    assert "Traceback" not in done.stderr
    done = workshop(home, "exercise", "1", "--off")
    assert done.returncode == 0 and "following along" in done.stdout
    done = workshop(home, "solution", "1")  # following along, the reference is the lesson's code
    assert done.returncode == 0 and "def pythagorean" in done.stdout


async def test_the_code_tab_starts_an_exercise_and_reveals_the_solution_after_three_fails(home: Path) -> None:
    from textual.widgets import Button

    from workshop.widgets.code_view import CodeView
    from workshop.widgets.lesson_view import LessonView
    from workshop.widgets.run_panel import RunPanel

    app = new_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: bool(app.query(RunPanel)))  # the lesson view mounts after the first frame
        app.query_one(LessonView).tabs.active = "tab-code"
        await settle(pilot, lambda: bool(app.query(CodeView)))
        view = app.query_one(CodeView)
        await settle(pilot, lambda: "return x + y" in view.shown)  # following along: the reference
        assert not view.query_one("#solution", Button).display
        await settle(pilot, lambda: view.query_one("#exercise-start").region.width > 0)  # laid out
        await pilot.click("#exercise-start")
        await settle(pilot, lambda: "TODO 1" in view.shown)
        mine = exercise_file(app.course.settings, view.lesson)
        assert mine.is_file() and view.shown == mine.read_text()
        solution = view.query_one("#solution", Button)
        assert solution.display and solution.disabled
        assert "0 of 3 tries" in str(solution.label)
        await settle(pilot, lambda: view.query_one("#exercise-off").region.width > 0)  # fits at 100 columns
        assert view.query_one("#exercise-off").region.right <= app.size.width

        mine.write_text(mine.read_text() + "# edited in JupyterLab\n")  # the learner edits the file
        for n in range(3):
            app.course.progress.record_attempt(1, False, {}, "output: wrong", tried=f"version-{n}")
        app.query_one(LessonView).tabs.active = "tab-lesson"
        await pilot.pause()
        app.query_one(LessonView).tabs.active = "tab-code"  # coming back reloads the file and the gate
        await settle(pilot, lambda: not solution.disabled and solution.region.width > 0)
        assert view.shown.endswith("# edited in JupyterLab\n")
        await pilot.click("#solution")
        await settle(pilot, lambda: "return x + y" in view.shown)
        assert view.shown == view.lesson.code()
        solution.press()  # not a second click: two quick clicks make a double click
        await settle(pilot, lambda: "TODO 1" in view.shown)
        view.query_one("#exercise-off", Button).press()  # back to following along; the file stays
        await settle(pilot, lambda: view.shown == view.lesson.code())
        assert mine.is_file() and app.course.pipeline_file(view.lesson) == view.lesson.pipeline_file


async def test_running_with_the_learners_file_gone_says_so_in_the_form(home: Path) -> None:
    from textual.widgets import Static

    from workshop.widgets.lesson_view import LessonView
    from workshop.widgets.run_panel import RunPanel

    app = new_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: bool(app.query(RunPanel)))
        lesson = app.query_one(RunPanel).lesson
        path, _ = start_exercise(app.course.settings, app.course.progress, lesson)
        path.unlink()
        await pilot.press("r")
        await settle(pilot, lambda: "is gone" in str(app.query_one("#form-error", Static).render()))
        assert not app.query_one(RunPanel).run_active and app.course.progress.runs() == []
        start_exercise(app.course.settings, app.course.progress, lesson, fresh=True)  # Start over
        view = app.query_one(LessonView)
        view.tabs.active = "tab-lesson"
        await pilot.pause()
        view.tabs.active = "tab-run"  # coming back to the Run tab: the error is stale, the file named
        await settle(pilot, lambda: str(app.query_one("#form-error", Static).render()) == "")
        assert str(path) in str(app.query_one("#run-source", Static).render()).replace("\n", "")
