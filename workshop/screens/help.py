"""The help screen (? or F1): the keys, what each tab shows, where the learner's files are."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from workshop.core.text import nested
from workshop.ui_text import t

HELP: dict[str, dict[str, Any]] = nested("help")


class HelpScreen(ModalScreen[None]):
    BINDINGS = [("escape", "dismiss", "Close"), ("question_mark", "dismiss", "Close"), ("f1", "dismiss", "Close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    #help { width: 90%; height: 90%; border: thick $primary; background: $surface; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        lang = getattr(self.app, "lang", "en")
        text = HELP.get(lang, HELP["en"])
        with VerticalScroll(id="help"):
            yield Label(text["title"], classes="title")
            yield Static(self._table(text, lang), id="help-text")

    def _table(self, text: dict[str, Any], lang: str) -> Table:
        course: Any = getattr(self.app, "course", None)
        places: dict[str, str] = {}
        if course is not None:
            settings = course.settings
            places = {"exercises": str(settings.exercise_root), "workspace": str(settings.workspace),
                      "progress": str(settings.progress_db), "runs": str(settings.local_dir / "runs")}
        table = Table(expand=True, show_header=False, box=None, padding=(0, 1))
        table.add_column(ratio=1, style="bold cyan", overflow="fold")
        table.add_column(ratio=4, overflow="fold")
        for head, rows in (("keys_head", "keys"), ("tabs_head", "tabs"), ("files_head", "files")):
            table.add_row(Text(text[head], style="bold underline"), "")
            for name, what in text[rows]:
                if rows == "tabs":  # the tabs by the names they have on screen
                    name = t(lang, name)
                table.add_row(name, what.format(**places) if places else what)
            table.add_row("", "")
        return table
