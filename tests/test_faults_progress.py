"""Progress is never lost: each test injects one fault into the real SQLite store (issue 15)."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.faults import fill, remount_read_only, small_disk
from workshop.cli import main
from workshop.core.progress import ProgressError, ProgressStore, RunRecord


def _record(run_id: str, lesson: int = 1) -> RunRecord:
    return RunRecord(run_id, lesson, "local", "p", "/x.yaml", {}, "RUNNING", {}, "", [], time.time(), None)


def _passed_three(db: Path) -> None:
    store = ProgressStore(db)
    for lesson in (1, 2, 3):
        store.record_attempt(lesson, True, {"lesson": lesson})


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.name.startswith("progress.db") and p.is_file()}


def test_a_full_disk_keeps_the_progress_file_and_says_the_disk_is_full(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk") as disk:
        db = disk / "progress.db"
        _passed_three(db)
        filler = fill(disk)
        with pytest.raises(ProgressError, match="is full") as caught:
            store = ProgressStore(db)  # opening on a full disk may already say so; it never moves the file
            for i in range(100):  # else big failures, until SQLite has no page left to write them
                store.record_attempt(4, False, {"x": "y" * 20_000}, f"failure {i} " + "z" * 20_000)
        assert "Free some space" in str(caught.value)
        for _ in range(3):  # the next commands, still on a full disk
            try:
                again = ProgressStore(db)
            except ProgressError as exc:
                assert "full" in str(exc)
            else:
                assert again.notice == ""
        assert not list(disk.glob("progress.db.unreadable-*"))
        filler.unlink()
        after = ProgressStore(db)
        assert after.notice == ""
        assert {n for n, p in after.all_lessons().items() if p.state == "passed"} == {1, 2, 3}


def test_a_full_disk_at_the_first_start_is_a_message_not_an_empty_file(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk") as disk:
        fill(disk)
        with pytest.raises(ProgressError, match="is full"):
            ProgressStore(disk / "progress.db")
        assert not (disk / "progress.db").exists()  # no empty file that a later start would take as corrupt


def test_two_corrupt_files_in_one_second_are_both_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "progress.db"
    monkeypatch.setattr(time, "strftime", lambda fmt, *a: "20260101-120000")  # both in the same second
    contents = [b"first corrupt file " * 100, b"second corrupt file " * 100]
    for content in contents:
        db.write_bytes(content)
        store = ProgressStore(db)
        assert "could not be read" in store.notice
    copies = [p for p in tmp_path.glob("progress.db.unreadable-*") if not p.name.endswith(("-wal", "-shm"))]
    kept = sorted(p.read_bytes() for p in copies)
    assert kept == sorted(contents)


def test_a_moved_copy_is_never_replaced_even_by_a_file_with_the_same_name(tmp_path: Path) -> None:
    db = tmp_path / "progress.db"
    stamp = time.strftime("%Y%m%d-%H%M%S")
    squatter = tmp_path / f"progress.db.unreadable-{stamp}"
    squatter.write_bytes(b"an earlier copy")
    db.write_bytes(b"garbage" * 200)
    store = ProgressStore(db)
    if squatter.read_bytes() == b"an earlier copy":  # the second ticked over meanwhile: still not replaced
        assert "could not be read" in store.notice
    assert squatter.read_bytes() == b"an earlier copy"


def test_a_zero_byte_file_gets_the_notice_a_corrupt_one_gets(tmp_path: Path) -> None:
    db = tmp_path / "progress.db"
    db.write_bytes(b"")
    store = ProgressStore(db)
    assert "could not be read" in store.notice and "empty" in store.notice
    assert list(tmp_path.glob("progress.db.unreadable-*"))


def test_a_missing_column_at_the_current_version_is_a_message_not_an_index_error(tmp_path: Path) -> None:
    db = tmp_path / "progress.db"
    _passed_three(db)
    conn = sqlite3.connect(db)
    conn.execute("ALTER TABLE lesson_progress DROP COLUMN tried")
    conn.close()
    store = ProgressStore(db)
    assert "lesson_progress.tried" in store.notice
    assert store.lesson(1).state == "passed" and store.lesson(1).tried == ()


def test_a_read_only_disk_is_a_message_and_the_file_stays(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk") as disk:
        db = disk / "progress.db"
        _passed_three(db)
        before = _snapshot(disk)
        remount_read_only(disk)
        with pytest.raises(ProgressError, match="read-only"):
            ProgressStore(db)
        assert _snapshot(disk) == before


def test_a_read_only_progress_file_is_a_message(tmp_path: Path) -> None:
    """Root ignores file modes, so read-only is made by SQLite's own flag for the file: the URI mode=ro."""
    db = tmp_path / "progress.db"
    _passed_three(db)
    store = ProgressStore(db)
    store._connect = lambda: _read_only(db)  # type: ignore[method-assign]
    with pytest.raises(ProgressError, match="read-only"):
        store.record_attempt(4, True, {})
    assert ProgressStore(db).lesson(1).state == "passed"


