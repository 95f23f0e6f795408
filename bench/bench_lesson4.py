"""Lesson 4 (run and checks) against its floor: one TensorFlow import plus the training itself.

- floor: a fresh `python` process that imports TensorFlow and then calls the lesson's component
  function (train, save, upload to the same local S3 server) directly: no kfp, no checks;
- ours: Course.run_lesson() for lesson 4 on the local backend, from the call to the checked
  Attempt (compile, run, every check, the stored model scored in a process of its own), with a
  cold worker (the CLI) and with the worker prewarmed (the app, while the learner reads).

Alternated so that both see the same machine load, n runs each, medians; the object store is
started once beforehand for both. Every temporary folder goes away at the end; WORKSHOP_HOME,
when set, is where they are made.
Usage: python bench/bench_lesson4.py [--runs N]
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

FLOOR_SCRIPT = """
import importlib.util, sys, time
t0 = time.perf_counter()
import tensorflow
t1 = time.perf_counter()
spec = importlib.util.spec_from_file_location("p", sys.argv[1])
mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
from kfp.dsl import Metrics  # the component logs its loss and accuracy to a Metrics artifact
mod.train_and_upload.python_func(s3_endpoint=sys.argv[2], metrics=Metrics(name="metrics", uri="", metadata={}))
print("IMPORT_SECONDS", t1 - t0, "TRAIN_SECONDS", time.perf_counter() - t1, flush=True)
"""


def scratch(prefix: str) -> Path:
    base = os.environ.get("WORKSHOP_HOME")
    if base:
        Path(base).mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=prefix, dir=base or None))


def floor(store: object, cwd: Path) -> tuple[float, float, float]:
    """(whole process, TensorFlow import, training and upload) in seconds."""
    access, secret = store.credentials  # type: ignore[attr-defined]
    env = {**os.environ, "AWS_ACCESS_KEY_ID": access, "AWS_SECRET_ACCESS_KEY": secret, "TF_CPP_MIN_LOG_LEVEL": "3"}
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", FLOOR_SCRIPT, str(ROOT / "pipelines" / "minio_model.py"),
                           store.endpoint], capture_output=True, text=True, env=env, cwd=cwd)  # type: ignore[attr-defined]
    total = time.perf_counter() - t0
    line = next((line for line in done.stdout.splitlines() if line.startswith("IMPORT_SECONDS")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"the floor script failed:\n{done.stdout}\n{done.stderr}")
    parts = line.split()
    return total, float(parts[1]), float(parts[3])


def ours(course: object, backend: object, warm: bool) -> float:
    lesson = course.lesson(4)  # type: ignore[attr-defined]
    wanted = {a.default_from for a in lesson.arguments if a.default_from}
    arguments = lesson.parse_arguments({}, backend.defaults(wanted))  # type: ignore[attr-defined]
    if warm:
        backend.prewarm(wait=True)  # type: ignore[attr-defined]
    t0 = time.perf_counter()
    attempt = course.run_lesson(lesson, backend, arguments)  # type: ignore[attr-defined]
    took = time.perf_counter() - t0
    if not attempt.passed:
        raise RuntimeError(f"lesson 4 did not pass: {[(c.id, c.summary) for c in attempt.checks]}")
    return took


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs = max(args.runs, 1)
    tmp = scratch("bench-l4-")
    os.environ["WORKSHOP_HOME"] = str(tmp / "home")
    os.environ["WORKSHOP_LEARNER"] = "bench"
    from workshop.backends.local.backend import LocalBackend
    from workshop.core.course import Course
    from workshop.core.settings import Settings

    course = Course(Settings.load("en"))
    backend = LocalBackend(course.settings.local_dir, course.settings.assets_dir)
    try:
        store = backend.object_store()
        print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
              f"n={runs} each, alternated, medians")
        floors, cold, warm = [], [], []
        for _ in range(runs):
            floors.append(floor(store, tmp))
            cold.append(ours(course, backend, warm=False))
            warm.append(ours(course, backend, warm=True))
        f = statistics.median(t for t, _, _ in floors)
        imp = statistics.median(i for _, i, _ in floors)
        train = statistics.median(t for _, _, t in floors)
        c, w = statistics.median(cold), statistics.median(warm)
        print(f"floor: one process, `import tensorflow` {imp:.1f} s + the training and upload {train:.1f} s; "
              f"whole process {f:.1f} s")
        print(f"lesson 4 run and checks: cold worker (the CLI) {c:.1f} s ({c / f:.2f}x the floor); "
              f"worker prewarmed (the app) {w:.1f} s ({w / f:.2f}x)")
        print(f"(load average at the end {os.getloadavg()[0]:.1f})")
    finally:
        backend.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
