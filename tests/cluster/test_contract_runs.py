"""Our own poll loop: task states from run_details, RunFinished through SUCCEEDED, CANCELED and FAILED."""

from __future__ import annotations

from pathlib import Path

from tests.cluster.conftest import collect
from tests.cluster.fake import FakeServer
from tests.cluster.sim import API, Frame, Log, Sim, pod_json, run_json
from workshop.core.compile import compile_pipeline
from workshop.core.events import LogLine, RunFinished, RunStarted, RunState, TaskFinished, TaskStarted, TaskState

ROOT = Path(__file__).resolve().parents[2]
TASKS = ("square", "square-2", "add", "square-root")


PIPELINES = {"pythagorean": ("pythagorean.py", "demo-pythagorean-pipeline", {"a": 3.0, "b": 4.0}),
             "cgpu_setting_node_selector_pipeline": ("resources.py", "cgpu-setting-node-selector-pipeline", {}),
             "kserver_pipeline": ("kserve_iris.py", "kserver-pipeline", {"namespace": "team-a"})}


def start(backend, tmp_path: Path, function: str = "pythagorean", services: tuple[str, ...] = ()) -> str:
    """Compile a course pipeline, upload it and submit a run, as Course.run_lesson does."""
    file, name, arguments = PIPELINES[function]
    package = compile_pipeline(ROOT / "pipelines" / file, function, tmp_path / f"{function}.yaml")
    ref = backend.upload_pipeline(package, name, "d")
    return str(backend.submit(package, ref, arguments, "run", services))


def states(**tasks: str) -> dict[str, str]:
    return {name.replace("_", "-"): state for name, state in tasks.items()}


def test_task_states_map_to_events_in_order(make_backend, sim: Sim, fake: FakeServer, tmp_path: Path) -> None:
    backend = make_backend()
    run_id = start(backend, tmp_path)
    sim.scenario(
        Frame(run_json(run_id, "PENDING")),
        Frame(run_json(run_id, "RUNNING", states(square="RUNNING", square_2="PENDING"))),
        Frame(run_json(run_id, "RUNNING", states(square="SUCCEEDED", square_2="SUCCEEDED", add="RUNNING"))),
        Frame(run_json(run_id, "SUCCEEDED", dict.fromkeys(TASKS, "SUCCEEDED"))),
    )
    events = collect(backend, run_id)
    assert events[0] == RunStarted(run_id, "demo-pythagorean-pipeline", TASKS, events[0].ts)
    story = [(type(e).__name__, getattr(e, "task", ""), getattr(e, "state", "")) for e in events[1:]]
    assert story == [
        ("TaskStarted", "square", ""),
        ("TaskFinished", "square", TaskState.SUCCEEDED),
        ("TaskStarted", "square-2", ""), ("TaskFinished", "square-2", TaskState.SUCCEEDED),
        ("TaskStarted", "add", ""), ("TaskFinished", "add", TaskState.SUCCEEDED),
        ("TaskStarted", "square-root", ""), ("TaskFinished", "square-root", TaskState.SUCCEEDED),
        ("RunFinished", "", RunState.SUCCEEDED),
    ]
    assert {r.path for r in fake.calls("GET", f"{API}/runs/.*")} == {f"{API}/runs/{run_id}"}
    assert backend.status(run_id) is RunState.SUCCEEDED


def test_a_run_the_workshop_terminated_ends_canceled_though_kfp_says_failed(make_backend, sim: Sim,
                                                                          fake: FakeServer, tmp_path: Path) -> None:
    """KFP 2.17.0: terminate sets CANCELING (backend/src/apiserver/storage/run_store.go 823-846); the run stays
    CANCELING while the workflow is terminating (resource/resource_manager.go 1535-1540, common/util/
    workflow.go 314-318) and then takes its final phase, FAILED (workflow.go 836-841). The workshop asked for
    it, so it is a canceled run, not a failure."""
    backend = make_backend()
    run_id = start(backend, tmp_path)
    sim.scenario(Frame(run_json(run_id, "RUNNING", states(square="RUNNING", square_2="RUNNING"))))
    backend.cancel(run_id)
    events = collect(backend, run_id)
    seen = [r.path for r in fake.calls("POST")][-1:]
    assert seen == [f"{API}/runs/{run_id}:terminate"]
    finished = {e.task: e.state for e in events if isinstance(e, TaskFinished)}
    assert finished == {"square": TaskState.CANCELED, "square-2": TaskState.CANCELED}
    last = events[-1]
    assert isinstance(last, RunFinished) and last.state is RunState.CANCELED and last.error == "canceled"
    assert backend.status(run_id) is RunState.CANCELED
    again = make_backend()  # another session (the CLI after the app) sees it canceled too
    assert again.status(run_id) is RunState.CANCELED


