"""While a step or a check waits on the cluster (lesson 5's InferenceService), the Run tab says what for."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.widgets import Static

from workshop.app import make_app
from workshop.core.course import Course
from workshop.core.events import RunFinished, RunState, Waiting
from workshop.core.settings import Settings
from workshop.messages import RunEventPosted
from workshop.widgets.run_panel import RunPanel


async def test_the_run_status_follows_each_waiting_event(home: Path) -> None:
    app = make_app(Course(Settings.load("en")), backend_name="local")
    async with app.run_test(size=(140, 30)) as pilot:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 30
        while not app.query(RunPanel):
            assert loop.time() < deadline
            await pilot.pause(0.02)
        panel = app.query_one(RunPanel)
        status = panel.query_one("#run-status", Static)
        panel.post_message(RunEventPosted(RunFinished("r", RunState.SUCCEEDED)))
        for detail in ("the Ready condition (not reported yet)",
                       "pod p: storage-initializer waiting (ImagePullBackOff)"):
            panel.post_message(RunEventPosted(Waiting("r", "InferenceService team-a/iris-svc", detail)))
            while detail not in str(status.render()):
                assert loop.time() < deadline, str(status.render())
                await pilot.pause(0.02)
        assert "Waiting for InferenceService team-a/iris-svc: pod p" in str(status.render())
        panel.lang = "zh"  # a panel in Chinese says the detail in Chinese where the event carries it
        said_in = {"en": "the Ready condition (not reported yet)", "zh": "Ready 条件（尚未报告）"}
        panel.post_message(RunEventPosted(Waiting("r", "InferenceService team-a/iris-svc", said_in["en"],
                                                  said_in=said_in)))
        while "Ready 条件（尚未报告）" not in str(status.render()):
            assert loop.time() < deadline, str(status.render())
            await pilot.pause(0.02)
