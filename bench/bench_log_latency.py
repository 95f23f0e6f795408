"""Latency from a task printing a line to the line reaching the app's log widget.

Runs a one-task pipeline that prints its own clock every 20 ms through the real app
(headless, Textual's run_test), and records when the Run panel handles each line.
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
    original = RunPanel.on_run_event_posted

    def timed(self, message):  # type: ignore[no-untyped-def]
        original(self, message)
        event = message.event
        if isinstance(event, LogLine) and event.line.startswith("TICK "):
            latencies.append(time.time() - float(event.line.split()[2]))

    RunPanel.on_run_event_posted = timed  # type: ignore[method-assign]
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
