"""One lesson: its explanation, its pipeline code and its Run tab.

The lesson's text is what the learner reads first: it is composed and drawn alone. The other
tabs' widgets (the code view, the Run panel with its graph and worker, the training curves,
Try the model) are imported and mounted once the text has been drawn, or as soon as one of
their tabs is opened. Textual's Lazy mounts after the first refresh, which comes before the
text is laid out and drawn: their mounting and the preview compile the Run panel starts then
delayed the text by a few hundred milliseconds.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static, TabbedContent, TabPane

from workshop.core.course import LessonState
from workshop.core.lessons import Lesson
from workshop.messages import ChecksShown
from workshop.ui_text import t
from workshop.widgets.checks_view import ChecksView
from workshop.widgets.text_cache import Drawn, TextCache

# After the text has been drawn, the rest mounts at the latest this many seconds after the view
# (a view whose text is never drawn: another tab restored at start-up, a screen on top).
REST_AT_THE_LATEST = 1.0


_frozen = False
YOUNG = 10_000  # objects allocated (less those freed) between two collections of the youngest generation


def freeze_the_heap() -> None:
    """Once the first lesson's tabs have all mounted, what the app holds from then on (Textual, Rich, the
    course, the widgets) is left out of Python's full collections: each went through all of it, some 70 ms on
    the main thread, and one came every ten keys or so (more often while a task floods), the slowest keys by
    far. Done once: a lesson's view removed later is collected as before (the first one is kept)."""
    global _frozen
    if not gc.isenabled():  # off since `workshop start` began importing (workshop.cli)
        gc.collect()
        gc.enable()
    if not _frozen:  # not gc.get_freeze_count(): Python 3.11 counts the frozen objects one by one, 10 ms a call
        _frozen = True
        gc.freeze()
        # A young generation of YOUNG objects, not 700. While a task floods, its lines wait for the next batch
        # (0.1-0.3 s) and at 700 they outlived the two young collections: some 40,000 objects a second reached
        # the old generation and died there, and a full collection of it (50-90 ms, the tail of the keys)
        # came every second. At 10,000 they die young: 1 full collection in a 20 s flood instead of 33, and
        # less time collecting in all (bench/bench_flood_keys.py --real 30, 2-core machine).
        gc.set_threshold(YOUNG, *gc.get_threshold()[1:])


class Later(Widget):
    """A placeholder the view replaces by `make()` once the lesson's text is on screen."""

    DEFAULT_CSS = "Later { display: none; }"

    def __init__(self, make: Callable[[], Widget]) -> None:
        super().__init__()
        self.make = make


def first_part(text: str, lines: int) -> str:
    """The lesson's text up to the first heading after `lines` source lines (outside code
    fences), or all of it. Rich's Markdown draws block after block, each on its own, so the part
    is drawn exactly as the top of the whole text is; cut before a heading, no list or
    paragraph is split."""
    fence = False
    source = text.splitlines(keepends=True)
    for number, line in enumerate(source):
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
        elif not fence and number >= lines and line.startswith("#"):
            return "".join(source[:number])
    return text


def _plain_markdown(text: str) -> Any:
    """Rich's Markdown with its code blocks drawn as plain text, in the same box: what the
    first paint shows while the syntax highlighter's lexers (pygments compiles their regular
    expressions on first use: about 100 ms for Python, YAML and shell) are not loaded yet."""
    from rich.markdown import CodeBlock
    from rich.markdown import Markdown as RichMarkdown
    from rich.syntax import Syntax

    class PlainCodeBlock(CodeBlock):
        def __rich_console__(self, console: Any, options: Any) -> Any:
            yield Syntax(str(self.text).rstrip(), "text", theme=self.theme, word_wrap=True, padding=1)

    class PlainMarkdown(RichMarkdown):
        elements = {**RichMarkdown.elements, "fence": PlainCodeBlock, "code_block": PlainCodeBlock}

    return PlainMarkdown(text, code_theme=CODE_THEME)


CODE_THEME = "ansi_dark"

# The first paint draws this many times the screen's height of source lines (rendered, a line
# of the source is at least one line on screen, but a paragraph's short lines may join).
FIRST_PART_SCREENS = 2


