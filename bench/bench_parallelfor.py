"""A 16-iteration ParallelFor on the workshop's local backend against stock kfp.local, in one run.

Pipeline: tests/fixtures/fanout.py (16 `square` tasks in a dsl.ParallelFor, then `total`).
Stock: kfp.local.SubprocessRunner(use_venv=False), kfp imported and local.init done before
the clock starts; the clock covers the pipeline call.
Ours: LocalBackend with a prewarmed worker (kfp imported, as in the app); the clock covers
submit to RunFinished. The two alternate, round after round; medians are printed.
Usage: python bench/bench_parallelfor.py [--rounds N]
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
PIPELINE = ROOT / "tests" / "fixtures" / "fanout.py"

STOCK = """
import sys, time, importlib.util
from kfp import local
spec = importlib.util.spec_from_file_location("p", sys.argv[1])
mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
local.init(runner=local.SubprocessRunner(use_venv=False), pipeline_root=sys.argv[2])
t0 = time.perf_counter()
out = mod.fanout()
print("STOCK_SECONDS", time.perf_counter() - t0, out.output)
"""


def stock_once() -> float:
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run([sys.executable, "-c", STOCK, str(PIPELINE), tmp],
                             capture_output=True, text=True, check=True, cwd=tmp)
    # kfp.local indents what is printed while a pipeline runs
    line = next(line.strip() for line in out.stdout.splitlines() if line.strip().startswith("STOCK_SECONDS"))
    _, seconds, value = line.split()
    assert int(value) == 1240, line
    return float(seconds)


def main() -> None:
    from workshop.backends.local.backend import LocalBackend
    from workshop.core.compile import compile_pipeline
    from workshop.core.events import LogLine, RunFinished

    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    freeze = [sys.executable, "-m", "pip", "freeze", "--all"]
    before = subprocess.run(freeze, capture_output=True, check=True).stdout
    tmp = Path(tempfile.mkdtemp(prefix="bench-pfor-"))
    package = compile_pipeline(PIPELINE, "fanout", tmp / "fanout.yaml")
    backend = LocalBackend(tmp / "local", ROOT / "assets")
    ref = backend.upload_pipeline(package, "bench", "bench")
    ours: list[float] = []
    stock: list[float] = []
    forked = 0
    try:
        for _ in range(args.rounds):
            stock.append(stock_once())
            backend.prewarm(wait=True)
            t0 = time.perf_counter()
            run_id = backend.submit(package, ref, {}, "bench")
            for event in backend.events(run_id):
                if isinstance(event, LogLine) and event.line.startswith("[workshop] task exited"):
                    raise SystemExit(f"task {event.task} failed")
                if isinstance(event, RunFinished):
                    assert event.outputs.get("Output") == 1240, event
                    ours.append(time.perf_counter() - t0)
            log = (backend.root / "runs" / run_id / "worker.log").read_text(encoding="utf-8", errors="replace")
            forked = log.count("[workshop] launcher fork-server ")
    finally:
        backend.close()
    after = subprocess.run(freeze, capture_output=True, check=True).stdout
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}; 16-iteration ParallelFor + 1 task, "
          f"{args.rounds} rounds alternated")
    print(f"  stock kfp.local SubprocessRunner(use_venv=False): median {statistics.median(stock):.2f} s "
          f"(runs: {', '.join(f'{s:.2f}' for s in stock)})")
    print(f"  workshop local backend, prewarmed worker:          median {statistics.median(ours):.2f} s "
          f"(runs: {', '.join(f'{s:.2f}' for s in ours)}); {forked}/17 tasks forked in the last run")
    print(f"  ratio stock / ours: {statistics.median(stock) / statistics.median(ours):.1f}x")
    print(f"  app environment unchanged (pip freeze): {before == after}")


if __name__ == "__main__":
    main()
