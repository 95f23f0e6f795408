"""The lesson's text paints its top first, its code plain, then the whole text highlighted
(widgets/lesson_view.py): what stays on screen is what a Static with rich's Markdown of the
whole lesson draws, and the first paint's lines are the top of it, at the same width."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.markdown import Markdown
from textual.geometry import Region

from tests.test_app import settle
from workshop.app import make_app
from workshop.core.course import Course
from workshop.core.settings import Settings
from workshop.widgets.lesson_view import LessonText, first_part


def _lines(widget: LessonText) -> list[list[object]]:
    size = widget.size
    return [list(strip) for strip in widget.render_lines(Region(0, 0, size.width, size.height))]


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_the_first_paint_is_the_top_of_the_text_that_stays(
        home: Path, monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    first: list[tuple[int, list[str]]] = []  # (width, visible lines) of the text's first draw
    real = LessonText.render_lines

    def recording(self: LessonText, crop: Region) -> list:
        lines = real(self, crop)
        if not first:
            first.append((self.size.width, [strip.text for strip in lines]))
        return lines

    monkeypatch.setattr(LessonText, "render_lines", recording)
    app = make_app(Course(Settings.load(lang)), backend_name="local")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: bool(app.query(LessonText)) and app.query_one(LessonText).complete)
        await pilot.pause()
        text = app.query_one(LessonText)
        lesson = app.course.lesson(1)
        shown = _lines(text)
        width = text.size.width
        # what the app drew before this change: a Static with rich's Markdown of the whole text
        text.update(Markdown(lesson.text(app.lang), code_theme="ansi_dark"))
        await pilot.pause()
        assert text.size.width == width
        assert shown == _lines(text)
        assert len(shown) > 60  # the whole lesson, not its first part
        first_width, first_lines = first[0]
        assert first_width == width  # drawn once at its final width, not again 2 cells narrower
        assert first_lines == [strip.text for strip in
                               text.render_lines(Region(0, 0, width, len(first_lines)))]


def test_the_first_part_is_cut_before_a_heading_outside_code() -> None:
    text = "# T\n\none\ntwo\n```python\n# not a heading\nx = 1\n```\n## Next\nthree\n## Last\n"
    assert first_part(text, 2) == "# T\n\none\ntwo\n```python\n# not a heading\nx = 1\n```\n"
    assert first_part(text, 9) == text.split("## Last")[0]
    assert first_part(text, 100) == text  # no heading after that many lines: all of it


async def test_the_start_lesson_is_composed_with_the_frame(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The lesson's text is in the app's first frame: the view is there when the app mounts, not
    mounted one refresh later (which cost a frame and a layout of the whole screen)."""
    from workshop.app import WorkshopApp
    from workshop.widgets.lesson_list import LessonList

    seen: list[bool] = []
    real = WorkshopApp.on_mount

    async def recording(self: WorkshopApp) -> None:
        seen.append(bool(self.query(LessonText)))
        await real(self)

    monkeypatch.setattr(WorkshopApp, "on_mount", recording)
    app = make_app(Course(Settings.load("en")), backend_name="local")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: bool(app.query(LessonText)) and app.query_one(LessonText).complete)
        assert seen == [True]
        assert app.rendered == [1]  # composed once, not rendered again by the lesson worker
        assert app.current_lesson_id == 1
        assert app.query_one(LessonList).highlighted == 0


_GC_AFTER_IMPORT = """
import sys
sys.argv = {argv!r}
import workshop.cli
import gc
print(gc.isenabled())
"""


def _gc_after_importing_the_cli(argv: list[str]) -> bool:
    out = subprocess.run([sys.executable, "-c", _GC_AFTER_IMPORT.format(argv=argv)], capture_output=True,
                         text=True, check=True, timeout=60)
    return out.stdout.strip().splitlines()[-1] == "True"


@pytest.mark.parametrize(("argv", "enabled"), [
    (["/x/bin/workshop", "start"], False),
    (["/x/bin/workshop", "--lang", "zh", "start", "--backend", "local"], False),
    (["/x/workshop/__main__.py", "start"], False),
    (["/x/bin/workshop", "list"], True),
    (["/x/bin/workshop", "run", "start"], True),  # `start` as a word of another command
    (["-c"], True),
])
def test_only_starting_the_app_imports_with_the_collector_off(argv: list[str], enabled: bool) -> None:
    assert _gc_after_importing_the_cli(argv) is enabled


_START_IMPORTS = """
import sys
sys.argv = ["/x/bin/workshop", "start"]
import workshop.cli, workshop.app
from workshop.widgets import lesson_view
from workshop.cli.common import open_course
open_course("en").states()
print(" ".join(m for m in ("workshop.core.events", "workshop.core.ports", "workshop.core.progress_mirror",
                           "rich.markdown", "yaml", "tomllib") if m in sys.modules))
from workshop.widgets import cjk_wrap
print(cjk_wrap._token.cache_info().currsize)
"""


def test_what_the_first_screen_waits_for_leaves_out_the_run_events_and_ports(home: Path) -> None:
    """Issue 13's first screen: `workshop start` imports the CLI, the app, the lesson's view and opens
    the course before it draws; the run events and the backend's ports (some twenty dataclasses and
    protocols), the progress mirror, Markdown and YAML come later, and the Chinese line-breaking
    pattern is compiled only for a text with Chinese in it. From the second start on, the lesson
    files are read back, not parsed as TOML."""
    def start() -> list[str]:
        out = subprocess.run([sys.executable, "-c", _START_IMPORTS], capture_output=True, text=True, timeout=60,
                             env={**os.environ, "WORKSHOP_HOME": str(home)})
        assert out.returncode == 0, out.stderr[-3000:]
        return out.stdout.splitlines()

    assert start() == ["tomllib", "0"]
    assert start() == ["", "0"]


def test_any_other_command_turns_the_collector_back_on(home: Path) -> None:
    import gc

    from click.testing import CliRunner

    from workshop.cli import main

    gc.disable()
    try:
        result = CliRunner().invoke(main, ["list"])
        assert result.exit_code == 0, result.output
        assert gc.isenabled()
    finally:
        gc.enable()


async def test_the_app_turns_the_collector_on_and_freezes_the_heap(home: Path) -> None:
    import gc

    from workshop.widgets.lesson_view import LessonView

    gc.disable()
    try:
        app = make_app(Course(Settings.load("en")), backend_name="local")
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot, lambda: bool(app.query(LessonView)))
            await app.query_one(LessonView).rest_mounted()
            assert gc.isenabled()
            assert gc.get_freeze_count() > 0
    finally:
        gc.enable()
