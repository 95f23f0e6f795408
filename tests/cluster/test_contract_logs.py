"""Live task logs: the executor pod of each task (never the driver), its `main` container, exactly as printed."""

from __future__ import annotations

import threading
from pathlib import Path

from tests.cluster.conftest import collect
from tests.cluster.fake import FakeServer
from tests.cluster.sim import NS, Frame, Log, Sim, pod_json, run_json
from tests.cluster.test_contract_runs import start
from workshop.core.events import LogLine, RunEvent, TaskFinished

LOG = f"/api/v1/namespaces/{NS}/pods/(?P<pod>[^/]+)/log"


def lines(events: list[RunEvent], task: str) -> list[str]:
    return [e.line for e in events if isinstance(e, LogLine) and e.task == task]


def test_follows_main_live_after_container_creating_keeping_every_line(make_backend, sim: Sim, fake: FakeServer,
                                                                       tmp_path: Path) -> None:
    backend = make_backend()
    run_id = start(backend, tmp_path)
    seen: list[RunEvent] = []
    gate = threading.Event()

    def first_line_seen() -> bool:  # the run may only end once a line reached the consumer
        if any(isinstance(e, LogLine) for e in seen):
            gate.set()
        return gate.is_set()

    driver = pod_json("p-square-driver", "square", run_id, driver=True, main="terminated")
    sim.logs["p-square-driver"] = Log(["driver noise"])
    sim.logs["p-square"] = Log(["square: 3.0", "", "  indented", "last line, no newline"], newline_at_end=False,
                               gate=(1, gate))
    sim.scenario(
        Frame(run_json(run_id, "RUNNING", {"square": "RUNNING"}),
              [driver, pod_json("p-square", "square", run_id, main="waiting:ContainerCreating")]),
        Frame(run_json(run_id, "RUNNING", {"square": "RUNNING"}),
              [driver, pod_json("p-square", "square", run_id, main="waiting:ContainerCreating")]),
        Frame(run_json(run_id, "RUNNING", {"square": "RUNNING"}),
              [driver, pod_json("p-square", "square", run_id)], until=first_line_seen),
        Frame(run_json(run_id, "SUCCEEDED", {"square": "SUCCEEDED"}),
              [driver, pod_json("p-square", "square", run_id, main="terminated")]),
    )
    events = collect(backend, run_id, seen=seen)
    assert lines(events, "square") == ["square: 3.0", "", "  indented", "last line, no newline"]
    first = next(i for i, e in enumerate(events) if isinstance(e, LogLine))
    finished = next(i for i, e in enumerate(events) if isinstance(e, TaskFinished))
    assert first < finished  # streamed while the task ran, not read afterwards
    streams = [r for r in fake.calls("GET", LOG) if r.q("follow") == "true"]
    assert {r.path.split("/")[-2] for r in streams} == {"p-square"}  # never the driver
    assert all(r.q("container") == "main" and r.q("timestamps") == "true" for r in streams)
    assert backend.task_log(run_id, "square") == ["square: 3.0", "", "  indented", "last line, no newline"]


def test_a_retried_task_is_followed_into_its_new_pod(make_backend, sim: Sim, tmp_path: Path) -> None:
    backend = make_backend()
    run_id = start(backend, tmp_path)
    sim.logs["p-add-0"] = Log(["add: attempt one", "Traceback: boom"])
    sim.logs["p-add-1"] = Log(["add: attempt two", "add: 25.0"])
    first = pod_json("p-add-0", "add", run_id, attempt=0, main="failed")
    seen: list[RunEvent] = []
    sim.scenario(
        Frame(run_json(run_id, "RUNNING", {"add": "RUNNING"}), [pod_json("p-add-0", "add", run_id, attempt=0)]),
        Frame(run_json(run_id, "RUNNING", {"add": "RUNNING"}), [first],
              until=lambda: "Traceback: boom" in lines(seen, "add")),
        Frame(run_json(run_id, "RUNNING", {"add": "RUNNING"}), [first, pod_json("p-add-1", "add", run_id, attempt=1)]),
        Frame(run_json(run_id, "SUCCEEDED", {"add": "SUCCEEDED"}),
              [first, pod_json("p-add-1", "add", run_id, attempt=1, main="terminated")]),
    )
    events = collect(backend, run_id, seen=seen)
    assert lines(events, "add") == ["add: attempt one", "Traceback: boom", "add: attempt two", "add: 25.0"]
    assert backend.task_pod(run_id, "add")["name"] == "p-add-1"


def test_a_broken_stream_resumes_without_losing_or_repeating_lines(make_backend, sim: Sim, fake: FakeServer,
                                                                   tmp_path: Path) -> None:
    backend = make_backend()
    run_id = start(backend, tmp_path)
    text = [f"epoch {i}/7" for i in range(1, 8)]
    sim.logs["p-train"] = log = Log(text, break_after=3)
    sim.scenario(
        Frame(run_json(run_id, "RUNNING", {"square": "RUNNING"}), [pod_json("p-train", "square", run_id)],
              until=lambda: log.streams >= 2),
        Frame(run_json(run_id, "SUCCEEDED", {"square": "SUCCEEDED"}),
              [pod_json("p-train", "square", run_id, main="terminated")]),
    )
    events = collect(backend, run_id)
    assert lines(events, "square") == text
    resumed = [r for r in fake.calls("GET", LOG) if r.q("sinceTime")]
    assert resumed and resumed[0].q("sinceTime") == "2025-01-01T00:00:01Z"  # the second of the 3rd line
