"""The course-complete screen: what this learner did, as a checklist for a real cluster."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from workshop.core.text import pair

TITLE = pair("complete_title")


class CompleteScreen(ModalScreen[None]):
    BINDINGS = [("escape", "dismiss", "Close")]
    DEFAULT_CSS = """
    CompleteScreen { align: center middle; }
    #complete { width: 90%; height: 80%; border: thick $success; background: $surface; padding: 0 1; }
    #complete Static { margin-top: 1; }
    """

    def compose(self) -> ComposeResult:
        from workshop.core.complete import checklist

        app: Any = self.app
        lang = getattr(app, "lang", "en")
        self.items = checklist(app.course, lang)
        with VerticalScroll(id="complete"):
            yield Label(TITLE.get(lang, TITLE["en"]), classes="title")
            for item in self.items:
                yield Static(Text.assemble(("☐ ", "bold"), item))
