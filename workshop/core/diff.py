"""Two versions of a file side by side, the differences marked: the learner's beside the solution.

difflib's opcodes pair the lines: equal lines share a row; a replaced block pairs its lines row
by row (the longer side's extra lines face a blank); a deleted line has nothing on the right, an
inserted one nothing on the left. Pure core: the face colours the rows by kind.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    kind: str  # equal | replace | delete | insert
    left_no: int | None
    left: str
    right_no: int | None
    right: str


def side_by_side(left: str, right: str) -> list[Row]:
    a, b = left.splitlines(), right.splitlines()
    rows: list[Row] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows.extend(Row("equal", i1 + k + 1, a[i1 + k], j1 + k + 1, b[j1 + k]) for k in range(i2 - i1))
            continue
        for k in range(max(i2 - i1, j2 - j1)):
            li, rj = i1 + k, j1 + k
            has_left, has_right = li < i2, rj < j2
            kind = "replace" if has_left and has_right else ("delete" if has_left else "insert")
            rows.append(Row(kind, li + 1 if has_left else None, a[li] if has_left else "",
                            rj + 1 if has_right else None, b[rj] if has_right else ""))
    return rows


def changed(rows: list[Row]) -> int:
    """How many rows differ."""
    return sum(1 for row in rows if row.kind != "equal")
