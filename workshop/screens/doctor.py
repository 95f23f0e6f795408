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


class DoctorScreen(ModalScreen[None]):
    BINDINGS = [("escape", "dismiss", "Close"), ("d", "dismiss", "Close")]
    DEFAULT_CSS = """
    DoctorScreen { align: center middle; }
    #doctor { width: 90%; height: 80%; border: thick $primary; background: $surface; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="doctor"):
            yield Label("workshop doctor", classes="title")
            yield Static("…", id="doctor-table")

    def on_mount(self) -> None:
        self.examine()

    @work(thread=True, exit_on_error=False)
    def examine(self) -> None:
        app: Any = self.app
        try:
            items = app.backend.doctor()
        except Exception as exc:  # an unreachable cluster is an answer, not a crash
            self.app.call_from_thread(self._show_error, str(exc))
            return
        self.app.call_from_thread(self._show, items)

    def _show_error(self, message: str) -> None:
        self.query_one("#doctor-table", Static).update(Text(f"✗ {message}", style="bold red"))

    def _show(self, items: list[Any]) -> None:
        table = Table(expand=True, show_lines=True)
        table.add_column("", width=2)
        table.add_column("check", ratio=2, overflow="fold")
        table.add_column("seen", ratio=3, overflow="fold")
        table.add_column("fix", ratio=3, overflow="fold")
        for item in items:
            mark = {True: Text("✓", "green"), False: Text("✗", "bold red"), None: Text("–", "dim")}[item.ok]
            table.add_row(mark, item.name, item.detail, Text(item.fix if item.ok is False else "", "yellow"))
        self.query_one("#doctor-table", Static).update(table)
        self.items = items
