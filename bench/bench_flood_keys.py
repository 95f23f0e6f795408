"""How fast a key answers while a task floods the Run tab (issue 15: within 100 ms), against the same keys
with no flood, in the same run.

The app runs headless (Textual's run_test, 100x30) on the Run tab of lesson 1. A flood thread does what the
local backend's event reader does for each line a task prints (json.loads, from_dict, hand it to the run's
callback), at about 12,000 lines a second, the rate a real run's pipe brought them. Each key ("2", then
"3": the Code tab and back to the Run tab, so half the presses land on the flooding log) goes in as the
terminal's driver sends it; its latency is from then to the first frame the app draws with that tab
showing. Pilot's press() is not used: it waits for the process to be idle, which a flood never is.

With --real MB, the flood is a real run instead: bench/pipelines/flood.py through the local backend (worker
process, event reader, journal), its one task printing MB megabytes; the presses come while it prints.
Both modes say how many lines a second the log drew and the app's peak memory (VmHWM) before and after.
Usage: python bench/bench_flood_keys.py [--presses N] [--rate LINES_PER_S] [--real MB]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from key_timing import key_to_frame  # bench/ is the script's folder

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_BASE = os.environ.get("WORKSHOP_HOME")
if _BASE:
    Path(_BASE).mkdir(parents=True, exist_ok=True)
HOME = tempfile.mkdtemp(prefix="bench-flood-", dir=_BASE or None)
os.environ["WORKSHOP_HOME"] = HOME


def flood(panel: Any, stop: threading.Event, rate: int, sent: list[int]) -> None:
    from workshop.core.events import from_dict

    take = getattr(panel, "take_event", None)
    if take is None:  # an older panel: one message per line
        from workshop.messages import RunEventPosted

        def take(event: Any) -> None:
            panel.post_message(RunEventPosted(event))

    began = time.perf_counter()
    while not stop.is_set():  # paced by the clock: behind, it catches up in bursts, as a pipe's buffer does
        due = int((time.perf_counter() - began) * rate)
        for _ in range(min(due - sent[0], 4096)):
            # the line as the worker wrote it (its encoding is the worker's work, in its own process)
            raw = ('{"run_id": "r", "task": "square", "line": "flood line ' + str(sent[0]) + " " + "x" * 80
                   + '", "ts": ' + repr(time.time()) + ', "kind": "LogLine"}')
            take(from_dict(json.loads(raw)))
            sent[0] += 1
        time.sleep(0.001)


async def on_the_run_tab(app: Any) -> None:
    """Once the lesson's Run panel has mounted, show its tab and let it settle (every bench starts here)."""
    from workshop.widgets.lesson_view import LessonView
    from workshop.widgets.run_panel import RunPanel

    while not app.query(RunPanel):
        await asyncio.sleep(0.01)
    app.query_one(LessonView).tabs.active = "tab-run"
    await asyncio.sleep(0.5)


async def presses(app: Any, count: int) -> tuple[list[float], list[float]]:
    """Latency in ms of `count` presses: to the Code tab, and back to the Run tab."""
    from workshop.widgets.lesson_view import LessonView

    tabs = app.query_one(LessonView).tabs
    drawn: dict[str, float] = {}
    original = app._display

    def display(screen: Any, renderable: Any) -> None:
        original(screen, renderable)
        drawn.setdefault(tabs.active, time.perf_counter())

    app._display = display
    to_code: list[float] = []
    to_run: list[float] = []
    for i in range(count):
        key, target, into = ("2", "tab-code", to_code) if i % 2 == 0 else ("3", "tab-run", to_run)
        drawn.clear()
        await asyncio.sleep(0.15)  # apart, as a learner's keys are
        into.append(await key_to_frame(app, key, target, drawn, 10))
    app._display = original
    return to_code, to_run



class Collections:
    """Python's garbage collections on the way (gc.callbacks): how many of each generation, the longest."""

    def __init__(self) -> None:
        self.spans: dict[int, list[float]] = {0: [], 1: [], 2: []}
        self._began = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.spans[info["generation"]].append(1000 * (time.perf_counter() - self._began))

    def __str__(self) -> str:
        return "; ".join(f"generation {gen}: {len(ms)}, longest {max(ms, default=0):.0f} ms"
                         for gen, ms in self.spans.items())


