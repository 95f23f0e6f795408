"""No process outlives its run: whatever signal ends the workshop, what it started is gone 5 s later (issue 15).

Real CLI, real SeaweedFS: `workshop doctor` starts the object store, and the CLI is signalled
while the store is still starting (its record appears as soon as weed is launched).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

GRACE = 5.0  # the bound: nothing the workshop started is alive this long after it ends


def _started_by(home: Path) -> list[tuple[int, str]]:
    """Live processes that belong to this home: its path in their command line or as their folder."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            if Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                continue
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            cwd = os.readlink(f"/proc/{entry}/cwd")
        except OSError:
            continue
        if str(home) in cmdline or cwd.startswith(str(home)):
            found.append((int(entry), cmdline[:120]))
    return found


def _wait_for(condition: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGHUP, signal.SIGINT],
                         ids=["SIGKILL", "SIGTERM", "SIGHUP-closed-terminal", "SIGINT-ctrl-c"])
def test_no_process_outlives_a_workshop_signalled_while_the_object_store_starts(home: Path,
                                                                               sig: signal.Signals) -> None:
    env = {**os.environ, "WORKSHOP_HOME": str(home), "WORKSHOP_BACKEND": "local"}
    cli = subprocess.Popen([sys.executable, "-m", "workshop", "doctor"], env=env, cwd="/",
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    record = home / "local" / "objectstore" / "server.json"
    try:
        # the event: weed has been launched (its record is written right after), and is still starting
        assert _wait_for(lambda: record.is_file() or cli.poll() is not None, 120), "the store never started"
        assert cli.poll() is None, "doctor ended before it could be signalled"
        weed = int(json.loads(record.read_text())["pid"])
        cli.send_signal(sig)
        cli.wait(timeout=60)
        gone = _wait_for(lambda: not _started_by(home), GRACE)
        assert gone, f"still alive {GRACE} s after {sig.name}: {_started_by(home)}"
        assert not Path(f"/proc/{weed}").exists() or "Z" in Path(f"/proc/{weed}/stat").read_text().split()[2]
    finally:
        if cli.poll() is None:
            cli.kill()
            cli.wait()
        for pid, _ in _started_by(home):  # a failed run must not leave them for the next tests
            with_kill(pid)


def with_kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


_PRESTARTS = """
import time
from workshop.core import keras_eval
keras_eval.prestart()
print(keras_eval._spare.pid, flush=True)
time.sleep(600)  # until the test kills this parent
"""


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGHUP])
def test_lesson_4s_scorer_ends_with_its_parent_even_in_the_middle_of_its_import(tmp_path: Path,
                                                                               sig: signal.Signals) -> None:
    """keras_eval's scorer is started with lesson 4's run and imports scikit-learn for the held-out digits
    (and TensorFlow, for a model numpy does not run) before it reads its pipe: a workshop killed at that moment
    left it alive until the import was done (the fault matrix's `run 4` signalled as its first task starts). An
    `sklearn` whose import never ends stands in for the slow import, so the test does not depend on the
    machine's speed."""
    slow = tmp_path / "slow" / "sklearn"
    slow.mkdir(parents=True)
    (slow / "__init__.py").write_text("import time\ntime.sleep(120)\n")
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": f"{slow.parent}{os.pathsep}{root}"}
    parent = subprocess.Popen([sys.executable, "-c", _PRESTARTS], env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                              text=True)
    scorer = 0
    try:
        assert parent.stdout is not None
        scorer = int(parent.stdout.readline())
        assert _wait_for(lambda: "keras" in Path(f"/proc/{scorer}/cmdline").read_text(errors="replace"), 10)
        parent.send_signal(sig)
        parent.wait(timeout=30)
        assert _wait_for(lambda: not _alive(scorer), GRACE), f"the scorer outlived its parent's {sig.name}"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        if scorer and _alive(scorer):
            with_kill(scorer)


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False
