"""One local run, in its own process: kfp.local's orchestrator with a faster task launcher.

The backend starts `python -m workshop.backends.local.worker` in a new session, sends the
run's spec as one JSON line on stdin, and reads events as JSON lines from stdout. kfp's
own logging goes to the run's worker.log, never to the terminal. The process group is
the run: cancelling it kills every task; if the backend's process dies, stdin closes and
a watchdog kills the group, so no task outlives the app.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from workshop.backends.local.runfiles import LOG_BATCH
from workshop.core.events import (
    LogLine,
    RunEvent,
    RunFinished,
    RunStarted,
    RunState,
    TaskFinished,
    TaskStarted,
    TaskState,
    to_dict,
)

if TYPE_CHECKING:
    from workshop.backends.local.fastpath import ForkServer
    from workshop.core.pipeline_spec import ExecutorPlatform, Param, PipelineSpec

_emit_lock = threading.Lock()
_events_fd = -1
_current = threading.local()


def emit(event: RunEvent) -> None:
    _write_message(to_dict(event))


def _write_message(message: dict[str, Any]) -> None:
    data = (json.dumps(message, default=str) + "\n").encode()
    with _emit_lock:
        view = memoryview(data)
        while view:
            view = view[os.write(_events_fd, view) :]


def _jsonable(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "uri"):  # a dsl.Artifact
        return {
            "artifact": type(value).__name__,
            "name": getattr(value, "name", ""),
            "uri": value.uri,
            "path": getattr(value, "path", ""),
            "metadata": _jsonable(getattr(value, "metadata", {})),
        }
    return str(value)


def _start_watchdog() -> int:
    """A child that kills the whole run when the backend's end of stdin closes."""
    pid = os.fork()
    if pid == 0:
        try:
            os.close(_events_fd)
            while os.read(0, 4096):
                pass
        finally:
            os.killpg(os.getpgid(0), signal.SIGKILL)
            os._exit(0)
    return pid


# A task's lines go to the backend in batches: one message per read of its pipe (what it printed since the last
# read, up to 64 KiB), at most BATCH_LINES lines each. A flood is then a few hundred messages a second, not tens
# of thousands; a task printing now and then still has each line sent as it comes.
BATCH_LINES = 500


def emit_lines(run_id: str, task: str, lines: list[str]) -> None:
    """Lines of one task, in order, as few messages as BATCH_LINES allows (the supervisor reads them as one)."""
    for start in range(0, len(lines), BATCH_LINES):
        _write_message({"kind": LOG_BATCH, "run_id": run_id, "task": task, "lines": lines[start:start + BATCH_LINES],
                        "ts": time.time()})


def _stream(run_id: str, task: str, fd: int) -> None:
    """Every line the task prints, empty lines kept, sent a read at a time (emit_lines)."""
    pending = b""
    with os.fdopen(fd, "rb", buffering=0) as pipe:
        while True:
            chunk = pipe.read(65536)
            if not chunk:
                break
            pending += chunk
            *lines, pending = pending.split(b"\n")
            if lines:
                emit_lines(run_id, task, [line.decode("utf-8", "replace").rstrip("\r") for line in lines])
    if pending:  # a last line without a newline is still a line
        emit_lines(run_id, task, [pending.decode("utf-8", "replace")])


def _exit_status(status: int) -> int:
    if os.WIFEXITED(status):
        return os.WEXITSTATUS(status)
    return 128 + os.WTERMSIG(status) if os.WIFSIGNALED(status) else 1


def task_display_name(task: str, pipeline_resource_name: str) -> str:
    """The task's name, with its ParallelFor iteration indexes (outermost first): `square[3]`, `add[1,0]`.

    kfp.local runs iteration i of a loop as a sub-DAG named `<loop>-iteration-<i>` and appends
    that name to the pipeline resource name of the tasks inside; the task names themselves
    repeat in every iteration, so only this keeps their logs and outputs apart.
    """
    indexes = [part.rsplit("-iteration-", 1)[1] for part in pipeline_resource_name.split("/")[1:]
               if "-iteration-" in part]
    return f"{task}[{','.join(indexes)}]" if indexes else task


