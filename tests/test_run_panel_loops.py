"""The Run tab shows each ParallelFor iteration as a row of its own (events as the local worker emits them)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.widgets import DataTable

from workshop.app import make_app
from workshop.core.course import Course
from workshop.core.events import RunEvent, RunStarted, TaskFinished, TaskStarted, TaskState
from workshop.core.settings import Settings
from workshop.messages import RunEventPosted
from workshop.widgets.run_panel import RunPanel


async def test_iterations_get_their_own_rows_and_the_loop_body_row_goes(home: Path) -> None:
    app = make_app(Course(Settings.load("en")), backend_name="local")
    async with app.run_test(size=(100, 30)) as pilot:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 30
        while not app.query(RunPanel):
            assert loop.time() < deadline
            await pilot.pause(0.02)
        panel = app.query_one(RunPanel)
        # a backend that lists the loop body's task up front, as a cluster's run details do
        events: list[RunEvent] = [RunStarted("r", "fanout", ("square", "total")),
                  TaskStarted("r", "square[0]"), TaskStarted("r", "square[1]"),
                  TaskFinished("r", "square[1]", TaskState.SUCCEEDED, {"Output": 1}),
                  TaskFinished("r", "square[0]", TaskState.FAILED, {})]
        for event in events:
            panel.post_message(RunEventPosted(event))
        table = panel.query_one("#tasks", DataTable)
        deadline = loop.time() + 30
        while len(table.rows) != 3 or "square" in {k.value for k in table.rows}:
            assert loop.time() < deadline, {str(k.value) for k in table.rows}
            await pilot.pause(0.02)
        await pilot.pause()
        states = {str(k.value): str(table.get_cell(k, "state")) for k in table.rows}
        assert states == {"square[0]": "FAILED", "square[1]": "SUCCEEDED", "total": "PENDING"}
