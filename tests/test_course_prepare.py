"""What `workshop run --all` starts ahead of the lessons that need it, and that all of it stops:
the scorer of lesson 4's model, the object store, a model server with kserve already imported,
and the packages a run's components import, imported once by the worker's fork server."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.test_local_tasks import run_fixture
from tests.test_services_lifecycle import processes_mentioning, wait_gone
from workshop.core.events import RunFinished


def wait_present(text: str, timeout: float = 30) -> list[int]:
    """Processes mentioning `text`, once there are some (a child shows its own command line only once
    it has exec'd), or [] at the deadline."""
    deadline = time.monotonic() + timeout
    while not (found := processes_mentioning(text)) and time.monotonic() < deadline:
        select.select([], [], [], 0.05)
    return found


def train(model_dir: Path) -> Any:
    import joblib
    from sklearn.datasets import load_iris
    from sklearn.svm import SVC

    features, target = load_iris(return_X_y=True)
    clf = SVC().fit(features, target)
    model_dir.mkdir(parents=True, exist_ok=True)
    joblib.dump(clf, model_dir / "model.joblib")
    return clf


def test_imports_of_a_pipeline_are_its_installed_packages_not_the_standard_library_kfp_or_tensorflow() -> None:
    from workshop.backends.local.fastpath import imports_of

    kserve_lesson = imports_of((ROOT / "pipelines" / "kserve_iris.py").read_text(encoding="utf-8"))
    assert {"sklearn.datasets", "sklearn.svm", "joblib", "kserve", "kubernetes"} <= set(kserve_lesson)
    assert not {"csv", "os"} & set(kserve_lesson)
    assert not [name for name in kserve_lesson if name.startswith("kfp")]
    keras_lesson = imports_of((ROOT / "pipelines" / "minio_model.py").read_text(encoding="utf-8"))
    assert "minio" in keras_lesson
    assert not [name for name in keras_lesson if name.partition(".")[0] in ("keras", "tensorflow")]
    assert imports_of("import no_such_package_here\nimport joblib\n") == ["joblib"]
    assert imports_of("def broken(:\n") == []


@pytest.mark.slow
def test_a_runs_tasks_find_their_packages_imported_ahead_by_the_fork_server(backend: Any, tmp_path: Path) -> None:
    run_id, events = run_fixture(backend, tmp_path, "import_ahead", "import_ahead")
    finished = events[-1]
    assert isinstance(finished, RunFinished) and finished.state.value == "SUCCEEDED", finished
    assert "joblib imported ahead" in backend.task_log(run_id, "which-import")


@pytest.mark.slow
def test_a_spare_model_server_serves_the_model_it_is_given_then_stops(tmp_path: Path) -> None:
    from workshop.backends.local.modelserver import ModelServer, spawn_spare

    clf = train(tmp_path / "model")
    spare = spawn_spare(tmp_path)
    server = ModelServer("iris", tmp_path / "model", tmp_path / "logs" / "iris.log", spare=spare)
    server.start(timeout=60)
    assert server.pid == spare.pid  # the spare serves: no second process
    rows = [[5.1, 3.5, 1.4, 0.2], [6.9, 3.1, 5.4, 2.1]]
    assert server.predict_v1(rows) == clf.predict(rows).tolist()
    assert "iris" in (tmp_path / "logs" / "iris.log").read_text()  # its output went to the service's log
    server.stop()
    assert spare.returncode is not None
    assert wait_gone(str(tmp_path)) == []


@pytest.mark.slow
def test_a_spare_nobody_takes_ends_at_once_when_let_go_or_when_its_parent_dies(tmp_path: Path) -> None:
    from workshop.backends.local.modelserver import spawn_spare, stop_spare

    spare = spawn_spare(tmp_path / "let-go")
    stop_spare(spare)
    assert spare.returncode == 0  # it exited on its own (stdin's end), mid-import: not killed
    code = ("import sys, time; from pathlib import Path; from workshop.backends.local.modelserver import spawn_spare; "
            "spawn_spare(Path(sys.argv[1])); print('spawned', flush=True); time.sleep(60)")
    parent = subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "orphaned")], stdout=subprocess.PIPE,
                              text=True, cwd=ROOT)
    assert parent.stdout is not None and parent.stdout.readline().strip() == "spawned"
    assert wait_present(str(tmp_path / "orphaned"))
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    assert wait_gone(str(tmp_path / "orphaned")) == []