def _launcher_marker(kind: str, task: str) -> None:
    """Which launcher ran the task, in worker.log (for tests and for whoever reads that log)."""
    os.write(2, f"[workshop] launcher {kind} {task}\n".encode())


def _say_both(say: Callable[[str], None], key: str, **values: Any) -> None:
    """A line of the task's log in English, then in Chinese: it is read in either language."""
    from workshop.core.text import text  # the catalogs (1 MiB) wait for the first line a task needs

    for lang in ("en", "zh"):
        say(text(lang, key, **values))


def _launch(
    run_id: str,
    task: str,
    full_command: list[str],
    env: dict[str, str],
    task_mounts: list[tuple[str, str]],
    masked: list[str],
    enter: Callable[[], None],
    server: ForkServer | None,
    pip_cache: Path,
) -> int:
    """Run one task; its exit code. The original command's pip never runs: see fastpath and taskenv."""
    from kfp.local import subprocess_task_handler

    from workshop.backends.local import fastpath

    def say(line: str) -> None:
        emit(LogLine(run_id, task, line))

    parsed = fastpath.parse(full_command)
    if parsed is None:
        if "pip install" in " ".join(full_command):
            _say_both(say, "task_log:unknown_pip")
            return 1
        _launcher_marker("subprocess", task)
        command = subprocess_task_handler.replace_python_executable(full_command, sys.executable)
        return _popen(run_id, task, command, env, enter)
    requirements = fastpath.task_requirements(parsed.requirements, pip_cache)
    sys_path: tuple[str, ...] = ()
    shadowed: frozenset[str] = frozenset()
    if fastpath.missing_requirements(tuple(requirements)):
        from workshop.backends.local import taskenv

        try:
            overlay = taskenv.prepare(requirements, parsed.pip_options, pip_cache, say)
        except taskenv.TaskEnvError as exc:
            for line in exc.lines:
                say(line)
            return 1
        except OSError as exc:  # the cache folder cannot be written (disk full, permissions)
            _say_both(say, "task_log:no_cache", folder=pip_cache, error=exc)
            return 1
        sys_path = (str(overlay.path),)
        shadowed = overlay.modules & (server.preloaded if server is not None else frozenset())
    workdir, module_path = fastpath.write_module(parsed)
    try:
        if server is not None and not shadowed:
            read_fd, write_fd = os.pipe()
            streamed = []

            def stream() -> None:
                streamed.append(True)
                _stream(run_id, task, read_fd)

            request = fastpath.TaskRequest(module_path, parsed.executor_args, env, os.getcwd(),
                                           tuple(task_mounts), tuple(masked), sys_path)
            _launcher_marker("fork-server", task)
            try:
                return _exit_status(server.run(request, write_fd, stream))
            except fastpath.ForkServerError as exc:
                if streamed:
                    say(f"[workshop] {exc}")
                    return 1
                os.close(read_fd)  # never started: a fresh interpreter runs it instead
        # A fresh interpreter, when the cache holds a version of a module the worker has imported.
        _launcher_marker("interpreter", task)
        command = [sys.executable, "-m", "kfp.dsl.executor_main", "--component_module_path", module_path,
                   *parsed.executor_args]
        python_path = os.pathsep.join([*sys_path, *filter(None, [os.environ.get("PYTHONPATH", "")])])
        return _popen(run_id, task, command, {**env, "_KFP_RUNTIME": "true", "PYTHONPATH": python_path}, enter)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _popen(run_id: str, task: str, command: list[str], env: dict[str, str], enter: Callable[[], None]) -> int:
    import subprocess

    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        env={**os.environ, **env, "PYTHONUNBUFFERED": "1"}, preexec_fn=enter,
    )
    assert proc.stdout is not None
    _stream(run_id, task, os.dup(proc.stdout.fileno()))
    proc.stdout.close()
    return proc.wait()


