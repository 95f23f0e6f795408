"""The footer redraws its keys once for a burst of binding changes (widgets/footer.py), and
what it draws follows the bindings as they are when it redraws (a language switch)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets._footer import FooterKey

from tests.test_app import new_app, settle
from workshop.app import make_app
from workshop.core.course import Course
from workshop.core.settings import Settings
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


def _overlapped(app) -> list[str]:
    """The keys the command palette's key (docked right) covers, or that run past the footer."""
    footer = app.query_one(Footer)
    palette = [key for key in app.query(FooterKey) if key.has_class("-command-palette")]
    right = palette[0].region.x if palette else footer.region.right
    return [f"{key.key_display} {key.description}" for key in app.query(FooterKey)
            if not key.has_class("-command-palette") and key.region.right > right]


async def test_at_80_columns_in_chinese_every_key_fits_beside_the_palette(home: Path) -> None:
    """At 80×24 in Chinese the palette's key covered the last one: "1-5 页签" read "1-5 页"."""
    app = make_app(Course(Settings.load("zh")), backend_name="local")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: _drawn(app).get("1") == "页签")
        await settle(pilot, lambda: not _overlapped(app), timeout=5)
        assert not _overlapped(app)
        await pilot.resize_terminal(160, 50)  # room again: the keys are drawn wide
        await settle(pilot, lambda: not app.query_one(Footer).compact, timeout=5)
        assert not _overlapped(app)
