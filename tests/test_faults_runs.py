"""Parallel runs on one home, and runs whose process died (issue 15), with the real CLI and kfp.local."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import variant


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, "WORKSHOP_HOME": str(home), "WORKSHOP_LEARNER": "tester", "WORKSHOP_BACKEND": "local"}


def _workshop(home: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "workshop", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=_env(home), cwd="/")


def _rows(home: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(home / "progress.db", timeout=30)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_four_runs_of_one_lesson_at_once_each_graded_on_its_own_run(home: Path) -> None:
    """Four `workshop run 1` at once: four runs, four attempts, each graded on the run it started."""
    argv = [("a=3", "b=4"), ("a=5", "b=12"), ("a=8", "b=15"), ("a=7", "b=24")]
    procs = [_workshop(home, "run", "1", "--lang", "en", "--arg", a, "--arg", b) for a, b in argv]
    outputs = [p.communicate(timeout=600)[0] for p in procs]
    for proc, out in zip(procs, outputs, strict=True):
        assert "Traceback" not in out, out
        assert proc.returncode == 0, out
    for (_, b), out in zip(argv, outputs, strict=True):  # each checked its own answer: 5, 13, 17, 25
        a = int(_[2:])
        assert f"Output = {round((a * a + int(b[2:]) ** 2) ** 0.5)}, as expected" in out, out
    runs = _rows(home, "SELECT run_id, state, package_path, checks FROM runs WHERE lesson_id = 1")
    assert len(runs) == 4 and {r[1] for r in runs} == {"SUCCEEDED"}
    assert len({r[2] for r in runs}) == 4  # each compiled to its own file
    assert all(json.loads(str(r[3])) for r in runs)  # each run was checked
    attempts = _rows(home, "SELECT attempts, state FROM lesson_progress WHERE lesson_id = 1")
    assert attempts == [(4, "passed")]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_a_run_whose_process_died_is_marked_interrupted_by_the_next_command(home: Path, sig: signal.Signals) -> None:
    """The CLI dies mid-run (the component waits forever); `workshop progress` then closes the record."""
    proc = _workshop(home, "run", "1", "--lang", "en", "--pipeline", str(variant("pythagorean_hangs")))
    try:
        assert proc.stdout is not None
        for line in proc.stdout:  # the event: the component said it is waiting, so the run is recorded RUNNING
            if "hang: waiting" in line:
                break
        else:
            pytest.fail("the run never started")
        assert _rows(home, "SELECT state FROM runs") == [("RUNNING",)]
        proc.send_signal(sig)
        proc.wait(timeout=30)
        from tests.test_faults_processes import GRACE, _started_by, _wait_for

        assert _wait_for(lambda: not _started_by(home), GRACE), _started_by(home)  # the run's worker and task too
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    out = subprocess.run([sys.executable, "-m", "workshop", "progress", "--json"], capture_output=True, text=True,
                         env=_env(home), cwd="/", timeout=120)
    assert out.returncode == 0, out.stderr
    (state, error), = _rows(home, "SELECT state, error FROM runs")
    assert state == "CANCELED" and "interrupted" in str(error)


@pytest.mark.parametrize(("fault", "english_start", "chinese_start"), [
    ("ENOSPC", "the disk is full", "磁盘已满"),
    ("EISDIR", "the local run's events could not be recorded", "无法记录这次本地运行的事件"),
])
def test_a_full_disk_under_the_run_journal_is_said_in_both_languages(tmp_path: Path, fault: str, english_start: str,
                                                                      chinese_start: str) -> None:
    """The event reader's ENOSPC (or any other failure) becomes the run's error before anyone knows who reads it in
    which language (it is kept in the journal and the progress file): it says it in English and in Chinese."""
    import errno
    import types

    from workshop.backends.local.supervisor import LiveRun, RunSupervisor
    from workshop.core.events import RunFinished, RunState

    def pump(run: LiveRun) -> None:  # what the journal's write raised
        code = getattr(errno, fault)
        raise OSError(code, os.strerror(code))

    proc = subprocess.Popen(["true"], start_new_session=True)  # its own group: the reader kills the run's group
    proc.wait()
    (tmp_path / "runs" / "r1").mkdir(parents=True)
    run = LiveRun("r1", tmp_path / "runs" / "r1", proc)
    reader = types.SimpleNamespace(root=tmp_path, runs_dir=tmp_path / "runs", _pump=pump)
    RunSupervisor._read_events(reader, run)  # type: ignore[arg-type]
    finished = run.queue.get_nowait()
    assert isinstance(finished, RunFinished) and finished.state is RunState.FAILED
    english, chinese = finished.error.splitlines()
    assert english.startswith(english_start) and chinese.startswith(chinese_start)
    if fault == "ENOSPC":
        assert str(tmp_path / "runs") in english and str(tmp_path / "runs") in chinese  # where to free space
    journal = (run.folder / "events.jsonl").read_text(encoding="utf-8")
    assert chinese_start in json.loads(journal.splitlines()[-1])["error"]


def test_a_component_that_fills_the_disk_ends_the_run_failed_with_the_reason(tmp_path: Path) -> None:
    """The event reader's journal hits ENOSPC: the CLI must not wait forever, and earlier progress stays."""
    from tests.faults import small_disk
    from workshop.core.progress import ProgressStore

    with small_disk(tmp_path / "home", size="24m") as home:
        store = ProgressStore(home / "progress.db", "tester")
        for lesson in (1, 2, 3):
            store.record_attempt(lesson, True, {"lesson": lesson})
        proc = _workshop(home, "run", "1", "--lang", "en", "--pipeline", str(variant("pythagorean_fills_disk")))
        try:
            out, _ = proc.communicate(timeout=120)  # before: the reader thread died and this never returned
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        assert proc.returncode != 0 and "Traceback" not in out, out
        assert "full" in out and "run failed" in out and "磁盘已满" in out, out
        for junk in (home / "local" / "runs").glob("*/root"):  # free the disk: what the component wrote
            subprocess.run(["rm", "-rf", str(junk)], check=True)
        after = ProgressStore(home / "progress.db", "tester")
        assert {n for n, p in after.all_lessons().items() if p.state == "passed"} == {1, 2, 3}
        assert after.notice == "" and not list(home.glob("progress.db.unreadable-*"))