def _read_only(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, isolation_level=None)
    conn.row_factory = sqlite3.Row
    return conn


@pytest.mark.parametrize("argv", [["list"], ["progress"], ["run", "1"], ["doctor"], ["skip", "1"], ["check", "1"]])
def test_a_workshop_home_that_is_a_regular_file_is_a_message_on_every_command(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> None:
    home = tmp_path / "home"
    home.write_text("not a folder")
    monkeypatch.setenv("WORKSHOP_HOME", str(home))
    result = CliRunner().invoke(main, argv)
    assert result.exit_code == 1, result.output
    assert "is a file, not a folder" in result.output
    assert not isinstance(result.exception, OSError) and "Traceback" not in result.output


def test_a_full_disk_during_a_command_is_a_message_from_the_cli(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    with small_disk(tmp_path / "disk") as disk:
        monkeypatch.setenv("WORKSHOP_HOME", str(disk))
        assert CliRunner().invoke(main, ["list"]).exit_code == 0
        ProgressStore(disk / "progress.db", os.environ.get("WORKSHOP_LEARNER") or os.environ.get("USER") or "default")
        fill(disk)
        result = CliRunner().invoke(main, ["skip", "1"])
        assert "Traceback" not in result.output and not isinstance(result.exception, sqlite3.Error)
        if result.exit_code != 0:  # a skip is a few bytes: it may still fit in SQLite's last free page
            assert "full" in result.output


def _chinese_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("WORKSHOP_LANG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")


@pytest.mark.parametrize("how", ["--lang", "LANG"])
def test_a_home_that_is_a_file_is_said_in_chinese_to_a_chinese_learner(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    home = tmp_path / "home"
    home.write_text("not a folder")
    monkeypatch.setenv("WORKSHOP_HOME", str(home))
    if how == "LANG":
        _chinese_locale(monkeypatch)
    result = CliRunner().invoke(main, ["list", *(["--lang", "zh"] if how == "--lang" else [])])
    assert result.exit_code == 1, result.output
    assert f"工作坊的文件夹 {home} 是一个文件，而不是文件夹" in result.output, result.output
    assert "is a file" not in result.output and "Traceback" not in result.output


def test_a_read_only_disk_is_said_in_chinese_and_the_file_stays(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    with small_disk(tmp_path / "disk") as disk:
        monkeypatch.setenv("WORKSHOP_HOME", str(disk))
        assert CliRunner().invoke(main, ["skip", "1"]).exit_code == 0
        before = _snapshot(disk)
        remount_read_only(disk)
        result = CliRunner().invoke(main, ["skip", "2", "--lang", "zh"])
        assert result.exit_code == 1, result.output
        assert f"无法写入你的进度文件 {disk / 'progress.db'}" in result.output, result.output
        assert "你的进度文件没有被改动" in result.output and "Traceback" not in result.output
        assert _snapshot(disk) == before


def test_a_full_disk_is_said_in_the_language_the_app_switched_to(tmp_path: Path) -> None:
    """The app's language toggle replaces the course's settings; the progress store's messages follow."""
    import dataclasses

    from workshop.core.course import Course
    from workshop.core.settings import Settings

    with small_disk(tmp_path / "disk") as disk:
        course = Course(Settings(home=disk, language="en"))
        course.progress.record_attempt(1, True, {"lesson": 1})
        course.settings = dataclasses.replace(course.settings, language="zh")
        fill(disk)
        with pytest.raises(ProgressError) as caught:
            for i in range(100):
                course.progress.record_attempt(4, False, {"x": "y" * 20_000}, f"failure {i} " + "z" * 20_000)
        assert str(caught.value).startswith(f"存放你进度的磁盘（{disk}）已满。"), str(caught.value)
        assert caught.value.say("en").startswith(f"The disk holding your progress ({disk}) is full.")
