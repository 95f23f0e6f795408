"""The training curve: loss and accuracy per epoch, plotted as the epochs come (textual-plotext).

Every lesson's Run tab has one, and only lesson 4 plots: the plot widget, and plotext with it (about
1.7 MiB of the idle app), come with the first curve, not with the tab.

The figures come from core/metrics.py (epoch lines and KFP Metrics, from the run's events).
On the Run tab it follows the run live; on the Checks tab it shows the last run's final curve
and figures as evidence, kept across sessions.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from workshop.core.events import LogLine, RunEvent, RunStarted, TaskFinished
from workshop.core.lessons import Lesson
from workshop.core.metrics import Curve, curve_path
from workshop.ui_text import t

# figures that fall in 0..1 (accuracy, precision, ...) go on the right axis, the loss on the left
LEFT = ("loss", "val_loss", "mse", "mae")
COLORS = ["red", "green", "cyan", "magenta", "yellow", "blue"]


class TrainingPlot(Vertical):
    DEFAULT_CSS = """
    TrainingPlot { height: auto; display: none; }
    TrainingPlot PlotextPlot { height: 11; min-width: 30; }
    TrainingPlot #curve-summary { height: auto; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, lesson: Lesson, lang: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lesson = lesson
        self.lang = lang
        self.curve = Curve()

    def compose(self) -> ComposeResult:
        yield Static("", id="curve-summary")

    def _plot(self) -> Any:
        """The plot widget, made and mounted above the summary the first time a curve is drawn."""
        from textual_plotext import PlotextPlot

        found = self.query(PlotextPlot)
        if found:
            return found.first()
        widget = PlotextPlot(id="curve-plot")
        self.mount(widget, before=self.query_one("#curve-summary"))
        return widget

    def on_mount(self) -> None:
        self.display = False  # hidden from the start too (DEFAULT_CSS), before this runs

    def _path(self) -> Any:
        course: Any = getattr(self.app, "course", None)
        return curve_path(course.settings.workspace, self.lesson.key) if course is not None else None

    # --- live, on the Run tab ------------------------------------------------------------
    def on_run_event(self, event: RunEvent) -> None:
        if isinstance(event, RunStarted):
            self._for_run(event.run_id)
        elif isinstance(event, LogLine):
            self.on_lines([event])
        elif isinstance(event, TaskFinished):
            self._for_run(event.run_id)
            if self.curve.add_outputs(_body(event.task), dict(event.outputs)):
                self._changed()

    def _for_run(self, run_id: str) -> None:
        """A new run starts a new curve; its own events never do. The log's batches and the posted
        events take two paths, so a run's first lines may come before its RunStarted."""
        if run_id and run_id != self.curve.run_id:
            self.curve = Curve(run_id)
            self.display = False

    def on_lines(self, batch: list[LogLine]) -> None:
        """A batch of the run's lines (the Run tab draws the log in batches): one redraw for its epochs."""
        for event in batch[:1]:
            self._for_run(event.run_id)
        # only a line with "epoch " in it can be one (metrics.EPOCH): a flood's other lines cost a test each
        points = [self.curve.add_line(_body(event.task), event.line) for event in batch if "epoch " in event.line]
        if any(point is not None for point in points):
            self._changed()

    def _changed(self) -> None:
        self.replot()
        # kept as it grows, so the Checks tab finds the whole curve whatever order the end comes in
        path = self._path()
        if path is not None and self.curve.run_id:
            try:
                self.curve.save(path)
            except OSError:
                pass  # the live plot stays; only the Checks tab after a restart misses it

    # --- the last run's, on the Checks tab -----------------------------------------------
    def show_saved(self) -> None:
        """The last run's curve, where one was kept for it; hidden otherwise."""
        course: Any = getattr(self.app, "course", None)
        path = self._path()
        last = course.progress.last_run(self.lesson.id) if course is not None else None
        curve = Curve.load(path) if path is not None and path.is_file() else Curve()
        if last is None or curve.run_id != last.run_id:
            self.display = False
            return
        self.curve = curve
        self.replot()

    # --- drawing -------------------------------------------------------------------------
    def replot(self) -> None:
        curve = self.curve
        if curve.empty:
            self.display = False
            return
        self.display = True
        widget = self._plot()
        plt = widget.plt
        plt.clear_data()
        plt.clear_figure()
        plt.title(t(self.lang, "curve_title"))
        plt.xlabel(t(self.lang, "curve_epoch"))
        color = 0
        total = 1
        for task in curve.epochs:
            for name, (xs, ys) in curve.series(task).items():
                side = "left" if name in LEFT or max(ys, default=0) > 1.0 else "right"
                label = name if len(curve.epochs) == 1 else f"{task} {name}"
                plt.plot(xs, ys, label=label, yside=side, color=COLORS[color % len(COLORS)], marker="braille")
                color += 1
            total = max(total, curve.epochs[task][-1].total)
        if curve.epochs:
            plt.xlim(1, total)
        else:  # Metrics only: the final figures as bars, one per name
            names = [f"{task} {name}" for task, figures in curve.metrics.items() for name in figures]
            values = [v for figures in curve.metrics.values() for v in figures.values()]
            plt.bar(names, values, width=0.3)
        widget.refresh()
        self.query_one("#curve-summary", Static).update("\n".join(curve.summary()))


def _body(task: str) -> str:
    """A loop's iteration (`train[2]`) plots as its task."""
    return task.partition("[")[0]
