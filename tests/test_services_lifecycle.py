"""Servers the workshop starts stop with it, Ctrl+C included; what they hold survives."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest


def processes_mentioning(text: str) -> list[int]:
    """Live processes whose command line mentions `text` (our servers carry the home path)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if text in cmdline and state != "Z":
            found.append(int(entry))
    return found


def wait_gone(text: str, timeout: float = 30) -> list[int]:
    """Poll the process table until no process mentions `text`, or the deadline; return survivors."""
    deadline = time.monotonic() + timeout
    while (left := processes_mentioning(text)) and time.monotonic() < deadline:
        select.select([], [], [], 0.05)  # yield the CPU between polls of the process table
    return left


@pytest.mark.slow
def test_ctrl_c_during_a_run_stops_the_model_server_and_the_run(home: Path) -> None:
    home.mkdir(parents=True, exist_ok=True)
    from workshop.core.progress import ProgressStore

    store = ProgressStore(home / "progress.db", "tester")
    for lesson in (1, 2, 3, 4):
        store.mark(lesson, "skipped")
    env = {**os.environ, "WORKSHOP_HOME": str(home), "WORKSHOP_LEARNER": "tester", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "workshop", "run", "5", "--lang", "en"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd="/")
    assert proc.stdout is not None
    seen = []
    for line in proc.stdout:  # wait for the event: the model server answers
        seen.append(line)
        if "deploy: v2 infer" in line:
            break
    else:
        pytest.fail("the deploy step never reported its URL:\n" + "".join(seen[-30:]))
    assert processes_mentioning(str(home)), "the model server should be running now"
    proc.send_signal(signal.SIGINT)
    rest, _ = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert "Traceback" not in rest
    assert wait_gone(str(home)) == []


@pytest.mark.slow
async def test_quitting_the_app_stops_the_servers_it_started(home: Path) -> None:
    from workshop.app import make_app
    from workshop.backends.local.backend import LocalBackend
    from workshop.core.course import Course
    from workshop.core.settings import Settings
    from workshop.widgets.run_panel import RunPanel

    course = Course(Settings.load("en"))
    for lesson in (1, 2, 3):
        course.progress.mark(lesson, "skipped")
    app = make_app(course, "local")
    async with app.run_test(size=(100, 30)) as pilot:
        while not app.query(RunPanel):
            await pilot.pause(0.02)
        panel = app.query_one(RunPanel)
        assert panel.lesson.id == 4
        await pilot.press("r")
        await app.workers.wait_for_complete()
        while panel.run_active:
            await pilot.pause(0.02)
        last = app.course.progress.last_run(4)
        assert app.course.states()[4].value == "done", (last.state, last.error, last.checks) if last else None
        assert isinstance(app.backend, LocalBackend)
        store_pid = app.backend.object_store().pid
        assert store_pid and processes_mentioning(str(home))
        await pilot.press("ctrl+q")
    assert wait_gone(str(home)) == []
