"""The Pipeline code tab: the reference pipeline, or the learner's own file in exercise mode.

In exercise mode the reference solution stays hidden until the lesson is passed or skipped,
or after three failed attempts (the application service, workshop.core.service, decides; this only shows it).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, ScrollableContainer, Vertical
from textual.widgets import Button, Static

from workshop.core import service
from workshop.core.lessons import Lesson, LessonError
from workshop.ui_text import t
from workshop.widgets.code_compare import CodeCompare
from workshop.widgets.run_graph import RunGraphView
from workshop.widgets.text_cache import TextCache

_CODE_KEY = ("python", "ansi_dark", "line-numbers", "no-wrap")  # how `highlighted` draws, for its cache


@functools.lru_cache(maxsize=16)
def highlighted(code: str, folder: Path | None = None) -> Text:
    """The code, highlighted with line numbers, as plain styled Text: made once per source.

    A Syntax in the Static ran pygments over the whole file each time the Static drew it (every show of the
    tab, 12-60 ms); this Text draws as fast as any. Its lines are as wide as the code's widest (no wrap, so
    long lines scroll sideways), whatever the width of the pane. With a `folder`, what pygments made is kept
    there (widgets/text_cache.py) and read back for the same code: the app's next start does not load pygments
    (some 3 MiB and 40 ms) to show a file it has shown before."""
    cache = TextCache(folder)
    segments = cache.load("code", code, _CODE_KEY)
    if segments is None:
        segments = _highlight(code)
        cache.save("code", code, _CODE_KEY, segments)
    text = Text(no_wrap=True, overflow="ignore", end="")
    for segment in segments:
        text.append(segment.text, segment.style)
    return text


def _highlight(code: str) -> list[Segment]:
    from rich.syntax import Syntax

    syntax = Syntax(code, "python", line_numbers=True, theme="ansi_dark")
    console = Console(width=10_000, color_system="truecolor", legacy_windows=False)
    width = max((cell_len(line) for line in code.splitlines()), default=0) + len(str(code.count("\n") + 1)) + 3
    segments: list[Segment] = []
    for number, line in enumerate(console.render_lines(syntax, console.options.update_width(width), pad=False)):
        if number:
            segments.append(Segment("\n"))
        # one span a run of one style, as the Syntax drew it
        segments.extend(segment for segment in Segment.simplify(line) if not segment.control)
    return segments


def _read(path: Any) -> str:
    try:
        return str(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return f"# cannot read {path}: {exc}"


class _CodeScroll(ScrollableContainer):
    """The code's scroll area: says when its width changes (the graph beside it went or came back), so a
    comparison is drawn again at the width it has now, whenever the layout gets to it."""

    def on_resize(self, event: events.Resize) -> None:
        for view in self.ancestors_with_self:
            if isinstance(view, CodeView):
                view.code_resized()
                break


class _Note(Static):
    """The line above the code. Opening the Pipeline code tab says it again (the learner may have edited
    their file): the same words are not drawn again, nor is the screen laid out again for them."""

    def update(self, content: Any = "", *, layout: bool = True) -> None:
        if isinstance(content, str) and isinstance(self.content, str) and content == self.content:
            return
        super().update(content, layout=layout)


class CodeView(Vertical):
    def __init__(self, lesson: Lesson, lang: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lesson = lesson
        self.lang = lang
        self.showing_solution = False
        self.comparing = False
        self.shown = ""  # the code on screen, as text
        self._drawn = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="code-actions"):
            yield Button(t(self.lang, "exercise_start"), id="exercise-start", variant="primary")
            yield Button(t(self.lang, "solution_show"), id="solution")
            yield Button(t(self.lang, "compare"), id="compare")  # once the solution unlocks
            yield Button(t(self.lang, "exercise_fresh"), id="exercise-fresh")
            yield Button(t(self.lang, "exercise_off"), id="exercise-off")
        yield _Note(id="code-note")
        yield RunGraphView(self.lesson, self.lang, id="code-graph", classes="beside-code")  # the compile, drawn
        with _CodeScroll(id="code-scroll"):  # long lines scroll sideways, not cut off
            yield Static(id="code")
            yield CodeCompare(id="compare-view")

    def on_mount(self) -> None:
        if not self.query("#exercise-start"):  # removed while it mounted (the lesson was drawn again)
            return
        self.reload()

    @property
    def _course(self) -> Any:
        return self.app.course  # type: ignore[attr-defined]

    def reload(self) -> None:
        """Show what is true now: the mode, the learner's file as saved, the solution's gate."""
        for view in self.query(RunGraphView):
            view.show_code()  # the learner may have edited their file
        self._reload()
        self._compare()

    def _compare(self) -> None:
        """Compare with the solution: offered once it unlocks, in place of the code while on."""
        course, lesson = self._course, self.lesson
        mine = service.exercise_file(course, lesson)
        offered = (service.in_exercise(course, lesson) and mine.is_file() and lesson.pipeline_file.is_file()
                   and service.solution_gate(course, lesson).unlocked)
        button = self.query_one("#compare", Button)
        button.display = offered
        self.comparing = self.comparing and offered
        button.label = t(self.lang, "compare_off" if self.comparing else "compare")
        view = self.query_one("#compare-view", CodeCompare)
        view.display = self.comparing
        self.query_one("#code", Static).display = not self.comparing
        for graph_view in self.query(RunGraphView):
            graph_view.display = not self.comparing  # the two files need the width
        if self.comparing:
            self._draw_compare()
            # the graph just went away: once the layout gives the two files its width, draw them in it
            self.call_after_refresh(self._draw_compare)

    def code_resized(self) -> None:
        if self.comparing:
            self._draw_compare()

    def _draw_compare(self) -> None:
        if not self.comparing:
            return
        course, lesson = self._course, self.lesson
        mine = service.exercise_file(course, lesson)
        view = self.query_one("#compare-view", CodeCompare)
        width = self.query_one("#code-scroll").size.width or self.size.width
        count = view.show(_read(mine), lesson.code(), t(self.lang, "compare_mine", name=mine.name),
                          t(self.lang, "compare_reference"), max(width - 2, 40))
        self.query_one("#code-note", Static).update(t(self.lang, "compare_note", count=count))

    @on(Button.Pressed, "#compare")
    def toggle_compare(self, event: Button.Pressed) -> None:
        event.stop()
        self.comparing = not self.comparing
        self.showing_solution = False
        self.reload()

    def _reload(self) -> None:
        course, lang, lesson = self._course, self.lang, self.lesson
        mine = service.exercise_file(course, lesson)
        exercising = service.in_exercise(course, lesson)
        start = self.query_one("#exercise-start", Button)
        solution = self.query_one("#solution", Button)
        self.query_one("#exercise-fresh", Button).display = exercising
        self.query_one("#exercise-off", Button).display = exercising
        start.display = not exercising and lesson.gaps_file is not None
        solution.display = exercising
        note = self.query_one("#code-note", _Note)
        if not lesson.pipeline_file.is_file():
            note.update("")
            self._show("# coming soon")
            return
        if not exercising:
            note.update(t(lang, "code_reference") if lesson.gaps_file is not None else "")
            self._show(lesson.code())
            return
        gate = service.solution_gate(course, lesson)
        if not gate.unlocked:
            self.showing_solution = False
            solution.disabled = True
            solution.label = t(lang, "solution_locked", total=service.FAILED_ATTEMPTS_TO_REVEAL,
                               failed=gate.failed_attempts)
        else:
            solution.disabled = False
            solution.label = t(lang, "solution_mine" if self.showing_solution else "solution_show")
        solution.refresh(layout=True)  # a longer label needs a wider button
        if self.showing_solution:
            reason = t(lang, f"reason_{gate.reason}", failed=gate.failed_attempts)
            note.update(t(lang, "code_solution", reason=reason))
            self._show(lesson.code())
        elif not mine.is_file():
            note.update(t(lang, "code_missing", path=mine))
            self._show("")
        else:
            text = t(lang, "code_mine", path=mine)
            if not gate.unlocked:
                text += "\n" + t(lang, "solution_when", total=service.FAILED_ATTEMPTS_TO_REVEAL,
                                  failed=gate.failed_attempts)
            note.update(text)
            self._show(_read(mine))

    def _show(self, code: str) -> None:
        if code == self.shown and self._drawn:
            return  # the same code: no new render, no new layout of the screen
        self.shown = code
        self._drawn = True
        folder = self._course.settings.home / "cache" / "text"
        self.query_one("#code", Static).update(highlighted(code, folder))

    @on(Button.Pressed, "#exercise-start")
    def start(self, event: Button.Pressed) -> None:
        event.stop()
        self._start(fresh=False)

    @on(Button.Pressed, "#exercise-fresh")
    def start_over(self, event: Button.Pressed) -> None:
        event.stop()
        from workshop.screens.confirm import Confirm

        def answered(yes: bool | None) -> None:
            if yes:
                self._start(fresh=True)

        lang = self.lang
        if not service.exercise_file(self._course, self.lesson).is_file():
            self._start(fresh=True)  # nothing of the learner's to keep: no question to ask
            return
        self.app.push_screen(Confirm(t(lang, "fresh_title"), t(lang, "fresh_body"), t(lang, "fresh_yes"),
                                     t(lang, "fresh_no")), answered)

    def _start(self, fresh: bool) -> None:
        try:
            backup = service.start_exercise(self._course, self.lesson, fresh=fresh).backup
        except (LessonError, OSError) as exc:
            self.notify(str(exc), severity="error", title=t(self.lang, "error"))
            return
        if backup is not None:
            self.notify(t(self.lang, "fresh_kept", path=backup), timeout=10)
        self.showing_solution = False
        self.reload()

    @on(Button.Pressed, "#exercise-off")
    def follow_along(self, event: Button.Pressed) -> None:
        event.stop()
        service.stop_exercise(self._course, self.lesson)  # the learner's file stays where it is
        self.showing_solution = False
        self.reload()

    @on(Button.Pressed, "#solution")
    def toggle_solution(self, event: Button.Pressed) -> None:
        event.stop()
        if service.solution_gate(self._course, self.lesson).unlocked:
            self.showing_solution = not self.showing_solution
        self.reload()
