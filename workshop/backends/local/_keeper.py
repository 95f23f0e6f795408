"""Run a server that cannot watch its starter (SeaweedFS's `weed`), take it down with its starter, and
remove the unix sockets it leaves.

Started by objectstore.py in a new session with the starter's end of a pipe as stdin: this
process forks a watch, then becomes the server itself (exec), so the server keeps this pid,
which is also its process group. The watch reads the pipe; when the starter ends, by any
signal (SIGKILL included), or lets go (closes the pipe), the kernel closes the pipe and the watch
stops the whole group: SIGTERM, then SIGKILL. It is worker.py's watchdog, for a program we cannot change.
The watch leaves the server's group first, so that the group's SIGKILL (its own or the starter's) spares
it: once the server has ended it removes the sockets named with --remove that no live process holds, and
the folders named with --remove-dir once empty, holding the --lock file's lock (the home's start lock).
A starter that stops the server itself writes a byte before it closes the pipe: it cleans up, the watch not.
Run by path, not as a module, so that it imports nothing of the workshop; objectstore.py imports its
`stale_sockets` for the sweep at each start.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import socket
import stat
import sys
import time
from collections.abc import Iterable

GRACE = 3.0  # seconds the server has to stop cleanly before the group is killed


def bound_paths() -> set[bytes]:
    """The filesystem paths of every unix socket alive on this machine (bound, listening or accepted)."""
    paths: set[bytes] = set()
    with contextlib.suppress(OSError), open("/proc/net/unix", "rb") as fh:
        next(fh, None)  # the header
        for line in fh:
            fields = line.rstrip(b"\n").split(None, 7)
            if len(fields) == 8 and not fields[7].startswith(b"@"):  # "@": an abstract socket, no file
                paths.add(fields[7])
    return paths


def stale_sockets(candidates: Iterable[str | os.PathLike[str]], min_age: float = 0.0) -> list[str]:
    """The candidates that are socket files of this user no live process holds: no socket bound to the path
    (/proc/net/unix) and a connect is refused. `min_age`: seconds since the file appeared, so that one a
    server is binding this instant is not taken for dead."""
    live, now, found = bound_paths(), time.time(), []
    for candidate in candidates:
        path = os.fspath(candidate)
        try:
            info = os.lstat(path)
        except OSError:
            continue
        if not stat.S_ISSOCK(info.st_mode) or info.st_uid != os.getuid() or now - info.st_mtime < min_age:
            continue
        if os.fsencode(path) in live:
            continue
        with socket.socket(socket.AF_UNIX) as probe:
            probe.settimeout(0.5)
            try:
                probe.connect(path)
            except ConnectionRefusedError:
                found.append(path)  # a file with nobody behind it
            except OSError:
                pass  # too long, gone, or a listener in another network namespace: not provably stale
    return found


def remove_stale(sockets: Iterable[str | os.PathLike[str]], folders: Iterable[str | os.PathLike[str]] = (),
                 min_age: float = 0.0) -> list[str]:
    """Unlink the stale ones among `sockets`, then rmdir each of `folders` that is left empty."""
    removed = []
    for path in stale_sockets(sockets, min_age):
        with contextlib.suppress(OSError):
            os.unlink(path)
            removed.append(path)
    for folder in folders:
        with contextlib.suppress(OSError):
            os.rmdir(folder)  # only when empty: a live server's sockets keep it
    return removed


def _watch(server: int, sockets: list[str], folders: list[str], lock: str | None) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # the group's SIGTERM is for the server, not for us
    os.setpgid(0, 0)  # out of the server's group: its SIGKILL must leave us to clean up after it
    let_go = False  # the starter wrote before closing: it stopped the server and cleans up itself
    try:
        while os.read(0, 4096):
            let_go = True
    except OSError:
        pass
    try:
        if os.getppid() == server:  # alive: its group is still its own (never signal a recycled id)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server, signal.SIGTERM)
        deadline = time.monotonic() + GRACE
        while os.getppid() == server and time.monotonic() < deadline:  # our parent is the server
            time.sleep(0.05)
        if os.getppid() == server:  # it did not stop in time
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server, signal.SIGKILL)
        while os.getppid() == server:  # SIGKILL always lands, if late (a process in disk sleep): wait for it,
            time.sleep(0.05)  # so that the sockets are judged once the server has let go of them
        if not let_go:
            # under the start lock: a start of the same home that begins meanwhile must not lose the folder
            # it just made, and its server's sockets are then live, so they stay
            fd = None
            with contextlib.suppress(OSError):  # a home already removed: nothing can start there
                fd = os.open(lock, os.O_WRONLY | os.O_CREAT, 0o600) if lock else None
            try:
                if fd is not None:
                    fcntl.flock(fd, fcntl.LOCK_EX)
                remove_stale(sockets, folders)
            finally:
                if fd is not None:
                    os.close(fd)
    finally:
        os._exit(0)


def _parse(argv: list[str]) -> tuple[dict[str, list[str]], list[str]]:
    options: dict[str, list[str]] = {"--remove": [], "--remove-dir": [], "--lock": []}
    while argv and argv[0] in options and len(argv) > 1:
        options[argv[0]].append(argv[1])
        argv = argv[2:]
    if argv and argv[0] == "--":
        argv = argv[1:]
    return options, argv


def main(argv: list[str]) -> None:
    options, program = _parse(argv)
    if not program:
        sys.exit("usage: _keeper.py [--remove SOCKET]... [--remove-dir FOLDER]... [--lock FILE] [--] "
                 "PROGRAM [ARG...]")
    server = os.getpid()
    if os.fork() == 0:
        lock = options["--lock"][-1] if options["--lock"] else None
        _watch(server, options["--remove"], options["--remove-dir"], lock)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)  # the server never holds the pipe: only the watch may see it close
    os.close(devnull)
    os.execv(program[0], program)


if __name__ == "__main__":
    main(sys.argv[1:])
