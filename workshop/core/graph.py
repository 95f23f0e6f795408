"""The run graph: the compiled pipeline as Kubeflow's UI draws it, laid out for a terminal.

One box per task, edges from the spec's dependencies (data and `.after` both compile to
dependentTasks), in layers; the sub-DAGs that dsl.If/Elif/Else, ParallelFor, ExitHandler and
nested pipelines compile to are labelled frames holding their own graph, a loop with its
iteration count. The shape comes from core/pipeline_spec alone, so both backends draw the same.

grandalf's Sugiyama layout gives the layers and the order inside each (fewest crossings) and
the dummy points a long edge passes through; this module only turns that into characters:
boxes side by side per layer, and between layers one lane per group of edges, drawn with
box-drawing junctions. Too wide for the screen, it folds to an indented list instead of
overlapping. The result is a grid of (character, tag) cells; a tag names the task a cell
belongs to, so a face colours it by state and maps a click to a task. No UI import.
"""

from __future__ import annotations

import builtins
import importlib.util
import json
import sys
import threading
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from workshop.core.pipeline_spec import PipelineSpec, Task
from workshop.core.text import CATALOGS

# The KFP UI's colours. Foregrounds: frontend/src/Css.tsx `color` (success #34a853, errorText
# #d50000, blue #4285f4, weak #9aa0a6, terminated #80868b); node backgrounds: frontend/src/lib/
# StatusUtils.ts `statusBgColors` and statusToBgColorV2 (kubeflow/pipelines master, 0029bf50):
# running and canceling share a background, skipped and canceled share one.
KFP_COLORS: dict[str, tuple[str, str]] = {  # state -> (foreground, background)
    "PENDING": ("#9aa0a6", "#f7f7f7"),
    "RUNNING": ("#4285f4", "#e8f0fe"),
    "SUCCEEDED": ("#34a853", "#e6f4ea"),
    "FAILED": ("#d50000", "#fce8e6"),
    "SKIPPED": ("#80868b", "#f1f3f4"),
    "CANCELED": ("#80868b", "#f1f3f4"),
    "NOT RUN": ("#80868b", "#f1f3f4"),
}
STATE_MARK = {"PENDING": "○", "RUNNING": "◐", "SUCCEEDED": "✓", "FAILED": "✗", "SKIPPED": "–",
              "CANCELED": "⊘", "NOT RUN": "·"}
EDGE = "\x00edge"  # the tag of a connector cell
NAME_MAX = 22
GAP = 2


@dataclass
class Node:
    """A task of the graph, or a group (a sub-DAG) holding its own nodes."""

    name: str
    path: tuple[str, ...]
    kind: str  # task | condition | branches | loop | exit-handler | pipeline
    dependencies: tuple[str, ...] = ()
    children: list[Node] = field(default_factory=list)
    iterations: int | None = None  # a loop over a list known at compile time
    condition: str = ""
    on_exit: bool = False  # an ExitHandler's exit task: runs whatever happened upstream

    @property
    def key(self) -> str:
        return "/".join(self.path)

    @property
    def is_group(self) -> bool:
        return self.kind != "task"

    def walk(self) -> list[Node]:
        return [self, *(n for child in self.children for n in child.walk())]


@dataclass
class RunGraph:
    name: str
    nodes: list[Node]

    def walk(self) -> list[Node]:
        return [n for node in self.nodes for n in node.walk()]

    def tasks(self) -> list[Node]:
        """The boxes that run something, in the spec's dependency order."""
        return [n for n in self.walk() if not n.is_group]

    def node(self, key: str) -> Node | None:
        return next((n for n in self.walk() if n.key == key), None)


def _condition_text(raw: str) -> str:
    # the IR says inputs.parameter_values['pipelinechannel--three-Output']; the learner wrote three.output
    text = raw.replace("inputs.parameter_values['pipelinechannel--", "").replace("']", "")
    for suffix in ("-Output",):
        text = text.replace(suffix, ".output")
    return text