@pytest.mark.slow
def test_the_control_plane_stops_a_spare_model_server_nobody_took(tmp_path: Path) -> None:
    from workshop.backends.local.controlplane import LocalControlPlane

    plane = LocalControlPlane(tmp_path / "serving")
    plane.start()
    plane.prewarm_server()
    assert wait_present(str(tmp_path / "serving"))
    plane.stop()
    plane.prewarm_server()  # a stopped plane starts no spare
    assert wait_gone(str(tmp_path)) == []


@pytest.mark.slow
def test_servers_started_ahead_stop_with_the_backend_even_mid_start(tmp_path: Path) -> None:
    from workshop.backends.local.services import LazyServices

    services = LazyServices(tmp_path)
    services.prepare({"object_store", "model_serving"})
    services.stop()  # at once: a start under way finishes and is stopped, or never begins
    assert services._preparing is not None
    services._preparing.join(60)
    assert services.started_object_store is None and services.started_control_plane is None
    assert wait_gone(str(tmp_path)) == []


@pytest.mark.slow
def test_servers_started_ahead_are_found_running_and_a_released_one_stops_then_starts_again(tmp_path: Path) -> None:
    from workshop.backends.local.services import LazyServices

    services = LazyServices(tmp_path)
    try:
        services.prepare({"object_store", "model_serving"})
        assert services._preparing is not None
        services._preparing.join(60)
        store, plane = services.started_object_store, services.started_control_plane
        assert store is not None and plane is not None
        assert plane._spare is not None and plane._spare.poll() is None  # the model server waits, imports done
        assert services.object_store() is store  # the lesson's own call finds it running
        services.release({"model_serving"})  # no lesson ahead needs the object store
        assert services.started_object_store is None and services.started_control_plane is plane
        again = services.object_store()  # asked for again: once the old one has stopped, a new one
        assert again is not store and again.endpoint
    finally:
        services.stop()
    assert wait_gone(str(tmp_path)) == []


@pytest.mark.slow
def test_run_all_prepares_lesson_4s_scorer_and_the_lessons_run_takes_that_one(course: Any) -> None:
    from workshop.core import course as course_module
    from workshop.core import keras_eval

    lesson4 = course.lesson(4)
    stop = course.prepare([course.lesson(1), lesson4], object())  # a backend without servers to prepare
    try:
        spare = keras_eval._spare
        assert spare is not None and spare.poll() is None
        stop_warm = course_module._warm_checks(lesson4)  # what lesson 4's run does as it starts
        assert keras_eval._spare is spare  # the one started for the course, not a second TensorFlow import
        stop_warm()
        assert keras_eval._spare is None and spare.poll() is not None
    finally:
        stop()
        keras_eval.discard()


def of_home(home: Path) -> list[int]:
    """Live processes of this home: its WORKSHOP_HOME in their environment or its path on their command line."""
    want, found = str(home), []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            environ = Path(f"/proc/{entry}/environ").read_bytes().split(b"\0")
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z" and (f"WORKSHOP_HOME={want}".encode() in environ or want in cmdline):
            found.append(int(entry))
    return found


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_run_all_signalled_while_its_servers_start_ahead_leaves_no_process(home: Path, sig: signal.Signals) -> None:
    env = {**os.environ, "WORKSHOP_HOME": str(home), "WORKSHOP_LEARNER": "tester", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "workshop", "run", "--all", "--lang", "en"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd="/")
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("== Lesson 1"):
            break
    # the spare model server, started ahead for lesson 5, names its serving folder
    assert wait_present(str(home / "local" / "serving"), 60), "lesson 5's model server should be waiting"
    proc.send_signal(sig)
    rest, _ = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert "Traceback" not in rest
    deadline = time.monotonic() + 30
    while (left := of_home(home)) and time.monotonic() < deadline:
        select.select([], [], [], 0.05)
    assert left == []
