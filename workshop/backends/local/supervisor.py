"""Run supervision on the local backend: worker processes, the events they report, and their end.

Each run goes to a worker process (worker.py, started here, kfp imported before the run's spec
arrives on its stdin). A thread per run journals what the worker reports (runfiles.py) and
passes it on; whatever happens, the run ends with one RunFinished.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from workshop.backends.local.runfiles import LOG_BATCH, TaskLog, batch_events, journal
from workshop.core.events import LogLine, RunEvent, RunFinished, RunState, TaskFinished, from_dict, to_dict
from workshop.core.ports import PipelineRef

QUEUE_ITEMS = 64  # events or batches (at most 500 lines each) waiting for the run's reader


def _hand_over(run: LiveRun, item: RunEvent | list[LogLine]) -> None:
    """Into the run's queue; once the run is canceled, a full queue (a reader gone) loses its oldest instead."""
    while True:
        try:
            run.queue.put(item, timeout=0.2)
            return
        except queue.Full:
            if run.cancel_requested:
                with contextlib.suppress(queue.Empty):
                    run.queue.get_nowait()


class LiveRun:
    """A run of this session: its folder, its worker, and the events not yet read."""

    def __init__(self, run_id: str, folder: Path, proc: subprocess.Popen[bytes]) -> None:
        self.run_id = run_id
        self.folder = folder
        self.proc = proc
        # events, and a task's lines as one list a batch (the worker's): one hand-over for each. Bounded: a
        # reader slower than the task (the app, which paces itself while it floods) holds the task back
        # through its pipe, instead of this queue growing by the flood's megabytes
        self.queue: queue.Queue[RunEvent | list[LogLine]] = queue.Queue(maxsize=QUEUE_ITEMS)
        self.state = RunState.RUNNING
        self.cancel_requested = False
        self.done = threading.Event()