def preload() -> None:
    """Import what every run needs, before the spec arrives: a spare worker waits here, warm.

    The backend sets KUBECONFIG when it starts the worker, because the kubernetes client reads
    it once, at import, and forked tasks inherit what the worker imported.
    _KFP_RUNTIME=true is what a lightweight component's own command sets in its container:
    kfp's __init__ then leaves out its compile-time imports (kfp.client and with it the
    kubernetes client, about 60 MiB and most of the import time), which no task and no part
    of the local orchestrator needs; a task that imports kubernetes gets its own import.
    kfp.local and its pipeline_orchestrator (with the protobuf descriptors it loads) wait for
    the spec: about 6 MiB of the idle worker for some 60 ms of CPU per run. The workshop's own
    part of a run (the spec reader, kfp_fixes; 0.4 MiB) is imported here: where no bytecode is
    cached (PYTHONDONTWRITEBYTECODE) compiling it would be some 15 ms of every run.
    """
    os.environ.setdefault("_KFP_RUNTIME", "true")
    from kfp.dsl import executor_main  # noqa: F401  imported once here, inherited by forked tasks

    from workshop.backends.local import kfp_fixes  # noqa: F401
    from workshop.core import pipeline_spec  # noqa: F401

def _import_ahead(pipeline: PipelineSpec, server: ForkServer) -> None:
    """What the run's components import (scikit-learn, kserve, ...), imported once by the fork server
    before its first task instead of once by every task; only for components the app's environment
    satisfies (one that needs a cache folder of its own imports its own copy)."""
    from workshop.backends.local import fastpath, taskenv

    executors = pipeline.spec.get("deploymentSpec", {}).get("executors", {})
    modules: list[str] = []
    for label in executors if isinstance(executors, dict) else ():
        container = pipeline.container(label)
        parsed = fastpath.parse([*container.get("command", []), *container.get("args", [])])
        if parsed is None or fastpath.missing_requirements(tuple(taskenv.task_requirements(parsed.requirements))):
            continue
        modules.extend(name for name in fastpath.imports_of(parsed.source) if name not in modules)
    try:
        server.import_ahead(modules)
    except fastpath.ForkServerError:
        pass  # each task then finds out, and says so


class _PlatformError(Exception):
    """The task's platform config cannot be honoured: the message says why, as the pod's events would.

    A catalog key and its fields (`task_log:…`): the task's log says it in both languages, as the rest of it."""

    def __init__(self, key: str, /, **fields: Any) -> None:
        from workshop.core.text import text as catalog_text  # not while the worker waits: its memory

        super().__init__(catalog_text("en", key, **fields))
        self.key, self.fields = key, fields

    def lines(self) -> list[str]:
        from workshop.core.text import text as catalog_text

        return [catalog_text(lang, self.key, **self.fields) for lang in ("en", "zh")]


@dataclass(frozen=True)
class _Applied:
    env: dict[str, str]
    mounts: list[tuple[str, str]]  # (host folder, mount path)


def _executor_label(kwargs: dict[str, Any]) -> str:
    task_spec = kwargs.get("task_spec")
    components = kwargs.get("components") or {}
    name = task_spec.component_ref.name if task_spec is not None else ""
    component = components.get(name)
    return str(component.executor_label) if component is not None else ""


def _runtime_value(param: Param, io_store: Any) -> str | None:
    """A parameter's value for the task now running: constants, the DAG's inputs, upstream outputs."""
    if param.constant is not None:
        return param.constant
    if io_store is None:
        return None
    try:
        if param.component_input is not None:
            value = io_store.get_parent_input(param.component_input)
        elif param.task_output is not None:
            value = io_store.get_task_output(*param.task_output)
        else:
            return None
    except ValueError:
        return None
    return None if value is None else str(value)


