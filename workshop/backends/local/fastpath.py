"""Run one lightweight-component task fast, with kfp's own executor.

A compiled lightweight component's command is
    sh -c "<pip install kfp and packages_to_install> && $0 $@"
    sh -ec "<write $0 to ephemeral_component.py; python3 -m kfp.dsl.executor_main ...>"
    <component source> --executor_input ... --function_to_execute ...
On a cluster every pod pays for that pip install. Locally the pip step never runs: what
the app's environment lacks goes to a cache folder for that task (taskenv.py), and
starting a fresh interpreter that imports kfp is skipped too. A fork server, forked from
the worker once kfp is imported and before any thread starts, forks each task's child,
which runs executor_main with the same arguments the container would get. The task's
output pipe and a reply socket travel to it with SCM_RIGHTS, so any thread of the worker
(kfp.local runs ParallelFor iterations on a thread pool) can launch a task this way.
The compiled YAML is untouched.
"""

from __future__ import annotations

import builtins
import dataclasses
import importlib
import json
import os
import re
import selectors
import shlex
import signal
import socket
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from workshop.backends.local import mounts  # the fork server's children have it already: no import per task

# packaging and importlib.metadata (some 4 MiB and 30 ms) are imported only when a task asks for more than the
# app has: a spare worker waits without them, and a task without packages_to_install never needs them.

# kfp.local indents print() while a task runs; a forked task must print as a fresh one would.
_PRINT = builtins.print

_OPTIONS_WITH_VALUE = {"--index-url", "-i", "--extra-index-url", "--trusted-host", "--find-links", "-f"}


@dataclass(frozen=True)
class LightweightTask:
    requirements: tuple[str, ...]
    source: str
    executor_args: tuple[str, ...]
    pip_options: tuple[str, ...] = ()  # --index-url and the like, from pip_index_urls


def parse(full_command: list[str]) -> LightweightTask | None:
    """The parts of a standard lightweight-component command, or None if it is not one."""
    if len(full_command) < 7 or full_command[:2] != ["sh", "-c"] or full_command[3:5] != ["sh", "-ec"]:
        return None
    installer, program = full_command[2], full_command[5]
    if "kfp.dsl.executor_main" not in program or "ephemeral_component.py" not in program:
        return None
    requirements: list[str] = []
    options: list[str] = []
    for segment in installer.split("&&"):
        match = re.search(r"pip install(.*)", segment, flags=re.S)
        if not match:
            continue
        try:
            tokens = shlex.split(match.group(1))
        except ValueError:
            return None
        skip = False
        for token in tokens:
            if skip:
                skip = False
                options.append(token)
            elif token in _OPTIONS_WITH_VALUE:
                skip = True
                options.append(token)
            elif not token.startswith("-") and token not in ('"$0"', '"$@"', "$0", "$@"):
                requirements.append(token)
    return LightweightTask(
        tuple(requirements), full_command[6], tuple(full_command[7:]), _unique_pairs(options)
    )


def _unique_pairs(options: list[str]) -> tuple[str, ...]:
    """Each (option, value) once: kfp repeats the index options for every pip install it writes."""
    seen: list[tuple[str, str]] = []
    for i in range(0, len(options) - 1, 2):
        pair = (options[i], options[i + 1])
        if pair not in seen:
            seen.append(pair)
    return tuple(part for pair in seen for part in pair)


# Beside the cache folders of taskenv.py: what taskenv.task_requirements kept of each task's requirement lines.
REQUIREMENTS_MEMO = ".requirements.json"


def _interpreter() -> list[str]:
    """What environment markers are evaluated against (PEP 508): the memo holds for this interpreter only."""
    uname = os.uname() if hasattr(os, "uname") else None  # POSIX; elsewhere the memo holds per Python build
    return [sys.version, sys.implementation.name, sys.platform, os.name,
            *([uname.sysname, uname.release, uname.version, uname.machine] if uname else [])]


def task_requirements(requirements: tuple[str, ...], memo_dir: Path) -> list[str]:
    """taskenv.task_requirements(requirements) (markers applied, kfp left out), remembered in `memo_dir`.

    The answer depends on the lines and the interpreter only. Every lightweight component carries the
    same two lines (kfp's pin and a typing-extensions line for Python < 3.9), so once remembered a
    task without packages_to_install is launched without importing packaging. A memo that cannot be
    read, or was written by another interpreter, is ignored; one that cannot be written is skipped.
    """
    path = memo_dir / REQUIREMENTS_MEMO
    key = "\n".join(requirements)
    stamp = _interpreter()
    entries: dict[str, list[str]] = {}
    try:
        memo = json.loads(path.read_text(encoding="utf-8"))
        if memo["interpreter"] == stamp and isinstance(memo["kept"], dict):
            entries = memo["kept"]
            kept = entries.get(key)
            if isinstance(kept, list) and all(isinstance(line, str) for line in kept):
                return kept
    except (OSError, ValueError, KeyError, TypeError):
        entries = {}
    from workshop.backends.local import taskenv

    kept = taskenv.task_requirements(requirements)
    entries = {**entries, key: kept}
    try:
        memo_dir.mkdir(parents=True, exist_ok=True)
        fd, staged = tempfile.mkstemp(prefix=".requirements-", dir=memo_dir)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"interpreter": stamp, "kept": entries}, fh)
            os.replace(staged, path)  # whole or not at all, whichever thread of the run writes last
        finally:
            if os.path.exists(staged):
                os.unlink(staged)
    except OSError:
        pass
    return kept


