"""The run graph's layout (workshop/core/graph.py) on packages kfp really compiles.

The shape comes from the spec alone: kfp 2.17.3 compiles dsl.If/Elif/Else to condition-N DAG
tasks with triggerPolicy.condition (inside condition-branches-N), ParallelFor to for-loop-N with
parameterIterator.items.raw, ExitHandler to exit-handler-N with the exit task after it under
triggerPolicy.strategy ALL_UPSTREAM_TASKS_COMPLETED (kfp/compiler/compiler_utils.py and
pipeline_spec_builder.py, tag 2.17.3).
"""

from pathlib import Path

import pytest

from tests.conftest import ROOT
from workshop.core import graph
from workshop.core.compile import compile_pipeline
from workshop.core.pipeline_spec import PipelineSpec


def compiled(tmp_path: Path, source: Path, function: str) -> graph.RunGraph:
    return graph.build(PipelineSpec.load(compile_pipeline(source, function, tmp_path / "p.yaml")))


@pytest.fixture(scope="module")
def depth(tmp_path_factory: pytest.TempPathFactory) -> graph.RunGraph:
    return compiled(tmp_path_factory.mktemp("g"), ROOT / "tests" / "fixtures" / "platform_depth.py",
                    "depth_pipeline")


def test_lesson_one_is_drawn_in_layers_with_its_edges(tmp_path: Path) -> None:
    g = compiled(tmp_path, ROOT / "pipelines" / "pythagorean.py", "pythagorean")
    text = graph.to_text(g, 100).splitlines()
    row = {name: next(i for i, line in enumerate(text) if f"│ {name} " in line)
           for name in ("square", "square-2", "add", "square-root")}
    assert row["square"] == row["square-2"] < row["add"] < row["square-root"]  # layers
    # both squares meet in one lane that arrows down into add
    lane = text[row["square"] + 3]
    assert lane.count("┘") + lane.count("└") == 2 and "┬" in lane
    assert "▼" in text[row["add"] - 2]
    assert all(len(line) <= 100 for line in text)


def test_a_condition_a_loop_and_an_exit_handler_are_labelled_groups(depth: graph.RunGraph) -> None:
    kinds = {n.key: n.kind for n in depth.walk()}
    assert kinds["exit-handler-1"] == "exit-handler"
    assert kinds["exit-handler-1/condition-2"] == "condition"
    loop = next(n for n in depth.walk() if n.kind == "loop")
    assert loop.iterations == 2 and [c.name for c in loop.children] == ["show-9"]
    assert kinds["exit-handler-1/condition-branches-3/inner"] == "pipeline"
    exit_task = depth.node("show-2")
    assert exit_task is not None and exit_task.on_exit and exit_task.dependencies == ("exit-handler-1",)
    wide = graph.to_text(depth, 400)
    assert "┌─ ExitHandler (exit-handler-1)" in wide
    assert "If int(three.output) > 1" in wide and "ParallelFor ×2 (for-loop-10)" in wide
    assert "on exit" in wide
    # live: the loop counts its iterations as they start
    live = graph.Live(states={"show-9": "RUNNING"}, started={"show-9": 1})
    assert "ParallelFor 1/2 (for-loop-10)" in graph.to_text(depth, 400, live)
    assert live.state_of(loop) == "RUNNING"


def test_too_wide_for_the_screen_it_folds_to_a_list(depth: graph.RunGraph) -> None:
    lines = graph.to_text(depth, 80).splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert "╭" not in "".join(lines)  # a list, not boxes drawn over each other
    assert lines[-1].startswith("■ show-2") and "← exit-handler-1" in lines[-1]
    assert any(line.startswith("    ▸ ParallelFor ×2") for line in lines)