def _apply_platform(plat: ExecutorPlatform, io_store: Any, secrets: dict[str, dict[str, str]],
                    volumes_dir: Path) -> _Applied:
    env: dict[str, str] = {}
    for item in plat.secret_env:
        secret = _runtime_value(item.secret, io_store)
        if secret is None:
            raise _PlatformError("task_log:secret_unnamed", secret=item.secret)
        if item.key not in secrets.get(secret, {}):
            if item.optional:
                continue
            raise _PlatformError("task_log:secret_no_key", secret=repr(secret), item=repr(item.key))
        env[item.env_var] = secrets[secret][item.key]
    task_mounts = []
    for mount in plat.pvc_mounts:
        name = _runtime_value(mount.pvc, io_store)
        if not name or "/" in name or name.startswith("."):
            raise _PlatformError("task_log:pvc_name", name=repr(name or str(mount.pvc)), path=mount.mount_path)
        host = volumes_dir / name
        if mount.sub_path:
            if ".." in Path(mount.sub_path).parts:  # the kubelet refuses a subPath that climbs out too
                raise _PlatformError("task_log:sub_path", sub_path=repr(mount.sub_path), name=repr(name))
            host = host / mount.sub_path.lstrip("/")
        task_mounts.append((str(host), mount.mount_path))
    return _Applied(env, task_mounts)


def run(spec: dict[str, Any], server: ForkServer | None = None) -> None:
    os.environ.update(spec.get("env", {}))
    from google.protobuf import json_format
    from kfp import local
    from kfp.dsl import executor_main  # noqa: F401  imported once here, inherited by forked tasks
    from kfp.local import pipeline_orchestrator, status, subprocess_task_handler
    from kfp.local.orchestrator import task_executor
    from kfp.pipeline_spec import pipeline_spec_pb2

    from workshop.backends.local import kfp_fixes, mounts
    from workshop.core.pipeline_spec import PipelineSpec

    kfp_fixes.install()
    run_id = spec["run_id"]
    package = Path(spec["package"])
    documents = spec.get("documents")  # the backend's own reading of the package, when it sent it
    pipeline = PipelineSpec.from_documents(documents, str(package)) if documents else PipelineSpec.load(package)
    volumes_dir = Path(spec["volumes_dir"])
    secrets: dict[str, dict[str, str]] = spec.get("secrets", {})
    extra_env: dict[str, str] = spec.get("env", {})
    all_mount_paths = pipeline.mount_paths()
    pip_cache = Path(spec.get("pip_cache") or volumes_dir.parent / "pip-cache")
    if server is not None:
        _import_ahead(pipeline, server)

    class WorkshopTaskHandler(subprocess_task_handler.SubprocessTaskHandler):
        def run(self) -> status.Status:
            task = getattr(_current, "task", "?")
            plat = pipeline.platform_of(getattr(_current, "label", ""))
            env = {**self.env_vars, **extra_env}
            try:
                applied = _apply_platform(plat, getattr(_current, "io_store", None), secrets, volumes_dir)
            except _PlatformError as exc:
                for line in exc.lines():  # a task's log is read in either language: both
                    emit(LogLine(run_id, task, line))
                return status.Status.FAILURE
            env.update(applied.env)
            task_mounts = applied.mounts
            for host, _ in task_mounts:
                Path(host).mkdir(parents=True, exist_ok=True)

            def enter() -> None:
                mounts.enter_task_mounts(task_mounts, all_mount_paths)

            code = _launch(run_id, task, self.full_command, env, task_mounts, all_mount_paths, enter,
                           server, pip_cache)
            if code != 0:
                emit(LogLine(run_id, task, f"[workshop] task exited with code {code}"))
            return status.Status.SUCCESS if code == 0 else status.Status.FAILURE

    subprocess_task_handler.SubprocessTaskHandler = WorkshopTaskHandler
    original_execute = task_executor.execute_single_task
    failed_tasks: list[str] = []

    def execute_single_task(**kwargs: Any) -> Any:
        name = task_display_name(kwargs["task_name"], kwargs.get("pipeline_resource_name", ""))
        _current.task = name
        # The executor comes from the task's own component, so a task in a sub-DAG (dsl.If,
        # ParallelFor, ExitHandler, a nested pipeline) finds its platform config like a root task.
        _current.label = _executor_label(kwargs)
        _current.io_store = kwargs.get("io_store")
        emit(TaskStarted(run_id, name))
        outputs, task_status = original_execute(**kwargs)
        state = TaskState.SUCCEEDED if task_status == status.Status.SUCCESS else TaskState.FAILED
        if state is TaskState.FAILED:
            failed_tasks.append(name)
        emit(TaskFinished(run_id, name, state, _jsonable(outputs)))
        return outputs, task_status

    task_executor.execute_single_task = execute_single_task

    local.init(
        runner=local.SubprocessRunner(use_venv=False),
        pipeline_root=spec["pipeline_root"],
        raise_on_error=False,
    )
    pipeline_spec = json_format.ParseDict(pipeline.spec, pipeline_spec_pb2.PipelineSpec())
    emit(RunStarted(run_id, pipeline_spec.pipeline_info.name, tuple(pipeline.root_executor_labels())))
    outputs = pipeline_orchestrator.run_local_pipeline(pipeline_spec=pipeline_spec, arguments=spec["arguments"])
    # raise_on_error=False returns {} on failure, like a pipeline without outputs does,
    # so the run's state comes from its tasks.
    if failed_tasks:
        emit(RunFinished(run_id, RunState.FAILED, {}, f"task {failed_tasks[0]} failed"))
    else:
        emit(RunFinished(run_id, RunState.SUCCEEDED, _jsonable(outputs or {})))