def _markdown(text: str) -> Any:
    from rich.markdown import Markdown as RichMarkdown

    return RichMarkdown(text, code_theme=CODE_THEME)


class _FirstPaint:
    """What the first paint draws: the whole text when it is kept on disk at this width (no
    Markdown at all), else the top of it with its code plain. The first draw decides, so that a
    measure and the draw that follows it agree."""

    def __init__(self, full: Drawn, part: Drawn) -> None:
        self.full = full
        self.part = part
        self.whole: bool | None = None  # None until the first draw

    def __rich_console__(self, console: Any, options: Any) -> Any:
        if self.whole is None:
            self.whole = self.full.cached(options) is not None
        return (self.full if self.whole else self.part).__rich_console__(console, options)

    def __rich_measure__(self, console: Any, options: Any) -> Any:
        return self.full.__rich_measure__(console, options)


class LessonText(Static):
    """The lesson's text. The first paint draws the whole text if it was drawn at this width
    before (kept under the home, widgets/text_cache.py), else the top of it (a couple of
    screens), its code plain; right after that paint, the whole text with its code highlighted
    (what stays), and then its view mounts the other tabs."""

    drawn = False  # the first part has been drawn
    complete = False  # the whole text is the content

    def __init__(self, text: str, rows: int, cache: TextCache | None = None, **kwargs: Any) -> None:
        self.text = text
        part = first_part(text, max(rows, 1) * FIRST_PART_SCREENS)
        self.complete = part == text and "```" not in text and "~~~" not in text
        self._full = Drawn(lambda: _markdown(text), cache, "lesson-text", text)
        if self.complete:
            first: Any = self._full
        else:
            first = self._first = _FirstPaint(self._full, Drawn(lambda: _plain_markdown(part)))
        super().__init__(first, **kwargs)

    def render_lines(self, crop: Region) -> list[Strip]:
        lines = super().render_lines(crop)
        if not self.drawn:
            self.drawn = True
            self.call_after_refresh(self._after_first_paint)
        return lines

    def _after_first_paint(self) -> None:
        if not gc.isenabled():  # off since `workshop start` began importing (workshop.cli): its work is done
            # now, not once the other tabs have mounted: their garbage is collected as it comes (0.4 MiB less
            # at idle, bench_startup.py), and the collection comes after the first paint, not before it
            gc.collect()
            gc.enable()
        self.show_all()
        view = next((a for a in self.ancestors if isinstance(a, LessonView)), None)
        if view is not None:
            self.call_after_refresh(view.mount_rest)

    def show_all(self) -> None:
        """The whole text, its code highlighted (at once, if the first part is not drawn yet)."""
        if not self.complete:
            self.complete = True
            if not self._first.whole:  # the whole text was read back for the first paint: it is shown
                self.update(self._full)


def _code_view(lesson: Lesson, lang: str) -> Widget:
    from workshop.widgets.code_view import CodeView

    return CodeView(lesson, lang, id="code-view")


def _run_panel(lesson: Lesson, lang: str) -> Widget:
    from workshop.widgets.run_panel import RunPanel

    return RunPanel(lesson, lang, id="run-panel")


def _training_plot(lesson: Lesson, lang: str) -> Widget:
    from workshop.widgets.training_plot import TrainingPlot

    return TrainingPlot(lesson, lang, id="checks-curve")  # the last run's curve, as evidence


def _try_model(lesson: Lesson, lang: str) -> Widget:
    from workshop.widgets.try_model import TryModel

    return TryModel(lesson, lang)


