"""Course.run_lesson with the ClusterBackend against the fake cluster: the existing checks pass on its answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cluster.fake import FakeServer
from tests.cluster.mlmd_fake import FakeMlmd, execution
from tests.cluster.sim import NS, Frame, Log, Sim, pod_json, run_json
from tests.cluster.test_contract_storage import ReaderPods
from workshop.core.course import Course


@pytest.mark.parametrize("identity", ["learner", "instructor"])
def test_lesson_1_passes_with_the_output_read_from_mlmd(make_backend, sim: Sim, mlmd: FakeMlmd, fake: FakeServer,
                                                        course: Course, identity: str) -> None:
    """On each release profile, as a learner (kubeflow-edit RBAC) and as an instructor (cluster admin)."""
    backend = make_backend(identity, mlmd_endpoint=mlmd.endpoint)
    mlmd.executions[7] = [execution(1, "square", {"Output": 9.0}), execution(2, "square-2", {"Output": 16.0}),
                          execution(3, "add", {"Output": 25.0}), execution(4, "square-root", {"Output": 5.0})]
    tasks = ("square", "square-2", "add", "square-root")
    pods = [pod_json(f"p-{t}", t, "run-1", main="terminated") for t in tasks]
    for task in tasks:
        sim.logs[f"p-{task}"] = Log([f"{task}: working"])
    sim.scenario(Frame(run_json("run-1", "RUNNING", dict.fromkeys(tasks, "RUNNING")), pods),
                 Frame(run_json("run-1", "SUCCEEDED", dict.fromkeys(tasks, "SUCCEEDED"), context_id="7"), pods))
    attempt = course.run_lesson(course.lesson(1), backend, {"a": 3.0, "b": 4.0})
    assert attempt.run.outputs == {"Output": 5.0}
    assert [(c.id, c.status.value) for c in attempt.checks] == [
        ("compiled", "passed"), ("succeeded", "passed"), ("output", "passed")]
    assert backend.task_log("run-1", "add") == ["add: working"]
    # a learner may not GET its namespace (kubeflow-edit has no namespaces): the one refusal, handled
    refused = {(method, path) for method, path, _ in fake.denied}
    assert refused == (set() if identity == "instructor" else {("GET", f"/api/v1/namespaces/{NS}")})


@pytest.mark.parametrize("identity", ["learner", "instructor"])
def test_lesson_2_reads_the_sorted_file_from_the_pvc(make_backend, sim: Sim, fake: FakeServer, course: Course,
                                                     tmp_path: Path, identity: str) -> None:
    volume = tmp_path / "pvc"
    (volume / "output").mkdir(parents=True)
    (volume / "input_numbers.csv").write_text("1\n3\n2\n10\n")
    tasks = {"sort-csv-component": "SUCCEEDED", "save-and-print-component": "SUCCEEDED"}

    def written() -> bool:  # the pipeline writes its output while it runs
        (volume / "output" / "sorted_numbers.csv").write_text("10\n3\n2\n1\n")
        return True

    ReaderPods(fake, volume)
    sim.scenario(Frame(run_json("run-1", "RUNNING"), until=written), Frame(run_json("run-1", "SUCCEEDED", tasks)))
    attempt = course.run_lesson(course.lesson(2), make_backend(identity), {})
    assert attempt.passed, [(c.id, c.summary) for c in attempt.checks]
    assert next(c for c in attempt.checks if c.id == "sorted").evidence["first_lines"] == "10\n3\n2\n1"


def test_a_lesson_run_terminated_midway_is_canceled_not_a_failed_attempt(make_backend, sim: Sim,
                                                                          course: Course) -> None:
    """Terminate on KFP ends the run FAILED (KFP 2.17.0 backend/src/apiserver/resource/resource_manager.go
    1535-1540: CANCELING only while the workflow terminates, then its phase); a run the
    workshop stopped is recorded CANCELED, so it is not graded and counts as no attempt."""
    backend = make_backend()
    tasks = ("square", "square-2", "add", "square-root")
    asked: list[bool] = []

    def stop_it() -> bool:  # the learner presses Cancel while the tasks run
        if not asked:
            asked.append(True)
            backend.cancel("run-1")
        return True

    running = run_json("run-1", "RUNNING", dict.fromkeys(tasks, "RUNNING"))
    sim.scenario(Frame(running, until=stop_it), Frame(running))
    attempt = course.run_lesson(course.lesson(1), backend, {"a": 3.0, "b": 4.0})
    assert attempt.run.state == "CANCELED"
    assert course.progress.runs(1)[-1].state == "CANCELED"
    assert course.progress.lesson(1).attempts == 0 and not course.progress.lesson(1).last_failure


def test_lesson_1_without_ml_metadata_says_it_cannot_read_the_output_and_what_to_do(make_backend, sim: Sim,
                                                                                     course: Course) -> None:
    """Output values live in ML Metadata (KFP 2.17.0 backend/src/v2/metadata/client.go ~615-653); kfp's
    executor logs only its input (KFP 2.17.0 sdk/python/kfp/dsl/executor_main.py line 96, "Got executor_input")
    and never the outputs, so the log cannot stand in."""
    backend = make_backend()  # MLMD at a closed port
    tasks = ("square", "square-2", "add", "square-root")
    pods = [pod_json(f"p-{t}", t, "run-1", main="terminated") for t in tasks]
    sim.logs["p-square-root"] = Log(["square_root: 25.0"])
    sim.scenario(Frame(run_json("run-1", "SUCCEEDED", dict.fromkeys(tasks, "SUCCEEDED"), context_id="7"), pods))
    attempt = course.run_lesson(course.lesson(1), backend, {"a": 3.0, "b": 4.0})
    output = next(c for c in attempt.checks if c.id == "output")
    assert output.status.value == "failed"
    assert "could not be read: ML Metadata at 127.0.0.1:9" in output.summary
    assert "WORKSHOP_MLMD_ENDPOINT" in output.summary and "Traceback" not in output.summary
