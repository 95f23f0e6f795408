"""One row per check: ✅/❌/⏭, what was seen (evidence) and, on a fail, a hint."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from workshop.ui_text import TEXT, t

if TYPE_CHECKING:  # the checks (and the spec reader, yaml) come with a run, not with the lesson's text
    from workshop.core.checks import CheckResult

MARKS = {"passed": "✅", "failed": "❌", "skipped": "⏭"}


class ChecksView(Static):
    DEFAULT_CSS = "ChecksView { height: auto; }"

    results: list[CheckResult] = []
    headers: tuple[str, str, str] = ("check", "seen", "hint")
    empty_text = ""
    lang = "en"

    def on_mount(self) -> None:
        if not self.results:
            self.update(self.empty_text)

    def show(self, results: list[CheckResult]) -> None:
        self.results = list(results)
        if not results:
            self.update(self.empty_text)
            return
        hints = any(result.hint for result in results)
        table = Table(expand=True, show_lines=True, padding=(0, 1))
        table.add_column("", width=2, no_wrap=True)
        table.add_column(self.headers[0], ratio=2, overflow="fold")
        table.add_column(self.headers[1], ratio=4, overflow="fold")
        if hints:  # a column for hints only when something failed
            table.add_column(self.headers[2], ratio=3, overflow="fold")
        for result in results:
            seen = Text(result.summary)
            for key, value in result.evidence.items():
                label = t(self.lang, f"evidence_{key}") if f"evidence_{key}" in TEXT["en"] else key
                seen.append(f"\n{label}: ", style="dim")
                if key in ("state", "run_state") and f"task_{value}" in TEXT["en"]:
                    value = t(self.lang, f"task_{value}")  # SUCCEEDED, FAILED: in this language
                seen.append(value)
            row: list[str | Text] = [MARKS[result.status.value], Text(result.title, style="bold"), seen]
            if hints:
                row.append(Text(result.hint, style="yellow"))
            table.add_row(*row)
        self.update(table)
