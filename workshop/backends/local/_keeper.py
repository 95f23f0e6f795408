"""Run a server that cannot watch its starter (SeaweedFS's `weed`), and take it down with its starter.

Started by objectstore.py in a new session with the starter's end of a pipe as stdin: this
process forks a watch, then becomes the server itself (exec), so the server keeps this pid,
which is also its process group. The watch reads the pipe; when the starter ends, by any
signal (SIGKILL included), the kernel closes the pipe and the watch stops the whole group:
SIGTERM, then SIGKILL. It is worker.py's watchdog, for a program we cannot change.
Run by path, not as a module, so that it imports nothing of the workshop.
"""

from __future__ import annotations

import os
import signal
import sys
import time

GRACE = 3.0  # seconds the server has to stop cleanly before the group is killed


def _watch() -> None:
    try:
        while os.read(0, 4096):
            pass
    except OSError:
        pass
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # the group's SIGTERM is for the server, not for us
    server = os.getppid()
    group = os.getpgid(0)
    try:
        os.killpg(group, signal.SIGTERM)
        deadline = time.monotonic() + GRACE
        while os.getppid() == server and time.monotonic() < deadline:  # our parent is the server
            time.sleep(0.05)
    finally:
        os.killpg(group, signal.SIGKILL)  # whatever is left, this watch included
        os._exit(0)


def main(argv: list[str]) -> None:
    if not argv:
        sys.exit("usage: _keeper.py PROGRAM [ARG...]")
    if os.fork() == 0:
        _watch()
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)  # the server never holds the pipe: only the watch may see it close
    os.close(devnull)
    os.execv(argv[0], argv)


if __name__ == "__main__":
    main(sys.argv[1:])
