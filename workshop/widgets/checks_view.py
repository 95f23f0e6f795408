"""One row per check: ✅/❌/⏭, what was seen (evidence) and, on a fail, a hint.

A row whose check read the compiled YAML (its result's `places`) says where, and opens the YAML
there: select the row (↑ ↓) and press y or Enter, or click it. The view asks its lesson to open
it (OpenSpot); the lesson knows which run's YAML it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.events import Click
from textual.geometry import Region
from textual.message import Message
from textual.widgets import Static

from workshop.ui_text import TEXT, t

if TYPE_CHECKING:  # the checks (and the spec reader, yaml) come with a run, not with the lesson's text
    from workshop.core.check_base import CheckResult

MARKS = {"passed": "✅", "failed": "❌", "skipped": "⏭"}
SELECTED = "on #1f2f4f"
SELECTED_UNFOCUSED = "on #1a2230"  # still marked when the focus is elsewhere: y and Enter act on it


class ChecksView(Static, can_focus=True):
    DEFAULT_CSS = "ChecksView { height: auto; }"
    BINDINGS = [
        Binding("down,j", "move(1)", show=False),
        Binding("up,k", "move(-1)", show=False),
        Binding("y,enter", "open_spot", show=False),
    ]

    class OpenSpot(Message):
        """The learner asked to see where in the compiled YAML this check looked."""

        def __init__(self, result: CheckResult) -> None:
            super().__init__()
            self.result = result

    results: list[CheckResult] = []
    headers: tuple[str, str, str] = ("check", "seen", "hint")
    empty_text = ""
    lang = "en"
    selected = 0

    def on_mount(self) -> None:
        if not self.results:
            self.update(self.empty_text)

    def show(self, results: list[CheckResult]) -> None:
        self.results = list(results)
        # the first row with a place in the YAML, so y opens something at once
        self.selected = next((i for i, r in enumerate(self.results) if r.places), 0)
        self._draw()

    def _table(self) -> Table:
        results = self.results
        hints = any(result.hint for result in results)
        table = Table(expand=True, show_lines=True, padding=(0, 1))
        table.add_column("", width=2, no_wrap=True)
        table.add_column(self.headers[0], ratio=2, overflow="fold")
        table.add_column(self.headers[1], ratio=4, overflow="fold")
        if hints:  # a column for hints only when something failed
            table.add_column(self.headers[2], ratio=3, overflow="fold")
        for index, result in enumerate(results):
            seen = Text(result.summary)
            for key, value in result.evidence.items():
                label = t(self.lang, f"evidence_{key}") if f"evidence_{key}" in TEXT["en"] else key
                seen.append(f"\n{label}: ", style="dim")
                if key in ("state", "run_state") and f"task_{value}" in TEXT["en"]:
                    value = t(self.lang, f"task_{value}")  # SUCCEEDED, FAILED: in this language
                seen.append(value)
            if result.places:
                more = t(self.lang, "checks_yaml_more", n=len(result.places) - 1) if len(result.places) > 1 else ""
                seen.append("\n" + t(self.lang, "checks_yaml_at", place=result.places[0], more=more), style="cyan")
            row: list[str | Text] = [MARKS[result.status.value], Text(result.title, style="bold"), seen]
            if hints:
                row.append(Text(result.hint, style="yellow"))
            mark = (SELECTED if self.has_focus else SELECTED_UNFOCUSED) if index == self.selected else None
            table.add_row(*row, style=mark)
        return table

    def _draw(self) -> None:
        if not self.results:
            self.update(self.empty_text)
            return
        self.update(self._table())

    def on_focus(self) -> None:
        self._draw()

    def on_blur(self) -> None:
        self._draw()

    # --- where each row is on screen ----------------------------------------------------
    def _row_spans(self) -> list[tuple[int, int]]:
        """(first line, line count) of each row as drawn at this width: rows are separated by ├ lines."""
        width = self.content_region.width or self.size.width
        if not self.results or width <= 0:
            return []
        console = self.app.console
        lines = console.render_lines(self._table(), console.options.update_width(width), pad=False)
        spans: list[tuple[int, int]] = []
        start: int | None = None
        for y, line in enumerate(lines):
            first = next((seg.text for seg in line if seg.text.strip()), "").lstrip()[:1]
            if first in ("┡", "├", "└"):
                if start is not None:
                    spans.append((start, y - start))
                start = y + 1 if first != "└" else None
        return spans

    def row_at(self, y: int) -> int | None:
        for index, (top, height) in enumerate(self._row_spans()):
            if top <= y < top + height:
                return index
        return None

    # --- selection and opening ----------------------------------------------------------
    def action_move(self, step: int) -> None:
        if not self.results:
            return
        self.selected = max(0, min(len(self.results) - 1, self.selected + step))
        self._draw()
        spans = self._row_spans()
        if self.selected < len(spans) and self.parent is not None:
            top, height = spans[self.selected]
            region = Region(0, self.virtual_region.y + top, self.size.width, height)
            self.parent.scroll_to_region(region, animate=False)  # type: ignore[attr-defined]

    def action_open_spot(self) -> None:
        if not self.results:
            return
        result = self.results[self.selected]
        if not result.places:
            self.notify(t(self.lang, "checks_no_place"), timeout=4)
            return
        self.post_message(self.OpenSpot(result))

    def on_click(self, event: Click) -> None:
        row = self.row_at(event.y)
        if row is None:
            return
        self.selected = row
        self.focus()
        self._draw()
        if self.results[row].places:
            self.post_message(self.OpenSpot(self.results[row]))
