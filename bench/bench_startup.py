"""Time from `workshop start` to the first painted screen, and peak memory of the idle app,
against a bare Textual app measured the same way in the same run.

Each app runs in a real pseudo-terminal (100x30); "painted" means its title has reached
the terminal. Then Ctrl+Q quits it and wait4() gives its peak resident memory.
Usage: python bench/bench_startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import statistics
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path

BARE = """
from textual.app import App
from textual.widgets import Footer, Header
class Bare(App):
    TITLE = "Bare Textual App"
    def compose(self):
        yield Header()
        yield Footer()
Bare().run()
"""


def measure(argv: list[str], marker: bytes, env: dict[str, str], content: bytes | None = None
            ) -> tuple[float, int, float]:
    """(seconds to first paint, peak RSS in KiB, seconds until `content` was painted too)."""
    t0 = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(argv[0], argv, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    seen = b""
    painted = full = None
    deadline = time.perf_counter() + 60
    while (painted is None or full is None) and time.perf_counter() < deadline:
        ready, _, _ = select.select([fd], [], [], 1)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
            if painted is None and marker in seen:
                painted = time.perf_counter() - t0
            if full is None and (content is None or content in seen):
                full = time.perf_counter() - t0 if content is not None else painted
    os.write(fd, b"\x11")  # Ctrl+Q
    while True:  # drain until the child closes the terminal
        ready, _, _ = select.select([fd], [], [], 5)
        if not ready:
            break
        try:
            if not os.read(fd, 65536):
                break
        except OSError:
            break
    _, _, usage = os.wait4(pid, 0)
    os.close(fd)
    if painted is None or full is None:
        raise RuntimeError(f"{argv} never painted {marker!r} / {content!r}")
    return painted, usage.ru_maxrss, full


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="bench-start-")
    env = {**os.environ, "WORKSHOP_HOME": home, "TERM": "xterm-256color", "WORKSHOP_BACKEND": "local"}
    workshop = str(Path(sys.executable).parent / "workshop")
    ours, bare = [], []
    for _ in range(args.runs):  # interleaved, so both see the same machine load
        ours.append(measure([workshop, "start", "--lang", "en", "--backend", "local"], b"Kubeflow Workshop", env,
                            content=b"Pipeline code"))
        bare.append(measure([sys.executable, "-c", BARE], b"Bare Textual App", env))
    t_ours = statistics.median(t for t, _, _ in ours)
    t_full = statistics.median(f for _, _, f in ours)
    t_bare = statistics.median(t for t, _, _ in bare)
    m_ours = statistics.median(m for _, m, _ in ours) / 1024
    m_bare = statistics.median(m for _, m, _ in bare) / 1024
    print(f"machine: {os.cpu_count()} cores; {args.runs} runs each, medians")
    print(f"first paint: workshop {t_ours:.3f} s, bare Textual {t_bare:.3f} s, ratio {t_ours / t_bare:.2f}x")
    print(f"lesson view painted too (its tabs on screen): workshop {t_full:.3f} s, "
          f"{t_full / t_bare:.2f}x the bare app's first paint")
    print(f"peak RSS idle: workshop {m_ours:.1f} MiB, bare Textual {m_bare:.1f} MiB, ratio {m_ours / m_bare:.2f}x")


if __name__ == "__main__":
    main()
