"""The progress screen and reset in the app (Pilot, real local backend), and progress files from older versions."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from textual.widgets import DataTable

from tests.test_app import new_app, settle
from tests.test_reset import take
from workshop.core.course import Course, LessonState
from workshop.core.progress import SCHEMA_VERSION, ProgressStore
from workshop.screens.progress import ProgressScreen, duration
from workshop.widgets.lesson_view import LessonView
from workshop.widgets.run_panel import RunPanel


def rows(app: Any) -> dict[str, list[str]]:
    table = app.screen.query_one("#progress-table", DataTable)
    return {str(key.value): [str(cell) for cell in table.get_row(key)] for key in table.rows}


async def test_p_opens_the_progress_screen_with_every_lesson(course: Course, backend: Any) -> None:
    take(course, backend, 1)
    course.progress.record_attempt(2, False, {}, "The run succeeded: the run ended FAILED")
    app = new_app(course.settings.home)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, lambda: bool(app.query(RunPanel)))
        await pilot.press("p")
        await settle(pilot, lambda: isinstance(app.screen, ProgressScreen))
        shown = rows(app)
        # the footer (on the lesson screen below) stops offering the lesson keys that do nothing here
        assert not any(app.check_action(action, ()) for action in ("run_lesson", "toggle_language", "doctor"))
        assert list(shown) == ["1", "2", "3", "4", "5"]
        assert shown["1"][2:5] == ["done", "follow along", "1"] and shown["1"][6]  # passed at
        assert shown["2"][2:5] == ["open", "follow along", "1"] and "the run ended FAILED" in shown["2"][7]
        assert shown["3"][2:5] == ["locked", "follow along", "0"]
        await pilot.press("escape")
        await settle(pilot, lambda: not isinstance(app.screen, ProgressScreen))
        assert all(app.check_action(action, ()) for action in ("run_lesson", "toggle_language", "doctor"))


async def test_reset_from_the_progress_screen_asks_then_removes(course: Course, backend: Any) -> None:
    take(course, backend, 1)
    run_dir = course.settings.local_dir / "runs" / course.progress.runs(1)[0].run_id
    app = new_app(course.settings.home)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, lambda: bool(app.query(RunPanel)))
        await pilot.press("p")
        await settle(pilot, lambda: isinstance(app.screen, ProgressScreen))
        await pilot.press("x")  # the cursor starts on lesson 1
        await settle(pilot, lambda: app.screen.__class__.__name__ == "Confirm")
        body = " ".join(str(label.content) for label in app.screen.query("Label"))
        assert f"run {run_dir.name}" in body
        assert "Lesson 2 locks again until lesson 1 is passed." in body
        await pilot.press("enter")  # x then Enter by habit: the focused button keeps everything
        await settle(pilot, lambda: isinstance(app.screen, ProgressScreen))
        assert run_dir.is_dir() and app.course.states()[1] is LessonState.DONE

        await pilot.press("x")
        await settle(pilot, lambda: app.screen.__class__.__name__ == "Confirm")
        await pilot.click("#yes")
        await settle(pilot, lambda: rows(app)["1"][2] == "open" if isinstance(app.screen, ProgressScreen) else False)
        assert not run_dir.exists() and app.course.progress.runs(1) == []
        assert rows(app)["2"][2] == "locked"


async def test_x_on_the_lesson_screen_resets_the_lesson_shown(course: Course, backend: Any) -> None:
    take(course, backend, 1)
    take(course, backend, 2)
    output = backend.volumes.file("aidatasource", "output/sorted_numbers.csv")
    app = new_app(course.settings.home)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, lambda: bool(app.query(RunPanel)))
        await app.show_lesson(2)
        await pilot.press("x")
        await settle(pilot, lambda: app.screen.__class__.__name__ == "Confirm")
        await pilot.click("#yes")
        await settle(pilot, lambda: app.course.states()[2] is LessonState.OPEN and not output.exists())
        assert app.course.states()[1] is LessonState.DONE
        # the lesson is shown afresh, in its new state
        await settle(pilot, lambda: [v.state for v in app.query(LessonView)] == [LessonState.OPEN])
        assert app.query_one(LessonView).lesson.id == 2


def test_duration_reads_like_a_person_would_say_it() -> None:
    assert [duration(s) for s in (0, 42, 200, 7300)] == ["—", "42 s", "3 min 20 s", "2 h 01 min"]


# --- progress files from an older workshop ----------------------------------------------------
_OLD_LESSONS = """
CREATE TABLE lesson_progress (
    learner TEXT NOT NULL, lesson_id INTEGER NOT NULL, state TEXT NOT NULL DEFAULT 'open',
    attempts INTEGER NOT NULL DEFAULT 0, started_at REAL, passed_at REAL,
    time_spent REAL NOT NULL DEFAULT 0{extra},
    PRIMARY KEY (learner, lesson_id)
);
INSERT INTO lesson_progress (learner, lesson_id, state, attempts, passed_at) VALUES ('ann', 1, 'passed', 2, 100.0);
"""
_FULL = ", last_failure TEXT NOT NULL DEFAULT '', evidence TEXT NOT NULL DEFAULT '{}'"


def _old_file(path: Path, extra: str) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(_OLD_LESSONS.format(extra=extra))
    conn.close()


def _version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def test_a_version_0_file_with_the_same_tables_is_taken_over(tmp_path: Path) -> None:
    db = tmp_path / "progress.db"
    _old_file(db, _FULL)
    store = ProgressStore(db, "ann")
    assert store.notice == ""
    assert store.lesson(1).state == "passed" and store.lesson(1).attempts == 2
    assert _version(db) == SCHEMA_VERSION
    assert store.runs() == []  # the table it lacked was added


def test_an_older_file_missing_columns_is_migrated_in_place(tmp_path: Path) -> None:
    db = tmp_path / "progress.db"
    _old_file(db, "")  # no last_failure, no evidence
    store = ProgressStore(db, "ann")
    assert store.notice == "" and not list(tmp_path.glob("*.unreadable-*"))
    lesson = store.lesson(1)
    assert (lesson.state, lesson.attempts, lesson.passed_at) == ("passed", 2, 100.0)
    assert lesson.last_failure == "" and lesson.evidence == {}
    store.record_attempt(2, False, {}, "wrong")
    assert store.lesson(2).last_failure == "wrong"
    assert _version(db) == SCHEMA_VERSION
    assert ProgressStore(db, "ann").lesson(1).state == "passed"  # and it opens again as it is


def test_an_older_file_that_cannot_be_migrated_is_moved_aside_with_a_message(tmp_path: Path) -> None:
    db = tmp_path / "progress.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE runs (run_id TEXT PRIMARY KEY, lesson_id INTEGER NOT NULL)")  # no learner
    conn.close()
    store = ProgressStore(db, "ann")
    assert "could not be read" in store.notice and "moved to" in store.notice
    assert len(list(tmp_path.glob("progress.db.unreadable-*"))) == 1
    store.record_attempt(1, True, {})
    assert store.lesson(1).done


async def test_x_in_chinese_asks_about_the_reset_in_chinese(course: Course, backend: Any) -> None:
    """The app's reset dialog in Chinese: its title, its body and what it will remove (the plan's lines come
    from core/reset in the reader's language), then the lesson is open again."""
    from workshop.app import make_app
    from workshop.core.settings import Settings
    from workshop.screens.confirm import Confirm

    take(course, backend, 1)
    app = make_app(Course(Settings.load("zh")), backend_name="local")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, lambda: bool(app.query(RunPanel)))
        await app.show_lesson(1)  # the app opens on lesson 2, the first not done
        await pilot.press("x")
        await settle(pilot, lambda: isinstance(app.screen, Confirm))
        dialog = app.screen
        assert isinstance(dialog, Confirm)
        assert dialog.title_text == "重置第 1 课？"
        assert dialog.body.startswith("这会删除本课创建的内容，并把它恢复为未完成：")
        plan = dialog.body.splitlines()[1:]
        assert plan and all(any("\u4e00" <= ch <= "\u9fff" for ch in line) for line in plan), plan
        await pilot.click("#yes")
        await settle(pilot, lambda: app.course.states()[1] is LessonState.OPEN)
