"""Lesson 1 on the real local backend: kfp.local, the fast path, events, checks, progress."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, processes_in_session, variant
from workshop.core.course import Course, LessonState
from workshop.core.events import LogLine, RunFinished, RunStarted, TaskFinished, TaskStarted

FIXTURES = ROOT / "tests" / "fixtures"


def take(course: Course, backend: Any, args: dict[str, Any], pipeline: Path | None = None):
    lesson = course.lesson(1)
    events: list[Any] = []
    attempt = course.run_lesson(lesson, backend, lesson.parse_arguments(args), on_event=events.append,
                                pipeline_file=pipeline)
    return attempt, events


@pytest.mark.parametrize(("a", "b", "expected"), [(3, 4, 5.0), (5, 12, 13.0)])
def test_reference_solution_passes(course: Course, backend: Any, a: int, b: int, expected: float) -> None:
    attempt, events = take(course, backend, {"a": a, "b": b})
    assert attempt.run.outputs["Output"] == expected
    assert attempt.passed, [c.summary for c in attempt.checks]
    assert [c.status.value for c in attempt.checks] == ["passed"] * 3
    output_check = next(c for c in attempt.checks if c.id == "output")
    assert output_check.evidence["expected"] == str(expected)
    started = next(e for e in events if isinstance(e, RunStarted))
    assert set(started.tasks) == {"square", "square-2", "add", "square-root"}
    assert [e.task for e in events if isinstance(e, TaskStarted)][-1] == "square-root"
    assert {e.task for e in events if isinstance(e, TaskFinished)} == set(started.tasks)
    assert any(isinstance(e, LogLine) and e.task == "add" and e.line == f"add number: x={a*a:.1f}, y={b*b:.1f}"
               for e in events)
    assert course.states()[1] is LessonState.DONE
    assert course.states()[2] is not LessonState.LOCKED


def test_broken_variant_fails_the_output_check(course: Course, backend: Any) -> None:
    # a > b, so the broken pipeline still succeeds, with sqrt(a² - b²) = 4 instead of sqrt(34)
    attempt, _ = take(course, backend, {"a": 5, "b": 3}, variant("pythagorean_subtract"))
    assert attempt.run.outputs["Output"] == 4.0
    by_id = {c.id: c for c in attempt.checks}
    assert by_id["succeeded"].status.value == "passed"
    assert by_id["output"].status.value == "failed"
    assert by_id["output"].hint
    assert not attempt.passed
    assert course.states()[1] is LessonState.OPEN
    assert course.states()[2] is LessonState.LOCKED


def test_a_component_that_raises_fails_its_task_with_its_log(course: Course, backend: Any) -> None:
    attempt, events = take(course, backend, {"a": 3, "b": 4}, FIXTURES / "pythagorean_raises.py")
    assert attempt.run.state == "FAILED"
    failed = [e for e in events if isinstance(e, TaskFinished) and e.state.value == "FAILED"]
    assert [e.task for e in failed] == ["add"]
    add_log = [e.line for e in events if isinstance(e, LogLine) and e.task == "add"]
    assert any("ValueError: add is broken on purpose" in line for line in add_log)
    assert "square-root" not in {e.task for e in events if isinstance(e, TaskStarted)}
    assert {c.id: c.status.value for c in attempt.checks}["succeeded"] == "failed"
    assert course.states()[1] is LessonState.OPEN
    assert backend.task_log(attempt.run.run_id, "add")[-1].startswith("[workshop] task exited with code")


def test_cancel_leaves_no_process_behind(course: Course, backend: Any) -> None:
    lesson = course.lesson(1)
    waiting = threading.Event()
    run_ids: list[str] = []
    result: dict[str, Any] = {}

    def on_event(event: Any) -> None:
        if isinstance(event, LogLine) and event.line == "add is waiting forever":
            waiting.set()

    def take_it() -> None:
        result["attempt"] = course.run_lesson(lesson, backend, lesson.defaults(), on_event=on_event,
                                              on_run_id=run_ids.append,
                                              pipeline_file=FIXTURES / "pythagorean_blocks.py")

    runner = threading.Thread(target=take_it)
    runner.start()
    assert waiting.wait(60), "the blocking task never started"
    worker_pid = backend.runs.live[run_ids[0]].proc.pid
    assert len(processes_in_session(worker_pid)) >= 3  # worker, watchdog, task, its grandchild
    backend.cancel(run_ids[0])
    runner.join(60)
    assert result["attempt"].run.state == "CANCELED"
    assert processes_in_session(worker_pid) == []
    assert course.progress.lesson(1).attempts == 0  # a canceled run is not an attempt


def test_the_compiled_yaml_is_what_a_cluster_gets(course: Course, backend: Any, tmp_path: Path) -> None:
    """The fast path changes local execution only: the YAML is kfp's, byte for byte."""
    from kfp import compiler

    from workshop.core.compile import load_pipeline

    attempt, _ = take(course, backend, {"a": 3, "b": 4})
    fresh = tmp_path / "fresh.yaml"
    compiler.Compiler().compile(load_pipeline(ROOT / "pipelines" / "pythagorean.py", "pythagorean"), str(fresh))
    assert Path(attempt.run.package_path).read_bytes() == fresh.read_bytes()
    assert "pip install" in fresh.read_text()  # the cluster still installs kfp in its pods


def test_events_of_a_finished_run_replay_from_its_journal(course: Course, backend: Any) -> None:
    from workshop.backends.local.backend import LocalBackend

    attempt, events = take(course, backend, {"a": 3, "b": 4})
    other = LocalBackend(course.settings.local_dir, course.settings.assets_dir)
    replay = list(other.events(attempt.run.run_id))
    assert [type(e) for e in replay] == [type(e) for e in events]
    assert isinstance(replay[-1], RunFinished) and other.status(attempt.run.run_id).value == "SUCCEEDED"


def test_a_prewarmed_worker_takes_the_next_run_and_close_ends_a_spare(course: Course, backend: Any) -> None:
    backend.prewarm(wait=True)
    spare = backend.runs.spare
    attempt, _ = take(course, backend, {"a": 8, "b": 15})
    assert attempt.passed and attempt.run.outputs["Output"] == 17.0
    assert backend.runs.live[attempt.run.run_id].proc is spare  # the run went to the warm worker
    backend.prewarm(wait=True)
    pid = backend.runs.spare.pid
    backend.close()
    assert processes_in_session(pid) == []
