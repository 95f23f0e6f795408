"""Compare with the solution: the learner's file and the reference side by side, differences marked."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from workshop.core.diff import Row, changed, side_by_side

STYLE = {"replace": "on #3a3a00", "delete": "on #4b1818", "insert": "on #123d1c"}
MARK = {"equal": " ", "replace": "~", "delete": "-", "insert": "+"}


class CodeCompare(Static):
    DEFAULT_CSS = "CodeCompare { width: auto; height: auto; }"

    rows: list[Row] = []

    def show(self, mine: str, reference: str, left_title: str, right_title: str) -> int:
        """Draw the two side by side; returns how many rows differ."""
        self.rows = side_by_side(mine, reference)
        table = Table(box=None, padding=(0, 1), show_edge=False, expand=False)
        table.add_column("", justify="right", style="dim", no_wrap=True)
        table.add_column(left_title, no_wrap=True, overflow="crop")
        table.add_column("", no_wrap=True)
        table.add_column("", justify="right", style="dim", no_wrap=True)
        table.add_column(right_title, no_wrap=True, overflow="crop")
        for row in self.rows:
            style = STYLE.get(row.kind, "")
            left_style = style if row.kind != "insert" else ""
            right_style = style if row.kind != "delete" else ""
            table.add_row(str(row.left_no or ""), Text(row.left, style=left_style), Text(MARK[row.kind], style="bold"),
                          str(row.right_no or ""), Text(row.right, style=right_style))
        self.update(table)
        return changed(self.rows)