class LessonView(Vertical):
    # The text's scrollbar has its room from the first layout: otherwise Textual lays the text out
    # at the full width, finds it overflows, and lays it out (and draws it) again 2 cells narrower.
    DEFAULT_CSS = "LessonView #tab-lesson > VerticalScroll { scrollbar-gutter: stable; }"

    def __init__(self, lesson: Lesson, state: LessonState, lang: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lesson = lesson
        self.state = state
        self.lang = lang
        self._rest_lock = asyncio.Lock()

    def compose(self) -> ComposeResult:
        lesson, lang = self.lesson, self.lang
        blocked = self.state in (LessonState.LOCKED, LessonState.COMING_SOON)
        with TabbedContent(id="lesson-tabs"):
            with TabPane(t(lang, "tab_lesson"), id="tab-lesson"), VerticalScroll():
                if self.state is LessonState.LOCKED:
                    yield Static(t(lang, "locked", req=", ".join(map(str, lesson.requires))), classes="banner")
                elif self.state is LessonState.COMING_SOON:
                    yield Static(t(lang, "coming_soon"), classes="banner")
                # one widget for the whole text (rich's Markdown): Textual's Markdown widget mounts a
                # widget per block, which costs a lesson screen half a second on a small machine
                yield LessonText(lesson.text(lang), self.app.size.height, self._text_cache(), id="lesson-text")
            # The hidden tabs' widgets come once the text is drawn (see the module's docstring).
            with TabPane(t(lang, "tab_code"), id="tab-code"):
                yield Later(lambda: _code_view(lesson, lang))
            with TabPane(t(lang, "tab_run"), id="tab-run", disabled=blocked):
                yield Later(lambda: _run_panel(lesson, lang))
            with TabPane(t(lang, "checks"), id="tab-checks"), VerticalScroll(id="checks-scroll"):
                checks = ChecksView(id="checks")
                checks.headers = (t(lang, "col_check"), t(lang, "col_seen"), t(lang, "col_hint"))
                checks.empty_text = t(lang, "no_checks_yet")
                checks.lang = lang
                yield checks
                yield Later(lambda: _training_plot(lesson, lang))
            if "try_model" in lesson.extra:
                with TabPane(t(lang, "try_model"), id="tab-try", disabled=blocked):
                    yield Later(lambda: _try_model(lesson, lang))

    def _text_cache(self) -> TextCache:
        course = getattr(self.app, "course", None)
        return TextCache(course.settings.home / "cache" / "text" if course is not None else None)

    _curve_wanted = False  # the last run's results are shown: the curve follows once it is mounted
    _rest_done = False  # every placeholder has been replaced

    async def rest_mounted(self) -> None:
        """Return once no mount of the other tabs is under way (before this view is removed)."""
        async with self._rest_lock:
            pass

    async def mount_rest(self) -> None:
        """Mount what waited for the text (once; again is a no-op)."""
        if self._rest_done:  # every tab key asks: a walk of the whole view for no placeholder, each time
            return
        async with self._rest_lock:  # the timer, the drawn text and a tab may all ask at once
            if not self.is_mounted or self._closing or self._rest_done:
                return
            for later in list(self.query(Later)):
                parent = later.parent
                if not isinstance(parent, Widget) or not later.is_mounted:
                    continue
                await parent.mount(later.make(), after=later)
                await later.remove()
            self._rest_done = True
            freeze_the_heap()
            keep = getattr(self.app, "keep_parsed_css", None)
            if keep is not None:
                keep()
        if self._curve_wanted:
            for plot in self.query("#checks-curve"):
                plot.show_saved()  # type: ignore[attr-defined]

    def on_mount(self) -> None:
        self.set_timer(REST_AT_THE_LATEST, self.mount_rest)
        # Coming back to a lesson (or to the app) shows the checks of its last run, as they were.
        course = getattr(self.app, "course", None)
        run = course.progress.last_run(self.lesson.id) if course is not None else None
        if run is not None and run.checks and run.state != "CANCELED":
            from workshop.core.check_base import CheckResult

            results = [CheckResult.from_dict(item) for item in run.checks]
            self._show_results(results)
            titles = {spec.id: spec.title_in(self.lang) for spec in self.lesson.checks}
            if any(titles.get(r.id, r.title) != r.title for r in results):
                self._in_this_language(run, results)  # checked in the other language

    @work(thread=True, exclusive=True, exit_on_error=False, group="checks-language")
    def _in_this_language(self, run: Any, shown: list[Any]) -> None:
        """The last run's checks said again in this view's language (after `l`), not recorded.

        Said again only if they come out as they did: otherwise (a service stopped since) the
        shown results keep their verdicts and summaries, with titles and hints in this language."""
        from workshop.core import service

        app: Any = self.app
        fresh = service.checks_in_language(app.course, app.backend, self.lesson, run, shown, self.lang)
        self.app.call_from_thread(self._show_if_mounted, fresh)

    def _show_if_mounted(self, results: list[Any]) -> None:
        if self.is_mounted:  # the learner may have moved on to another lesson meanwhile
            self._show_results(results)

    def on_checks_shown(self, message: ChecksShown) -> None:
        results: list[Any] = message.results
        self._show_results(results)
        if results:
            # after the Run panel's own focus moves (its buttons change state), or focus coming back
            # to a button there would switch the tabs back to Run
            self.call_after_refresh(self._show_checks)

    def _show_results(self, results: list[Any]) -> None:
        self.query_one(ChecksView).show(results)
        self._curve_wanted = True
        for plot in self.query("#checks-curve"):  # mounted once the text is drawn
            plot.show_saved()  # type: ignore[attr-defined]
        tab = self.tabs.get_tab("tab-checks")
        if results:
            counts = {status: sum(1 for r in results if r.status.value == status)
                      for status in ("passed", "failed", "skipped")}
            # a skipped check is neither passed nor failed: each gets its own count
            marks = [f"{mark} {counts[status]}" for status, mark in
                     (("passed", "✅"), ("failed", "❌"), ("skipped", "⏭")) if counts[status]]
            tab.label = f"{t(self.lang, 'checks')} {' '.join(marks)}"
        else:
            tab.label = t(self.lang, "checks")

    async def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id != "tab-lesson":
            await self.mount_rest()  # a tab opened before the text was drawn: its widgets now
        if event.pane.id == "tab-checks":
            for checks in self.query(ChecksView):  # back on the tab by its key or a click: ↑ ↓ and y act at once
                if checks.results:
                    checks.focus()
        # The rest waits for the frame that shows the tab: writing the place file and reading the learner's
        # file and progress again took 10-60 ms of a tab key on a loaded 2-core machine, before anything drew.
        if event.pane.id:
            self.call_after_refresh(self._tab_shown, event.pane.id)

    def _tab_shown(self, pane: str) -> None:
        if not self.is_mounted or self._closing:
            return
        remember = getattr(self.app, "remember_place", None)
        if remember is not None and getattr(self.app, "current_lesson_id", None) == self.lesson.id:
            remember(pane)
        if self.tabs.active != pane:  # another key came first: what it shows is refreshed when it opens
            return
        # A learner who opens the Run tab is about to run: start a worker now (not at start-up,
        # where it would only cost memory while the learner reads).
        if pane == "tab-run":
            for panel in self.query("#run-panel"):
                panel.prewarm()  # type: ignore[attr-defined]
                panel.show_source()  # type: ignore[attr-defined]  # the mode may have changed on the Pipeline code tab
        elif pane == "tab-code":
            # the learner may have edited their file, or a run may have unlocked the solution
            for view in self.query("#code-view"):
                view.reload()  # type: ignore[attr-defined]

    def _show_checks(self) -> None:
        self.tabs.active = "tab-checks"
        self.query_one(ChecksView).focus()  # ↑ ↓ choose a check, y opens the YAML where it looked

    def on_checks_view_open_spot(self, message: ChecksView.OpenSpot) -> None:
        """The compiled YAML of the run these checks judged, at the places the check read."""
        from pathlib import Path

        from workshop.core.spec_place import locate_all
        from workshop.screens.yaml_spot import YamlSpot

        course = getattr(self.app, "course", None)
        run = course.progress.last_run(self.lesson.id) if course is not None else None
        if run is None or not run.package_path:
            self.notify(t(self.lang, "spot_no_yaml", path="-"), severity="warning")
            return
        path = Path(run.package_path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            self.notify(t(self.lang, "spot_no_yaml", path=path), severity="warning")
            return
        self.app.push_screen(YamlSpot(text, locate_all(text, message.result.places), str(path), self.lang))

    @property
    def tabs(self) -> TabbedContent:
        return self.query_one("#lesson-tabs", TabbedContent)
