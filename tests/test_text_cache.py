"""A lesson's text and code as drawn, kept under the home (widgets/text_cache.py): the next start
draws exactly the same lines without rich's Markdown, pygments or a YAML parser, and a cache
file that is damaged, or a folder that cannot be written, only means drawing afresh."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console
from rich.markdown import Markdown
from textual.geometry import Region

from tests.test_app import settle
from workshop.app import make_app
from workshop.core.course import Course
from workshop.core.settings import Settings
from workshop.widgets import text_cache
from workshop.widgets.cjk_wrap import install as install_cjk_wrap
from workshop.widgets.code_view import _highlight, highlighted
from workshop.widgets.lesson_view import CODE_THEME, LessonText
from workshop.widgets.text_cache import Drawn, TextCache


def _shown(text: LessonText) -> list[str]:
    size = text.size
    return [strip.text for strip in text.render_lines(Region(0, 0, size.width, size.height))]


async def _start_and_read(lang: str, size: tuple[int, int]) -> tuple[list[str], Drawn]:
    app = make_app(Course(Settings.load(lang)), backend_name="local")
    async with app.run_test(size=size) as pilot:
        await settle(pilot, lambda: bool(app.query(LessonText)) and app.query_one(LessonText).complete)
        await pilot.pause()
        text = app.query_one(LessonText)
        return _shown(text), text._full


@pytest.mark.parametrize(("lang", "size"), [("en", (100, 30)), ("zh", (80, 24))])
async def test_a_second_start_reads_the_text_back_and_draws_the_same_lines(
        home: Path, lang: str, size: tuple[int, int]) -> None:
    first, drawn = await _start_and_read(lang, size)
    assert drawn.drawn_here >= 1 and drawn.from_disk == 0  # nothing kept yet: Markdown drew it
    assert list((home / "cache" / "text").glob("*.json"))
    again, kept = await _start_and_read(lang, size)
    assert kept.drawn_here == 0 and kept.from_disk >= 1  # read back, at the first paint: no Markdown at all
    assert again == first
    assert len(again) > 60  # the whole lesson


def test_every_lesson_read_back_is_what_markdown_draws(tmp_path: Path) -> None:
    """Every lesson, both languages, at the widths a terminal of 80 and 120 columns gives the text:
    the segments read back are the segments rich's Markdown makes (text and style)."""
    install_cjk_wrap()
    cache = TextCache(tmp_path)
    course = Course(Settings.load("en"))
    for lesson in course.lessons:
        for lang in ("en", "zh"):
            source = lesson.text(lang)
            for width in (56, 96):
                console = Console(width=width, file=open(os.devnull, "w"), color_system="truecolor")  # noqa: SIM115
                options = console.options
                fresh = list(console.render(Markdown(source, code_theme=CODE_THEME), options))
                Drawn(functools.partial(Markdown, source, code_theme=CODE_THEME), cache, "lesson-text", source
                      ).__rich_console__(console, options)
                back = cache.load("lesson-text", source, text_cache.options_key(options))
                assert back == fresh, (lesson.id, lang, width)
                console.file.close()


def test_a_damaged_cache_file_is_drawn_afresh_and_written_again(tmp_path: Path) -> None:
    console = Console(width=60, file=open(os.devnull, "w"))  # noqa: SIM115
    source = "# Title\n\nSome *text* and `code`.\n"
    cache = TextCache(tmp_path)
    key = text_cache.options_key(console.options)
    Drawn(lambda: Markdown(source), cache, "t", source).__rich_console__(console, console.options)
    (file,) = tmp_path.glob("*.json")
    good = file.read_text()
    for damage in ("", "{not json", '{"styles": [], "segments": [["x", 7]]}', '[1, 2]', "\x00" * 40):
        file.write_text(damage)
        assert cache.load("t", source, key) is None
        drawn = Drawn(lambda: Markdown(source), cache, "t", source)
        segments = drawn.__rich_console__(console, console.options)
        assert drawn.drawn_here == 1
        assert "".join(s.text for s in segments).strip().startswith("Title")
        assert file.read_text() == good  # written again, whole
    console.file.close()


