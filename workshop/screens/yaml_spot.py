"""The compiled YAML at the spot a check read: the whole file, scrolled there, those lines highlighted.

So the learner reads the spec Kubeflow runs where it says what the check judged (a pvcMount, a
container's resources, a node selector, the secrets, the task list). Esc or q closes it; n goes
to the next highlighted spot when a check read more than one.
"""

from __future__ import annotations

from typing import Any

from rich.syntax import Syntax
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer, Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from workshop.core.spec_place import Spot
from workshop.ui_text import t

CONTEXT = 2  # lines shown above a spot
HIGHLIGHT = "on #3a3a00"


class YamlSpot(ModalScreen[None]):
    DEFAULT_CSS = """
    YamlSpot { align: center middle; }
    YamlSpot > Vertical { width: 96%; height: 92%; border: round $accent; background: $surface; }
    YamlSpot #spot-title { width: 100%; padding: 0 1; text-style: bold; }  /* wraps a long path */
    YamlSpot #spot-where { padding: 0 1; color: $text-muted; }
    YamlSpot #spot-scroll { height: 1fr; }
    YamlSpot #spot-yaml { width: auto; }
    """
    BINDINGS = [
        Binding("escape,q", "close", "Close"),
        Binding("n", "next_spot", "Next", show=False),
    ]

    def __init__(self, text: str, spots: list[Spot], path: str, lang: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.text = text
        self.spots = spots
        self.path = path
        self.lang = lang
        self.current = 0

    @property
    def highlighted(self) -> list[int]:
        """The highlighted line numbers (1-based), in order."""
        return sorted({n for spot in self.spots for n in range(spot.start, spot.end + 1)})

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(t(self.lang, "spot_title", path=self.path), id="spot-title")
            yield Static(self._where(), id="spot-where")
            with ScrollableContainer(id="spot-scroll"):
                yield Static(self._syntax(), id="spot-yaml")

    def _where(self) -> str:
        if not self.spots:
            return t(self.lang, "spot_none")
        spot = self.spots[self.current]
        where = t(self.lang, "spot_at", place=spot.found, start=spot.start, end=spot.end)
        if not spot.exact:
            where += " " + t(self.lang, "spot_nearest", place=spot.place)
        if len(self.spots) > 1:
            where += " " + t(self.lang, "spot_next", n=self.current + 1, total=len(self.spots))
        return where

    def _syntax(self) -> Syntax:
        syntax = Syntax(self.text, "yaml", line_numbers=True, theme="ansi_dark",
                        highlight_lines=set(self.highlighted))
        for spot in self.spots:
            syntax.stylize_range(HIGHLIGHT, (spot.start, 0), (spot.end + 1, 0))
        return syntax

    def on_mount(self) -> None:
        self.call_after_refresh(self._scroll)

    def _scroll(self) -> None:
        if self.spots:
            top = max(self.spots[self.current].start - 1 - CONTEXT, 0)
            self.query_one("#spot-scroll", ScrollableContainer).scroll_to(y=top, animate=False)

    def action_next_spot(self) -> None:
        if self.spots:
            self.current = (self.current + 1) % len(self.spots)
            self.query_one("#spot-where", Static).update(self._where())
            self._scroll()

    def action_close(self) -> None:
        self.dismiss(None)
