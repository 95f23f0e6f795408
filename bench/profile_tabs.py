"""Where a tab key's time goes on the main thread: cProfile over N presses of 2 and 3 (Code tab, Run tab).

Drives the app as bench_flood_keys.py does (headless, 100x30, lesson 1, keys through the driver), with no
flood, or with its synthetic flood thread (--flood LINES_PER_S). Prints each press's latency over 100 ms and
the functions with the most cumulative time (the flood thread is not profiled: cProfile follows one thread).
Usage: python bench/profile_tabs.py [--presses N] [--flood LINES_PER_S] [--top K]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_flood_keys as keys  # noqa: E402  sets WORKSHOP_HOME to a fresh folder first


async def main(count: int, rate: int, top: int) -> None:
    from textual.widget import Widget

    from workshop.app import make_app
    from workshop.core.course import Course
    from workshop.core.settings import Settings
    from workshop.widgets.run_panel import RunPanel

    spent: dict[str, list[float]] = {}  # widget class -> seconds of render_lines, and how many calls
    render_lines = Widget.render_lines

    def timed(self: Widget, crop: object) -> object:
        began = time.perf_counter()
        try:
            return render_lines(self, crop)  # type: ignore[arg-type]
        finally:
            entry = spent.setdefault(f"{type(self).__name__}#{self.id}", [0.0, 0])
            entry[0] += time.perf_counter() - began
            entry[1] += 1

    Widget.render_lines = timed  # type: ignore[method-assign,assignment]
    app = make_app(Course(Settings.load("en")), "local")
    async with app.run_test(size=(100, 30)):
        await keys.on_the_run_tab(app)
        await keys.presses(app, 4)  # every tab mounted and drawn once
        stop, sent = threading.Event(), [0]
        if rate:
            threading.Thread(target=keys.flood, args=(app.query_one(RunPanel), stop, rate, sent), daemon=True).start()
            await asyncio.sleep(1.0)
        spent.clear()
        profile = cProfile.Profile()
        profile.enable()
        code, run = await keys.presses(app, count)
        profile.disable()
        stop.set()
    every = sorted(code + run)
    label = f"flood {rate} lines/s" if rate else "no flood"
    print(f"{label}: median {statistics.median(every):.0f} ms, "
          f"p95 {every[max(0, int(len(every) * 0.95) - 1)]:.0f} ms, max {every[-1]:.0f} ms; "
          f"Code tab median {statistics.median(code):.0f} ms, Run tab median {statistics.median(run):.0f} ms")
    print("presses over 100 ms:", [f"{'code' if i % 2 == 0 else 'run'}:{ms:.0f}" for i, ms in
                                   enumerate(x for pair in zip(code, run, strict=False) for x in pair) if ms > 100])
    print("render_lines by widget (ms in all, calls):", ", ".join(
        f"{name} {1000 * total:.0f}/{calls}" for name, (total, calls) in
        sorted(spent.items(), key=lambda kv: -kv[1][0])[:15]))
    stats = pstats.Stats(profile).sort_stats("cumulative")
    stats.print_stats("workshop/", top)
    stats.print_callees("action_show_tab|_refresh_layout")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--presses", type=int, default=100)
    parser.add_argument("--flood", type=int, default=0, metavar="LINES_PER_S")
    parser.add_argument("--top", type=int, default=45)
    args = parser.parse_args()
    try:
        asyncio.run(main(args.presses, args.flood, args.top))
    finally:
        keys.shutil.rmtree(keys.HOME, ignore_errors=True)
