"""The headless `workshop` command, run as a learner or a script would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import variant


def workshop(home: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "WORKSHOP_HOME": str(home), "WORKSHOP_LEARNER": "tester", "WORKSHOP_BACKEND": "local"}
    return subprocess.run([sys.executable, "-m", "workshop", *args], capture_output=True, text=True,
                          env=env, timeout=timeout, cwd="/")


def test_list_shows_every_lesson_with_its_state(home: Path) -> None:
    out = workshop(home, "list", "--lang", "en")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].split()[:2] == ["1", "open"]
    assert all(line.split()[1] == "locked" for line in lines[1:])
    zh = workshop(home, "list", "--lang", "zh").stdout.splitlines()
    assert zh[0].split()[:3] == ["1", "进行中", "勾股定理流水线"] and zh[1].split()[1] == "未解锁"


def test_run_streams_logs_prints_checks_and_exits_0(home: Path) -> None:
    out = workshop(home, "run", "1", "--arg", "a=5", "--arg", "b=12", "--lang", "en")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "[add]" in out.stdout and "add number: x=25.0, y=144.0" in out.stdout
    assert "Output = 13, as expected" in out.stdout
    assert "Lesson 1 passed." in out.stdout
    # the run graph, from the compile, before the first task starts
    assert out.stdout.index("│ square-root │") < out.stdout.index("▶ ")
    check = workshop(home, "check", "1", "--lang", "en")
    assert check.returncode == 0 and "Output = 13" in check.stdout
    progress = json.loads(workshop(home, "progress", "--json").stdout)
    assert progress["lessons"][0]["state"] == "done" and progress["lessons"][0]["attempts"] == 2
    table = workshop(home, "progress", "--lang", "en")
    assert "done" in table.stdout and table.returncode == 0


def test_a_failed_check_exits_1(home: Path) -> None:
    broken = variant("pythagorean_subtract")
    out = workshop(home, "run", "1", "--arg", "a=5", "--arg", "b=3", "--pipeline", str(broken), "--lang", "en")
    assert out.returncode == 1
    assert "expected 5.83095" in out.stdout and "is not passed yet" in out.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("run", "1", "--arg", "a=x"), "a must be a number, not 'x'"),
        (("run", "1", "--arg", "a"), "'a' is not NAME=VALUE"),
        (("run", "42"), "no lesson '42'"),
        (("run", "2"), "lesson 2 is locked: pass lesson 1 first"),
        (("check", "1"), "lesson 1 has not been run yet"),
        (("run",), "name a lesson"),
    ],
)
def test_bad_input_is_a_message_not_a_traceback(home: Path, args: tuple[str, ...], message: str) -> None:
    out = workshop(home, *args)
    assert out.returncode != 0
    assert message in out.stderr
    assert "Traceback" not in out.stderr + out.stdout


def test_a_corrupt_progress_file_is_moved_aside_and_said(home: Path) -> None:
    home.mkdir(parents=True)
    (home / "progress.db").write_bytes(b"\x00garbage" * 50)
    out = workshop(home, "list")
    assert out.returncode == 0
    assert "could not be read" in out.stderr and "moved to" in out.stderr


@pytest.mark.slow
def test_run_all_takes_the_whole_course(home: Path) -> None:
    out = workshop(home, "run", "--all", "--lang", "en", timeout=600)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    for lesson in range(1, 6):
        assert f"Lesson {lesson} passed." in out.stdout
    states = json.loads(workshop(home, "progress", "--json").stdout)["lessons"]
    assert [row["state"] for row in states] == ["done"] * 5


def test_doctor_on_the_local_backend(home: Path) -> None:
    out = workshop(home, "doctor", "--json")
    items = {item["name"]: item for item in json.loads(out.stdout)}
    assert out.returncode == 0, out.stdout
    assert items["object store (SeaweedFS)"]["ok"] is True
    assert items["volumes (private mount namespace)"]["ok"] is True
    assert not Path("/mnt/workshop-doctor-probe").exists()
    assert "127.0.0.1:" in items["object store (SeaweedFS)"]["detail"]


def test_quiet_run_prints_the_components_lines_without_the_executors(home: Path) -> None:
    out = workshop(home, "run", "1", "--arg", "a=5", "--arg", "b=12", "--quiet", "--lang", "en")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "add number: x=25.0, y=144.0" in out.stdout and "square_root: 169.0" in out.stdout
    assert "KFP Executor" not in out.stdout and "parameterValues" not in out.stdout


def test_executor_noise_is_told_apart_per_task() -> None:
    from workshop.core.events import ExecutorNoise

    noise = ExecutorNoise()
    lines = [("a", "[KFP Executor 1 INFO]: Got executor_input:"), ("b", "b's own print"), ("a", "{"),
             ("a", '    "inputs": {}'), ("a", "}"), ("a", "a's own print"), ("a", "}")]
    assert [line for task, line in lines if not noise.is_noise(task, line)] == ["b's own print", "a's own print", "}"]


def test_a_failed_rerun_of_a_passed_lesson_says_it_stays_passed(home: Path) -> None:
    assert workshop(home, "run", "1", "--quiet", "--lang", "en").returncode == 0
    broken = variant("pythagorean_subtract")
    out = workshop(home, "run", "1", "--pipeline", str(broken), "--quiet", "--lang", "en")
    assert out.returncode == 1
    assert "This run did not pass; lesson 1 stays passed from before." in out.stdout
    assert json.loads(workshop(home, "progress", "--json").stdout)["lessons"][0]["state"] == "done"


def test_graph_draws_the_lesson_without_running_it_and_without_colour_in_a_pipe(home: Path) -> None:
    out = workshop(home, "graph", "1", "--lang", "en")
    assert out.returncode == 0, out.stderr
    assert "\x1b[" not in out.stdout  # not a terminal: plain text
    for name in ("square", "square-2", "add", "square-root"):
        assert f"│ {name} " in out.stdout
    assert "▼" in out.stdout
    narrow = workshop(home, "graph", "2", "--width", "24")
    assert narrow.returncode == 0 and all(len(line) <= 24 for line in narrow.stdout.splitlines()[1:])
    # folded to a list rather than cut boxes; the state stays whole, the name gives way (issue 11: "✓ Succeede…")
    assert "■ sort-csv-c…  ○ Pending" in narrow.stdout, narrow.stdout
    assert workshop(home, "graph", "9").returncode == 1
    assert workshop(home, "progress", "--json").returncode == 0
    assert json.loads(workshop(home, "progress", "--json").stdout)["lessons"][0]["attempts"] == 0
