"""The embedded local backend: no cluster, real parts.

Runs go to a worker process (worker.py) that drives kfp.local; the pipeline registry is
SQLite; volumes are folders; S3 is a SeaweedFS server and InferenceServices are served by
KServe's own model server, both on loopback and started only when a lesson needs them.
"""

from __future__ import annotations

import collections
import contextlib
import errno
import json
import os
import queue
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from workshop.backends.base import Artifact, BackendError, ObjectInfo, PipelineRef, ServiceStatus
from workshop.backends.local.stopping import stop_together
from workshop.backends.local.volumes import Volumes
from workshop.core.events import (
    LogLine,
    RunEvent,
    RunFinished,
    RunStarted,
    RunState,
    TaskFinished,
    TaskState,
    from_dict,
    to_dict,
)

OBJECT_STORE_SECRET = "mlpipeline-minio-artifact"  # the secret name Kubeflow gives its artifact store


class _Run:
    def __init__(self, run_id: str, folder: Path, proc: subprocess.Popen[bytes]) -> None:
        self.run_id = run_id
        self.folder = folder
        self.proc = proc
        self.queue: queue.Queue[RunEvent] = queue.Queue()
        self.state = RunState.RUNNING
        self.cancel_requested = False
        self.done = threading.Event()


class LocalBackend:
    name = "local"
    clock_skew = 0.0  # the tasks run on this machine, on this clock

    def __init__(self, root: Path, assets: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.volumes = Volumes(root / "volumes", assets)
        self._runs: dict[str, _Run] = {}
        self._object_store: Any = None
        self._control_plane: Any = None
        self._spare: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._registry = root / "registry.db"
        with self._db() as conn:
            conn.executescript(
                """
                CREATE TABLE IF NOT EXISTS pipelines (
                    id TEXT PRIMARY KEY, name TEXT UNIQUE NOT NULL, description TEXT, created_at REAL);
                CREATE TABLE IF NOT EXISTS versions (
                    id TEXT PRIMARY KEY, pipeline_id TEXT NOT NULL, name TEXT NOT NULL,
                    path TEXT NOT NULL, created_at REAL);
                """
            )

    def _db(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self._registry, timeout=30)
        conn.execute("PRAGMA journal_mode = WAL")
        return conn

    # --- services, started on demand ------------------------------------------------
    def object_store(self) -> Any:
        with self._lock:
            if self._object_store is None:
                from workshop.backends.local.objectstore import ObjectStore, ObjectStoreError

                store = ObjectStore(self.root / "objectstore")
                try:
                    store.start()
                except ObjectStoreError as exc:
                    raise BackendError(str(exc)) from exc
                except BaseException:  # Ctrl+C mid-start: start() has stopped what it launched; make sure
                    store.stop()
                    raise
                self._object_store = store
            return self._object_store

    def control_plane(self) -> Any:
        with self._lock:
            if self._control_plane is None:
                from workshop.backends.local.controlplane import LocalControlPlane

                plane = LocalControlPlane(self.root / "serving")
                plane.start()
                self._control_plane = plane
            return self._control_plane

    def defaults(self, keys: set[str]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        if "namespace" in keys:
            values["namespace"] = "local"
        if "object_store_endpoint" in keys:
            values["object_store_endpoint"] = self.object_store().endpoint
        return values

    # --- pipelines and runs ----------------------------------------------------------
    def upload_pipeline(self, package: Path, name: str, description: str) -> PipelineRef:
        now = time.time()
        with self._db() as conn:
            conn.execute("BEGIN IMMEDIATE")  # two processes uploading at once: one counts versions at a time
            row = conn.execute("SELECT id FROM pipelines WHERE name = ?", (name,)).fetchone()
            pipeline_id = row[0] if row else uuid.uuid4().hex
            if not row:
                conn.execute(
                    "INSERT INTO pipelines VALUES (?, ?, ?, ?)", (pipeline_id, name, description, now)
                )
            count = conn.execute("SELECT COUNT(*) FROM versions WHERE pipeline_id = ?", (pipeline_id,))
            version_name = f"{name}-v{count.fetchone()[0] + 1}"
            version_id = uuid.uuid4().hex
            target = self.root / "pipelines" / name / f"{version_name}.yaml"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(package, target)
            conn.execute(
                "INSERT INTO versions VALUES (?, ?, ?, ?, ?)",
                (version_id, pipeline_id, version_name, str(target), now),
            )
        return PipelineRef(pipeline_id, name, version_id, version_name)

    def submit(
        self,
        package: Path,
        pipeline: PipelineRef,
        arguments: dict[str, Any],
        run_name: str,
        services: tuple[str, ...] = (),
    ) -> str:
        from workshop.core.pipeline_spec import PipelineSpec, PipelineSpecError

        try:
            # every PVC a task mounts, at any depth, with names from the run's arguments too
            for volume in PipelineSpec.load(package).volumes(arguments):
                self.volumes.ensure(volume)
        except (PipelineSpecError, ValueError) as exc:
            raise BackendError(f"cannot start the run: {exc}") from None
        run_id = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
        folder = self.root / "runs" / run_id
        (folder / "logs").mkdir(parents=True)
        secrets: dict[str, dict[str, str]] = {}
        env: dict[str, str] = {}
        if "object_store" in services:
            store = self.object_store()
            access, secret = store.credentials
            secrets[OBJECT_STORE_SECRET] = {"accesskey": access, "secretkey": secret}
        if "model_serving" in services:
            env["KUBECONFIG"] = str(self.control_plane().kubeconfig_path)
        spec = {
            "run_id": run_id,
            "run_name": run_name,
            "package": str(package),
            "arguments": arguments,
            "pipeline_root": str(folder / "root"),
            "volumes_dir": str(self.volumes.root),
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
        # The spec holds secrets: it goes through the pipe, never argv or the environment.
        proc.stdin.write((json.dumps(spec) + "\n").encode())
        proc.stdin.flush()
        run = _Run(run_id, folder, proc)
        self._runs[run_id] = run
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

    def prewarm(self, wait: bool = False) -> None:
        """Have a worker ready, kfp already imported, so the next run starts at once (the app's case).

        With `wait`, return once it has finished importing (it says so on its stdout).
        """
        with self._lock:
            if self._spare is None or self._spare.poll() is not None:
                self._spare = self._spawn_worker()
            spare = self._spare
        if wait and spare.stdout is not None:
            spare.stdout.readline()

    def _take_spare(self) -> subprocess.Popen[bytes] | None:
        with self._lock:
            spare, self._spare = self._spare, None
        return spare if spare is not None and spare.poll() is None else None

    def _read_events(self, run: _Run) -> None:
        """Journal the worker's events and pass them on; whatever fails here, the run still ends."""
        try:
            finished = self._pump(run)
        except BaseException as exc:  # a full disk under the journal (ENOSPC), or worse: never a silent hang
            _kill_group(run.proc, 5.0)
            if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
                reason = (f"the disk is full: the run's log could not be written ({exc.strerror}). Free some space "
                          f"on the disk holding {self.root} (old runs are in {self.root / 'runs'}) and run again")
            else:
                reason = f"the local run's events could not be recorded: {type(exc).__name__}: {exc}"
            finished = RunFinished(run.run_id, RunState.FAILED, {}, reason)
            with contextlib.suppress(OSError), open(run.folder / "events.jsonl", "a", encoding="utf-8") as journal:
                journal.write(json.dumps(to_dict(finished)) + "\n")
        run.state = finished.state
        run.queue.put(finished)
        run.done.set()

    def _pump(self, run: _Run) -> RunFinished:
        assert run.proc.stdout is not None
        logs: dict[str, _TaskLog] = {}
        finished: RunFinished | None = None
        try:
            with open(run.folder / "events.jsonl", "a", encoding="utf-8") as journal:
                for raw in run.proc.stdout:
                    try:
                        event = from_dict(json.loads(raw))
                    except (ValueError, KeyError, TypeError):
                        continue
                    if isinstance(event, RunFinished):
                        finished = event
                        continue  # journaled and sent below, once the worker is gone
                    if isinstance(event, LogLine):
                        log = logs.get(event.task)
                        if log is None or log.closed:  # a line after its task's end starts anew
                            log = logs[event.task] = _TaskLog(run.folder / "logs" / f"{event.task}.log", journal)
                        log.add(event)
                    else:
                        if isinstance(event, TaskFinished) and event.task in logs:
                            logs[event.task].close()  # its kept tail goes before its end in the journal
                        journal.write(json.dumps(to_dict(event)) + "\n")
                    run.queue.put(event)
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

    def _died(self, run: _Run) -> str:
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
        run = self._runs.get(run_id)
        if run is None:  # a run from an earlier session: replay its journal
            yield from self._journal(run_id)
            return
        while True:
            event = run.queue.get()
            yield event
            if isinstance(event, RunFinished):
                return

    def _journal(self, run_id: str) -> Iterator[RunEvent]:
        path = self.root / "runs" / run_id / "events.jsonl"
        if not path.is_file():
            raise BackendError(f"no local run {run_id}")
        for raw in path.read_text(encoding="utf-8").splitlines():
            try:
                yield from_dict(json.loads(raw))
            except (ValueError, KeyError, TypeError):
                continue

    def status(self, run_id: str) -> RunState:
        run = self._runs.get(run_id)
        if run is not None:
            return run.state
        state = RunState.FAILED  # a journal without RunFinished: the process died mid-run
        for event in self._journal(run_id):
            if isinstance(event, RunFinished):
                state = event.state
        return state

    def cancel(self, run_id: str, timeout: float = 5.0) -> None:
        run = self._runs.get(run_id)
        if run is None or run.done.is_set():
            return
        run.cancel_requested = True
        _kill_group(run.proc, timeout)
        run.done.wait(timeout)

    def close(self) -> None:
        for run_id in list(self._runs):
            self.cancel(run_id)
        spare = self._take_spare()
        if spare is not None:  # an empty line tells it to exit; the group kill makes sure
            _kill_group(spare, 5.0)
            if spare.stdout is not None:  # EOF once its fork server, which holds it too, is gone
                spare.stdout.read()
            start_log = getattr(spare, "start_log", None)
            if start_log is not None:
                start_log.unlink(missing_ok=True)
        with self._lock:  # the control plane (with its model servers) and the object store at once
            services = [s for s in (self._control_plane, self._object_store) if s is not None]
            self._control_plane = self._object_store = None
            stop_together(service.stop for service in services)

    # --- what checks read ------------------------------------------------------------
    def task_log(self, run_id: str, task: str) -> list[str]:
        path = self.root / "runs" / run_id / "logs" / f"{task}.log"
        if not path.is_file():
            return []
        return path.read_text(encoding="utf-8", errors="replace").splitlines()

    def task_outputs(self, run_id: str, task: str) -> dict[str, Any]:
        for event in self._journal(run_id):
            if isinstance(event, TaskFinished) and event.task == task:
                return dict(event.outputs)
        return {}

    def read_volume_file(self, volume: str, path: str) -> str:
        return self.volumes.read_text(volume, path)

    def volume_file_modified(self, volume: str, path: str) -> float:
        return self.volumes.file(volume, path).stat().st_mtime

    def stat_object(self, bucket: str, key: str) -> ObjectInfo:
        info = self.object_store().stat(bucket, key)
        return ObjectInfo(bucket, key, int(info["size"]), str(info["etag"]), float(info["last_modified"]))

    def get_object(self, bucket: str, key: str) -> bytes:
        return bytes(self.object_store().get_bytes(bucket, key))

    def service_status(self, name: str, namespace: str, timeout: float = 60.0) -> ServiceStatus:
        plane = self.control_plane()
        obj = plane.get_service(name, namespace)
        if obj is None:
            return ServiceStatus(name, False, "", f"no InferenceService {name} in namespace {namespace}")
        try:
            url = plane.ensure_serving(name, namespace, timeout)
        except Exception as exc:  # the control plane says why the model server is not up
            return ServiceStatus(name, False, "", str(exc))
        predictor = obj.get("spec", {}).get("predictor", {})
        storage = (predictor.get("sklearn") or predictor.get("model") or {}).get("storageUri", "")
        return ServiceStatus(name, True, url, "ready", storage)

    def service_namespaces(self, name: str) -> list[str]:
        """The namespaces that hold an InferenceService of this name (a run may hard-code its own)."""
        return sorted({str(obj["metadata"].get("namespace")) for obj in self.control_plane().list_services()
                       if obj.get("metadata", {}).get("name") == name})

    def doctor(self, lang: str = "en") -> list[Any]:
        from workshop.backends.local.doctor import doctor

        return doctor(self, lang)

    # --- reset: what a lesson created (workshop/backends/local/reset.py) -------------------
    def artifact_exists(self, artifact: Artifact) -> bool:
        from workshop.backends.local import reset

        return reset.artifact_exists(self, artifact)

    def remove_artifact(self, artifact: Artifact) -> None:
        from workshop.backends.local import reset

        reset.remove_artifact(self, artifact)

    def gpu_lines(self) -> list[str] | None:
        if shutil.which("nvidia-smi") is None:
            return None
        try:
            out = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True, timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            return None
        lines = [line for line in out.stdout.splitlines() if line.strip()]
        return lines or None


# What one task's output may take on disk: its first and its last lines, and a line saying what was dropped.
# A component printing 50 MB would otherwise leave three times that (log file and journal) in every run.
LOG_HEAD_BYTES = 1 << 20
LOG_TAIL_BYTES = 1 << 20


class _TaskLog:
    """One task's log file and its lines in the journal: the head kept as it comes, the tail at the end."""

    def __init__(self, path: Path, journal: Any) -> None:
        self.fh = open(path, "a", encoding="utf-8")  # noqa: SIM115  closed by close()
        self.journal = journal
        self.kept = 0
        self.tail: collections.deque[LogLine] = collections.deque()
        self.tail_bytes = 0
        self.dropped = 0
        self.dropped_bytes = 0
        self.closed = False

    def add(self, event: LogLine) -> None:
        size = len(event.line.encode("utf-8", "replace")) + 1
        if self.kept + size <= LOG_HEAD_BYTES:
            self.kept += size
            self._write(event)
            self.fh.flush()  # checks and other readers see the log as it grows
            return
        self.tail.append(event)
        self.tail_bytes += size
        while self.tail_bytes > LOG_TAIL_BYTES:
            old = self.tail.popleft()
            gone = len(old.line.encode("utf-8", "replace")) + 1
            self.tail_bytes -= gone
            self.dropped += 1
            self.dropped_bytes += gone

    def _write(self, event: LogLine) -> None:
        self.fh.write(event.line + "\n")
        self.journal.write(json.dumps(to_dict(event)) + "\n")

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self.dropped:
            first = self.tail[0] if self.tail else None
            note = (f"[workshop] {self.dropped} lines ({self.dropped_bytes / 1e6:.1f} MB) of this task's output "
                    f"were not kept on disk: the first {LOG_HEAD_BYTES >> 20} MB and the last "
                    f"{LOG_TAIL_BYTES >> 20} MB are")
            if first is not None:
                self._write(LogLine(first.run_id, first.task, note))
        while self.tail:
            self._write(self.tail.popleft())
        self.fh.close()


def _kill_group(proc: subprocess.Popen[bytes], timeout: float) -> None:
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


__all__ = ["LocalBackend", "TaskFinished", "TaskState", "RunStarted"]
