"""The run graph in the app (widgets/run_graph.py), driven by Textual's Pilot on the real local backend.

The colours are the KFP UI's (frontend/src/Css.tsx `color`, frontend/src/lib/StatusUtils.ts
`statusBgColors`, kubeflow/pipelines master 0029bf50), read through core/graph.KFP_COLORS.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.widgets import Button

from tests.test_app import new_app, settle
from workshop.core import graph
from workshop.widgets.lesson_view import LessonView
from workshop.widgets.run_graph import GraphCanvas, RunGraphView
from workshop.widgets.run_panel import RunPanel

FIXTURE = Path(__file__).parent / "fixtures" / "pythagorean_blocks.py"


def box_text(view: RunGraphView, key: str) -> str:
    """The characters of one task's box, row by row."""
    return "\n".join("".join(ch for ch, tag in row if tag == key) for row in view.rows).strip()


def colour_of(view: RunGraphView, key: str) -> str:
    text = view.query_one(GraphCanvas).content
    assert isinstance(text, Text)
    flat = [cell for row in view.rows for cell in [*row, (" ", None)]][:-1]  # one "\n" between rows
    at = next(i for i, (_, tag) in enumerate(flat) if tag == key)
    return str(next(span.style for span in text.spans if span.start <= at < span.end))


def click_target(view: RunGraphView, key: str) -> tuple[int, int]:
    return next((x, y) for y, row in enumerate(view.rows) for x, (_, tag) in enumerate(row) if tag == key)


async def test_the_run_tab_colours_each_box_live_and_a_click_shows_the_task(home: Path) -> None:
    app = new_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: bool(app.query(RunPanel)))
        app.query_one(LessonView).tabs.active = "tab-run"
        view = app.query_one("#run-graph", RunGraphView)
        await settle(pilot, lambda: view.graph is not None, timeout=60)  # before any run: the compile alone
        assert "○ Pending" in box_text(view, "add") and app.course.progress.runs() == []
        await pilot.press("r")
        await settle(pilot, lambda: app.query_one(LessonView).tabs.active == "tab-checks", timeout=60)
        # the boxes take the states from the same events: wait for the last one to be drawn, not for the tab
        await settle(pilot, lambda: all(view.live.states.get(n) == "SUCCEEDED"
                                        for n in ("square", "square-2", "add", "square-root"))
                     and "✓ Succeeded" in box_text(view, "square-root"))
        assert colour_of(view, "add") == graph.KFP_COLORS["SUCCEEDED"][0]
        app.query_one(LessonView).tabs.active = "tab-run"
        await pilot.pause()
        x, y = click_target(view, "add")
        canvas = view.query_one(GraphCanvas)

        def laid_out() -> bool:  # back on the Run tab, click once the box is where it is drawn
            tabs = app.query_one(LessonView).tabs
            if tabs.active != "tab-run":  # the checks bring their tab forward after a refresh: go back
                tabs.active = "tab-run"
                return False
            try:
                return app.get_widget_at(canvas.region.x + x, canvas.region.y + y)[0] is canvas
            except Exception:  # noqa: BLE001 - not on screen yet
                return False

        await settle(pilot, laid_out)
        assert await pilot.click(canvas, offset=(x, y))  # it landed on the graph
        await settle(pilot, lambda: view.selected == "add")
        detail = str(view.query_one("#graph-detail").render())
        assert "x ← square.Output = 9.0" in detail and "y ← square-2.Output = 16.0" in detail
        assert "Output = 25.0" in detail and "add number: x=9.0, y=16.0" in detail
        assert "KFP Executor" not in detail  # the component's prints, not kfp's bookkeeping
        await pilot.press("right")  # the keys walk the boxes in dependency order
        assert view.selected == "square-root"
        assert "x ← add.Output = 25.0" in str(view.query_one("#graph-detail").render())


async def test_a_running_task_is_blue_and_a_canceled_run_greys_what_never_ran(home: Path) -> None:
    app = new_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: bool(app.query(RunPanel)))
        panel = app.query_one(RunPanel)
        panel.lesson = panel.lesson.__class__(**{**panel.lesson.__dict__, "pipeline_file": FIXTURE})
        view = panel.query_one(RunGraphView)
        view.lesson = panel.lesson
        await pilot.press("r")
        await settle(pilot, lambda: view.live.states.get("add") == "RUNNING")
        assert view.live.states["square"] == "SUCCEEDED"
        assert "◐ Running" in box_text(view, "add")
        assert colour_of(view, "add") == graph.KFP_COLORS["RUNNING"][0]
        panel.query_one("#cancel", Button).press()
        await settle(pilot, lambda: not panel.run_active)
        assert view.live.states["square-root"] == "CANCELED"
        assert colour_of(view, "square-root") == graph.KFP_COLORS["CANCELED"][0]


async def test_the_pipeline_code_tab_draws_the_graph_from_the_compile_alone(home: Path) -> None:
    app = new_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: bool(app.query(RunPanel)))
        app.query_one(LessonView).tabs.active = "tab-code"
        await settle(pilot, lambda: bool(app.query("#code-graph")))
        view = app.query_one("#code-graph", RunGraphView)
        await settle(pilot, lambda: view.graph is not None)
        assert [n.name for n in view.graph.tasks()] == ["square", "square-2", "add", "square-root"]
        assert all(len(row) <= view._room() for row in view.rows)  # 80 columns: it fits or folds
        assert app.course.progress.runs() == []  # nothing ran
        assert not list((home / "workspace" / "graphs").glob("*.yaml"))  # the preview left nothing


