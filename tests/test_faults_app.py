"""A flooding component in the app (issue 15): the Run tab stays bounded and the app answers keys.

The flood goes in as the run's worker thread sends it, from another thread; Textual's Pilot drives the app.
"""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

from textual.widgets import RichLog

from tests.test_app import new_app, settle
from workshop.core.events import LogLine
from workshop.messages import RunEventPosted
from workshop.widgets.lesson_view import LessonView
from workshop.widgets.run_panel import RunPanel

FLOOD = 20_000


def _send(panel: RunPanel, event: LogLine) -> None:
    take = getattr(panel, "take_event", None)  # the run thread's way in; before it, a message per line
    if take is not None:
        take(event)
    else:
        panel.post_message(RunEventPosted(event))


async def test_a_flooding_task_keeps_the_run_panel_bounded_and_a_key_answers(home: Path) -> None:
    app = new_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: bool(app.query(RunPanel)))
        app.query_one(LessonView).tabs.active = "tab-run"
        await pilot.pause()
        panel = app.query_one(RunPanel)
        started, stop, done = threading.Event(), threading.Event(), threading.Event()
        sent = [0]

        def flood() -> None:  # as fast as this thread can, until the key has been answered, and FLOOD lines at least
            while not (stop.is_set() and sent[0] >= FLOOD):
                _send(panel, LogLine("r", "square", f"flood line {sent[0]} " + "x" * 80))
                sent[0] += 1
                if sent[0] % 12 == 0:  # about 12,000 lines a second, as fast as a real run's pipe brought them
                    time.sleep(0.001)
                if sent[0] == 1000:
                    started.set()
            _send(panel, LogLine("r", "square", "flood: last line"))
            done.set()

        threading.Thread(target=flood, daemon=True).start()
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, started.wait, 30)
        asked = loop.time()
        await pilot.press("p")  # the Progress screen, asked for in the middle of the flood
        await settle(pilot, lambda: app.screen.__class__.__name__ == "ProgressScreen", timeout=10)
        waited, flooding = loop.time() - asked, not stop.is_set()
        stop.set()
        print(f"key answered in {1000 * waited:.0f} ms, {sent[0]} lines into the flood")
        assert flooding  # the key was answered while the lines still came
        await loop.run_in_executor(None, done.wait, 120)
        last = ("square", "flood: last line")
        await settle(pilot, lambda: bool(panel.log_lines) and panel.log_lines[-1] == last, timeout=20)
        assert len(panel.log_lines) <= 5000, len(panel.log_lines)  # before: every one of the 20,000 lines
        app.pop_screen()
        log = panel.query_one("#log", RichLog)
        await settle(pilot, lambda: any("flood: last line" in line.text for line in log.lines[-3:]))
        assert len(log.lines) <= 5000 * 2  # the widget's cap (a wrapped line takes two)


async def test_a_flooding_log_grows_without_laying_out_the_whole_screen(home: Path) -> None:
    """Each batch of a flood used to set RichLog's virtual size, which asks for a layout of the whole screen
    (every widget of every tab), and that layout was what a key waited behind. The log's growth now repaints
    the log and its scrollbar; a layout comes only when the scrollbar appears."""
    app = new_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: bool(app.query(RunPanel)))
        app.query_one(LessonView).tabs.active = "tab-run"
        await pilot.pause()
        panel = app.query_one(RunPanel)
        log = panel.query_one("#log", RichLog)
        screen = app.screen
        layouts = [0]
        original = screen._refresh_layout

        def counted(*args, **kwargs):
            layouts[0] += 1
            return original(*args, **kwargs)

        screen._refresh_layout = counted
        for batch in range(20):  # twenty batches, one flush each, as a flood brings them
            for n in range(30):
                _send(panel, LogLine("r", "square", f"flood line {batch}.{n}"))
            await settle(pilot, lambda b=batch: any(f"flood line {b}.29" in s.text for s in log.lines[-3:]))
        assert layouts[0] <= 3, layouts[0]  # before: a layout a batch, 20 and more
        # it still scrolls, and to the end (scroll_end waits for the next refresh)
        await settle(pilot, lambda: log.max_scroll_y > 0 and log.scroll_y == log.max_scroll_y, timeout=5)
