"""The training curve (core/metrics.py, widgets/training_plot.py) on the real local backend.

KFP Metrics: `Output[Metrics]` with `log_metric(name, value)` writes the artifact's metadata when
the task ends (kfp/dsl/types/artifact_types.py, Metrics.log_metric, tag 2.17.3), so those are
final figures; the per-epoch points come from the lines the component prints as it trains.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_app import new_app, settle
from workshop.core.metrics import Curve, curve_path, logged_metrics, parse_epoch
from workshop.widgets.lesson_view import LessonView
from workshop.widgets.run_graph import RunGraphView
from workshop.widgets.run_panel import RunPanel
from workshop.widgets.training_plot import TrainingPlot

FIXTURE = Path(__file__).parent / "fixtures" / "epochs_metrics.py"


def test_an_epoch_line_is_a_point_and_a_metrics_artifact_is_final_figures(tmp_path: Path) -> None:
    point = parse_epoch("epoch 3/15 loss=0.1234 accuracy=0.9710")
    assert point is not None and (point.epoch, point.total) == (3, 15)
    assert point.values == {"loss": 0.1234, "accuracy": 0.971}
    assert parse_epoch("train: 1437 training images") is None
    outputs = {"metrics": {"artifact": "Metrics", "metadata": {"accuracy": 0.9, "note": "x"}}, "Output": 0.9}
    assert logged_metrics(outputs) == {"accuracy": 0.9}
    curve = Curve("r1")
    for line in ("epoch 1/2 loss=1.0", "epoch 2/2 loss=0.5", "epoch 1/2 loss=0.9"):  # a retry starts again
        curve.add_line("train", line)
    assert curve.series("train") == {"loss": ([1], [0.9])}
    path = tmp_path / "c.json"
    curve.save(path)
    assert Curve.load(path).to_dict() == curve.to_dict()
    path.write_text('{"run_id": "r1", "epochs": {"train": [["x"]]}}')
    assert Curve.load(path).empty  # a damaged file: no curve, no traceback


async def test_the_run_tab_plots_the_epochs_and_the_checks_tab_keeps_the_figures(home: Path) -> None:
    app = new_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: bool(app.query(RunPanel)))
        panel = app.query_one(RunPanel)
        panel.lesson = panel.lesson.__class__(**{**panel.lesson.__dict__, "pipeline_file": FIXTURE,
                                                 "pipeline_function": "curve_pipeline", "arguments": ()})
        plot = panel.query_one("#run-curve", TrainingPlot)
        assert not plot.display  # lesson 1's own pipeline has no curve
        seen: list[int] = []
        original = plot.replot

        def counting() -> None:
            seen.append(len(plot.curve.epochs.get("fit", [])))
            original()

        plot.replot = counting
        await pilot.press("r")
        await settle(pilot, lambda: app.query_one(LessonView).tabs.active == "tab-checks", timeout=60)
        # drawn again as the epochs came (a batch of the log at a time), once more for the Metrics
        assert seen == sorted(seen) and seen[-1] == 4 and len(seen) >= 2
        assert plot.display
        assert plot.query("#curve-plot")  # made with the first curve (the idle tab has none)
        assert plot.curve.series("fit")["accuracy"] == ([1, 2, 3, 4], [0.5, 0.75, 0.875, 0.9375])
        assert plot.curve.metrics == {"fit": {"accuracy": 0.9375, "loss": 0.125}}
        kept = app.query_one("#checks-curve", TrainingPlot)
        await settle(pilot, lambda: kept.display and bool(kept.query("#curve-plot")))
        drawn = kept.query_one("#curve-plot")
        await settle(pilot, lambda: drawn.size.height > 0)
        assert any(ord(c) >= 0x2800 for c in "".join(  # braille: the curve's marks, drawn
            strip.text for strip in drawn.render_lines(drawn.region.reset_offset)))
        summary = str(kept.query_one("#curve-summary").render())
        assert "fit: epoch 4/4 loss=0.1250 accuracy=0.9375" in summary
        assert "fit: Metrics" in summary and "accuracy=0.9375" in summary
    # back in the app later: the Checks tab still shows the last run's curve
    again = new_app(home)
    async with again.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: bool(again.query("#checks-curve")))
        kept = again.query_one("#checks-curve", TrainingPlot)
        await settle(pilot, lambda: kept.display)
        assert kept.curve.series("fit")["loss"][1][-1] == 0.125
        # the Run tab draws the last run's task states again: that replay must not keep its outputs as the curve
        graph = again.query_one(RunPanel).query_one(RunGraphView)
        await settle(pilot, lambda: graph.live.states.get("fit") == "SUCCEEDED")
        await pilot.pause()
        kept.show_saved()  # what a later look at the Checks tab reads from the file
        assert kept.curve.series("fit")["loss"][1][-1] == 0.125
    assert curve_path(home / "workspace", "01-pythagorean").is_file()


@pytest.mark.slow
async def test_lesson_4_logs_kfp_metrics_and_the_checks_tab_shows_them(home: Path) -> None:
    """Lesson 4's own train task (real Keras, real local backend): its epoch lines are the curve, its
    Output[Metrics] artifact (log_metric of the final figures) is what the Checks tab keeps."""
    from workshop.core.metrics import logged_metrics

    app = new_app(home)
    for lesson_id in (1, 2, 3):
        app.course.progress.mark(lesson_id, "skipped")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: app.current_lesson_id == 4 and bool(app.query(RunPanel)), timeout=60)
        await pilot.press("r")
        await settle(pilot, lambda: app.query_one(LessonView).tabs.active == "tab-checks", timeout=600)
        run = app.course.progress.last_run(4)
        assert run is not None and run.state == "SUCCEEDED", run
        figures = logged_metrics(app.backend.task_outputs(run.run_id, "train-and-upload"))
        assert set(figures) == {"loss", "accuracy", "held_out_accuracy"}
        assert 0.9 <= figures["held_out_accuracy"] <= 1.0
        plot = app.query_one(RunPanel).query_one("#run-curve", TrainingPlot)
        assert len(plot.curve.series("train-and-upload")["loss"][0]) == 15  # one point an epoch, live
        assert plot.curve.metrics == {"train-and-upload": figures}
        # the epoch line's last accuracy and the Metrics artifact's say the same
        last = plot.curve.epochs["train-and-upload"][-1]
        assert abs(last.values["accuracy"] - figures["accuracy"]) < 1e-3
        kept = app.query_one("#checks-curve", TrainingPlot)
        await settle(pilot, lambda: kept.display)
        summary = str(kept.query_one("#curve-summary").render())
        assert "train-and-upload: Metrics" in summary
        assert f"held_out_accuracy={figures['held_out_accuracy']:g}" in summary


def test_a_run_tab_with_no_curve_leaves_plotext_unimported(home: Path) -> None:
    """Every lesson's Run tab has a TrainingPlot and only lesson 4 plots: plotext (about 1.7 MiB of the idle
    app, issue 13's memory figure) comes with the first curve. In a fresh process, lesson 1's tabs all
    mounted, then an epoch line: the plot is made then, and draws."""
    import os
    import subprocess
    import sys

    script = """
