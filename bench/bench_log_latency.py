"""Latency from a task printing a line to the line reaching the app's log widget.

Runs a one-task pipeline that prints its own clock every 20 ms through the real app
(headless, Textual's run_test), and records when the Run panel's batch that draws each line ends.
Usage: python bench/bench_log_latency.py
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# under WORKSHOP_HOME when it is set; removed at the end
_BASE = os.environ.get("WORKSHOP_HOME")
if _BASE:
    Path(_BASE).mkdir(parents=True, exist_ok=True)
HOME = tempfile.mkdtemp(prefix="bench-latency-", dir=_BASE or None)
os.environ["WORKSHOP_HOME"] = HOME


async def main() -> None:
    from workshop.app import make_app
    from workshop.core.course import Course
    from workshop.core.events import LogLine
    from workshop.core.settings import Settings
    from workshop.widgets.run_panel import RunPanel

    latencies: list[float] = []
    original = RunPanel.flush_log

    def timed(self):  # type: ignore[no-untyped-def]
        # the run's thread hands lines over to the panel, which draws them a batch at a time: a line's
        # latency runs to the end of the batch that draws it
        ticks = [e for e in list(self._pending) if isinstance(e, LogLine) and e.line.startswith("TICK ")]
        original(self)
        now = time.time()
        latencies.extend(now - float(e.line.split()[2]) for e in ticks)

    RunPanel.flush_log = timed  # type: ignore[method-assign]
    app = make_app(Course(Settings.load("en")), "local")
    async with app.run_test(size=(100, 30)) as pilot:
        while not app.query(RunPanel):
            await pilot.pause(0.01)
        panel = app.query_one(RunPanel)
        panel.lesson = panel.lesson.__class__(
            **{**panel.lesson.__dict__, "pipeline_file": ROOT / "bench" / "pipelines" / "ticker.py"}
        )
        panel.start_run()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert len(latencies) == 100, len(latencies)
    ms = sorted(x * 1000 for x in latencies)
    print(f"machine: {os.cpu_count()} cores; {len(ms)} lines printed 20 ms apart by a task")
    print(f"print -> Run panel handled it: median {statistics.median(ms):.1f} ms, "
          f"p95 {ms[int(len(ms) * 0.95) - 1]:.1f} ms, max {ms[-1]:.1f} ms")


if __name__ == "__main__":
    import shutil

    try:
        asyncio.run(main())
    finally:
        shutil.rmtree(HOME, ignore_errors=True)