def _kind(spec: PipelineSpec, task: Task) -> tuple[str, int | None, str]:
    raw = spec.task_spec(task)
    cond = str(raw.get("triggerPolicy", {}).get("condition", "") or "")
    iterator = raw.get("parameterIterator") or raw.get("artifactIterator")
    if isinstance(iterator, dict):
        items = iterator.get("items", {})
        count = None
        if isinstance(items, dict) and "raw" in items:
            try:
                value = json.loads(str(items["raw"]))
                count = len(value) if isinstance(value, list) else None
            except ValueError:
                count = None
        return "loop", count, ""
    if cond:
        return "condition", None, _condition_text(cond)
    if task.name.startswith("condition-branches-"):
        return "branches", None, ""
    if task.name.startswith("exit-handler-"):
        return "exit-handler", None, ""
    return "pipeline", None, ""


def build(spec: PipelineSpec) -> RunGraph:
    """The graph of a compiled pipeline: spec.tasks (every depth, dependency order) as nested nodes."""
    by_path: dict[tuple[str, ...], Node] = {}
    roots: list[Node] = []
    for task in spec.tasks:
        raw = spec.task_spec(task)
        on_exit = raw.get("triggerPolicy", {}).get("strategy") == "ALL_UPSTREAM_TASKS_COMPLETED"
        if task.executor_label:
            node = Node(task.name, task.path, "task", task.dependencies, on_exit=on_exit)
        else:
            kind, count, cond = _kind(spec, task)
            node = Node(task.name, task.path, kind, task.dependencies, iterations=count, condition=cond,
                        on_exit=on_exit)
        by_path[task.path] = node
        parent = by_path.get(task.path[:-1])
        (parent.children if parent is not None else roots).append(node)
    return RunGraph(spec.name, roots)


# --- states ------------------------------------------------------------------------------
def task_of(event_task: str) -> str:
    """The graph's task for an event's task name: a loop's iteration `square[3]` is its body `square`."""
    return event_task.partition("[")[0]


@dataclass
class Live:
    """What a run has shown so far: task name -> state, and how many times each started (loops)."""

    states: dict[str, str] = field(default_factory=dict)
    started: dict[str, int] = field(default_factory=dict)
    finished: dict[str, int] = field(default_factory=dict)
    lang: str = "en"  # the language of the state words in the boxes

    def state_of(self, node: Node) -> str:
        if not node.is_group:
            return self.states.get(node.name, "PENDING")
        inner = [self.state_of(child) for child in node.children] or ["PENDING"]
        for state in ("FAILED", "RUNNING", "CANCELED"):
            if state in inner:
                return state
        if all(s in ("SUCCEEDED", "SKIPPED") for s in inner):
            return "SUCCEEDED" if "SUCCEEDED" in inner else "SKIPPED"
        if "SUCCEEDED" in inner and "PENDING" in inner:
            return "RUNNING"
        return inner[0] if len(set(inner)) == 1 else "PENDING"


def group_label(node: Node, live: Live | None = None) -> str:
    if node.kind == "loop":
        runs = max((live.started.get(t.name, 0) for t in node.walk() if not t.is_group), default=0) if live else 0
        total = "?" if node.iterations is None else str(node.iterations)
        count = f"{runs}/{total}" if runs else f"×{total}"
        return f"ParallelFor {count} ({node.name})"
    if node.kind == "condition":
        return f"If {node.condition}"
    if node.kind == "branches":
        return f"If/Elif/Else ({node.name})"
    if node.kind == "exit-handler":
        return f"ExitHandler ({node.name})"
    return f"pipeline {node.name}"


def state_text(state: str, count: int = 0, lang: str = "en") -> str:
    if lang == "en":
        word = state.capitalize() if state != "NOT RUN" else "Not run"
    else:  # the Tasks table's words for the states (the `ui` section of the catalog)
        word = CATALOGS.get(lang, {}).get(f"ui:task_{state}", state)
    return f"{STATE_MARK.get(state, '?')} {word}" + (f" ×{count}" if count > 1 else "")


