"""Time from `workshop start` to the first useful screen (the lesson's text painted), and the
memory of the idle app with the worker its Run tab starts, against a bare Textual app's first
paint and memory, measured the same way in the same run, alternated, medians.

The runs share one home, as a learner's starts do: the first finds nothing kept and draws the
lesson's text with Markdown and its code with pygments; the others read what it kept
(widgets/text_cache.py). That first start is printed on a line of its own.

Each app runs in a real pseudo-terminal (100x30); "painted" means a marker has reached the
terminal: the title for a first paint, a phrase of lesson 1's text for the useful screen.
Then, idle for IDLE seconds (what the app does after its first paint, such as mounting the
other tabs and drawing the run graph, is done by then), its own peak resident memory is read
from /proc (VmHWM: the app's, not a child's) and Ctrl+Q quits it. The worker the Run tab
prewarms is the same `python -m workshop.backends.local.worker` process, started here the
way the backend starts it; its peak resident memory once it says it is ready is added, with the
private memory of the fork server it starts (forked from it, it shares the rest).
The temporary home goes away at the end; WORKSHOP_HOME, when set, is where it is made.
Usage: python bench/bench_startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import shutil
import statistics
import struct
import subprocess
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


IDLE = 3.0  # seconds the app is left alone after its useful screen, before its memory is read


def _peak_rss(pid: int) -> int:
    """The process's own peak resident memory in KiB (VmHWM)."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))


def _drain(fd: int, seconds: float) -> None:
    """Read what the app draws for `seconds` (a terminal nobody reads would block it)."""
    end = time.perf_counter() + seconds
    while (left := end - time.perf_counter()) > 0:
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                if not os.read(fd, 65536):
                    return
            except OSError:
                return


def measure(argv: list[str], marker: bytes, env: dict[str, str], content: bytes | None = None
            ) -> tuple[float, int, float]:
    """(seconds to first paint, peak RSS in KiB once idle, seconds until `content` was painted too)."""
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
    peak = 0
    if painted is not None and full is not None:
        _drain(fd, IDLE)
        peak = _peak_rss(pid)
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
    os.waitpid(pid, 0)
    os.close(fd)
    if painted is None or full is None:
        raise RuntimeError(f"{argv} never painted {marker!r} / {content!r}")
    return painted, peak, full


# In the first paragraph of lesson 1's text (lessons/01-pythagorean/lesson.en.md), on screen at once.
LESSON_TEXT = b"deliberately"


def worker_rss(home: str, env: dict[str, str]) -> int:
    """Peak RSS (KiB) of a prewarmed worker, once it has imported kfp and waits for a run."""
    env = {**env, "KUBECONFIG": str(Path(home) / "local" / "serving" / "kubeconfig")}  # as the backend does
    proc = subprocess.Popen([sys.executable, "-m", "workshop.backends.local.worker"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=home, env=env)
    try:
        assert proc.stdout is not None
        if b"ready" not in proc.stdout.readline():
            raise RuntimeError("the worker did not get ready")
        status = Path(f"/proc/{proc.pid}/status").read_text()
        peak = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))
        # the fork server it starts is forked from it: only its private pages are memory of its own
        kids = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        for kid in kids:
            rollup = Path(f"/proc/{kid}/smaps_rollup").read_text().splitlines()
            private = ("Private_Clean:", "Private_Dirty:")
            peak += sum(int(line.split()[1]) for line in rollup if line.startswith(private))
        return peak
    finally:
        proc.communicate(b"\n", timeout=30)  # an empty line: a spare nobody needs exits


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    base = os.environ.get("WORKSHOP_HOME")
    if base:
        Path(base).mkdir(parents=True, exist_ok=True)
    home = tempfile.mkdtemp(prefix="bench-start-", dir=base or None)
    try:
        run(home, args.runs)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def run(home: str, runs: int) -> None:
    env = {**os.environ, "WORKSHOP_HOME": home, "TERM": "xterm-256color", "WORKSHOP_BACKEND": "local"}
    workshop = str(Path(sys.executable).parent / "workshop")
    env["WORKSHOP_LEARNER"] = "bench"
    load = os.getloadavg()[0]
    ours, bare, workers = [], [], []
    for _ in range(runs):  # interleaved, so both see the same machine load
        ours.append(measure([workshop, "start", "--lang", "en", "--backend", "local"], b"Kubeflow Workshop", env,
                            content=LESSON_TEXT))
        bare.append(measure([sys.executable, "-c", BARE], b"Bare Textual App", env))
        workers.append(worker_rss(home, env))
    t_frame = statistics.median(t for t, _, _ in ours)
    t_useful = statistics.median(f for _, _, f in ours)
    t_bare = statistics.median(t for t, _, _ in bare)
    m_app = statistics.median(m for _, m, _ in ours) / 1024
    m_worker = statistics.median(workers) / 1024
    m_bare = statistics.median(m for _, m, _ in bare) / 1024
    print(f"machine: {os.cpu_count()} cores, load average {load:.1f} at the start, "
          f"{os.getloadavg()[0]:.1f} at the end; {runs} runs each, alternated, medians")
    print(f"first useful screen (lesson text painted): workshop {t_useful:.3f} s, bare Textual's first paint "
          f"{t_bare:.3f} s, ratio {t_useful / t_bare:.2f}x")
    print(f"(the frame alone, title and lesson list: {t_frame:.3f} s, {t_frame / t_bare:.2f}x)")
    # the first run found nothing kept under the home (widgets/text_cache.py): Markdown and pygments drew
    cold_t, cold_m, cold_full = ours[0]
    print(f"the first start of the {runs}, with no text kept yet: {cold_full:.3f} s, {cold_full / t_bare:.2f}x; "
          f"idle memory {cold_m / 1024:.1f} + {m_worker:.1f} MiB, {(cold_m / 1024 + m_worker) / m_bare:.2f}x")
    print(f"memory idle ({IDLE:.0f} s after the useful screen) with the Run tab's prewarmed worker: "
          f"app {m_app:.1f} MiB + worker {m_worker:.1f} MiB "
          f"= {m_app + m_worker:.1f} MiB, bare Textual {m_bare:.1f} MiB, ratio {(m_app + m_worker) / m_bare:.2f}x")


if __name__ == "__main__":
    main()
