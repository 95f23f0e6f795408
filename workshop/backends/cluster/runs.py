"""A run's events, from our own poll loop (kfp's wait_for_run_completion never returns on CANCELED).

Every poll: GET /apis/v2beta1/runs/{id} gives the run state and run_details.task_details (one
entry per Argo node, display_name = the pipeline's task name for the task node), mapped to
TaskStarted/TaskFinished; GET pods?labelSelector=pipeline/runid=<id> finds the executor pod of
each task, whose `main` log is followed live (logs.py), and any that waits for a node gets its
scheduler message explained once (pods.py). Log lines are yielded as they arrive, between polls.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workshop.backends.cluster.kfp_api import KfpApi
from workshop.backends.cluster.kube import KubeApi
from workshop.backends.cluster.logs import LogFollower
from workshop.backends.cluster.outputs import OutputReader
from workshop.backends.cluster.pods import RUN_LABEL, TaskPod, executor_pods, explain_pending, unschedulable_message
from workshop.backends.cluster.rest import HttpError
from workshop.core.errors import BackendError
from workshop.core.events import (
    LogLine,
    RunEvent,
    RunFinished,
    RunStarted,
    RunState,
    TaskFinished,
    TaskStarted,
    TaskState,
)
from workshop.core.settings import docs_path

RUN_STATES = {
    "SUCCEEDED": RunState.SUCCEEDED, "FAILED": RunState.FAILED, "CANCELED": RunState.CANCELED,
    "RUNNING": RunState.RUNNING, "CANCELING": RunState.RUNNING, "PAUSED": RunState.RUNNING,
}
TASK_DONE = {"SUCCEEDED": TaskState.SUCCEEDED, "FAILED": TaskState.FAILED, "SKIPPED": TaskState.SKIPPED,
             "CANCELED": TaskState.CANCELED}
_RANK = {"PENDING": 0, "RUNTIME_STATE_UNSPECIFIED": 0, "RUNNING": 1, "CANCELING": 1, "PAUSED": 1}


def run_state(run: dict[str, Any]) -> RunState:
    return RUN_STATES.get(str(run.get("state") or ""), RunState.PENDING)


def task_states(run: dict[str, Any]) -> dict[str, str]:
    """display_name -> the most advanced state any node of that name reports."""
    states: dict[str, str] = {}
    for detail in (run.get("run_details") or {}).get("task_details") or []:
        name, state = str(detail.get("display_name") or ""), str(detail.get("state") or "")
        if name and _RANK.get(state, 2) >= _RANK.get(states.get(name, ""), -1):
            states[name] = state
    return states


@dataclass
class RunInfo:
    run_id: str
    pipeline: str
    tasks: tuple[str, ...]
    spec: dict[str, Any] = field(default_factory=dict)
    serving: tuple[str, str] | None = None  # the InferenceService (name, namespace) the run deploys


class LogSink:
    """Where followers put lines: the run's log files (for task_log) and the event queue."""

    def __init__(self, run_id: str, folder: Path) -> None:
        self.run_id = run_id
        self.folder = folder
        self.queue: queue.Queue[RunEvent] = queue.Queue()
        self._lock = threading.Lock()
        folder.mkdir(parents=True, exist_ok=True)

    def __call__(self, task: str, line: str) -> None:
        with self._lock:
            with open(self.folder / f"{task}.log", "a", encoding="utf-8") as fh:
                fh.write(line + "\n")
            self.queue.put(LogLine(self.run_id, task, line))


