"""The Run tab: the arguments form, the tasks with their live state, the logs, the checks."""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from rich.cells import cell_len
from rich.measure import measure_renderables
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import Reactive
from textual.strip import Strip
from textual.timer import Timer
from textual.widgets import Button, Checkbox, DataTable, Input, Label, ProgressBar, RichLog, Static

from workshop.core.check_base import CheckResult, Status
from workshop.core.errors import said
from workshop.core.events import ExecutorNoise, LogLine, RunFinished, RunStarted, TaskFinished, TaskStarted, Waiting
from workshop.core.lessons import Lesson, LessonError
from workshop.core.ports import Prewarm, RunReplay
from workshop.messages import AttemptFinished, ChecksShown, RunEventPosted, RunIdAssigned, RunStepPosted
from workshop.ui_text import t
from workshop.widgets.run_graph import RunGraphView
from workshop.widgets.training_plot import TrainingPlot

STATE_STYLE = {
    "PENDING": "grey50", "RUNNING": "yellow", "SUCCEEDED": "green",
    "FAILED": "red", "CANCELED": "magenta", "NOT RUN": "grey50",
}
TASK_COLORS = ["cyan", "magenta", "green", "yellow", "blue", "bright_red"]
# Training components print "epoch 3/15 loss=... accuracy=..."; the panel shows it as progress.
EPOCH = re.compile(r"^epoch (\d+)/(\d+)\b(.*)")
# A component may print megabytes: the panel keeps as many lines as the log widget shows, and draws them
# in batches, a bounded number a batch, so the app answers keys however fast a task prints.
KEEP_LINES = 5000
# The run's thread takes at most INTAKE lines a second (more than the log can draw, as many as a terminal
# prints): a flood's lines cost the app's threads CPU under the one GIL the keys and the drawing need (at 40,000
# lines a second, half of it). A flood is held back through its pipe instead (the backend's queue is bounded);
# a task printing as tasks do never meets the limit.
INTAKE = 15_000
FLUSH_EVERY = 0.1  # seconds between batches
LINES_PER_FLUSH = 200  # at most this many are drawn a batch; older ones of a burst are counted, not drawn
# Drawing a line (rich wraps it and cuts it into strips) costs about a millisecond on a busy 2-core machine, so
# 200 at a time held the event loop for 300 ms and more and a key waited behind it. A batch draws only as many
# as fit this much time, by the cost per line the last batches took; the others are counted, not drawn.
DRAW_BUDGET = 0.02  # seconds
# While lines come faster than they are drawn, the timer draws less often: each batch also costs a repaint of
# the log, and a learner reads nothing at ten screens a second anyway.
FLOOD_FLUSH_EVERY = 0.3  # seconds
# Drawing the log afresh (`e`, a task's filter, a new width, the tab shown again after a flood) takes up to
# KEEP_LINES lines, seconds of drawing: the newest lines are drawn at once, the older ones a step at a time
# above them, each step as many as fit DRAW_BUDGET, so a key never waits behind more than one step.
FIRST_STEP_LINES = 60  # at most this many of the newest lines are drawn at once: a screenful of them
TABLE_FROM_HEIGHT = 16  # rows of the Run tab's body from which the Tasks table shows beside the graph
STEP_GAP = 0.03  # seconds, at least, between two steps
# lines a batch did not draw (its DRAW_BUDGET ran out) are drawn once no line has come for this long: the log
# is redrawn afresh from what the panel keeps, so a short run's lines on a busy machine are never left out
CATCH_UP_AFTER = 0.5  # seconds
REFLOW_AFTER = 0.15  # seconds a new width must hold before the log is wrapped again (a drag sends many)

Item = TypeVar("Item")


