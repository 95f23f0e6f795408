"""Lesson 1's pipeline on the workshop's local backend against stock kfp.local, in one run.

Stock: kfp.local.SubprocessRunner() with its defaults (a venv and a pip install per task).
Ours: LocalBackend, i.e. kfp.local's orchestrator with the fork fast path.
Prints the four-task time (first task start to run end), the whole submit-to-end time,
and the ratio. Usage: python bench/bench_lesson1.py [--fast-runs N] [--skip-stock]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STOCK = """
import sys, time, importlib.util
from kfp import local
spec = importlib.util.spec_from_file_location("p", sys.argv[1])
mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
local.init(runner=local.SubprocessRunner(), pipeline_root=sys.argv[2])
t0 = time.perf_counter()
out = mod.pythagorean(a=3.0, b=4.0)
print("STOCK_SECONDS", time.perf_counter() - t0, out.output)
"""


def ours(runs: int, warm: bool = False) -> tuple[list[float], list[float]]:
    from workshop.backends.local.backend import LocalBackend
    from workshop.core.compile import compile_pipeline
    from workshop.core.events import RunFinished, TaskStarted

    tmp = Path(tempfile.mkdtemp(prefix="bench-l1-"))
    package = compile_pipeline(ROOT / "pipelines" / "pythagorean.py", "pythagorean", tmp / "p.yaml")
    backend = LocalBackend(tmp / "local", ROOT / "assets")
    ref = backend.upload_pipeline(package, "bench", "bench")
    tasks, totals = [], []
    try:
        for _ in range(runs):
            if warm:  # as in the app: a worker started (and kfp imported) while the learner reads
                backend.prewarm(wait=True)
            t0 = time.perf_counter()
            run_id = backend.submit(package, ref, {"a": 3.0, "b": 4.0}, "bench")
            first = None
            for event in backend.events(run_id):
                if isinstance(event, TaskStarted) and first is None:
                    first = time.perf_counter()
                if isinstance(event, RunFinished):
                    assert event.outputs["Output"] == 5.0, event
                    end = time.perf_counter()
            assert first is not None
            tasks.append(end - first)
            totals.append(end - t0)
    finally:
        backend.close()
    return tasks, totals


def stock() -> float:
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            [sys.executable, "-c", STOCK, str(ROOT / "pipelines" / "pythagorean.py"), tmp],
            capture_output=True, text=True, check=True, cwd=tmp,
        )
    line = next(line for line in out.stdout.splitlines() if line.startswith("STOCK_SECONDS"))
    _, seconds, value = line.split()
    assert float(value) == 5.0
    return float(seconds)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fast-runs", type=int, default=5)
    parser.add_argument("--skip-stock", action="store_true")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}")
    warm_tasks, warm_totals = ours(args.fast_runs, warm=True)
    tasks, totals = ours(args.fast_runs)
    print(f"workshop local backend, {args.fast_runs} runs each:")
    print(f"  four tasks (first task start -> run end): median {statistics.median(tasks):.3f} s, "
          f"min {min(tasks):.3f} s")
    print(f"  whole run (submit -> end, incl. worker start): median {statistics.median(totals):.3f} s")
    print(f"  whole run with a prewarmed worker (the app): median {statistics.median(warm_totals):.3f} s, "
          f"four tasks {statistics.median(warm_tasks):.3f} s")
    if args.skip_stock:
        return
    seconds = stock()
    print(f"stock kfp.local SubprocessRunner() (venv + pip per task): {seconds:.2f} s")
    print(f"ratio stock / ours: {seconds / statistics.median(totals):.1f}x on the whole run (cold), "
          f"{seconds / statistics.median(warm_totals):.1f}x prewarmed, "
          f"{seconds / statistics.median(tasks):.1f}x on the four tasks")


if __name__ == "__main__":
    main()
