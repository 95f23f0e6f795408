"""The doctor screen: what the course needs, ✓/✗, with a fix for each problem."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from workshop.core.errors import said
from workshop.core.text import by_language

HEAD = by_language("doctor_screen")


class DoctorScreen(ModalScreen[None]):
    BINDINGS = [("escape", "dismiss", "Close"), ("d", "dismiss", "Close")]  # the title says Esc
    DEFAULT_CSS = """
    DoctorScreen { align: center middle; }
    #doctor { width: 90%; height: 80%; border: thick $primary; background: $surface; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        lang = getattr(self.app, "lang", "en")
        with VerticalScroll(id="doctor"):
            yield Label(HEAD[lang]["title"], classes="title")
            yield Static("…", id="doctor-table")

    def on_mount(self) -> None:
        self.examine()

    @work(thread=True, exit_on_error=False)
    def examine(self) -> None:
        app: Any = self.app
        try:
            from workshop.core.ports import run_doctor

            items = list(run_doctor(app.backend, getattr(app, "lang", "en")))
        except Exception as exc:  # an unreachable cluster is an answer, not a crash
            self.app.call_from_thread(self._show_error, said(exc, getattr(app, "lang", "en")))
            return
        self.app.call_from_thread(self._show, items)

    def _show_error(self, message: str) -> None:
        self.query_one("#doctor-table", Static).update(Text(f"✗ {message}", style="bold red"))

    def _show(self, items: list[Any]) -> None:
        head = HEAD[getattr(self.app, "lang", "en")]
        fixes = any(item.ok is False and item.fix for item in items)  # a fix column only when one is needed
        table = Table(expand=True, show_lines=True)
        table.add_column("", width=2)
        table.add_column(head["check"], ratio=2, overflow="fold")
        table.add_column(head["seen"], ratio=3, overflow="fold")
        if fixes:
            table.add_column(head["fix"], ratio=3, overflow="fold")
        for item in items:
            mark = {True: Text("✓", "green"), False: Text("✗", "bold red"), None: Text("–", "dim")}[item.ok]
            row = [mark, item.name, item.detail]
            if fixes:
                row.append(Text(item.fix if item.ok is False else "", "yellow"))
            table.add_row(*row)
        self.query_one("#doctor-table", Static).update(table)
        self.items = items
