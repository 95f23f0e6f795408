"""Lesson 1's pipeline on the workshop's local backend against stock kfp.local, in one run.

The alternative a knowledgeable user picks is stock `kfp.local.SubprocessRunner(use_venv=False)`:
no venv and no pip per task. Both sides are measured over the same span, alternated so that
both see the same machine load, n runs each, medians:

- whole process: `workshop run 1` as a process, against `python tutorial.py`, a script that does
  what the tutorial does (import kfp, local.init, call the pipeline) and exits;
- call to result: LocalBackend.submit() to RunFinished (cold, and with the prewarmed worker that
  the app keeps), against the pipeline call after `local.init(...)` in a warm interpreter.

A second line gives stock kfp.local at its default (a venv and a pip install per task), named as such.
Every temporary folder goes away at the end; WORKSHOP_HOME, when set, is where they are made.
Usage: python bench/bench_lesson1.py [--runs N] [--skip-default]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# What the tutorial's learner runs, on stock kfp.local: the pipeline file, local.init, the call.
STOCK_SCRIPT = """
import sys, time
t0 = time.perf_counter()
import importlib.util
from kfp import local
spec = importlib.util.spec_from_file_location("p", sys.argv[1])
mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
local.init(runner=local.SubprocessRunner(use_venv=sys.argv[3] == "venv"), pipeline_root=sys.argv[2])
runs = int(sys.argv[4])
for _ in range(runs):
    t1 = time.perf_counter()
    out = mod.pythagorean(a=3.0, b=4.0)
    assert out.output == 5.0, out.output
    print("CALL_SECONDS", time.perf_counter() - t1, flush=True)
"""


def scratch(prefix: str) -> Path:
    base = os.environ.get("WORKSHOP_HOME")
    if base:
        Path(base).mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=prefix, dir=base or None))


def stock_process(tmp: Path, mode: str = "novenv", calls: int = 1) -> tuple[float, list[float]]:
    """(whole-process seconds, the seconds of each pipeline call inside it)."""
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", STOCK_SCRIPT, str(ROOT / "pipelines" / "pythagorean.py"), str(tmp), mode, str(calls)],
        capture_output=True, text=True, check=True, cwd=tmp,
    )
    total = time.perf_counter() - t0
    return total, [float(line.split()[1]) for line in out.stdout.splitlines() if line.startswith("CALL_SECONDS")]


def ours_process(home: Path) -> float:
    home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "WORKSHOP_HOME": str(home), "WORKSHOP_BACKEND": "local", "WORKSHOP_LEARNER": "bench"}
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "workshop", "run", "1", "--lang", "en", "--quiet"],
                          capture_output=True, text=True, env=env, cwd=home)
    total = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(f"workshop run 1 failed:\n{done.stdout}\n{done.stderr}")
    return total


def ours_calls(tmp: Path, runs: int, warm: bool) -> list[float]:
    from workshop.backends.local.backend import LocalBackend
    from workshop.core.compile import compile_pipeline
    from workshop.core.events import RunFinished

    package = compile_pipeline(ROOT / "pipelines" / "pythagorean.py", "pythagorean", tmp / "p.yaml")
    backend = LocalBackend(tmp / "local", ROOT / "assets")
    ref = backend.upload_pipeline(package, "bench", "bench")
    totals = []
    try:
        for _ in range(runs):
            if warm:  # as in the app: a worker started (and kfp imported) while the learner reads
                backend.prewarm(wait=True)
            t0 = time.perf_counter()
            run_id = backend.submit(package, ref, {"a": 3.0, "b": 4.0}, "bench")
            for event in backend.events(run_id):
                if isinstance(event, RunFinished):
                    assert event.outputs["Output"] == 5.0, event
            totals.append(time.perf_counter() - t0)
    finally:
        backend.close()
    return totals


def med(values: list[float]) -> float:
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-default", action="store_true", help="skip stock kfp.local at its default (venv)")
    args = parser.parse_args()
    runs = max(args.runs, 1)
    tmp = scratch("bench-l1-")
    try:
        print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}, python "
              f"{sys.version.split()[0]}; n={runs} each, alternated, medians")
        ours_whole, stock_whole = [], []
        for i in range(runs):  # whole process against whole process, alternated
            (tmp / f"stock-{i}").mkdir()
            stock_whole.append(stock_process(tmp / f"stock-{i}")[0])
            ours_whole.append(ours_process(tmp / "home"))
        # call to result: stock in one warm interpreter, ours cold (worker start) and prewarmed
        (tmp / "stock-calls").mkdir()
        _, stock_calls = stock_process(tmp / "stock-calls", calls=runs)
        cold = ours_calls(tmp / "cold", runs, warm=False)
        warm = ours_calls(tmp / "warm", runs, warm=True)
        o, s = med(ours_whole), med(stock_whole)
        print(f"whole process: `workshop run 1` {o:.2f} s; tutorial script on stock SubprocessRunner(use_venv=False) "
              f"{s:.2f} s; ratio {s / o:.1f}x")
        sc = med(stock_calls)
        print(f"call to result: stock use_venv=False {sc:.3f} s; ours cold {med(cold):.3f} s ({sc / med(cold):.1f}x); "
              f"ours prewarmed (the app) {med(warm):.3f} s ({sc / med(warm):.1f}x)")
        if not args.skip_default:
            (tmp / "stock-venv").mkdir()
            _, venv_calls = stock_process(tmp / "stock-venv", mode="venv", calls=1)
            print(f"second line, stock SubprocessRunner() at its default (a venv and pip per task), one call: "
                  f"{venv_calls[0]:.2f} s ({venv_calls[0] / med(warm):.1f}x ours prewarmed)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