def test_a_folder_that_cannot_be_written_means_drawing_each_time(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        blocked = tmp_path / "file-not-folder"
        blocked.write_text("a file where the cache folder would be")  # root writes any folder: a file stops it
        folder = blocked / "text"
    else:
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o500)
    console = Console(width=60, file=open(os.devnull, "w"))  # noqa: SIM115
    drawn = Drawn(lambda: Markdown("# Hi\n"), TextCache(folder), "t", "# Hi\n")
    segments = drawn.__rich_console__(console, console.options)
    assert "Hi" in "".join(s.text for s in segments)
    assert drawn.drawn_here == 1
    console.file.close()


def test_another_version_of_the_drawing_code_does_not_read_old_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    console = Console(width=60, file=open(os.devnull, "w"))  # noqa: SIM115
    cache = TextCache(tmp_path)
    Drawn(lambda: Markdown("# Hi\n"), cache, "t", "# Hi\n").__rich_console__(console, console.options)
    key = text_cache.options_key(console.options)
    assert cache.load("t", "# Hi\n", key) is not None
    monkeypatch.setattr(text_cache, "_stamp", "rich:another-version")
    assert cache.load("t", "# Hi\n", key) is None
    console.file.close()


def test_the_cache_keeps_at_most_its_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_cache, "KEEP", 10)
    console = Console(width=40, file=open(os.devnull, "w"))  # noqa: SIM115
    cache = TextCache(tmp_path)
    for n in range(25):
        drawn = Drawn(functools.partial(Markdown, f"# {n}\n"), cache, "t", f"# {n}\n")
        drawn.__rich_console__(console, console.options)
    assert len(list(tmp_path.glob("*.json"))) <= 10
    assert not list(tmp_path.glob(".text-*"))  # no half-written file left
    console.file.close()


def test_highlighted_code_read_back_is_what_pygments_made(tmp_path: Path) -> None:
    code = Path(__file__).resolve().parents[1].joinpath("pipelines", "pythagorean.py").read_text()
    highlighted.cache_clear()
    made = highlighted(code, tmp_path)
    assert list(tmp_path.glob("*.json"))
    highlighted.cache_clear()
    back = highlighted(code, tmp_path)
    assert back.plain == made.plain == "".join(s.text for s in _highlight(code))
    assert back.spans == made.spans
    assert len({span.style for span in back.spans}) > 3  # highlighted, not plain
    highlighted.cache_clear()


_IDLE = """
import sys
from workshop.app import make_app
from workshop.core.course import Course
from workshop.core.settings import Settings
from workshop.widgets.lesson_view import Later, LessonText
from workshop.widgets.run_graph import RunGraphView

async def main():
    app = make_app(Course(Settings.load("en")), "local")
    async with app.run_test(size=(100, 30)) as pilot:
        def idle():
            graphs = list(app.query(RunGraphView))
            return (app.query(LessonText) and app.query_one(LessonText).complete and not app.query(Later)
                    and graphs and all(g.graph is not None for g in graphs))
        while not idle():  # the text, the other tabs and both run graphs (compiled aside) drawn
            await pilot.pause(0.05)
        print(*(name in sys.modules for name in ("rich.markdown", "pygments", "yaml", "rich._emoji_codes")))

import asyncio
asyncio.run(main())
"""


def test_a_second_start_loads_no_markdown_pygments_or_yaml_while_idle(home: Path) -> None:
    """Issue 13's memory: the idle app (lesson 1's text, its code, its two run graphs) imports rich's
    Markdown, pygments and a YAML parser only the first time; the next start reads what they made.
    Rich's emoji table (1.2 MiB) is never loaded: the task table's headers are Text, not markup."""
    def start() -> str:
        out = subprocess.run([sys.executable, "-c", _IDLE], capture_output=True, text=True, timeout=120,
                             env={**os.environ, "WORKSHOP_HOME": str(home)})
        assert out.returncode == 0, out.stderr[-3000:]
        return out.stdout.split("\n")[-2]

    assert start() == "True True False False"  # the first: drawn (the graph's documents come as JSON)
    assert start() == "False False False False"