class RunLog(RichLog):
    """The Run tab's log: a RichLog that grows without laying out the screen, and is drawn afresh in steps.

    RichLog sets its virtual size on every write, and Widget's virtual_size asks for a layout of the whole
    screen (every widget of every tab arranged again), the most a batch cost during a flood. A log that grows
    needs a layout only when its scrollbar comes or goes; otherwise the scrollbar's new size is enough.

    RichLog wraps a line once, when it is written: at a new width its lines would be cut, not wrapped. The
    log asks its panel to draw it again (a Redraw message) when its width changes, and when it is shown again
    after lines came while it was hidden (`stale`: the panel keeps them and does not draw what nobody sees).
    """

    class Redraw(Message):
        """The log wants drawing afresh from the panel's kept lines (a new width, or shown again when stale)."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False, repaint=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stale = False  # lines came while hidden and were not drawn
        self.line_cost = 0.0005  # seconds to draw one line, as the last steps took (a moving average)
        self._older: list[Text] = []  # a redraw's lines still to go above what shows, oldest first
        self._older_items: Sequence[Any] = ()
        self._make: Callable[[Any], Text] | None = None
        self._step_timer: Timer | None = None
        self._reflow_timer: Timer | None = None
        self._width = 0  # the width the lines were wrapped at
        self._frame: tuple[Style, int, int, int] | None = None  # style, scroll x and y, width: one frame's

    def render_lines(self, crop: Region) -> list[Strip]:
        """One frame: RichLog asks for its style, a walk of every ancestor's styles, for each line it draws,
        most of what a frame of the log cost. It is the same for every line of a frame: asked once here."""
        scroll_x, scroll_y = self.scroll_offset
        self._frame = (self.rich_style, scroll_x, scroll_y, self.scrollable_content_region.width)
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    def render_line(self, y: int) -> Strip:
        if self._frame is None:
            return super().render_line(y)
        style, scroll_x, scroll_y, width = self._frame
        index = scroll_y + y
        if index >= len(self.lines):
            return Strip.blank(width, style)
        key = (index + self._start_line, scroll_x, width, self._widest_line_width)  # RichLog's own cache
        line = self._line_cache.get(key)
        if line is None:
            line = self._line_cache[key] = self.lines[index].crop_extend(scroll_x, scroll_x + width, style)
        return line.apply_style(style)

    def watch_virtual_size(self, old: Size, new: Size) -> None:
        height = self.container_size.height
        if old.width != new.width or (old.height > height) != (new.height > height):
            self.refresh(layout=True)
        else:
            self._scroll_update(new)

    @property
    def redrawing(self) -> bool:
        """Whether older lines of a redraw are still to be drawn."""
        return bool(self._older_items)

    def _on_resize(self, event: events.Resize) -> None:
        width = event.size.width
        if self._width and width and width != self._width:
            if self._reflow_timer is not None:
                self._reflow_timer.stop()
            self._reflow_timer = self.set_timer(REFLOW_AFTER, self._reflow)
        if width:
            self._width = self._width or width

    def _reflow(self) -> None:
        self._reflow_timer = None
        if self.size.width and self.size.width != self._width:
            self.post_message(self.Redraw())

    def _on_show(self, event: events.Show) -> None:
        if self.stale:
            self.post_message(self.Redraw())

    def _on_hide(self, event: events.Hide) -> None:
        if self.redrawing:  # nobody sees it: the rest waits, and the log is drawn afresh when it shows again
            self._stop_steps()  # its lines stay until then: the tab shows them at once
            self.stale = True

    def redraw(self, items: Sequence[Item], make: Callable[[Item], Text]) -> None:
        """Draw `items` afresh (`make` turns one into its line): the newest at once, the older ones in steps
        above them. A later redraw, or a clear, drops what is left of an earlier one."""
        self.clear()
        self.stale = False
        self._width = self.size.width or self._width
        cut = max(len(items) - min(FIRST_STEP_LINES, max(self.size.height, 10)), 0)  # a line takes a row or more
        recent = [make(item) for item in items[cut:]]
        if recent:
            self.write(Text("\n").join(recent))  # one write: each write costs a render and a scroll
        self._older_items, self._make = items[:cut], make
        if cut:
            self._step_timer = self.set_timer(0.01, self._draw_older)

    def clear(self) -> RunLog:
        self._stop_steps()
        super().clear()
        return self

    def _stop_steps(self) -> None:
        """What is left of a redraw is dropped: no more steps."""
        self._older_items, self._make = (), None
        if self._step_timer is not None:
            self._step_timer.stop()
            self._step_timer = None

    def _draw_older(self) -> None:
        """One step of a redraw: as many of the older lines as fit DRAW_BUDGET, drawn above the others."""
        self._step_timer = None
        items, make = self._older_items, self._make
        if not items or make is None:
            return
        room = (self.max_lines or 1 << 30) - len(self.lines)
        count = min(len(items), max(1, int(DRAW_BUDGET / self.line_cost)))
        if room <= 0:  # the log is full: what is older would be dropped at once
            self._older_items, self._make = (), None
            return
        began = time.perf_counter()
        strips = self._strips(Text("\n").join([make(item) for item in items[len(items) - count:]]))
        self._older_items = items[: len(items) - count]
        self._prepend(strips[-room:])
        took = time.perf_counter() - began
        self.line_cost = 0.5 * self.line_cost + 0.5 * took / count
        if self._older_items:  # the app is idle at least as long as a step took: keys and frames go in between
            self._step_timer = self.set_timer(max(STEP_GAP, 2 * took), self._draw_older)

    def _strips(self, text: Text) -> list[Strip]:
        """`text` wrapped into the log's lines, as RichLog.write wraps what it is given."""
        console = self.app.console
        options = console.options
        width = measure_renderables(console, options, [text]).maximum
        width = max(min(width, self.scrollable_content_region.width), self.min_width)
        lines = list(Segment.split_lines(console.render(text, options.update_width(width))))
        strips = Strip.from_lines(lines)
        for strip in strips:
            strip.adjust_cell_length(width)
        return strips

    def _prepend(self, strips: list[Strip]) -> None:
        if not strips:
            return
        at_end = self.scroll_y >= self.max_scroll_y
        self.lines[0:0] = strips
        self._line_cache.clear()  # its keys are line numbers, which have all moved
        self._widest_line_width = max(self._widest_line_width, max(strip.cell_length for strip in strips))
        self.virtual_size = Size(self._widest_line_width, len(self.lines))
        if at_end:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
        else:  # the learner scrolled up to read: the lines they read stay where they are
            self.scroll_to(y=self.scroll_y + len(strips), animate=False, immediate=True)
        self.refresh()


