"""Compare with the solution (core/diff.py, widgets/code_compare.py) in exercise mode, in the app."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Button, Static

from tests.test_app import new_app, settle
from workshop.core.diff import side_by_side
from workshop.core.exercise import start_exercise
from workshop.widgets.code_compare import CodeCompare
from workshop.widgets.code_view import CodeView
from workshop.widgets.lesson_view import LessonView
from workshop.widgets.run_panel import RunPanel


def test_a_chinese_line_is_cut_to_its_width_in_terminal_cells() -> None:
    from rich.cells import cell_len

    from workshop.widgets.code_compare import _cell

    cut = _cell("# 练习：补全每一个 TODO，然后运行", 16)
    assert cell_len(cut) == 16 and cut.endswith("…")
    assert cell_len(_cell("练习", 16)) == 16  # padded in cells, so the mark column stays put


def test_the_rows_pair_equal_changed_removed_and_added_lines() -> None:
    rows = side_by_side("a\nb\nc\nd\n", "a\nB\nc\nx\ny\nd\n")
    assert [(r.kind, r.left_no, r.right_no) for r in rows] == [
        ("equal", 1, 1), ("replace", 2, 2), ("equal", 3, 3), ("insert", None, 4), ("insert", None, 5),
        ("equal", 4, 6)]
    assert [r.kind for r in side_by_side("a\nz\n", "a\n")] == ["equal", "delete"]


async def test_compare_shows_the_learners_file_beside_the_solution_once_it_unlocks(home: Path) -> None:
    app = new_app(home)
    lesson = app.course.lesson(1)
    mine, _ = start_exercise(app.course.settings, app.course.progress, lesson)
    mine.write_text(lesson.code().replace("return x + y", "return x - y"), encoding="utf-8")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: bool(app.query(RunPanel)))
        app.query_one(LessonView).tabs.active = "tab-code"
        await settle(pilot, lambda: bool(app.query(CodeView)))
        view = app.query_one(CodeView)
        button = view.query_one("#compare", Button)
        assert not button.display  # locked: the solution is not shown, so neither is the comparison
        app.course.progress.mark(1, "skipped")
        view.reload()
        await pilot.pause()
        assert button.display
        button.press()
        await settle(pilot, lambda: view.comparing)
        compare = view.query_one(CodeCompare)
        assert compare.display and not view.query_one("#code", Static).display
        changed = [r for r in compare.rows if r.kind != "equal"]
        assert [(r.left.strip(), r.right.strip()) for r in changed] == [("return x - y", "return x + y")]
        assert "rows that differ: 1 " in str(view.query_one("#code-note", Static).render())
        # the graph gave its place up: each file gets half of the whole pane, not of what was left beside it
        pane = view.query_one("#code-scroll").size.width
        await settle(pilot, lambda: compare.side >= (pane - 2) // 2 - 6)
        button.press()
        await settle(pilot, lambda: not view.comparing)
        assert view.query_one("#code", Static).display
