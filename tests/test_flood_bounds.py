"""The two bounds that keep a flooding component from costing the app memory and CPU (issue 15), with a real
flooding task (tests/variants/pythagorean_floods: 100,000 lines of 128 bytes, 12 MB) through the local backend.

- The supervisor's queue (backends/local/supervisor.py, QUEUE_ITEMS): while nobody reads the run's events,
  the task is held back through its pipe; the queue does not take in the flood's megabytes.
- The Run panel's intake (widgets/run_panel.py, INTAKE lines a second): the run's thread hands lines over no
  faster than that, however fast they come out of the backend (here: the run's journal read back).
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from tests.conftest import variant
from tests.test_objectstore import wait_until
from workshop.core.events import LogLine, RunFinished

FLOOD_LINES = 100_000  # what pythagorean_floods' first task prints, before "flood: last line"


def _submit_flood(backend: Any, tmp_path: Path) -> str:
    from workshop.core.compile import compile_pipeline

    package = compile_pipeline(variant("pythagorean_floods"), "pythagorean", tmp_path / "floods.yaml")
    ref = backend.upload_pipeline(package, "floods", "floods")
    return str(backend.submit(package, ref, {"a": 3.0, "b": 4.0}, "floods"))


def _held(run: Any) -> int:
    """Lines waiting in the run's queue (an item is an event or a batch of lines)."""
    return sum(len(item) if isinstance(item, list) else isinstance(item, LogLine) for item in list(run.queue.queue))


def test_a_flooding_task_waits_on_its_pipe_while_nobody_reads_its_events(backend: Any, tmp_path: Path) -> None:
    """Nobody reads the run's events: the reader fills the queue, then stops taking; the task, 100,000 lines
    from its end, cannot finish; reading them then gives every line, nothing dropped.

    Without the bound, the reader takes the whole flood into memory and the run ends unread (done, below)."""
    from workshop.backends.local.supervisor import QUEUE_ITEMS
    from workshop.backends.local.worker import BATCH_LINES

    run_id = _submit_flood(backend, tmp_path)
    run = backend.runs.live[run_id]
    # the event: the queue is full (bounded), or the run is over (every line went into the queue)
    assert wait_until(lambda: run.queue.full() or run.done.is_set(), timeout=300)
    held = _held(run)
    print(f"nobody reading: {run.queue.qsize()} items, {held} lines held of a {FLOOD_LINES}-line flood")
    assert not run.done.is_set(), f"the run ended unread: {run.queue.qsize()} items, {held} lines in memory"
    assert run.queue.qsize() == QUEUE_ITEMS and held <= QUEUE_ITEMS * BATCH_LINES
    assert run.proc.poll() is None  # the worker, its task held back through the pipe
    events = list(backend.events(run_id))  # now read: the task goes on and ends
    finished = events[-1]
    assert isinstance(finished, RunFinished) and finished.state.value == "SUCCEEDED", finished
    lines = [e.line for e in events if isinstance(e, LogLine) and e.task == "square"]
    assert sum(" flood xxx" in line for line in lines) == FLOOD_LINES and "flood: last line" in lines


async def test_the_run_panel_takes_a_flood_no_faster_than_its_intake(home: Path, tmp_path: Path) -> None:
    """A real flood's run, then its journal read back by the supervisor (as for a run of an earlier session):
    its lines come as fast as they are parsed. The run's thread hands them to the Run panel at INTAKE lines a
    second, sleeping in its own thread: meanwhile the app's loop goes on (its timer draws batches of the log),
    and every line reaches the panel.

    Without the cap, the journal's lines (its head and tail, some 16,000) go over many times faster."""
    from workshop.app import make_app
    from workshop.backends.local.supervisor import RunSupervisor
    from workshop.core.course import Course
    from workshop.core.settings import Settings
    from workshop.widgets.lesson_view import LessonView
    from workshop.widgets.run_panel import INTAKE, RunLog, RunPanel

    app = make_app(Course(Settings.load("en")), "local")
    async with app.run_test(size=(100, 30)) as pilot:
        while not app.query(RunPanel):
            await pilot.pause(0.05)
        app.query_one(LessonView).tabs.active = "tab-run"
        panel = app.query_one(RunPanel)
        backend: Any = app.backend  # the local backend: its supervisor is read below
        run_id = await asyncio.to_thread(_submit_flood, backend, tmp_path)
        ran = await asyncio.to_thread(lambda: list(backend.events(run_id)))
        assert isinstance(ran[-1], RunFinished) and ran[-1].state.value == "SUCCEEDED", ran[-1]
        taken: list[float] = []  # when each line was handed over
        log = panel.query_one("#log", RunLog)
        drawn = [len(log.lines), -1]  # the log's lines before, and while the last lines were handed over

        def read() -> None:  # what service.run does in the run's thread: each event to the panel's take_event
            for event in RunSupervisor(backend.runs.root).events(run_id):
                panel.take_event(event)
                if isinstance(event, LogLine):
                    taken.append(time.monotonic())
            drawn[1] = len(log.lines)

        await asyncio.to_thread(read)
        assert len(taken) >= INTAKE // 2, f"only {len(taken)} lines in the journal"  # half a second's
        lasted = taken[-1] - taken[0]
        rate = (len(taken) - 1) / lasted
        print(f"{len(taken)} lines of the journal handed over in {lasted:.2f} s: {rate:.0f} lines/s "
              f"(intake {INTAKE})")
        assert rate <= INTAKE * 1.1, f"{rate:.0f} lines/s, over the intake of {INTAKE}"
        # the app's loop went on meanwhile: its timer drew batches of the log while the thread was held back
        assert drawn[1] > drawn[0], "the log was not drawn while the intake held the run's thread back"
        await pilot.pause(0.5)  # the last batch
        assert ("square", "flood: last line") in panel.log_lines  # kfp's executor lines follow it