def missing_requirements(requirements: tuple[str, ...]) -> list[str]:
    """Requirements this interpreter does not already satisfy (markers honoured)."""
    if not requirements:
        return []
    from importlib import metadata

    from packaging.requirements import InvalidRequirement, Requirement

    missing = []
    for text in requirements:
        try:
            req = Requirement(text)
        except InvalidRequirement:
            missing.append(text)
            continue
        if req.marker is not None and not req.marker.evaluate():
            continue
        try:
            version = metadata.version(req.name)
        except metadata.PackageNotFoundError:
            missing.append(text)
            continue
        if req.specifier and not req.specifier.contains(version, prereleases=True):
            missing.append(text)
    return missing


def write_module(task: LightweightTask) -> tuple[str, str]:
    """(a fresh folder, the component's module in it), as the container's `sh -ec` step writes it."""
    workdir = tempfile.mkdtemp(prefix="kfp-task-")
    module_path = os.path.join(workdir, "ephemeral_component.py")
    with open(module_path, "w", encoding="utf-8") as fh:
        fh.write(task.source)
    return workdir, module_path


@dataclass(frozen=True)
class TaskRequest:
    """What the fork server needs to start one task; it travels as JSON."""

    module_path: str
    executor_args: tuple[str, ...]
    env: dict[str, str]
    cwd: str
    mounts: tuple[tuple[str, str], ...] = ()  # (host folder, mount path) this task declares
    masked: tuple[str, ...] = ()  # mount paths other tasks of the run declare
    sys_path: tuple[str, ...] = ()  # cache folders of packages_to_install, ahead of the app's


class ForkServerError(RuntimeError):
    pass


# Never imported ahead: they start threads at import (TensorFlow's own thread pools), and a
# process forked from a threaded one may inherit a lock held by a thread it does not have.
_NOT_AHEAD = frozenset({"tensorflow", "keras", "torch", "jax", "tf_keras"})


def imports_of(source: str) -> list[str]:
    """The installed, non-standard-library modules a component's source imports (at any depth:
    a component imports inside its function), in order; what the fork server may import ahead."""
    import ast
    from importlib.util import find_spec

    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    found: list[str] = []
    for name in names:
        top = name.partition(".")[0]
        if name in found or top in sys.stdlib_module_names or top in _NOT_AHEAD or top == "kfp":
            continue
        try:
            if find_spec(top) is None:
                continue
        except (ImportError, ValueError):
            continue
        found.append(name)
    return found


class ForkServer:
    """A process forked from the worker while it is single-threaded, that forks task children.

    The worker's threads ask it over a SOCK_SEQPACKET socket; each request carries the
    task's output pipe and a reply socket on which the server writes the child's wait
    status once it is reaped. The server and its children stay in the worker's process
    group, so cancelling the run, or the watchdog, kills them with it.
    """

    def __init__(self, sock: socket.socket, pid: int, preloaded: frozenset[str]) -> None:
        self._sock = sock
        self.pid = pid
        self.preloaded = preloaded  # top-level modules a task child inherits already imported
        self._lock = threading.Lock()

    @classmethod
    def start(cls) -> ForkServer:
        if threading.active_count() != 1:
            raise ForkServerError("the fork server must start before any thread")
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        preloaded = frozenset(name.partition(".")[0] for name in sys.modules)
        pid = os.fork()
        if pid == 0:  # the server: never returns
            code = 0
            try:
                ours.close()
                _serve(theirs)
            except BaseException:
                import traceback

                traceback.print_exc()
                code = 1
            finally:
                os._exit(code)
        theirs.close()
        return cls(ours, pid, preloaded)

    def import_ahead(self, modules: list[str]) -> None:
        """Have the server import these modules before it forks the next task, once for every task
        of the run, as an image has its packages installed; each child inherits them imported.
        A module that fails to import is left for the task's own import to report."""
        if not modules:
            return
        with self._lock:
            try:
                self._sock.send(json.dumps({"import_ahead": list(modules)}).encode())
            except OSError as exc:
                raise ForkServerError(f"the fork server is gone: {exc}") from exc
        self.preloaded = self.preloaded | {name.partition(".")[0] for name in modules}

    def run(self, request: TaskRequest, out_fd: int, on_started: Callable[[], None]) -> int:
        """Start the task with its stdout and stderr on `out_fd`; return its wait status.

        `out_fd` is closed here once sent, so the caller's read end sees EOF when the child
        exits; `on_started` then reads the output, and this returns after the child is reaped.
        """
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            payload = json.dumps(dataclasses.asdict(request)).encode()
            try:
                with self._lock:
                    socket.send_fds(self._sock, [payload], [theirs.fileno(), out_fd])
            except OSError as exc:
                raise ForkServerError(f"the fork server is gone: {exc}") from exc
            finally:
                theirs.close()
                os.close(out_fd)
            on_started()
            data = b""
            while chunk := mine.recv(64):
                data += chunk
        finally:
            mine.close()
        if not data.strip().lstrip(b"-").isdigit():
            raise ForkServerError("the fork server stopped before the task ended")
        return int(data)

    def close(self) -> None:
        self._sock.close()  # the server sees EOF and exits
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