def test_a_second_cancel_while_kfp_is_canceling_is_harmless(make_backend, sim: Sim, fake: FakeServer,
                                                             tmp_path: Path) -> None:
    """KFP 2.17.0 run_store.go 823-846 updates only a PAUSED, PENDING, RUNNING or unspecified run: a second
    terminate of a CANCELING run is InvalidArgument ("Row not found"). The learner pressed Cancel twice: the
    run is still canceled, and no error reaches them."""
    backend = make_backend()
    run_id = start(backend, tmp_path)
    sim.scenario(Frame(run_json(run_id, "RUNNING", states(square="RUNNING", square_2="RUNNING"))))
    backend.cancel(run_id)
    backend.cancel(run_id)  # KFP now says CANCELING and refuses
    assert len(fake.calls("POST", f"{API}/runs/{run_id}:terminate")) == 2
    finished = collect(backend, run_id)[-1]
    assert isinstance(finished, RunFinished) and finished.state is RunState.CANCELED


def test_a_run_terminated_elsewhere_stays_failed(make_backend, sim: Sim, tmp_path: Path) -> None:
    """Only the workshop's own terminate turns FAILED into canceled: one stopped in the KFP UI failed."""
    backend = make_backend()
    run_id = start(backend, tmp_path)
    sim.scenario(Frame(run_json(run_id, "RUNNING", states(square="RUNNING"))))
    sim.terminated = 0  # as if someone pressed Terminate in the KFP UI
    last = collect(backend, run_id)[-1]
    assert isinstance(last, RunFinished) and last.state is RunState.FAILED
    assert backend.status(run_id) is RunState.FAILED


def test_a_failed_run_names_the_failed_task_and_the_error(make_backend, sim: Sim, tmp_path: Path) -> None:
    backend = make_backend()
    run_id = start(backend, tmp_path)
    sim.scenario(
        Frame(run_json(run_id, "RUNNING", states(square="RUNNING"))),
        Frame(run_json(run_id, "FAILED", states(square="SUCCEEDED", square_2="SUCCEEDED", add="SUCCEEDED",
                                                square_root="FAILED"), error="task square-root exited with 1")),
    )
    events = collect(backend, run_id)
    last = events[-1]
    assert isinstance(last, RunFinished) and last.state is RunState.FAILED and last.outputs == {}
    assert "square-root failed" in last.error and "exited with 1" in last.error
    assert [e.task for e in events if isinstance(e, TaskFinished) and e.state is TaskState.FAILED] == ["square-root"]


def test_a_run_from_an_earlier_session_is_replayed_from_the_api(make_backend, sim: Sim, fake: FakeServer,
                                                                tmp_path: Path) -> None:
    backend = make_backend()
    run_id = start(backend, tmp_path)
    sim.scenario(Frame(run_json(run_id, "SUCCEEDED", dict.fromkeys(TASKS, "SUCCEEDED")),
                       [pod_json("p-square", "square", run_id, main="terminated")]))
    sim.logs["p-square"] = Log(["square: 3.0"])
    fresh = make_backend()  # same state folder: the run's tasks come from its saved record
    events = collect(fresh, run_id)
    assert [e.task for e in events if isinstance(e, TaskStarted)] == list(TASKS)
    assert [e.line for e in events if isinstance(e, LogLine)] == ["square: 3.0"]
    assert fresh.task_log(run_id, "square") == ["square: 3.0"]
