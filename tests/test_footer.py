"""The footer redraws its keys once for a burst of binding changes (widgets/footer.py), and
what it draws follows the bindings as they are when it redraws (a language switch)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets._footer import FooterKey

from tests.test_app import new_app, settle
from workshop.widgets.footer import Footer
from workshop.widgets.lesson_view import LessonText


def _drawn(app) -> dict[str, str]:
    return {key.key: key.description for key in app.query(FooterKey)}


async def test_binding_changes_in_a_burst_redraw_the_footer_once(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = new_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: bool(app.query(LessonText)) and app.query_one(LessonText).complete)
        await settle(pilot, lambda: _drawn(app).get("r") == "Run")
        recomposes = []
        real = Footer.recompose

        async def counting(self: Footer) -> None:
            recomposes.append(1)
            await real(self)

        monkeypatch.setattr(Footer, "recompose", counting)
        for _ in range(3):
            app.screen.refresh_bindings()
        await pilot.pause()
        await pilot.pause()
        assert len(recomposes) == 1
        await pilot.press("l")  # the labels change: the footer draws them
        await settle(pilot, lambda: _drawn(app).get("r") == "运行")
        assert _drawn(app)["l"] == "English"
