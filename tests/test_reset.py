"""Reset on the real local backend: exactly the lesson's artifacts go, nothing else; the CLI asks first."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from workshop.core import reset
from workshop.core.course import Course, LessonState
from workshop.core.ports import Artifact
from workshop.core.progress import RunRecord

OUTPUT = "output/sorted_numbers.csv"


def take(course: Course, backend: Any, lesson_id: int) -> Any:
    lesson = course.lesson(lesson_id)
    wanted = {a.default_from for a in lesson.arguments if a.default_from}
    arguments = lesson.parse_arguments({}, backend.defaults(wanted) if wanted else {})
    attempt = course.run_lesson(lesson, backend, arguments)
    assert attempt.passed, [(c.id, c.summary) for c in attempt.checks]
    return attempt


def workshop(home: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "WORKSHOP_HOME": str(home), "WORKSHOP_LEARNER": "tester", "WORKSHOP_BACKEND": "local"}
    return subprocess.run([sys.executable, "-m", "workshop", *args], capture_output=True, text=True, env=env,
                          timeout=180, cwd="/", input=stdin, stdin=subprocess.DEVNULL if stdin is None else None)


def test_reset_removes_exactly_what_the_lesson_created(course: Course, backend: Any) -> None:
    take(course, backend, 1)
    take(course, backend, 2)
    volume = backend.volumes.ensure("aidatasource")
    (volume / "mine.txt").write_text("a file the learner put there by hand\n")
    lesson1_runs = [r.run_id for r in course.progress.runs(1)]
    lesson2_runs = [r.run_id for r in course.progress.runs(2)]
    runs_dir = course.settings.local_dir / "runs"
    assert (volume / OUTPUT).is_file() and all((runs_dir / r).is_dir() for r in lesson2_runs)

    plan = reset.plan(course, backend, [2])
    assert {(a.kind, a.ref) for a in plan} == {("volume_file", f"aidatasource:/{OUTPUT}")} | {
        ("run", r) for r in lesson2_runs}
    services = backend.services
    assert services.started_control_plane is None and services.started_object_store is None  # nothing started to look

    lines = reset.apply(course, backend, plan)
    assert f"removed file /{OUTPUT} on volume aidatasource" in lines
    assert "lesson 2 is open again" in lines
    assert not (volume / OUTPUT).exists() and not (volume / "output").exists()
    assert not any((runs_dir / r).exists() for r in lesson2_runs)
    assert course.progress.runs(2) == []
    # what the lesson did not create survives
    assert (volume / "mine.txt").read_text().startswith("a file")
    assert (volume / "input_numbers.csv").is_file()
    assert all((runs_dir / r).is_dir() for r in lesson1_runs)
    assert [r.run_id for r in course.progress.runs(1)] == lesson1_runs
    states = course.states()
    assert states[1] is LessonState.DONE and states[2] is LessonState.OPEN
    assert all(states[i] is LessonState.LOCKED for i in (3, 4, 5))

    again = reset.plan(course, backend, [2])
    assert again.empty
    assert reset.apply(course, backend, again) == ["Nothing left to reset for lesson 2: nothing was changed."]


def test_resetting_a_lesson_locks_the_lessons_that_need_it(course: Course, backend: Any) -> None:
    take(course, backend, 1)
    assert course.states()[2] is LessonState.OPEN
    assert reset.relocked(course, [1]) == [2] and reset.relocked(course, [2]) == []  # said before, in the dialog
    lines = reset.apply(course, backend, reset.plan(course, backend, [1]))
    assert "lesson 1 is open again" in lines and "lesson 2 is locked again" in lines
    assert course.states()[2] is LessonState.LOCKED


def test_a_half_finished_run_resets_and_then_nothing_is_left(course: Course, backend: Any) -> None:
    """The app died mid-run: a RUNNING record, a run folder with only its logs folder."""
    run_id = "20250101-000000-abc123"
    (course.settings.local_dir / "runs" / run_id / "logs").mkdir(parents=True)
    course.progress.add_run(RunRecord(run_id, 2, "local", "p", "/nowhere.yaml", {}, "RUNNING", {}, "", [],
                                      time.time(), None))
    plan = reset.plan(course, backend, [2])
    assert [(a.kind, a.ref) for a in plan] == [("run", run_id)]  # no output file was written
    reset.apply(course, backend, plan)
    assert not (course.settings.local_dir / "runs" / run_id).exists()
    assert course.progress.runs(2) == [] and course.progress.all_lessons() == {}
    assert reset.plan(course, backend, [2]).empty


def test_planning_every_lesson_on_a_fresh_backend_starts_no_service(course: Course, backend: Any) -> None:
    plan = reset.plan(course, backend, [lesson.id for lesson in course.lessons])
    assert plan.empty
    assert backend.services.started_control_plane is None and backend.services.started_object_store is None


def test_an_unknown_or_odd_artifact_is_refused_not_guessed(backend: Any) -> None:
    from workshop.core.errors import BackendError

    assert not backend.artifact_exists(Artifact("inference_service", "Not A Namespace/x", 5))
    with pytest.raises(BackendError):
        backend.remove_artifact(Artifact("volume_file", "aidatasource:/../../escape.txt", 2))
    with pytest.raises(BackendError):
        backend.remove_artifact(Artifact("run", "../registry.db", 1))
    with pytest.raises(BackendError):
        backend.artifact_exists(Artifact("pipeline", "x", 1))


def test_an_artifact_that_cannot_be_removed_keeps_its_lessons_progress(course: Course, backend: Any) -> None:
    take(course, backend, 1)
    runs = course.progress.runs(1)
    with pytest.raises(reset.ResetError) as caught:
        reset.apply(course, backend, [Artifact("run", "../not-a-run", 1)])
    assert any(line.startswith("could not remove run ../not-a-run") for line in caught.value.lines)
    assert "lesson 1 kept its progress" in caught.value.lines[-1]
    assert course.states()[1] is LessonState.DONE and course.progress.runs(1) == runs


@pytest.mark.slow
def test_reset_removes_the_lessons_inference_service_and_no_other(course: Course, backend: Any) -> None:
    import httpx

    for lesson_id in (1, 2, 3, 4):
        course.progress.mark(lesson_id, "skipped")
    take(course, backend, 5)
    plane = backend.control_plane()
    pid = plane.server_pid("iris-svc", "local")
    assert pid is not None
    # a service the learner made by hand, in the same namespace, through the same API
    config = json.loads(plane.kubeconfig_path.read_text())
    server, token = config["clusters"][0]["cluster"]["server"], config["users"][0]["user"]["token"]
    body = {"apiVersion": "serving.kserve.io/v1beta1", "kind": "InferenceService", "metadata": {"name": "mine"},
            "spec": {"predictor": {"sklearn": {"storageUri": "/nowhere/model"}}}}
    created = httpx.post(f"{server}/apis/serving.kserve.io/v1beta1/namespaces/local/inferenceservices",
                         json=body, headers={"Authorization": f"Bearer {token}"})
    assert created.status_code == 201, created.text

    plan = reset.plan(course, backend, [5])
    assert ("inference_service", "local/iris-svc") in {(a.kind, a.ref) for a in plan}
    assert plan[0].kind == "inference_service"  # the model server goes before the run folder it reads
    reset.apply(course, backend, plan)
    assert plane.get_service("iris-svc", "local") is None
    assert plane.get_service("mine", "local") is not None
    deadline = time.monotonic() + 15
    while _alive(pid):
        assert time.monotonic() < deadline, "the model server of the reset service is still running"
        time.sleep(0.05)
    assert course.states()[5] is LessonState.OPEN
    assert reset.plan(course, backend, [5]).empty


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").is_file() and Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


def test_reset_removes_the_lessons_object_and_no_other(course: Course, backend: Any) -> None:
    store = backend.object_store()
    for key in ("models/detect-digits.keras", "models/mine.keras"):  # lesson 4's key, and one of the learner's
        store.put_bytes("mlpipeline", key, b"model")
    plan = reset.plan(course, backend, [4])
    assert [(a.kind, a.ref) for a in plan] == [("object", "mlpipeline/models/detect-digits.keras")]
    reset.apply(course, backend, plan)
    assert store.list_keys("mlpipeline", "models/") == ["models/mine.keras"]
    assert reset.plan(course, backend, [4]).empty


# --- the command ------------------------------------------------------------------------------
def test_reset_command_dry_run_asks_and_refuses_without_an_answer(home: Path) -> None:
    assert workshop(home, "run", "1").returncode == 0
    run_dirs = list((home / "local" / "runs").iterdir())
    assert len(run_dirs) == 1

    dry = workshop(home, "reset", "1", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert f"lesson 1: run {run_dirs[0].name}" in dry.stdout and "would go back to open" in dry.stdout
    assert "Lesson 2 would lock again until lesson 1 is passed again." in dry.stdout
    assert run_dirs[0].is_dir() and "done" in workshop(home, "list").stdout.splitlines()[0]

    refused = workshop(home, "reset", "1")  # no stdin to answer on
    assert refused.returncode != 0
    assert "pass --yes" in refused.stderr and "Traceback" not in refused.stdout + refused.stderr
    assert run_dirs[0].is_dir()

    declined = workshop(home, "reset", "1", stdin="n\n")
    assert declined.returncode != 0 and "nothing was changed" in declined.stderr and run_dirs[0].is_dir()

    done = workshop(home, "reset", "1", stdin="y\n")
    assert done.returncode == 0, done.stderr
    assert f"removed run {run_dirs[0].name}" in done.stdout and "lesson 1 is open again" in done.stdout
    assert not run_dirs[0].exists()
    assert workshop(home, "list").stdout.splitlines()[0].split()[:2] == ["1", "open"]

    again = workshop(home, "reset", "--all", "--yes")
    assert again.returncode == 0 and "Nothing left to reset for lessons 1, 2, 3, 4, 5" in again.stdout


@pytest.mark.parametrize(("args", "message"), [
    (("reset",), "name one lesson"),
    (("reset", "2", "--all"), "name one lesson"),
    (("reset", "42", "--yes"), "no lesson '42'"),
])
def test_reset_command_bad_input_is_a_message(home: Path, args: tuple[str, ...], message: str) -> None:
    out = workshop(home, *args)
    assert out.returncode != 0 and message in out.stderr
    assert "Traceback" not in out.stdout + out.stderr