def test_a_narrow_list_keeps_each_task_s_state_whole(tmp_path: Path) -> None:
    """At 80 columns the Run tab's graph has 26: the state is what a learner reads, so the upstream
    names give way first, then the task's name, never the state ("✓ Succeede…" was seen)."""
    g = compiled(tmp_path, ROOT / "pipelines" / "pythagorean.py", "pythagorean")
    live = graph.Live(states={name: "SUCCEEDED" for name in ("square", "square-2", "add", "square-root")})
    for width in (26, 20):
        lines = graph.folded(g, width, live)
        text = ["".join(ch for ch, _ in row) for row in lines]
        assert len(text) == 4 and all(len(line) <= width for line in text), text
        assert all(line.rstrip().endswith("✓ Succeeded") or "✓ Succeeded  ←" in line for line in text), text
    wide = ["".join(ch for ch, _ in row) for row in graph.folded(g, 80, live)]
    assert "■ square-root  ✓ Succeeded  ← add" in wide


def test_in_chinese_the_boxes_say_the_states_in_chinese_and_stay_aligned(tmp_path: Path) -> None:
    """Issue 11: task states in Chinese mode were English (○ Pending) in the graph's boxes, in the app and in
    `workshop graph --lang zh`. A Chinese character takes two terminal columns: each box's right edge must
    stay where its top corner is, in the boxes and in the narrow list."""
    from workshop.core.graph import cells

    g = compiled(tmp_path, ROOT / "pipelines" / "pythagorean.py", "pythagorean")
    live = graph.Live(states={"square": "SUCCEEDED", "square-2": "RUNNING"}, lang="zh")
    text = graph.to_text(g, 100, live).splitlines()
    joined = "\n".join(text)
    assert "✓ 成功" in joined and "◐ 运行中" in joined and "○ 等待中" in joined
    assert "Pending" not in joined and "Succeeded" not in joined
    def at(line: str, column: int) -> str:  # the character drawn at this terminal column
        col = 0
        for ch in line:
            if col == column:
                return ch
            col += cells(ch)
        return " "

    corners = 0
    for i, line in enumerate(text):  # a task box's right edge stays under its top-right corner
        col = 0
        for ch in line:
            if ch == "╮":
                corners += 1
                assert at(text[i + 1], col) == "│" and at(text[i + 2], col) == "│", "\n".join(text[i:i + 4])
            col += cells(ch)
    assert corners == 4
    listed = ["".join(ch for ch, _ in row) for row in graph.folded(g, 26, live)]
    assert all(cells(line) <= 26 for line in listed) and any(line.endswith("✓ 成功") for line in listed), listed
    assert graph.state_text("SUCCEEDED", lang="en") == "✓ Succeeded"  # English as before


def test_two_compiles_at_once_take_turns(tmp_path: Path) -> None:
    """The run and the run graph's preview compile in two threads; kfp's pipeline context is global."""
    import threading

    source = tmp_path / "p.py"
    source.write_text((ROOT / "pipelines" / "pythagorean.py").read_text() + "\n# fresh module\n")
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def one(i: int) -> None:
        barrier.wait()
        try:
            compile_pipeline(source, "pythagorean", tmp_path / f"{i}.yaml")
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert {len(PipelineSpec.load(tmp_path / f"{i}.yaml").tasks) for i in range(4)} == {4}


LAYOUT_IN_A_FRESH_PROCESS = """
import sys
from pathlib import Path
if sys.argv[2] == "numpy first":
    import numpy  # noqa: F401  grandalf then takes its numpy path, as it did before
from workshop.core import graph
from workshop.core.pipeline_spec import PipelineSpec
print(graph.to_text(graph.build(PipelineSpec.load(Path(sys.argv[1]))), 100))
print("numpy imported:", "numpy" in sys.modules)
"""


def test_the_layout_needs_no_numpy_and_is_the_same_with_it(tmp_path: Path) -> None:
    """numpy (11 MiB) is not imported to draw, and the drawing is the one grandalf's numpy path gives."""
    import subprocess
    import sys

    package = compile_pipeline(ROOT / "tests" / "fixtures" / "platform_depth.py", "depth_pipeline", tmp_path / "p.yaml")

    def draw(mode: str) -> list[str]:
        done = subprocess.run([sys.executable, "-c", LAYOUT_IN_A_FRESH_PROCESS, str(package), mode],
                              capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout.splitlines()

    without, with_numpy = draw("plain"), draw("numpy first")
    assert without[-1] == "numpy imported: False"
    assert with_numpy[-1] == "numpy imported: True"
    assert without[:-1] == with_numpy[:-1] and len(without) > 10