def figures(name: str, ms: list[float]) -> str:
    return f"{name}: median {statistics.median(ms):.0f} ms, max {max(ms):.0f} ms ({len(ms)} presses)"


def _memory() -> str:
    """The process's resident memory now and at its peak (VmRSS, VmHWM), in MB."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return f"RSS {int(fields['VmRSS'].split()[0]) / 1024:.0f} MB, peak {int(fields['VmHWM'].split()[0]) / 1024:.0f} MB"


async def main(count: int, rate: int, real: int) -> None:
    from workshop.app import make_app
    from workshop.core.course import Course
    from workshop.core.settings import Settings
    from workshop.widgets.run_panel import RunLog, RunPanel

    drawn = [0]
    write = RunLog.write

    def counted(self: Any, content: Any, *args: Any, **kwargs: Any) -> Any:
        drawn[0] += content.plain.count("\n") + 1 if hasattr(content, "plain") else 1
        return write(self, content, *args, **kwargs)

    RunLog.write = counted  # type: ignore[method-assign]
    app = make_app(Course(Settings.load("en")), "local")
    async with app.run_test(size=(100, 30)):
        await on_the_run_tab(app)
        quiet = await presses(app, count)
        panel = app.query_one(RunPanel)
        before = _memory()
        stop, sent = threading.Event(), [0]
        drawn[0] = 0
        began = time.perf_counter()
        if real:
            source = (ROOT / "bench" / "pipelines" / "flood.py").read_text()
            source = source.replace("megabytes=50", f"megabytes={real}")
            pipeline = Path(HOME) / "flood.py"
            pipeline.write_text(source)
            panel.lesson = panel.lesson.__class__(**{**panel.lesson.__dict__, "pipeline_file": pipeline})
            panel.start_run()
            while len(panel.log_lines) < 1000:  # the task prints
                assert panel.run_active, "the run ended before it flooded"
                await asyncio.sleep(0.05)
            flooding_from = time.perf_counter()
        else:
            thread = threading.Thread(target=flood, args=(panel, stop, rate, sent), daemon=True)
            thread.start()
            await asyncio.sleep(1.0)  # well into the flood
        collections = Collections()
        gc.callbacks.append(collections)
        try:
            busy = await presses(app, count)
        finally:
            gc.callbacks.remove(collections)
        if real:
            still = panel.run_active
            await app.workers.wait_for_complete()
            lasted = time.perf_counter() - flooding_from
            run = panel.run_id and (Path(HOME) / "local" / "runs" / panel.run_id / "logs" / "flood.log")
            lines = real * (1 << 20) // 128 + 1
            print(f"real run: {real} MB, {lines} lines; the presses were "
                  f"{'all' if still else 'NOT all'} during the flood; kept on disk: "
                  f"{run.stat().st_size / 1e6 if run and run.is_file() else 0:.1f} MB of the task's log")
        else:
            stop.set()
            thread.join()
            lasted = time.perf_counter() - began
            lines = sent[0]
        after = _memory()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average {load}")
    print(f"flood: {lines} lines in {lasted:.1f} s ({lines / lasted:.0f} lines/s); the log drew "
          f"{drawn[0] / lasted:.0f} lines/s")
    print(f"memory: before the flood {before}; after {after}")
    print(f"garbage collections during the flood's presses: {collections}")
    for label, (code, run_tab) in (("no flood", quiet), ("flood", busy)):
        print(f"{label:>8}  {figures('key 2 -> Code tab', code)};  {figures('key 3 -> Run tab', run_tab)}")
    for label, (code, run_tab) in (("no flood", quiet), ("flood", busy)):
        every = sorted(code + run_tab)
        print(f"{label:>8}, all presses: median {statistics.median(every):.0f} ms, "
              f"p95 {every[max(0, int(len(every) * 0.95) - 1)]:.0f} ms, max {every[-1]:.0f} ms (target <= 100 ms)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--presses", type=int, default=20)
    parser.add_argument("--rate", type=int, default=12_000)
    parser.add_argument("--real", type=int, default=0, metavar="MB", help="flood with a real run printing MB")
    args = parser.parse_args()
    try:
        asyncio.run(main(args.presses, args.rate, args.real))
    finally:
        shutil.rmtree(HOME, ignore_errors=True)
