"""The app under a learner's keyboard: keys faster than a lesson renders, help, tabs, focus."""

from __future__ import annotations

from pathlib import Path

from textual import events

from tests.test_app import new_app, settle
from workshop.widgets.lesson_list import LessonList
from workshop.widgets.lesson_view import LessonView
from workshop.widgets.run_panel import RunPanel


def post_keys(app, *keys: str) -> None:
    """Queue the keys at once, as a held-down key does: the app reads them faster than it renders."""
    for key in keys:
        event = events.Key(key, None)
        event.set_sender(app)
        app.post_message(event)


async def test_fast_keys_render_only_the_last_lesson(home: Path) -> None:
    app = new_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: bool(app.query(RunPanel)))
        app.query_one(LessonList).focus()
        await pilot.pause()
        assert app.rendered == [1]
        post_keys(app, "down", "down")
        await settle(pilot, lambda: app.current_lesson_id == 3
                     and app.query_one(LessonList).highlighted == 2)
        seen = list(app.rendered)
        for _ in range(20):  # nothing keeps rendering on its own: the highlight stays put
            await pilot.pause()
        assert app.rendered == seen
        assert app.rendered[-1] == 3 and 3 not in app.rendered[:-1]
        assert app.query_one(LessonList).highlighted == 2
        assert len(app.query(LessonView)) == 1


async def test_quitting_while_a_lesson_renders_exits_cleanly(home: Path) -> None:
    app = new_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: bool(app.query(RunPanel)))
        app.query_one(LessonList).focus()
        await pilot.pause()
        post_keys(app, "down", "down", "down")
        for _ in range(5):
            await pilot.pause()
        post_keys(app, "down", "ctrl+q")
    # run_test re-raises what the app raised (the MountError of a half-done render)
    assert app.return_code in (0, None)
