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

from tests.conftest import VARIANTS


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
    proc = _workshop(home, "run", "1", "--lang", "en", "--pipeline", str(VARIANTS / "pythagorean_hangs.py"))
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
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    out = subprocess.run([sys.executable, "-m", "workshop", "progress", "--json"], capture_output=True, text=True,
                         env=_env(home), cwd="/", timeout=120)
    assert out.returncode == 0, out.stderr
    (state, error), = _rows(home, "SELECT state, error FROM runs")
    assert state == "CANCELED" and "interrupted" in str(error)
