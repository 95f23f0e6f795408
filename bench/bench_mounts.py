"""What a task's private view of the volumes costs before it runs (workshop/backends/local/mounts.py).

Three cases: a mount under a folder the host has (/mnt/bench-shared), a mount at a path
whose nearest existing folder is / (/data-bench/in, so / is shadowed by a private tmpfs), and
a task that mounts nothing while another task of the run does (the mount point is masked).
Each figure is the time enter_task_mounts takes in a forked child, median and max of 30.

Usage: python bench/bench_mounts.py   (Linux; as root or where user namespaces are allowed)
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workshop.backends.local import mounts  # noqa: E402


def once(task_mounts: list[tuple[str, str]], masked: list[str]) -> float:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            start = time.perf_counter()
            mounts.enter_task_mounts(task_mounts, masked)
            os.write(write, repr(time.perf_counter() - start).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        text = pipe.read().decode()
    _, status = os.waitpid(pid, 0)
    if status != 0 or not text:
        raise SystemExit("enter_task_mounts failed in the child: this machine refuses a private mount namespace")
    return float(text)


def main() -> None:
    base = os.environ.get("WORKSHOP_HOME")  # where the volume folder goes when it is set
    if base:
        Path(base).mkdir(parents=True, exist_ok=True)
    volume = tempfile.mkdtemp(prefix="bench-volume-", dir=base or None)
    cases = {
        "under an existing folder (/mnt/bench-shared)": ([(volume, "/mnt/bench-shared")], []),
        "where the host has nothing (/data-bench/in)": ([(volume, "/data-bench/in")], []),
        "masked for a task without the mount": ([], ["/data-bench/in"]),
    }
    try:
        for label, (task_mounts, masked) in cases.items():
            times = [once(task_mounts, masked) for _ in range(30)]
            print(f"{label:48s} median {statistics.median(times) * 1000:6.2f} ms   max {max(times) * 1000:6.2f} ms")
    finally:
        shutil.rmtree(volume, ignore_errors=True)
    assert not Path("/data-bench").exists() and not Path("/mnt/bench-shared").exists(), "the host was changed"


if __name__ == "__main__":
    main()