class RunSupervisor:
    """Starts runs in worker processes, keeps one spare worker warm, and sees every run to its end."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.runs_dir = root / "runs"
        self.live: dict[str, LiveRun] = {}  # this session's runs, by id
        self._spare: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    @property
    def spare(self) -> subprocess.Popen[bytes] | None:
        """The warm worker waiting for the next run, if there is one."""
        return self._spare

    def start(
        self,
        package: Path,
        pipeline: PipelineRef,
        arguments: dict[str, Any],
        run_name: str,
        secrets: dict[str, dict[str, str]],
        env: dict[str, str],
        volumes_dir: Path,
        documents: list[dict[str, Any]] | None = None,
    ) -> str:
        """A new run of the package in a worker; its id. The secrets go to the worker through a pipe only.

        `documents`: the package as already read here (PipelineSpec.documents), so that the worker
        does not read and parse its YAML again; without them, or if they are not plain JSON, it does.
        """
        run_id = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
        folder = self.runs_dir / run_id
        (folder / "logs").mkdir(parents=True)
        spec = {
            "run_id": run_id,
            "run_name": run_name,
            "package": str(package),
            "arguments": arguments,
            "pipeline_root": str(folder / "root"),
            "volumes_dir": str(volumes_dir),
            "pip_cache": str(self.root / "pip-cache"),  # packages_to_install the app lacks (taskenv.py)
            "log_path": str(folder / "worker.log"),
            "secrets": secrets,
            "env": env,
        }
        (folder / "run.json").write_text(
            json.dumps({"run_id": run_id, "run_name": run_name, "pipeline": pipeline.__dict__,
                        "arguments": arguments, "package": str(package)}, default=str)
        )
        spec["cwd"] = str(folder)
        proc = self._take_spare() or self._spawn_worker()
        assert proc.stdin is not None
        line = json.dumps(spec)
        if documents is not None:
            try:
                line = json.dumps({**spec, "documents": documents})
            except (TypeError, ValueError):  # a YAML value JSON cannot hold (a timestamp): the worker reads the file
                pass
        # The spec holds secrets: it goes through the pipe, never argv or the environment.
        proc.stdin.write((line + "\n").encode())
        proc.stdin.flush()
        run = LiveRun(run_id, folder, proc)
        self.live[run_id] = run
        threading.Thread(target=self._read_events, args=(run,), daemon=True, name=f"run-{run_id}").start()
        return run_id

    def _spawn_worker(self) -> subprocess.Popen[bytes]:
        """A worker process; it imports kfp, then waits for a run's spec on stdin."""
        self.root.mkdir(parents=True, exist_ok=True)
        # the kubernetes client reads KUBECONFIG at import: set it before the worker imports kfp
        env = {**os.environ, "KUBECONFIG": str(self.root / "serving" / "kubeconfig")}
        # Each worker's own start-up log: until a run's spec arrives (and the worker moves its
        # output to that run's worker.log) an import error lands here, and a run that dies early
        # points to this file, not to an empty worker.log.
        starts = self.root / "workers"
        starts.mkdir(exist_ok=True)
        start_log = starts / f"worker-start-{uuid.uuid4().hex[:8]}.log"
        with open(start_log, "ab") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "workshop.backends.local.worker"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                start_new_session=True, cwd=self.root, env=env,
            )
        proc.start_log = start_log  # type: ignore[attr-defined]
        return proc

    def prewarm(self, wait: bool = False, import_ahead: tuple[str, ...] = ()) -> None:
        """Have a worker ready, kfp already imported, so the next run starts at once (the app's case).

        With `wait`, return once it has finished importing (it says so on its stdout). `import_ahead`:
        modules its fork server imports now, for the tasks of the next run (worker.main).
        """
        with self._lock:
            if self._spare is None or self._spare.poll() is not None:
                self._spare = self._spawn_worker()
            spare = self._spare
            if import_ahead and spare.stdin is not None:
                try:
                    spare.stdin.write((json.dumps({"import_ahead": list(import_ahead)}) + "\n").encode())
                    spare.stdin.flush()
                except OSError:
                    pass  # the spare is gone: start() takes another
        if wait and spare.stdout is not None:
            spare.stdout.readline()

    def _take_spare(self) -> subprocess.Popen[bytes] | None:
        with self._lock:
            spare, self._spare = self._spare, None
        return spare if spare is not None and spare.poll() is None else None

    def _read_events(self, run: LiveRun) -> None:
        """Journal the worker's events and pass them on; whatever fails here, the run still ends."""
        try:
            finished = self._pump(run)
        except BaseException as exc:  # a full disk under the journal (ENOSPC), or worse: never a silent hang
            kill_group(run.proc, 5.0)
            from workshop.core.home_text import say_both

            if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
                reason = say_both("run.disk_full", error=exc.strerror, folder=self.root, runs=self.runs_dir)
            else:
                reason = say_both("run.events_lost", error=f"{type(exc).__name__}: {exc}")
            finished = RunFinished(run.run_id, RunState.FAILED, {}, reason)
            with contextlib.suppress(OSError), open(run.folder / "events.jsonl", "a", encoding="utf-8") as journal:
                journal.write(json.dumps(to_dict(finished)) + "\n")
        run.state = finished.state
        _hand_over(run, finished)
        run.done.set()

    def _pump(self, run: LiveRun) -> RunFinished:
        assert run.proc.stdout is not None
        logs: dict[str, TaskLog] = {}
        finished: RunFinished | None = None
        try:
            with open(run.folder / "events.jsonl", "a", encoding="utf-8") as journal:
                for raw in run.proc.stdout:
                    try:
                        data = json.loads(raw)
                        if data.get("kind") == LOG_BATCH:  # a task's lines, one message (worker.emit_lines)
                            task, lines = str(data["task"]), [str(line) for line in data["lines"]]
                            batch = batch_events(data)
                        else:
                            event = from_dict(data)
                            batch = None
                    except (ValueError, KeyError, TypeError, AttributeError):
                        continue
                    if batch is not None:
                        log = logs.get(task)
                        if log is None or log.closed:  # a line after its task's end starts anew
                            log = logs[task] = self._task_log(run, task, journal)
                        log.add_lines(lines, float(data.get("ts", 0.0)))
                        _hand_over(run, batch)  # one hand-over for the batch: events() gives its lines one by one
                        continue
                    if isinstance(event, RunFinished):
                        finished = event
                        continue  # journaled and sent below, once the worker is gone
                    if isinstance(event, LogLine):
                        log = logs.get(event.task)
                        if log is None or log.closed:  # a line after its task's end starts anew
                            log = logs[event.task] = self._task_log(run, event.task, journal)
                        log.add(event)
                    else:
                        if isinstance(event, TaskFinished) and event.task in logs:
                            logs[event.task].close()  # its kept tail goes before its end in the journal
                        journal.write(json.dumps(to_dict(event)) + "\n")
                    _hand_over(run, event)
                run.proc.wait()
                if run.proc.stdin:
                    try:
                        run.proc.stdin.close()
                    except OSError:
                        pass
                for log in logs.values():
                    log.close()
                if finished is not None or run.cancel_requested:
                    start_log = getattr(run.proc, "start_log", None)
                    if start_log is not None:  # the run went as runs go: its start-up log says nothing
                        start_log.unlink(missing_ok=True)
                if finished is None:
                    if run.cancel_requested:
                        finished = RunFinished(run.run_id, RunState.CANCELED, {}, "canceled by the learner")
                    else:
                        finished = RunFinished(run.run_id, RunState.FAILED, {}, self._died(run))
                journal.write(json.dumps(to_dict(finished)) + "\n")
        finally:
            for log in logs.values():
                with contextlib.suppress(OSError):
                    log.fh.close()
        return finished

    @staticmethod
    def _task_log(run: LiveRun, task: str, journal: TextIO) -> TaskLog:
        return TaskLog(run.folder / "logs" / f"{task}.log", journal, run.run_id, task)

    def _died(self, run: LiveRun) -> str:
        """Why a worker ended without a word: the last line of the file that holds its error."""
        start_log: Path | None = getattr(run.proc, "start_log", None)
        kept = run.folder / "worker-start.log"
        if start_log is not None and start_log.is_file():
            os.replace(start_log, kept)  # the worker is gone: its start-up log belongs to this run
        texts = {}
        for path in (run.folder / "worker.log", kept):
            try:
                texts[path] = path.read_text(errors="replace")
            except OSError:
                continue
        # the file with a traceback, else one with anything in it
        where = next((p for p, text in texts.items() if "Traceback" in text),
                     next((p for p, text in texts.items() if text.strip()), run.folder / "worker.log"))
        lines = [line for line in texts.get(where, "").splitlines() if line.strip()]
        last = lines[-1].strip() if lines else ""
        said = f": {last}" if last else ""
        return (f"the local run stopped unexpectedly (exit {run.proc.returncode}){said}; "
                f"not in a task of the pipeline; see {where}")

    def events(self, run_id: str) -> Iterator[RunEvent]:
        run = self.live.get(run_id)
        if run is None:  # a run from an earlier session: replay its journal
            yield from journal(self.runs_dir, run_id)
            return
        while True:
            item = run.queue.get()
            if isinstance(item, list):  # a batch of one task's lines
                yield from item
                continue
            yield item
            if isinstance(item, RunFinished):
                return

    def status(self, run_id: str) -> RunState:
        run = self.live.get(run_id)
        if run is not None:
            return run.state
        state = RunState.FAILED  # a journal without RunFinished: the process died mid-run
        for event in journal(self.runs_dir, run_id):
            if isinstance(event, RunFinished):
                state = event.state
        return state

    def cancel(self, run_id: str, timeout: float = 5.0) -> None:
        run = self.live.get(run_id)
        if run is None or run.done.is_set():
            return
        run.cancel_requested = True
        kill_group(run.proc, timeout)
        run.done.wait(timeout)

    def close(self) -> None:
        """Cancel this session's runs still going, and end the spare worker."""
        for run_id in list(self.live):
            self.cancel(run_id)
        spare = self._take_spare()
        if spare is not None:  # an empty line tells it to exit; the group kill makes sure
            kill_group(spare, 5.0)
            if spare.stdout is not None:  # EOF once its fork server, which holds it too, is gone
                spare.stdout.read()
            start_log = getattr(spare, "start_log", None)
            if start_log is not None:
                start_log.unlink(missing_ok=True)


def kill_group(proc: subprocess.Popen[bytes], timeout: float) -> None:
    """SIGTERM to the run's process group, then SIGKILL when it has not gone by the deadline."""
    try:
        pgid = os.getpgid(proc.pid)
    except ProcessLookupError:
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=timeout)
            # the group may still hold tasks the worker forked: make sure they are gone too
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue
        return
