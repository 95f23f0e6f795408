"""Compare with the solution: the learner's file and the reference side by side, differences marked.

Each side gets half the pane, a line longer than that ends in "…": the two stay side by side
at 80 columns, and the mark between them (~ changed, - only the learner's, + only the
solution's) says which rows to read.
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.widgets import Static

from workshop.core.diff import Row, changed, side_by_side

STYLE = {"replace": "on #3a3a00", "delete": "on #4b1818", "insert": "on #123d1c"}
MARK = {"equal": " ", "replace": "~", "delete": "-", "insert": "+"}


def _cell(text: str, width: int) -> str:
    """`text` in exactly `width` terminal cells: a CJK character takes two, so lengths are in cells."""
    text = text.expandtabs(4)
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"


class CodeCompare(Static):
    DEFAULT_CSS = "CodeCompare { width: auto; height: auto; }"

    rows: list[Row] = []
    side = 0  # the cells each file gets

    def show(self, mine: str, reference: str, left_title: str, right_title: str, width: int) -> int:
        """Draw the two side by side in `width` columns; returns how many rows differ."""
        self.rows = side_by_side(mine, reference)
        digits = len(str(max(len(mine.splitlines()), len(reference.splitlines()), 1)))
        side = self.side = max((width - 2 * digits - 7) // 2, 16)  # numbers, spaces and the mark between
        text = Text(no_wrap=True, overflow="crop")
        text.append(" " * (digits + 1) + _cell(left_title, side) + "   " + " " * (digits + 1)
                    + _cell(right_title, side), style="bold")
        for row in self.rows:
            style = STYLE.get(row.kind, "")
            text.append("\n")
            text.append(f"{row.left_no or '':>{digits}} ", style="dim")
            text.append(_cell(row.left, side), style=style if row.kind != "insert" else "")
            text.append(f" {MARK[row.kind]} ", style="bold")
            text.append(f"{row.right_no or '':>{digits}} ", style="dim")
            text.append(_cell(row.right, side), style=style if row.kind != "delete" else "")
        self.update(text)
        return changed(self.rows)
