"""The whole course headless (`workshop run --all`) on the local backend: total, each lesson's
share, and the peak memory of the workshop process and of its children (tasks, servers).

The temporary home goes away at the end; WORKSHOP_HOME, when set, is where it is made.
The machine's load average is printed with the figures: on a shared machine they vary with it;
so is the CPU time of the course and all its processes, which a loaded machine changes little.
Usage: python bench/bench_course.py
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path


def rss_of_tree(root: int) -> tuple[int, int]:
    """(RSS of `root`, RSS of all its descendants) in KiB, read from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        ppid = int(re.search(r"PPid:\s+(\d+)", status)[1])  # type: ignore[index]
        found = re.search(r"VmRSS:\s+(\d+)", status)
        rss[int(entry)] = int(found[1]) if found else 0
        children.setdefault(ppid, []).append(int(entry))
    total, stack = 0, list(children.get(root, []))
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return rss.get(root, 0), total


def scratch(prefix: str) -> str:
    base = os.environ.get("WORKSHOP_HOME")
    if base:
        Path(base).mkdir(parents=True, exist_ok=True)
    return tempfile.mkdtemp(prefix=prefix, dir=base or None)


def main() -> None:
    home = scratch("bench-course-")
    try:
        course(home)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def course(home: str) -> None:
    load = os.getloadavg()[0]
    env = {**os.environ, "WORKSHOP_HOME": home, "WORKSHOP_BACKEND": "local", "PYTHONUNBUFFERED": "1"}
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "workshop", "run", "--all", "--lang", "en"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peaks: dict[str, tuple[int, int]] = {}
    current = {"lesson": "start"}
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.1):
            own, kids = rss_of_tree(proc.pid)
            old = peaks.get(current["lesson"], (0, 0))
            peaks[current["lesson"]] = (max(old[0], own), max(old[1], own + kids))

    threading.Thread(target=sample, daemon=True).start()
    marks: list[tuple[str, float]] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("== Lesson"):
            current["lesson"] = line.split(":")[0].strip("= ").strip()
            marks.append((current["lesson"], time.perf_counter()))
    proc.wait()
    total = time.perf_counter() - started
    done.set()
    if proc.returncode != 0:
        raise SystemExit(f"workshop run --all failed with exit {proc.returncode}")
    print(f"machine: {os.cpu_count()} cores, {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') >> 30} GiB; "
          f"load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end")
    print(f"whole course (`workshop run --all`, local backend): {total:.1f} s, exit 0")
    # every process of the course is waited for by its parent, so its CPU time adds up here
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - children_before.ru_utime) + (after.ru_stime - children_before.ru_stime)
    own = resource.getrusage(resource.RUSAGE_SELF)
    print(f"CPU: {cpu:.1f} s for the course and every process it started ({cpu / total:.2f} cores busy on "
          f"average; on {os.cpu_count()} idle cores it cannot take less than {cpu / (os.cpu_count() or 1):.1f} s); "
          f"this benchmark's sampling: {own.ru_utime + own.ru_stime:.1f} s")
    ends = [t for _, t in marks[1:]] + [started + total]
    for (name, begin), end in zip(marks, ends, strict=True):
        own, tree = peaks.get(name, (0, 0))
        print(f"  {name}: {end - begin:5.1f} s ({(end - begin) / total:4.0%}); peak RSS workshop "
              f"{own / 1024:.0f} MiB, with tasks and servers {tree / 1024:.0f} MiB")
    print(f"(this benchmark's own peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB)")


if __name__ == "__main__":
    main()