def test_a_flooding_component_leaves_a_bounded_run_on_disk_that_says_what_was_dropped(home: Path) -> None:
    """12 MB printed: the run keeps the head and the tail (1 MB each) and a line saying what it dropped."""
    proc = _workshop(home, "run", "1", "--lang", "en", "--quiet", "--pipeline", str(variant("pythagorean_floods")))
    out, _ = proc.communicate(timeout=600)
    assert "Traceback" not in out[-5000:] and "flood: last line" in out  # the terminal saw every line
    assert out.count(" flood xxx") == 100_000
    (run,) = (home / "local" / "runs").iterdir()
    on_disk = sum(p.stat().st_size for p in run.rglob("*") if p.is_file())
    print(f"one run of a 12 MB flood left {on_disk / 1e6:.1f} MB on disk")
    assert on_disk < 8 << 20, f"{on_disk / 1e6:.1f} MB left on disk for one run"
    log = (run / "logs" / "square.log").read_text().splitlines()
    assert any(line.startswith("000000 flood") for line in log) and "flood: last line" in log
    dropped = [line for line in log if line.startswith("[workshop]") and "were not kept" in line]
    assert len(dropped) == 1 and "lines (" in dropped[0]
    journal = (run / "events.jsonl").read_text()
    assert "were not kept" in journal and "flood: last line" in journal


def test_run_all_with_an_argument_no_lesson_takes_is_refused(home: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "workshop", "run", "--all", "--arg", "zz=1"], capture_output=True,
                         text=True, env=_env(home), cwd="/", timeout=60)
    assert out.returncode == 2 and "no lesson takes an argument named 'zz'" in out.stderr, out.stderr
    assert "Traceback" not in out.stderr and not (home / "local" / "runs").exists()


def test_run_all_applies_an_argument_to_the_lesson_that_takes_it(home: Path) -> None:
    """`a=x` reaches lesson 1, which says a is not a number, before anything runs (before: silently ignored)."""
    out = subprocess.run([sys.executable, "-m", "workshop", "run", "--all", "--arg", "a=x"], capture_output=True,
                         text=True, env=_env(home), cwd="/", timeout=60)
    assert out.returncode == 1 and "Traceback" not in out.stderr, out.stdout + out.stderr
    assert "a must be a number" in out.stderr, out.stderr
    assert not list((home / "local" / "runs").glob("*"))