def cells(text: str) -> int:
    """The terminal columns `text` takes: a wide (Chinese) character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - cells(text), 0)


def _short(text: str, limit: int) -> str:
    if cells(text) <= limit:
        return text
    out, used = "", 0
    for ch in text:
        if used + cells(ch) > limit - 1:
            break
        out, used = out + ch, used + cells(ch)
    return out + "…"


# --- the grid ----------------------------------------------------------------------------
Cell = tuple[str, str | None]


class Block:
    """A rectangle of cells; `ports` are the columns of its top/bottom edge where edges attach."""

    def __init__(self, width: int, height: int) -> None:
        self.width = width
        self.height = height
        self.cells: list[list[Cell]] = [[(" ", None)] * width for _ in range(height)]

    def put(self, row: int, col: int, text: str, tag: str | None) -> None:
        """`text` from column `col`: a wide character takes its cell and the next, which holds "" (drawn as
        nothing, so the row's text keeps its width in the terminal)."""
        i = 0
        for ch in text:
            for part in ((ch, "") if cells(ch) == 2 else (ch,)):
                if 0 <= col + i < self.width and 0 <= row < self.height:
                    self.cells[row][col + i] = (part, tag)
                i += 1

    def paste(self, other: Block, row: int, col: int) -> None:
        for r, line in enumerate(other.cells):
            for c, cell in enumerate(line):
                if 0 <= row + r < self.height and 0 <= col + c < self.width:
                    self.cells[row + r][col + c] = cell

    def lines(self) -> list[str]:
        return ["".join(ch for ch, _ in row).rstrip() for row in self.cells]


def _frame(block: Block, top: int, left: int, width: int, height: int, tag: str, title: str = "",
           rounded: bool = True) -> None:
    tl, tr, bl, br = ("╭", "╮", "╰", "╯") if rounded else ("┌", "┐", "└", "┘")
    block.put(top, left, tl + "─" * (width - 2) + tr, tag)
    block.put(top + height - 1, left, bl + "─" * (width - 2) + br, tag)
    for r in range(top + 1, top + height - 1):
        block.put(r, left, "│", tag)
        block.put(r, left + width - 1, "│", tag)
    if title:
        block.put(top, left + 2, f" {_short(title, width - 6)} ", tag)


def _task_block(node: Node, live: Live) -> Block:
    state = live.state_of(node)
    name = _short(node.name, NAME_MAX)
    status = state_text(state, live.started.get(node.name, 0), live.lang)
    inner = max(cells(name), cells(status))
    block = Block(inner + 4, 4)
    _frame(block, 0, 0, inner + 4, 4, node.key)
    block.put(1, 2, _pad(name, inner), node.key)
    block.put(2, 2, _pad(status, inner), node.key)
    if node.on_exit:
        block.put(3, 2, " on exit ", node.key)
    return block


def _group_block(node: Node, live: Live) -> Block:
    inner = _dag_block(node.children, live)
    title = group_label(node, live)
    width = max(inner.width + 4, min(len(title) + 6, 40))
    block = Block(width, inner.height + 2)
    _frame(block, 0, 0, width, inner.height + 2, node.key, title, rounded=False)
    block.paste(inner, 1, (width - inner.width) // 2)
    return block


def _node_block(node: Node, live: Live) -> Block:
    return _group_block(node, live) if node.is_group else _task_block(node, live)


_GEOMETRY_LOCK = threading.Lock()


def _geometry_without_numpy() -> None:
    """Import grandalf.utils.geometry on its pure-Python path, unless numpy is already imported.

    The Sugiyama layout takes only median_wh from it (pure Python); the module imports numpy
    for the DigcoLayout's algebra when numpy can be imported, and has its own fallback
    (grandalf/utils/linalg.py) when it cannot. numpy is some 11 MiB and 0.1 s, for nothing
    drawn here. The module alone is told numpy is missing, through its own __import__:
    nothing else in the process sees a difference.
    """
    name = "grandalf.utils.geometry"
    with _GEOMETRY_LOCK:
        if name in sys.modules or "numpy" in sys.modules:
            return
        import grandalf.utils  # noqa: F401  the package first (poset, dot, nx: no numpy)

        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return
        real_import = builtins.__import__

        def no_numpy(module: str, *args: Any, **kwargs: Any) -> Any:
            if module == "numpy" or module.startswith("numpy."):
                raise ImportError("numpy is not needed for the layout")
            return real_import(module, *args, **kwargs)

        module = importlib.util.module_from_spec(spec)
        module.__dict__["__builtins__"] = {**builtins.__dict__, "__import__": no_numpy}
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[name]
            raise


def _layers(nodes: list[Node]) -> list[list[_Item]]:
    """Layers top to bottom, each in grandalf's order; a _Dummy is a point a long edge passes.

    Returns nodes of one DAG; an edge (u, v) spanning k layers becomes u, k-1 dummies, v.
    """
    _geometry_without_numpy()
    from grandalf.graphs import Edge, Graph, Vertex
    from grandalf.layouts import SugiyamaLayout

    class _View:
        w, h = 10, 4

    vertices = {n.name: Vertex(n) for n in nodes}
    for v in vertices.values():
        v.view = _View()
    edges = [Edge(vertices[d], vertices[n.name]) for n in nodes for d in n.dependencies if d in vertices]
    graph = Graph(list(vertices.values()), edges)
    merged: list[list[_Item]] = []
    for component in graph.C:
        layout = SugiyamaLayout(component)
        layout.init_all()
        layout.draw(N=3)
        for i, layer in enumerate(layout.layers):
            while len(merged) <= i:
                merged.append([])
            layer = sorted(layer, key=lambda v: v.view.xy[0])  # the layer's order is where draw put it
            merged[i].extend(v.data if isinstance(getattr(v, "data", None), Node) else _Dummy(v) for v in layer)
    return merged


class _Dummy:
    """A point a long edge passes through in a middle layer."""

    def __init__(self, vertex: Any) -> None:  # a grandalf Vertex (grandalf has no types)
        self.vertex = vertex


_Item: TypeAlias = "Node | _Dummy"  # what a layer holds: a node's box, or a point a long edge passes


_JUNCTIONS = {
    frozenset("UD"): "│", frozenset("LR"): "─", frozenset("DR"): "┌", frozenset("DL"): "┐",
    frozenset("UR"): "└", frozenset("UL"): "┘", frozenset("UDR"): "├", frozenset("UDL"): "┤",
    frozenset("DLR"): "┬", frozenset("ULR"): "┴", frozenset("UDLR"): "┼", frozenset("U"): "│",
    frozenset("D"): "│", frozenset("L"): "─", frozenset("R"): "─",
}


def _dag_block(nodes: list[Node], live: Live) -> Block:
    if not nodes:
        return Block(0, 0)
    layers = _layers(nodes)
    blocks = {id(n): _node_block(n, live) for n in nodes}

    def size(item: _Item) -> tuple[int, int]:
        return (blocks[id(item)].width, blocks[id(item)].height) if isinstance(item, Node) else (1, 1)

    widths = [sum(size(i)[0] for i in layer) + GAP * (len(layer) - 1) for layer in layers]
    total = max(widths)
    # where each item sits: (layer, left column) and its port column
    place: dict[int, tuple[int, int]] = {}
    for li, layer in enumerate(layers):
        col = (total - widths[li]) // 2
        for item in layer:
            place[id(item)] = (li, col)
            col += size(item)[0] + GAP
    heights = [max(size(i)[1] for i in layer) for layer in layers]

    def port(item: _Item) -> int:
        return place[id(item)][1] + size(item)[0] // 2

    # the edges between consecutive layers, with grandalf's dummies standing for long edges
    by_name = {n.name: n for n in nodes}
    dummy_items = [i for layer in layers for i in layer if isinstance(i, _Dummy)]
    chains: list[list[_Item]] = []
    for n in nodes:
        for d in n.dependencies:
            if d not in by_name:
                continue
            src, ls, ld = by_name[d], place[id(by_name[d])][0], place[id(n)][0]
            middle = [_dummy_in(dummy_items, src, n, li, place) for li in range(ls + 1, ld)]
            chains.append([src, *(m for m in middle if m is not None), n])
    transitions: list[list[tuple[_Item, _Item]]] = [[] for _ in range(max(len(layers) - 1, 0))]
    for chain in chains:
        for a, b in zip(chain, chain[1:], strict=False):
            transitions[place[id(a)][0]].append((a, b))

    # lanes per transition: sources with the same targets share one
    lanes_of: list[list[tuple[list[int], list[int]]]] = []
    for edges in transitions:
        groups: dict[tuple[int, ...], list[int]] = {}
        for a in {id(a): a for a, _ in edges}.values():
            targets = tuple(sorted(port(b) for x, b in edges if x is a))
            groups.setdefault(targets, []).append(port(a))
        lanes = [(sorted(srcs), list(tgts)) for tgts, srcs in groups.items()]
        lanes.sort(key=lambda lane: min(lane[0] + lane[1]))
        lanes_of.append(lanes)
    zone = [max(1, sum(1 for s, t in lanes if set(s + t) != {s[0]})) + 1 if lanes else 1 for lanes in lanes_of]
    height = sum(heights) + sum(zone)
    block = Block(total, height)
    top = 0
    for li, layer in enumerate(layers):
        for item in layer:
            _, col = place[id(item)]
            if isinstance(item, Node):
                box = blocks[id(item)]
                block.paste(box, top, col)
                if box.height < heights[li] and li < len(layers) - 1 and any(a is item for a, _ in transitions[li]):
                    for r in range(top + box.height, top + heights[li]):
                        block.put(r, port(item), "│", EDGE)
            else:
                for r in range(top, top + heights[li]):
                    block.put(r, col, "│", EDGE)
        top += heights[li]
        if li == len(layers) - 1:
            break
        dirs: dict[tuple[int, int], set[str]] = {}

        def mark(r: int, c: int, d: str, dirs: dict[tuple[int, int], set[str]] = dirs) -> None:
            dirs.setdefault((r, c), set()).update(d)

        rows = zone[li]
        lane_row = 0
        for srcs, tgts in lanes_of[li]:
            xs = srcs + tgts
            if set(xs) == {srcs[0]}:  # straight down
                for r in range(rows - 1):
                    mark(r, srcs[0], "UD")
                continue
            for x in srcs:
                for r in range(lane_row):
                    mark(r, x, "UD")
                mark(lane_row, x, "U")
            for x in tgts:
                mark(lane_row, x, "D")
                for r in range(lane_row + 1, rows - 1):
                    mark(r, x, "UD")
            for c in range(min(xs), max(xs) + 1):
                mark(lane_row, c, ("L" if c > min(xs) else "") + ("R" if c < max(xs) else ""))
            lane_row += 1
        for (r, c), way in dirs.items():
            block.put(top + r, c, _JUNCTIONS.get(frozenset(way), "┼"), EDGE)
        ends = {id(b): b for _, b in transitions[li]}
        for end in ends.values():
            block.put(top + rows - 1, port(end), "▼" if isinstance(end, Node) else "│", EDGE)
        top += rows
    return block


def _dummy_in(dummies: list[_Dummy], src: Node, dst: Node, layer: int,
              place: dict[int, tuple[int, int]]) -> _Dummy | None:
    for item in dummies:
        ctrl = getattr(item.vertex, "ctrl", None)
        if place[id(item)][0] != layer or not isinstance(ctrl, dict):
            continue
        ends = {getattr(v, "data", None) for v in ctrl.values()}
        if src in ends and dst in ends:
            return item
    return None


# --- text --------------------------------------------------------------------------------
def render(graph: RunGraph, width: int, live: Live | None = None) -> list[list[Cell]]:
    """The graph as rows of cells, at most `width` columns: boxes in layers, or a list if too wide."""
    live = live or Live()
    block = _dag_block(graph.nodes, live)
    if block.width <= width:
        return [_rstrip(row) for row in block.cells]
    return folded(graph, width, live)


def _rstrip(row: list[Cell]) -> list[Cell]:
    end = len(row)
    while end and row[end - 1][0] == " ":
        end -= 1
    return row[:end]


def folded(graph: RunGraph, width: int, live: Live | None = None) -> list[list[Cell]]:
    """The graph as an indented list: one line a node, its upstream tasks after an arrow."""
    live = live or Live()
    rows: list[list[Cell]] = []

    def line(node: Node, depth: int) -> None:
        indent = "  " * depth
        if node.is_group:
            text = f"{indent}▸ {group_label(node, live)}"
            rows.append([(ch, node.key) for ch in _short(text, width)])
            for child in node.children:
                line(child, depth + 1)
            return
        status = state_text(live.state_of(node), live.started.get(node.name, 0), live.lang)
        after = f"  ← {', '.join(node.dependencies)}" if node.dependencies else ""
        exit_note = "  (on exit)" if node.on_exit else ""
        rows.append([(ch, node.key) for ch in _task_line(indent, node.name, status, after + exit_note, width)])

    for node in graph.nodes:
        line(node, 0)
    return rows


def _task_line(indent: str, name: str, status: str, tail: str, width: int) -> str:
    """One task of the list in `width` columns: the upstream names give way first, then the task's
    name; its state is what the learner reads, so it stays whole while it fits at all."""
    head = f"{indent}■ {name}  {status}"
    if cells(head) + cells(tail) <= width:
        return head + tail
    if cells(head) <= width:
        room = width - cells(head)
        return head + (_short(tail, room) if room >= 4 else "")
    room = width - cells(f"{indent}■   {status}")
    if room >= 2:
        return f"{indent}■ {_short(name, room)}  {status}"
    return _short(head, width)


def to_text(graph: RunGraph, width: int, live: Live | None = None) -> str:
    return "\n".join("".join(ch for ch, _ in row).rstrip() for row in render(graph, width, live))


def tag_states(graph: RunGraph, live: Live) -> Mapping[str, str]:
    """Each tag's state: what a face colours a cell with."""
    return {node.key: live.state_of(node) for node in graph.walk()}


# --- a task's inputs, as the run fed them ----------------------------------------------
@dataclass(frozen=True)
class Input:
    name: str
    source: str  # where it comes from: "pipeline input a", "square.Output", "constant"
    value: Any = None  # known once the run (or its arguments) says; None before


def task_inputs(spec: PipelineSpec, task: Task, arguments: Mapping[str, Any] | None = None,
                outputs: Mapping[str, Mapping[str, Any]] | None = None) -> list[Input]:
    """What the task takes, from its spec: a run argument, another task's output, or a constant."""
    raw = spec.task_spec(task).get("inputs", {})
    outputs = outputs or {}
    values = {**spec.root_defaults(), **dict(arguments or {})}
    found: list[Input] = []
    for kind in ("parameters", "artifacts"):
        for name, given in sorted((raw.get(kind) or {}).items()):
            given = given if isinstance(given, dict) else {}
            producer = given.get("taskOutputParameter") or given.get("taskOutputArtifact") or {}
            if producer:
                task_name = str(producer.get("producerTask", ""))
                key = str(producer.get("outputParameterKey") or producer.get("outputArtifactKey") or "")
                found.append(Input(name, f"{task_name}.{key}", outputs.get(task_name, {}).get(key)))
            elif "componentInputParameter" in given or "componentInputArtifact" in given:
                upstream = str(given.get("componentInputParameter") or given.get("componentInputArtifact"))
                if task.depth == 0:
                    found.append(Input(name, f"pipeline input {upstream}", values.get(upstream)))
                else:
                    found.append(Input(name, f"{task.parent.removeprefix('comp-')} input {upstream}"))
            elif "constant" in (given.get("runtimeValue") or {}):
                found.append(Input(name, "constant", given["runtimeValue"]["constant"]))
            else:
                found.append(Input(name, "set by the run"))
    return found
