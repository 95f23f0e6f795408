"""One row per check: ✅/❌/⏭, what was seen (evidence) and, on a fail, a hint."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from workshop.core.checks import CheckResult

MARKS = {"passed": "✅", "failed": "❌", "skipped": "⏭"}


class ChecksView(Static):
    DEFAULT_CSS = "ChecksView { height: auto; }"

    results: list[CheckResult] = []

    def show(self, results: list[CheckResult]) -> None:
        self.results = list(results)
        if not results:
            self.update("")
            return
        table = Table(expand=True, show_lines=True, padding=(0, 1))
        table.add_column("", width=2, no_wrap=True)
        table.add_column("check", ratio=2)
        table.add_column("seen", ratio=4, overflow="fold")
        table.add_column("hint", ratio=3)
        for result in results:
            seen = Text(result.summary)
            for key, value in result.evidence.items():
                seen.append(f"\n{key}: ", style="dim")
                seen.append(value)
            table.add_row(MARKS[result.status.value], result.title, seen, Text(result.hint, style="yellow"))
        self.update(table)
