"""Run one lightweight-component task fast, with kfp's own executor.

A compiled lightweight component's command is
    sh -c "<pip install kfp and packages_to_install> && $0 $@"
    sh -ec "<write $0 to ephemeral_component.py; python3 -m kfp.dsl.executor_main ...>"
    <component source> --executor_input ... --function_to_execute ...
On a cluster every pod pays for that pip install. Locally, when every requirement is
already installed, the pip step is a no-op that still costs seconds, and so is starting
a fresh interpreter that imports kfp. The fast path skips both: the worker process has
already imported kfp.dsl.executor_main, forks, and the child runs executor_main.main()
with the same arguments the container would get. The compiled YAML is untouched.
When anything does not match that shape, or a requirement is missing, the task runs
its original command instead, pip included.
"""

from __future__ import annotations

import builtins
import os
import re
import shlex
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata

from packaging.requirements import InvalidRequirement, Requirement

# kfp.local indents print() while a task runs; a forked task must print as a fresh one would.
_PRINT = builtins.print

_OPTIONS_WITH_VALUE = {"--index-url", "-i", "--extra-index-url", "--trusted-host", "--find-links", "-f"}


@dataclass(frozen=True)
class LightweightTask:
    requirements: tuple[str, ...]
    source: str
    executor_args: tuple[str, ...]


def parse(full_command: list[str]) -> LightweightTask | None:
    """The parts of a standard lightweight-component command, or None if it is not one."""
    if len(full_command) < 7 or full_command[:2] != ["sh", "-c"] or full_command[3:5] != ["sh", "-ec"]:
        return None
    installer, program = full_command[2], full_command[5]
    if "kfp.dsl.executor_main" not in program or "ephemeral_component.py" not in program:
        return None
    requirements: list[str] = []
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
            elif token in _OPTIONS_WITH_VALUE:
                skip = True
            elif not token.startswith("-") and token not in ('"$0"', '"$@"', "$0", "$@"):
                requirements.append(token)
    return LightweightTask(tuple(requirements), full_command[6], tuple(full_command[7:]))


def missing_requirements(requirements: tuple[str, ...]) -> list[str]:
    """Requirements this interpreter does not already satisfy (markers honoured)."""
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


def fork_task(
    task: LightweightTask,
    env: dict[str, str],
    before_exec: Callable[[], None],
) -> tuple[int, int, str]:
    """Fork a child that runs kfp's executor on the task.

    Returns (pid, read end of its output, the temporary folder to remove afterwards).
    """
    workdir = tempfile.mkdtemp(prefix="kfp-task-")
    module_path = os.path.join(workdir, "ephemeral_component.py")
    with open(module_path, "w", encoding="utf-8") as fh:
        fh.write(task.source)
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 1
        try:
            os.close(read_fd)
            os.dup2(write_fd, 1)
            os.dup2(write_fd, 2)
            os.close(write_fd)
            null = os.open(os.devnull, os.O_RDONLY)
            os.dup2(null, 0)
            close_inherited_fds()
            sys.stdout = open(1, "w", buffering=1, encoding="utf-8", errors="replace", closefd=False)
            sys.stderr = open(2, "w", buffering=1, encoding="utf-8", errors="replace", closefd=False)
            os.environ.update(env)
            os.environ["_KFP_RUNTIME"] = "true"
            os.environ["PYTHONUNBUFFERED"] = "1"
            before_exec()
            import logging

            from kfp.dsl import executor_main

            # A fresh interpreter would have no logging handlers; the worker's belong to it.
            builtins.print = _PRINT
            for handler in list(logging.root.handlers):
                logging.root.removeHandler(handler)
            sys.argv = [
                "executor_main",
                "--component_module_path",
                module_path,
                *task.executor_args,
            ]
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
    os.close(write_fd)
    return pid, read_fd, workdir


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