def _serve(ctrl: socket.socket) -> None:
    """The server's loop: start a child per request, report each child's status when reaped."""
    # fd 1 is still the pipe the backend reads the run's events from (the worker moves its own
    # later). The server keeps it open, away from fd 1, so the backend's EOF on it means the
    # server is gone too, not only the worker: a cancel or close returns with nothing left behind.
    held = os.dup(1)  # noqa: F841  open until the server exits
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.close(null)
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.set_wakeup_fd(wake_w)
    replies: dict[int, int] = {}
    selector = selectors.DefaultSelector()
    selector.register(ctrl, selectors.EVENT_READ)
    selector.register(wake_r, selectors.EVENT_READ)
    while True:
        for key, _ in selector.select():
            if key.fileobj == wake_r:
                try:
                    while os.read(wake_r, 4096):
                        pass
                except BlockingIOError:
                    pass
                continue
            message, fds, _, _ = socket.recv_fds(ctrl, 1 << 20, 2)
            if not message:
                return  # the worker closed its end: the run is over
            if not fds:  # not a task: modules to import before the next one
                _import_ahead(message)
                continue
            reply_fd, out_fd = fds
            try:
                request = TaskRequest(**json.loads(message))
                pid = os.fork()
                if pid == 0:
                    _child(request, out_fd)
                replies[pid] = reply_fd
            except (OSError, ValueError, TypeError):
                os.close(reply_fd)  # the asking thread reads EOF: no task started
            finally:
                os.close(out_fd)
        while replies:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            reply = replies.pop(pid, None)
            if reply is not None:
                try:
                    os.write(reply, str(status).encode())
                except OSError:
                    pass  # the asking thread is gone (the run is being killed)
                os.close(reply)


def _import_ahead(message: bytes) -> None:
    try:
        modules = json.loads(message).get("import_ahead", [])
    except (ValueError, AttributeError):
        return
    for name in modules:
        if str(name).partition(".")[0] in _NOT_AHEAD:
            continue
        try:
            importlib.import_module(str(name))
        except BaseException:  # noqa: BLE001  the task's own import says what is wrong, in its log
            sys.modules.pop(str(name), None)


def _child(request: TaskRequest, out_fd: int) -> NoReturn:
    """A task's child: becomes what `python -m kfp.dsl.executor_main ...` would be in a container."""
    code = 1
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.dup2(out_fd, 1)
        os.dup2(out_fd, 2)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        close_inherited_fds()
        sys.stdout = open(1, "w", buffering=1, encoding="utf-8", errors="replace", closefd=False)
        sys.stderr = open(2, "w", buffering=1, encoding="utf-8", errors="replace", closefd=False)
        os.chdir(request.cwd)
        os.environ.update(request.env)
        os.environ["_KFP_RUNTIME"] = "true"
        os.environ["PYTHONUNBUFFERED"] = "1"
        mounts.enter_task_mounts([tuple(m) for m in request.mounts], list(request.masked))  # type: ignore[misc]
        if request.sys_path:
            sys.path[:0] = list(request.sys_path)
            importlib.invalidate_caches()
        import logging

        from kfp.dsl import executor_main

        # A fresh interpreter would have no logging handlers; the worker's belong to it.
        builtins.print = _PRINT
        for handler in list(logging.root.handlers):
            logging.root.removeHandler(handler)
        sys.argv = ["executor_main", "--component_module_path", request.module_path, *request.executor_args]
        executor_main.executor_main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)

def close_inherited_fds() -> None:
    """Close every descriptor above stderr, as exec would: a task must not hold the run's pipes."""
    try:
        fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        fds = list(range(3, 256))
    for fd in fds:
        if fd > 2:
            try:
                os.close(fd)
            except OSError:
                pass


def describe_command(full_command: list[str]) -> str:
    return " ".join(shlex.quote(part) for part in full_command[:6]) + " ..."
