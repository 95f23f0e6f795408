"""The run graph in the app: the compiled pipeline as Kubeflow's UI draws it, each box's state live.

The layout is core/graph.py's; this widget colours each cell by the state of the task it
belongs to (the KFP UI's colours, core/graph.KFP_COLORS), follows the run's events, and shows
the selected task's inputs, outputs and log. On the Pipeline code tab it draws the graph from
the compile alone.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer, Vertical
from textual.widgets import Static

from workshop.core import graph
from workshop.core.events import ExecutorNoise, LogLine, RunEvent, RunFinished, RunStarted, TaskFinished, TaskStarted
from workshop.core.lessons import Lesson
from workshop.core.pipeline_spec import PipelineSpec, PipelineSpecError
from workshop.ui_text import t

LOG_TAIL = 5
# the preview's compiled spec per (lesson, function, code digest), shared by the views that draw it
_PREVIEWS: dict[tuple[str, str, str], PipelineSpec] = {}
_PREVIEW_LOCK = threading.Lock()


class GraphCanvas(Static):
    """The drawn graph; a click names the box under the pointer."""

    def on_click(self, event: events.Click) -> None:
        view = next((a for a in self.ancestors if isinstance(a, RunGraphView)), None)
        offset = event.get_content_offset(self)
        if view is not None and offset is not None:
            view.select_at(offset.x, offset.y)


class RunGraphView(Vertical, can_focus=True):
    DEFAULT_CSS = """
    RunGraphView { dock: left; width: auto; max-width: 50%; height: 1fr; border: round $primary-darken-2; }
    RunGraphView.beside-code { dock: right; }
    RunGraphView:focus-within, RunGraphView:focus { border: round $accent; }
    RunGraphView #graph-scroll { height: 1fr; width: auto; scrollbar-size: 1 1; }
    RunGraphView GraphCanvas { width: auto; }
    RunGraphView #graph-detail { height: auto; max-height: 55%; width: 100%; padding: 0 1;
        border-top: solid $primary-darken-2; }
    """
    BINDINGS = [
        Binding("right,down", "move(1)", show=False),
        Binding("left,up", "move(-1)", show=False),
        Binding("enter", "show_selected", show=False),
    ]

    def __init__(self, lesson: Lesson, lang: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lesson = lesson
        self.lang = lang
        self.spec: PipelineSpec | None = None
        self.graph: graph.RunGraph | None = None
        self.live = graph.Live(lang=lang)
        self.logs: dict[str, deque[str]] = {}  # each task's last LOG_TAIL lines: all the detail shows
        self.outputs: dict[str, dict[str, Any]] = {}
        self.arguments: dict[str, Any] = {}
        self.selected: str | None = None
        self._drawn_room = 0  # the width the graph was last drawn for
        self.rows: list[list[graph.Cell]] = []
        self.noise = ExecutorNoise()
        self._previewed: bytes | None = None  # the source last compiled for the preview
        self._logs_run = ""  # the run whose lines self.logs holds

    def compose(self) -> ComposeResult:
        with ScrollableContainer(id="graph-scroll"):
            yield GraphCanvas("", id="graph-canvas")
        yield Static("", id="graph-detail")

    def on_mount(self) -> None:
        details = self.query("#graph-detail")
        if not details:  # removed while it mounted (the lesson was drawn again meanwhile): nothing to show
            return
        self.border_title = t(self.lang, "graph_title")
        details.first().display = False
        self.show_code()

    def show_code(self) -> None:
        """Before a run: the graph of the file Run would compile, from its compile alone."""
        from workshop.core.lessons import LessonError

        course: Any = getattr(self.app, "course", None)
        if course is None or not self.lesson.pipeline_file.is_file():
            return
        try:
            source = course.pipeline_file(self.lesson)
            code = source.read_bytes()
        except (LessonError, OSError) as exc:
            self._no_graph(str(exc))
            return
        if code != self._previewed:
            self._previewed = code
            self.preview(source, code)

    # --- the spec --------------------------------------------------------------------
    def load(self, package: Path) -> bool:
        """Draw `package` afresh (every box pending); False where it cannot be read."""
        try:
            spec = PipelineSpec.load(package)
        except PipelineSpecError as exc:
            self.query_one(GraphCanvas).update(Text(str(exc), style="yellow"))
            return False
        self._show_spec(spec)
        return True

    def _show_spec(self, spec: PipelineSpec) -> None:
        self.spec, self.graph = spec, graph.build(spec)
        self.live = graph.Live(lang=self.lang)
        self.logs.clear()
        self.outputs.clear()
        self.noise = ExecutorNoise()
        self.selected = None
        self.query_one("#graph-detail").display = False
        self.redraw()

    @work(thread=True, exclusive=True, exit_on_error=False, group="graph-preview")
    def preview(self, source: Path, code: bytes) -> None:
        """Compile `code` aside (never over the run's package) and draw it; once per version of the code.

        The Run tab and the Pipeline code tab both draw it: the second finds the first's spec.
        """
        import hashlib

        from workshop.core.compile import CompileError, compile_apart, documents_path

        course: Any = self.app.course  # type: ignore[attr-defined]
        key = (self.lesson.key, self.lesson.pipeline_function, hashlib.sha1(code).hexdigest())
        with _PREVIEW_LOCK:
            spec = _PREVIEWS.get(key)
            if spec is None:
                target = course.settings.workspace / "graphs" / f"{self.lesson.key}-{id(self)}.yaml"
                try:
                    # in a child: kfp stays out of the app (its memory, and the paint it would slow)
                    # and its documents as JSON: the idle app loads no YAML parser for the graph
                    compile_apart(source, self.lesson.pipeline_function, target, code, documents=True)
                    spec = PipelineSpec.load_documents(documents_path(target), str(target))
                except (CompileError, PipelineSpecError) as exc:
                    self.app.call_from_thread(self._no_graph, str(exc))
                    return
                finally:
                    target.unlink(missing_ok=True)
                    documents_path(target).unlink(missing_ok=True)
                if len(_PREVIEWS) > 32:
                    _PREVIEWS.clear()
                _PREVIEWS[key] = spec
        self.app.call_from_thread(self._preview_done, spec)

    def _preview_done(self, spec: PipelineSpec) -> None:
        if not self.live.states:  # a run began meanwhile: its graph stays
            self._show_spec(spec)

    def _no_graph(self, message: str) -> None:
        self.spec = self.graph = None
        self.query_one(GraphCanvas).update(Text(t(self.lang, "graph_none", error=message), style="yellow"))

    # --- the run ---------------------------------------------------------------------
    def on_run_event(self, event: RunEvent) -> None:
        if isinstance(event, RunStarted):
            course: Any = getattr(self.app, "course", None)
            if course is not None:
                # The log's batches and the posted events take two paths: this run's first lines
                # may have come before its RunStarted, and stay with their tasks.
                same = event.run_id == self._logs_run
                early, noise = self.logs.copy(), self.noise
                self.load(course.package_path(self.lesson))
                self.logs.clear()
                if same:
                    self.logs.update(early)
                    self.noise = noise
                self._logs_run = event.run_id
                last = course.progress.last_run(self.lesson.id)
                self.arguments = dict(last.arguments) if last is not None else {}
            return
        live = self.live
        if isinstance(event, TaskStarted):
            name = graph.task_of(event.task)
            live.states[name] = "RUNNING"
            live.started[name] = live.started.get(name, 0) + 1
        elif isinstance(event, TaskFinished):
            name = graph.task_of(event.task)
            live.finished[name] = live.finished.get(name, 0) + 1
            # a loop's task is running while some of its iterations still are; a failed one stays failed
            still = live.started.get(name, 0) > live.finished[name]
            if live.states.get(name) != "FAILED" and not (still and event.state.value == "SUCCEEDED"):
                live.states[name] = event.state.value
            self.outputs[name] = dict(event.outputs)
        elif isinstance(event, LogLine):
            self.on_lines([event])
            return
        elif isinstance(event, RunFinished):
            for node in self.graph.tasks() if self.graph else []:
                if live.states.get(node.name, "PENDING") in ("PENDING", "RUNNING"):
                    live.states[node.name] = "CANCELED" if event.state.value == "CANCELED" else "NOT RUN"
        self.redraw()
        if self.selected:
            self._show_detail()

    def on_lines(self, batch: list[LogLine], noise: list[bool] | None = None) -> None:
        """A batch of the run's lines: each task keeps what its component printed (not kfp's lines), its last
        LOG_TAIL of them, however many a flood brings. `noise`: which are kfp's, when the caller knows."""
        for first in batch[:1]:
            if first.run_id != self._logs_run:  # a new run's lines, maybe before its RunStarted
                self.logs.clear()
                self.noise = ExecutorNoise()
                self._logs_run = first.run_id
                noise = None  # the caller judged them with the old run's state
        if noise is None:
            noise = [self.noise.is_noise(event.task, event.line) for event in batch]
        logs = self.logs
        for event, hush in zip(batch, noise, strict=True):
            if not hush:
                task = graph.task_of(event.task)
                kept = logs.get(task)
                if kept is None:
                    kept = logs[task] = deque(maxlen=LOG_TAIL)
                kept.append(event.line)
        if self.selected and any(graph.task_of(e.task) == self._selected_name() for e in batch):
            self._show_detail()

    # --- drawing ---------------------------------------------------------------------
    def _room(self) -> int:
        parent = self.parent
        total = getattr(parent, "size", self.app.size).width or self.app.size.width
        return max(total // 2 - 3, 20)  # max-width 50%, less the border and the scrollbar

    def redraw(self) -> None:
        if self.graph is None:
            return
        self._drawn_room = self._room()
        self.rows = graph.render(self.graph, self._drawn_room, self.live)
        states = graph.tag_states(self.graph, self.live)
        text = Text(no_wrap=True, overflow="crop")
        for i, row in enumerate(self.rows):
            if i:
                text.append("\n")
            for ch, tag in row:
                if tag is None:
                    text.append(ch)
                elif tag == graph.EDGE:
                    text.append(ch, style="grey50")
                else:
                    fg, bg = graph.KFP_COLORS.get(states.get(tag, "PENDING"), ("", ""))
                    node = self.graph.node(tag)
                    style = f"bold {fg}" if node is not None and node.is_group else fg
                    if tag == self.selected:
                        style = f"bold {fg} on {bg}"
                    text.append(ch, style=style)
        self.query_one(GraphCanvas).update(text)

    def on_resize(self, event: events.Resize) -> None:
        # A tab shown again sends a Resize of the same size: drawn again, the canvas (width auto) would ask for
        # a second layout of the whole screen, which doubled what a key to the Run tab cost. Only a new room.
        if self._room() != self._drawn_room:
            self.redraw()

    # --- selecting a task ------------------------------------------------------------
    def select_at(self, x: int, y: int) -> None:
        if 0 <= y < len(self.rows) and 0 <= x < len(self.rows[y]):
            tag = self.rows[y][x][1]
            if tag and tag != graph.EDGE:
                self.select(tag)

    def select(self, key: str | None) -> None:
        self.selected = key
        self.redraw()
        self._show_detail()

    def action_move(self, step: int) -> None:
        if self.graph is None:
            return
        keys = [n.key for n in self.graph.tasks()]
        if not keys:
            return
        at = keys.index(self.selected) if self.selected in keys else (-1 if step > 0 else 0)
        self.select(keys[(at + step) % len(keys)])

    def action_show_selected(self) -> None:
        self._show_detail()

    def _selected_name(self) -> str | None:
        node = self.graph.node(self.selected) if self.graph and self.selected else None
        return node.name if node is not None else None

    def _show_detail(self) -> None:
        detail = self.query_one("#graph-detail", Static)
        node = self.graph.node(self.selected) if self.graph and self.selected else None
        if node is None or self.spec is None:
            detail.display = False
            return
        lang = self.lang
        state = self.live.state_of(node)
        fg = graph.KFP_COLORS.get(state, ("", ""))[0]
        text = Text.assemble((node.name, "bold"), "  ", (graph.state_text(state, lang=self.lang), fg))
        if node.is_group:
            text.append("\n" + graph.group_label(node, self.live), style="dim")
            detail.update(text)
            detail.display = True
            return
        task = next((tk for tk in self.spec.tasks if tk.path == node.path), None)
        inputs = graph.task_inputs(self.spec, task, self.arguments, self.outputs) if task else []
        text.append(f"\n{t(lang, 'graph_inputs')}", style="dim")
        for item in inputs or []:
            value = "" if item.value is None else f" = {_short(item.value)}"
            text.append(f"\n {item.name} ← {item.source}{value}")
        if not inputs:
            text.append(" –")
        outputs = self.outputs.get(node.name)
        text.append(f"\n{t(lang, 'graph_outputs')}", style="dim")
        if outputs:
            for key, value in outputs.items():
                text.append(f"\n {key} = {_short(value)}")
        else:
            text.append(" –")
        lines = list(self.logs.get(node.name, ()))
        text.append(f"\n{t(lang, 'graph_log')}", style="dim")
        for line in lines[-LOG_TAIL:]:
            text.append(f"\n {line}")
        if not lines:
            text.append(" –")
        detail.update(text)
        detail.display = True


def _short(value: Any, limit: int = 60) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"
