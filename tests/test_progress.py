from __future__ import annotations

import multiprocessing as mp
import sqlite3
import time
from pathlib import Path

from workshop.core.progress import SCHEMA_VERSION, ProgressStore, RunRecord


def _record(run_id: str, lesson: int = 1) -> RunRecord:
    return RunRecord(run_id, lesson, "local", "p", "/x.yaml", {"a": 1}, "RUNNING", {}, "", [], time.time(), None)


def test_a_pass_marks_the_lesson_done_and_survives_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "progress.db"
    store = ProgressStore(db, "ann")
    store.add_run(_record("r1"))
    store.finish_run("r1", "SUCCEEDED", {"Output": 5.0})
    store.record_attempt(1, False, {}, "output: wrong")
    store.record_attempt(1, True, {"run_id": "r1"})
    again = ProgressStore(db, "ann")
    lesson = again.lesson(1)
    assert lesson.state == "passed" and lesson.attempts == 2 and lesson.evidence == {"run_id": "r1"}
    assert lesson.last_failure == ""
    assert again.last_run(1).outputs == {"Output": 5.0}  # type: ignore[union-attr]
    assert ProgressStore(db, "bob").lesson(1).state == "open"  # per learner


def test_a_corrupt_file_is_moved_aside_with_a_notice(tmp_path: Path) -> None:
    db = tmp_path / "progress.db"
    db.write_bytes(b"this is not sqlite at all" * 100)
    store = ProgressStore(db)
    assert "could not be read" in store.notice
    aside = list(tmp_path.glob("progress.db.unreadable-*"))
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not sqlite")
    store.record_attempt(1, True, {})
    assert store.lesson(1).done


def test_a_file_from_a_newer_workshop_is_not_overwritten(tmp_path: Path) -> None:
    db = tmp_path / "progress.db"
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    store = ProgressStore(db)
    assert "newer workshop" in store.notice
    assert list(tmp_path.glob("progress.db.unreadable-*"))


def _complete_many(db: str, learner: str, start: int, count: int) -> None:
    store = ProgressStore(Path(db), learner)
    for i in range(start, start + count):
        store.add_run(_record(f"{learner}-{i}", lesson=i))
        store.record_attempt(i, True, {"i": i})


def test_two_processes_at_once_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "progress.db"
    ProgressStore(db)  # create the schema once, as the app does on start
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_complete_many, args=(str(db), "ann", n * 100, 40)) for n in range(2)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(120)
        assert proc.exitcode == 0
    store = ProgressStore(db, "ann")
    assert len(store.all_lessons()) == 80
    assert len(store.runs()) == 80
    assert all(p.state == "passed" for p in store.all_lessons().values())