import asyncio, sys
from workshop.app import make_app
from workshop.core.course import Course
from workshop.core.events import LogLine
from workshop.core.settings import Settings
from workshop.widgets.lesson_view import Later
from workshop.widgets.run_panel import RunPanel
from workshop.widgets.training_plot import TrainingPlot

async def main() -> None:
    app = make_app(Course(Settings.load("en")), "local")
    async with app.run_test(size=(100, 30)) as pilot:
        while not app.query(RunPanel) or app.query(Later):  # the rest of the first lesson, mounted
            await pilot.pause(0.05)
        await pilot.press("3")
        await pilot.pause(0.2)
        print("idle", "textual_plotext" in sys.modules, "plotext" in sys.modules, flush=True)
        panel = app.query_one(RunPanel)
        for k in (1, 2, 3):
            panel.take_event(LogLine("r9", "fit", f"epoch {k}/3 loss={1 / k:.3f} accuracy={k / 4:.3f}"))
        panel.flush_log()
        plot = panel.query_one("#run-curve", TrainingPlot)
        deadline = asyncio.get_running_loop().time() + 20
        while not (plot.display and plot.query("#curve-plot") and plot.query_one("#curve-plot").size.height):
            assert asyncio.get_running_loop().time() < deadline, "no plot"
            await pilot.pause(0.05)
        print("plotted", "textual_plotext" in sys.modules, plot.curve.series("fit")["loss"][0], flush=True)

asyncio.run(main())
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "WORKSHOP_HOME": str(home)})
    assert out.returncode == 0, out.stderr[-3000:]
    said = {line.split()[0]: line.split(maxsplit=1)[1] for line in out.stdout.splitlines()}
    assert said["idle"] == "False False", out.stdout
    assert said["plotted"] == "True [1, 2, 3]", out.stdout