class RunWatcher:
    def __init__(self, kfp: KfpApi, kube: KubeApi, outputs: OutputReader, info: RunInfo, logs_dir: Path,
                 poll: float, grace: float = 15.0, canceled: Callable[[], bool] = lambda: False,
                 waiting: Callable[[], RunEvent | None] = lambda: None) -> None:
        self.kfp, self.kube, self.outputs, self.info = kfp, kube, outputs, info
        self.waiting = waiting  # while the run goes on: what a step waits for on the cluster, when that changed
        self.poll = poll
        self.canceled = canceled  # did the workshop terminate this run (KFP then says FAILED)
        self.grace = grace  # how long to wait for the last log lines once the run has ended
        self.sink = LogSink(info.run_id, logs_dir)
        self.stop = threading.Event()
        self.ending = threading.Event()
        self.followers: dict[str, LogFollower] = {}
        self.started: set[str] = set()
        self.finished: dict[str, TaskState] = {}
        self.diagnosed: dict[str, str] = {}
        self.next_diagnosis: dict[str, float] = {}
        self._nodes: Any = ...
        self._pods_denied = ""  # why the run's pods cannot be listed, once said

    def close(self) -> None:
        self.stop.set()

    def events(self) -> Iterator[RunEvent]:
        run_id = self.info.run_id
        yield RunStarted(run_id, self.info.pipeline, self.info.tasks)
        if not self.kube.available:
            for task in self.info.tasks[:1]:
                yield LogLine(run_id, task, "[workshop] task logs need the Kubernetes API, which is not configured "
                                            f"here (see {docs_path('cluster.md')}, \"Configuration\"); the KFP UI "
                                            "shows them")
        failures_since = 0.0
        while True:
            try:
                run = self.kfp.get_run(run_id)
                failures_since = 0.0
            except BackendError as exc:  # a network blip or a restarting API server: keep asking a while
                if isinstance(exc, HttpError) and exc.status < 500:
                    raise  # 401, 403, 404: asking again will not help
                failures_since = failures_since or time.monotonic()
                if time.monotonic() - failures_since > max(60.0, 30 * self.poll) or self.stop.is_set():
                    raise
                yield from self._wait(self.poll)
                continue
            yield from self._task_events(task_states(run), self._pods())
            state = run_state(run)
            if state is RunState.FAILED and self.canceled():
                state = RunState.CANCELED
            if state.finished:
                yield from self._finish(run, state)
                return
            if self.stop.is_set():  # the backend is closing: nobody is listening any more
                return
            said = self.waiting()
            if said is not None:
                yield said
            yield from self._wait(self.poll)

    def _wait(self, seconds: float) -> Iterator[RunEvent]:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                yield self.sink.queue.get(timeout=left)
            except queue.Empty:
                return

    def _drain(self) -> Iterator[RunEvent]:
        while True:
            try:
                yield self.sink.queue.get_nowait()
            except queue.Empty:
                return

    def _pods(self) -> dict[str, list[TaskPod]]:
        if not self.kube.available or self._pods_denied:
            return {}
        try:
            pods = executor_pods(self.kube.list_pods(f"{RUN_LABEL}={self.info.run_id}"))
        except HttpError as exc:
            if exc.status >= 500:
                return {}
            self._pods_denied = str(exc)  # say it once, then run on without logs
            if self.info.tasks:
                self.sink(self.info.tasks[0], f"[workshop] cannot list the run's pods, so no live logs: {exc}")
            return {}
        except BackendError:
            return {}  # unreachable for a moment: the next poll asks again
        for task, attempts in pods.items():
            for task_pod in attempts:
                if task_pod.name not in self.followers:
                    follower = LogFollower(self.kube, task_pod.name, task, self.sink, self.stop, poll=self.poll,
                                           ending=self.ending)
                    self.followers[task_pod.name] = follower
                    follower.start()
                if task_pod.phase == "Pending":
                    try:
                        self._diagnose(task_pod)
                    except BackendError:  # events not readable: the task simply waits, unexplained
                        pass
        return pods

    def _diagnose(self, task_pod: TaskPod) -> None:
        now = time.monotonic()
        if now < self.next_diagnosis.get(task_pod.name, 0.0):
            return
        self.next_diagnosis[task_pod.name] = now + min(10.0, max(5 * self.poll, 0.05))
        message = unschedulable_message(task_pod.pod, self.kube.pod_events(task_pod.name))
        if not message or self.diagnosed.get(task_pod.name) == message:
            return
        self.diagnosed[task_pod.name] = message
        if self._nodes is ...:
            self._nodes = self.kube.list_nodes()
        for line in explain_pending(task_pod.task, task_pod.pod, message, self._nodes):
            self.sink(task_pod.task, line)

    def _task_events(self, states: dict[str, str], pods: dict[str, list[TaskPod]]) -> Iterator[RunEvent]:
        run_id = self.info.run_id
        for task in self.info.tasks:
            state = states.get(task, "")
            attempts = pods.get(task, [])
            running = _RANK.get(state, 2) >= 1 if state else any(p.phase != "Pending" for p in attempts)
            if running and task not in self.started:
                self.started.add(task)
                yield TaskStarted(run_id, task)
            if state in TASK_DONE and task not in self.finished:
                if task not in self.started:
                    self.started.add(task)
                    yield TaskStarted(run_id, task)
                done = TASK_DONE[state]
                if done is TaskState.FAILED and self.canceled():  # stopped by our terminate, not by its code
                    done = TaskState.CANCELED
                self.finished[task] = done
                yield TaskFinished(run_id, task, done)
        yield from self._drain()

    def _finish(self, run: dict[str, Any], state: RunState) -> Iterator[RunEvent]:
        run_id = self.info.run_id
        deadline = time.monotonic() + self.grace
        self.ending.set()
        for follower in list(self.followers.values()):  # the containers have ended: their streams end too
            while not follower.finished.wait(0.05):
                yield from self._drain()
                if time.monotonic() > deadline:
                    break
        self.stop.set()
        yield from self._drain()
        fallback = {RunState.CANCELED: TaskState.CANCELED, RunState.FAILED: TaskState.FAILED}
        for task in self.info.tasks:
            if task in self.started and task not in self.finished:
                self.finished[task] = fallback.get(state, TaskState.SUCCEEDED)
                yield TaskFinished(run_id, task, self.finished[task])
        outputs: dict[str, Any] = {}
        error = ""
        if state is RunState.SUCCEEDED and self.info.spec:
            outputs = self.outputs.pipeline_outputs(run_id, self.info.spec, run)
        elif state is RunState.CANCELED:
            error = "canceled"
        elif state is RunState.FAILED:
            failed = [t for t, s in self.finished.items() if s is TaskState.FAILED]
            message = str((run.get("error") or {}).get("message") or "")
            parts = [f"task {', '.join(failed)} failed" if failed else "", message]
            error = "; ".join(p for p in parts if p) or "the run failed: see the task logs"
        yield RunFinished(run_id, state, outputs, error)