def main() -> None:
    global _events_fd
    preload()
    server = _start_fork_server()
    if server is not None:
        signal.signal(signal.SIGTERM, lambda *_: _die_with(server))
    os.write(1, b'{"ready": true}\n')  # not an event: the backend's reader skips it
    from workshop.backends.local.fastpath import ForkServerError

    line = sys.stdin.buffer.readline()
    while line.strip() and (ahead := json.loads(line)).keys() == {"import_ahead"}:  # supervisor.prewarm
        if server is not None:
            try:
                server.import_ahead([str(name) for name in ahead["import_ahead"]])
            except ForkServerError as exc:
                os.write(2, f"[workshop] no import ahead: {exc}\n".encode())
        line = sys.stdin.buffer.readline()
    if not line.strip():
        return  # a spare worker the backend no longer needs
    spec = json.loads(line)
    os.chdir(spec["cwd"])
    _events_fd = os.dup(1)
    log = os.open(spec["log_path"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    watchdog = _start_watchdog()
    try:
        run(spec, server)
    except BaseException as exc:  # the backend must always get a RunFinished
        import traceback

        traceback.print_exc()
        emit(RunFinished(spec["run_id"], RunState.FAILED, {}, f"{type(exc).__name__}: {exc}"))
    finally:
        os.kill(watchdog, signal.SIGKILL)
        os.waitpid(watchdog, 0)
        if server is not None:
            server.close()
    _leave()


def _leave() -> NoReturn:
    """Exit once the run's logs are flushed, without tearing down the interpreter.

    The backend hands on RunFinished only once the worker has exited (so no process of the run is
    left); a normal exit would first free every module kfp imported, some 40 ms for nothing.
    """
    import logging

    code = 0
    try:
        logging.shutdown()  # what atexit would do: kfp's handlers flush into worker.log
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
    except BaseException:
        code = 1
    os._exit(code)


def _die_with(server: ForkServer) -> None:
    """On the backend's SIGTERM (cancel, close): the fork server is reaped before the worker exits,
    so once the backend has waited for the worker, no process of the run is left."""
    try:
        os.kill(server.pid, signal.SIGKILL)
        os.waitpid(server.pid, 0)
    finally:
        os._exit(128 + signal.SIGTERM)


def _start_fork_server() -> ForkServer | None:
    """Started right after kfp is imported, while the worker has a single thread (see fastpath)."""
    from workshop.backends.local import fastpath

    if not hasattr(os, "fork") or not hasattr(socket, "send_fds"):
        return None
    try:
        return fastpath.ForkServer.start()
    except fastpath.ForkServerError:
        return None


if __name__ == "__main__":
    main()