async def _graph_shown(pilot, app, lesson: int) -> None:
    await settle(pilot, lambda: bool(app.query(RunPanel)))
    if lesson != 1:
        await app.show_lesson(lesson)
        await settle(pilot, lambda: bool(app.query(LessonView)) and app.query_one(LessonView).lesson.id == lesson)
    app.query_one(LessonView).tabs.active = "tab-code"
    await settle(pilot, lambda: bool(app.query("#code-graph")))
    await settle(pilot, lambda: app.query_one("#code-graph", RunGraphView).graph is not None, timeout=60)
    await pilot.pause()


def _snapshot(home: Path, snap_compare, lesson: int, size: tuple[int, int]) -> bool:
    app = new_app(home)
    for done in range(1, lesson):
        app.course.progress.mark(done, "skipped")

    async def shown(pilot) -> None:
        await _graph_shown(pilot, app, lesson)

    return bool(snap_compare(app, terminal_size=size, run_before=shown))


def test_graph_snapshot_lesson_1_100x30(home: Path, snap_compare) -> None:
    assert _snapshot(home, snap_compare, 1, (100, 30))


def test_graph_snapshot_lesson_1_80x24(home: Path, snap_compare) -> None:
    assert _snapshot(home, snap_compare, 1, (80, 24))


def test_graph_snapshot_lesson_2_100x30(home: Path, snap_compare) -> None:
    assert _snapshot(home, snap_compare, 2, (100, 30))


def test_graph_snapshot_lesson_2_80x24(home: Path, snap_compare) -> None:
    assert _snapshot(home, snap_compare, 2, (80, 24))


def test_graph_snapshot_lesson_4_100x30(home: Path, snap_compare) -> None:
    assert _snapshot(home, snap_compare, 4, (100, 30))


def test_graph_snapshot_lesson_4_80x24(home: Path, snap_compare) -> None:
    assert _snapshot(home, snap_compare, 4, (80, 24))


async def test_a_run_s_lines_that_come_before_its_run_started_stay_with_their_tasks(home: Path) -> None:
    """The log's batches and the posted events take two paths: a run's first lines may come first."""
    from workshop.core.events import LogLine, RunStarted

    app = new_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: bool(app.query("#run-graph"))
                     and bool(app.query_one("#run-graph").query(GraphCanvas)))  # composed, with its canvas
        view = app.query_one("#run-graph", RunGraphView)
        view.on_lines([LogLine("old-run", "add", "from the run before")])
        view.on_lines([LogLine("run-1", "square", "square number: 3.0")])  # before run-1's RunStarted
        view.on_run_event(RunStarted("run-1", "pythagorean", ()))
        view.on_lines([LogLine("run-1", "add", "add number: x=9.0, y=16.0")])
        kept = {task: list(lines) for task, lines in view.logs.items()}  # each a bounded deque (LOG_TAIL)
        assert kept == {"square": ["square number: 3.0"], "add": ["add number: x=9.0, y=16.0"]}
        view.on_run_event(RunStarted("run-2", "pythagorean", ()))  # the next run starts afresh
        assert view.logs == {}


async def test_after_a_restart_and_after_l_the_graph_shows_how_the_last_run_ended(home: Path) -> None:
    """The progress record keeps no task states: the Run tab read all Pending after a restart though the run had
    succeeded. The local backend reads them back from the run's journal (RunReplay), the graph and table draw them."""
    from click.testing import CliRunner
    from textual.widgets import DataTable

    from workshop.cli import main

    assert CliRunner().invoke(main, ["run", "1", "--arg", "a=3", "--arg", "b=4"]).exit_code == 0  # then restart
    tasks = ("square", "square-2", "add", "square-root")
    app = new_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: bool(app.query(RunPanel)))
        await app.show_lesson(1)  # the app opens on lesson 2, the next to take: back to the one that ran
        await settle(pilot, lambda: bool(app.query(RunPanel)) and app.query_one(RunPanel).lesson.id == 1)
        app.query_one(LessonView).tabs.active = "tab-run"
        view = app.query_one("#run-graph", RunGraphView)
        await settle(pilot, lambda: view.graph is not None and all(view.live.states.get(n) == "SUCCEEDED"
                                                                    for n in tasks), timeout=60)
        await settle(pilot, lambda: "✓ Succeeded" in box_text(view, "square-root"))
        panel = app.query_one(RunPanel)
        assert panel.task_states == dict.fromkeys(tasks, "SUCCEEDED")
        table = panel.query_one("#tasks", DataTable)
        assert {str(k.value) for k in table.rows} == set(tasks)
        assert "Last run" in str(panel.query_one("#run-status").render())  # not "Checking the result…"
        await pilot.press("l")  # the lesson is drawn again, in Chinese: the states come back again
        await settle(pilot, lambda: app.query_one(RunPanel) is not panel)
        app.query_one(LessonView).tabs.active = "tab-run"
        view = app.query_one("#run-graph", RunGraphView)
        await settle(pilot, lambda: view.graph is not None and view.live.states.get("square-root") == "SUCCEEDED",
                     timeout=60)