class RunPanel(Vertical):
    def toggle_executor(self) -> None:
        box = self.query_one("#hide-executor", Checkbox)
        box.value = not box.value  # its Changed message rewrites the log

    def __init__(self, lesson: Lesson, lang: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lesson = lesson
        self.lang = lang
        self.run_id: str | None = None
        self.run_active = False
        self.log_lines: deque[tuple[str, str]] = deque(maxlen=KEEP_LINES)
        # filled by the run's worker thread (deque appends are atomic), drained by the UI every FLUSH_EVERY
        self._pending: deque[LogLine] = deque(maxlen=KEEP_LINES)
        self._arrived = 0  # lines handed over since the last batch, so a batch knows how many it skips
        self._behind = False  # a batch left lines undrawn: the log is redrawn once the lines stop (CATCH_UP_AFTER)
        self._last_batch = 0.0  # time.monotonic() of the last batch taken
        self._next_flush = 0.0  # time.monotonic() before which the timer does not draw (during a flood)
        self._intake_began = 0.0  # time.monotonic() when the lines of this burst began coming (take_event)
        self._taken = 0  # lines of this burst
        self.steps: list[str] = []  # the Kubeflow steps said so far, in the panel's language
        self._noise: deque[bool] = deque(maxlen=KEEP_LINES)  # per kept line: one of kfp's executor lines
        self._noise_filter = ExecutorNoise()
        self.hide_executor = False
        self.filter_task: str | None = None
        self.task_colors: dict[str, str] = {}
        self.task_states: dict[str, str] = {}
        self.source_error = False  # Run found the learner's file gone

    def compose(self) -> ComposeResult:
        with Horizontal(id="run-actions"):
            yield Button(t(self.lang, "run"), id="run", variant="success")
            yield Button(t(self.lang, "cancel"), id="cancel", variant="error", disabled=True)
            yield Static(t(self.lang, "no_run_yet"), id="run-status")
        yield Static("", id="run-source")  # exercise mode: which file Run compiles
        if self.lesson.arguments:
            # two arguments a row, so any number of them fits a narrow terminal; a lone one gets
            # the whole row (a host:port needs the room)
            with Grid(id="arg-form", classes="single" if len(self.lesson.arguments) == 1 else ""):
                for arg in self.lesson.arguments:
                    yield Label(arg.label_in(self.lang), classes="arg-label")
                    # a backend-provided default is filled in once the backend has answered
                    value = "" if arg.default_from else str(arg.default)
                    yield Input(value, placeholder="…" if arg.default_from else "", id=f"arg-{arg.name}")
        yield Static("", id="form-error")
        with Horizontal(id="training"):
            yield ProgressBar(id="epochs", show_eta=False)
            yield Static("", id="epoch-line")
        with Vertical(id="run-body"):
            yield RunGraphView(self.lesson, self.lang, id="run-graph")  # docked left of the tasks and log
            yield TrainingPlot(self.lesson, self.lang, id="run-curve")  # shown once an epoch or Metrics come
            yield Checkbox(t(self.lang, "hide_executor"), self.hide_executor, id="hide-executor", compact=True)
            table: DataTable[Any] = DataTable(id="tasks", cursor_type="row", zebra_stripes=True)
            # the state first, as wide as its longest word, then the name as long as it is: in the column
            # beside the graph (a third of a 100-column terminal) a long name is what is cut, never the state
            # Text, not str: a str label is read as markup, and that loads rich's emoji table (1.2 MiB, for good)
            table.add_column(Text(""), key="state",
                             width=max(cell_len(t(self.lang, f"task_{s}")) for s in STATE_STYLE))
            table.add_column(Text(t(self.lang, "tasks")), key="task")
            yield table
            # min_width: RichLog renders at least 78 columns by default, wider than the pane in a
            # 100-column terminal, which cut the ends of long lines off instead of wrapping them
            yield RunLog(id="log", max_lines=5000, wrap=True, min_width=20, markup=False, highlight=False)

    def on_mount(self) -> None:
        if not self.query("#training"):  # removed while it mounted (the lesson was drawn again)
            return
        self.set_interval(FLUSH_EVERY, self._flush_on_timer)
        self.query_one("#tasks").display = False  # until the body's height is known (on_resize)
        self.query_one("#training").display = False
        self.show_source()
        wanted = {a.default_from for a in self.lesson.arguments if a.default_from}
        last = self._last_run()
        if last is not None:  # coming back: the last run's arguments and how it ended
            for arg in self.lesson.arguments:
                # a backend-provided value (an endpoint on a port of the last session) is asked afresh
                if arg.name in last.arguments and not arg.default_from:
                    self.query_one(f"#arg-{arg.name}", Input).value = str(last.arguments[arg.name])
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(last.started_at))
            self.query_one("#run-status", Static).update(
                t(self.lang, "last_run", run_id=last.run_id, state=self._state_word(last.state), when=when))
            self.replay_last(last.run_id)
        if wanted:
            self.load_defaults(wanted)

    def on_resize(self, event: events.Resize) -> None:
        """The Tasks table shows where the log keeps room enough beside it (the graph shows the same states):
        at 80x24 the body is about 11 rows, and a table of four tasks would leave the log four."""
        body = self.query_one("#run-body")
        tasks = self.query_one("#tasks")
        height = body.size.height or event.size.height
        tasks.display = height >= TABLE_FROM_HEIGHT

    def show_source(self) -> None:
        """Say which file Run compiles (the learner's own in exercise mode); clear a stale form error."""
        from workshop.core import service

        course: Any = self.app.course  # type: ignore[attr-defined]
        line = self.query_one("#run-source", Static)
        if service.in_exercise(course, self.lesson):
            line.update(t(self.lang, "runs_mine", file=service.exercise_file(course, self.lesson)))
            line.display = True
        else:
            line.display = False
        if self.source_error:  # said when Run was pressed; gone once the file is back
            try:
                course.pipeline_file(self.lesson)
            except LessonError:
                return
            self.source_error = False
            self.query_one("#form-error", Static).update("")

    def _state_word(self, state: str) -> str:
        """A run's state in the learner's language (the Tasks table's words), the raw state if it has none."""
        word = t(self.lang, f"task_{state}")
        return state if word == f"task_{state}" else word

    @work(thread=True, exit_on_error=False, group="replay")
    def replay_last(self, run_id: str) -> None:
        """The last run's task states, read back from the backend (RunReplay), drawn in the graph and the table as
        they ended: after a restart (or `l`) they were all Pending though the run had succeeded."""
        backend = getattr(self.app, "backend", None)
        if not isinstance(backend, RunReplay):
            return
        try:
            replayed = backend.task_events(run_id)
        except Exception:  # noqa: BLE001 - the run's record is gone (reset, another machine): the code's graph stays
            return
        self.app.call_from_thread(self._draw_replayed, run_id, replayed)

    def _draw_replayed(self, run_id: str, replayed: list[Any]) -> None:
        if self.run_active or self.run_id or not self.is_attached:  # a run began meanwhile: it is what shows
            return
        status = self.query_one("#run-status", Static)
        said = status.content
        for event in replayed:  # not into the curve: it would keep the replayed outputs as the last run's curve
            self._draw_event(event)
        status.update(said)  # the last run's line stays ("Last run … succeeded"), not "Checking the result…"

    def _last_run(self) -> Any:
        course = getattr(self.app, "course", None)
        return course.progress.last_run(self.lesson.id) if course is not None else None

    @work(thread=True, exit_on_error=False, group="prewarm")
    def prewarm(self) -> None:
        """Start the next run's worker now, so pressing Run starts the tasks at once."""
        backend = self.app.backend  # type: ignore[attr-defined]
        if isinstance(backend, Prewarm):
            backend.prewarm()

    @work(thread=True, exclusive=True, exit_on_error=False, group="defaults")
    def load_defaults(self, wanted: set[str]) -> None:
        values = self.app.backend.defaults(wanted)  # type: ignore[attr-defined]
        self.app.call_from_thread(self._fill_defaults, values)

    def _fill_defaults(self, values: dict[str, Any]) -> None:
        for arg in self.lesson.arguments:
            if arg.default_from in values:
                self.query_one(f"#arg-{arg.name}", Input).value = str(values[arg.default_from])

    # --- starting and stopping ---------------------------------------------------------
    @on(Button.Pressed, "#run")
    def start_run(self) -> None:
        if self.run_active:
            return
        raw = {}
        for arg in self.lesson.arguments:
            value = self.query_one(f"#arg-{arg.name}", Input).value
            if value.strip() or not arg.default_from:  # empty: the backend's default, resolved in the worker
                raw[arg.name] = value
        try:
            self.lesson.parse_arguments(raw, lang=self.lang, by_label=True)  # say what is wrong now
        except LessonError as exc:
            self.query_one("#form-error", Static).update(Text(f"✗ {exc}", style="bold red"))
            return
        try:
            source = self.app.course.pipeline_file(self.lesson)  # type: ignore[attr-defined]
        except LessonError as exc:  # exercise mode, and the learner's file is gone
            self.query_one("#form-error", Static).update(Text(f"✗ {exc}", style="bold red"))
            self.source_error = True
            return
        mine = source != self.lesson.pipeline_file  # exercise mode: the learner's own file runs
        self.query_one("#form-error", Static).update("")
        self._reset_view()
        self.run_active = True
        self.app.refresh_bindings()  # the language key is off during a run
        self.query_one("#run", Button).disabled = True
        self.query_one("#cancel", Button).disabled = False
        self.query_one("#run-status", Static).update(
            t(self.lang, "compiling_mine", file=source) if mine else t(self.lang, "compiling"))
        self.run_worker_thread(raw)

    @work(thread=True, exclusive=True, exit_on_error=False, group="run")
    def run_worker_thread(self, raw: dict[str, Any]) -> None:
        from workshop.core import service
        from workshop.core.compile import CompileError
        from workshop.core.errors import BackendError

        app: Any = self.app
        try:
            attempt = service.run(
                app.course, app.backend, self.lesson, raw,
                on_event=self.take_event,
                on_run_id=lambda run_id: self.post_message(RunIdAssigned(run_id)),
                on_step=lambda step, details: self.post_message(RunStepPosted(step, details)),
                lang=self.lang, by_label=True,
            )
        except (CompileError, BackendError, LessonError, OSError) as exc:
            self.post_message(AttemptFinished(self.lesson.id, None, said(exc, self.lang)))
            return
        self.post_message(AttemptFinished(self.lesson.id, attempt))

    @on(Input.Submitted, "#arg-form Input")
    def submitted(self, message: Input.Submitted) -> None:
        """Enter in an argument field runs the lesson, as the Run button does."""
        message.stop()
        self.start_run()

    @on(Button.Pressed, "#cancel")
    def cancel_run(self) -> None:
        if self.run_id and self.run_active:
            self.query_one("#cancel", Button).disabled = True
            self._cancel_in_background(self.run_id)

    @work(thread=True, exit_on_error=False, group="cancel")
    def _cancel_in_background(self, run_id: str) -> None:
        self.app.backend.cancel(run_id)  # type: ignore[attr-defined]

    def take_event(self, event: Any) -> None:
        """From the run's thread: a log line waits for the next batch; any other event is a message."""
        if isinstance(event, LogLine):
            self._pending.append(event)
            self._arrived += 1
            self._taken += 1
            if self._taken % 256 == 0 and threading.current_thread() is not threading.main_thread():
                now = time.monotonic()
                ahead = self._intake_began + self._taken / INTAKE - now
                if ahead > 1.0 or ahead < -1.0:  # a new burst (a second's lines or more apart)
                    self._intake_began, self._taken = now, 0
                elif ahead > 0:
                    time.sleep(ahead)
        else:
            self.post_message(RunEventPosted(event))

    def _flush_on_timer(self) -> None:
        if time.monotonic() >= self._next_flush:
            self.flush_log()

    def flush_log(self) -> None:
        """Draw the lines that came since the last batch: the newest of them, as many as DRAW_BUDGET allows (at
        most LINES_PER_FLUSH), and say how many of a burst were not drawn (the run's folder keeps its head and
        tail; the panel keeps the last KEEP_LINES)."""
        taken = self._take_pending()
        if taken is None:
            if self._behind and time.monotonic() - self._last_batch >= CATCH_UP_AFTER:
                self._catch_up()
            return
        self._last_batch = time.monotonic()
        arrived, batch, noise = taken
        log = self.query_one("#log", RunLog)
        if not log.is_on_screen:  # another tab shows: kept, not drawn; drawn afresh when the log shows again
            log.stale = True
            return
        fits = max(1, min(LINES_PER_FLUSH, int(DRAW_BUDGET / log.line_cost)))
        shown = [e for e, hush in zip(batch, noise, strict=True) if self._shows(e.task, hush)]
        skipped = max(arrived - len(batch), 0) + max(len(shown) - fits, 0)
        self._behind = self._behind or skipped > 0
        shown = shown[-fits:]
        block = Text("\n").join(
            ([Text(f"… {skipped} lines not shown (too fast to draw)", style="dim")] if skipped else [])
            + [self._line_text(e.task, e.line) for e in shown])
        if block:
            began = time.perf_counter()
            log.write(block)  # one write a batch: each write costs a render and a scroll
            cost = (time.perf_counter() - began) / (len(shown) + (1 if skipped else 0))
            log.line_cost = 0.5 * log.line_cost + 0.5 * cost
        self._next_flush = time.monotonic() + (FLOOD_FLUSH_EVERY if skipped else 0.0)

    def _catch_up(self) -> None:
        """The lines stopped after a batch that left some undrawn: the log drawn afresh from what the panel
        keeps (the newest at once, the older in steps), or when it next shows."""
        self._behind = False
        log = self.query_one("#log", RunLog)
        if log.is_on_screen:
            self._rewrite_log()
        else:
            log.stale = True

    def _take_pending(self) -> tuple[int, list[LogLine], list[bool]] | None:
        """The lines that came since the last batch, kept (the graph's task logs, the epochs, log_lines) and
        returned to draw: (how many arrived, the batch, which are kfp's own lines); None when none came."""
        arrived, self._arrived = self._arrived, 0
        pending = self._pending
        batch = [pending.popleft() for _ in range(len(pending))]  # the thread may append meanwhile: those wait
        if not batch:
            return None
        # a pass a line, kept cheap: at 10,000 lines a second this loop is most of a batch's own time
        is_noise = self._noise_filter.is_noise
        noise = [is_noise(event.task, event.line) for event in batch]
        self.query_one(RunGraphView).on_lines(batch, noise)  # each task's log, beside its box
        self.query_one(TrainingPlot).on_lines(batch)  # the epochs among them
        self.log_lines.extend((event.task, event.line) for event in batch)
        self._noise.extend(noise)
        for event in reversed(batch):  # only the newest epoch line shows
            if event.line.startswith("epoch ") and (epoch := EPOCH.match(event.line)):
                self._show_epoch(event.task, int(epoch[1]), int(epoch[2]), epoch[3].strip())
                break
        return arrived, batch, noise

    def _reset_view(self) -> None:
        self.query_one("#training").display = False
        self._pending.clear()
        self._arrived = 0
        self._behind = False
        self.log_lines.clear()
        self.steps.clear()
        self._noise.clear()
        self._noise_filter = ExecutorNoise()
        self.filter_task = None
        self.query_one("#tasks", DataTable).clear()
        self.task_states.clear()
        self.query_one("#log", RichLog).clear()
        self.post_message(ChecksShown([]))

    # --- events from the worker --------------------------------------------------------
    def on_run_step_posted(self, message: RunStepPosted) -> None:
        details = dict(message.details)
        if message.step == "run_created":
            arguments: Any = details.get("arguments") or {}
            details["arguments"] = ", ".join(f"{k}={v}" for k, v in arguments.items()) or t(self.lang, "no_arguments")
            lines = [t(self.lang, "step_run_created", **details), t(self.lang, "step_run_id", **details)]
        else:
            lines = [t(self.lang, f"step_{message.step}", **details)]
        self.flush_log()  # the lines before this step go first
        for line in lines:
            self.steps.append(line)
            self.log_lines.append(("", line))
            self._noise.append(False)
            self._write_line("", line)

    def on_run_id_assigned(self, message: RunIdAssigned) -> None:
        self.run_id = message.run_id
        backend = t(self.lang, f"backend_{self.app.backend.name}")  # type: ignore[attr-defined]
        self.query_one("#run-status", Static).update(t(self.lang, "running", run_id=message.run_id, backend=backend))

    def on_run_event_posted(self, message: RunEventPosted) -> None:
        self.query_one(TrainingPlot).on_run_event(message.event)
        self._draw_event(message.event)

    def _draw_event(self, event: Any) -> None:
        """A run's event in the graph, the table and the status line (live, or the last run's replayed)."""
        self.query_one(RunGraphView).on_run_event(event)
        table = self.query_one("#tasks", DataTable)
        if isinstance(event, RunStarted):
            for task in event.tasks:
                self.task_colors[task] = TASK_COLORS[len(self.task_colors) % len(TASK_COLORS)]
                self.task_states[task] = "PENDING"
                table.add_row(self._state("PENDING"), Text(task, style=self.task_colors[task]), key=task)
        elif isinstance(event, TaskStarted):
            self._set_state(event.task, "RUNNING")
        elif isinstance(event, TaskFinished):
            self._set_state(event.task, event.state.value)
        elif isinstance(event, LogLine):  # posted by someone else than take_event: same batches
            self.take_event(event)
        elif isinstance(event, RunFinished):
            self.flush_log()  # every line came before the end: draw them before saying how it ended
            for row_key in list(table.rows):
                if self.task_states.get(str(row_key.value)) in ("PENDING", "RUNNING"):
                    self._set_state(str(row_key.value), "CANCELED" if event.state.value == "CANCELED" else "NOT RUN")
            self.query_one("#run-status", Static).update(
                t(self.lang, "canceled") if event.state.value == "CANCELED" else t(self.lang, "checking"))
        elif isinstance(event, Waiting):  # a check waits on the cluster: what for, as it changes
            self.query_one("#run-status", Static).update(
                t(self.lang, "waiting_for", what=event.what, detail=event.detail_in(self.lang)))

    def _show_epoch(self, task: str, epoch: int, total: int, rest: str) -> None:
        self.query_one("#training").display = True
        self.query_one("#epochs", ProgressBar).update(total=total, progress=epoch)
        self.query_one("#epoch-line", Static).update(f" {task}: epoch {epoch}/{total}  {rest}")

    def _state(self, state: str) -> Text:
        return Text(t(self.lang, f"task_{state}"), style=STATE_STYLE.get(state, ""))

    def _set_state(self, task: str, state: str) -> None:
        self.task_states[task] = state  # the state itself; the table shows it in the panel's language
        table = self.query_one("#tasks", DataTable)
        rows = {k.value for k in table.rows}
        if task not in rows:
            # A loop's iterations are rows of their own (`square[3]`): the loop body's row, if listed, goes.
            body = task.partition("[")[0]
            if task.endswith("]") and body in rows and str(table.get_cell(body, "state")) == "PENDING":
                table.remove_row(body)
            self.task_colors.setdefault(task, TASK_COLORS[len(self.task_colors) % len(TASK_COLORS)])
            table.add_row(self._state(state), Text(task, style=self.task_colors[task]), key=task)
        else:
            table.update_cell(task, "state", self._state(state))

    def _shows(self, task: str, noise: bool) -> bool:
        if not task:
            return True  # a Kubeflow step: always on show
        return self.filter_task in (None, task) and not (noise and self.hide_executor)

    def _write_line(self, task: str, line: str) -> None:
        log = self.query_one("#log", RunLog)
        if log.is_on_screen:
            log.write(self._line_text(task, line))
        else:
            log.stale = True

    def _line_text(self, task: str, line: str) -> Text:
        if not task:  # a Kubeflow step (compiled, uploaded, run created)
            return Text(line, style="bold")
        color = self.task_colors.get(task, "cyan")
        # kfp's executor logs its own lines; the component's prints stand out against them.
        style = "dim" if line.startswith("[KFP Executor") else ""
        return Text.assemble((f"[{task}] ", color), (line, style))

    @on(DataTable.RowSelected, "#tasks")
    def filter_log(self, message: DataTable.RowSelected) -> None:
        task = str(message.row_key.value)
        self.filter_task = None if self.filter_task == task else task
        self._rewrite_log()

    @on(Checkbox.Changed, "#hide-executor")
    def toggle_executor_lines(self, message: Checkbox.Changed) -> None:
        self.hide_executor = message.value
        self._rewrite_log()

    def _rewrite_log(self) -> None:
        """The kept lines drawn afresh, as the filters say: the newest at once, the older in steps (RunLog)."""
        self._behind = False  # every kept line is drawn again
        shown = [item for item, noise in zip(self.log_lines, self._noise, strict=False) if self._shows(item[0], noise)]
        self.query_one("#log", RunLog).redraw(shown, self._item_text)

    def _item_text(self, item: tuple[str, str]) -> Text:
        return self._line_text(*item)

    @on(RunLog.Redraw)
    def redraw_log(self, message: RunLog.Redraw) -> None:
        message.stop()
        self._take_pending()  # what came since the last batch is kept first, drawn with the rest (not twice)
        self._rewrite_log()

    def on_attempt_finished(self, message: AttemptFinished) -> None:
        self.run_active = False
        self.app.refresh_bindings()
        self.prewarm()
        self.query_one("#run", Button).disabled = False
        self.query_one("#cancel", Button).disabled = True
        status = self.query_one("#run-status", Static)
        if message.attempt is None:
            status.update(Text(f"✗ {message.error}", style="bold red"))
            return
        attempt: Any = message.attempt
        results: list[CheckResult] = attempt.checks
        if attempt.run.state == "CANCELED":  # not an attempt: nothing to grade, the learner stopped it
            status.update(t(self.lang, "canceled"))
            return
        self.post_message(ChecksShown(results))
        if attempt.passed:
            status.update(Text(t(self.lang, "passed", id=self.lesson.id), style="bold green"))
        else:
            failed = sum(1 for r in results if r.status is Status.FAILED)
            key = "still_passed" if attempt.passed_before else "not_passed"
            status.update(Text(f"{t(self.lang, key, id=self.lesson.id)} ({failed} ✗)", style="bold red"))
