"""How the local backend launches tasks: loops on the fork path with their own logs, and
packages_to_install kept out of the app's environment.

kfp.local (kfp 2.17.3, kfp/local/orchestrator/enhanced_dag_orchestrator.py,
_run_parallel_for_task) runs iteration i of a ParallelFor as a sub-DAG named
`<loop>-iteration-<i>` on a thread pool, and the tasks inside keep the loop body's task names.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from workshop.core.events import LogLine, RunEvent, RunFinished, TaskFinished, TaskStarted

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def run_fixture(backend: Any, tmp_path: Path, name: str, function: str) -> tuple[str, list[RunEvent]]:
    from workshop.core.compile import compile_pipeline

    package = compile_pipeline(FIXTURES / f"{name}.py", function, tmp_path / f"{name}.yaml")
    ref = backend.upload_pipeline(package, name, name)
    run_id = backend.submit(package, ref, {}, name)
    return run_id, list(backend.events(run_id))


def launchers(backend: Any, run_id: str) -> dict[str, str]:
    """task -> the launcher that ran it, from the markers the worker writes in worker.log."""
    log = (backend.root / "runs" / run_id / "worker.log").read_text(encoding="utf-8", errors="replace")
    # The marker is one write(2) on an O_APPEND file, so it is whole, but a task's own output written
    # in two writes (text, then its newline) can put it mid-line: match it wherever it starts.
    return {m[2]: m[1] for m in re.finditer(r"\[workshop\] launcher (\S+) (\S+)\n", log)}


def test_every_loop_iteration_forks_and_keeps_its_own_log_and_output(backend: Any, tmp_path: Path) -> None:
    run_id, events = run_fixture(backend, tmp_path, "fanout", "fanout")
    finished = events[-1]
    assert isinstance(finished, RunFinished) and finished.state.value == "SUCCEEDED", finished
    assert finished.outputs["Output"] == sum(i * i for i in range(16))
    names = [f"square[{i}]" for i in range(16)]
    assert sorted(e.task for e in events if isinstance(e, TaskStarted)) == sorted([*names, "total"])
    ran_by = launchers(backend, run_id)
    assert {name: ran_by.get(name) for name in [*names, "total"]} == dict.fromkeys([*names, "total"], "fork-server")
    outputs = {e.task: e.outputs for e in events if isinstance(e, TaskFinished)}
    for i, name in enumerate(names):
        assert outputs[name] == {"Output": i * i}
        assert backend.task_outputs(run_id, name) == {"Output": i * i}
        said = [line for line in backend.task_log(run_id, name) if line.startswith("square of")]
        assert said == [f"square of {i} is {i * i}"], name
        streamed = [e.line for e in events if isinstance(e, LogLine) and e.task == name and "square of" in e.line]
        assert streamed == said
    assert "total of 16 squares is 1240" in backend.task_log(run_id, "total")


def pip_freeze() -> bytes:
    return subprocess.run([sys.executable, "-m", "pip", "freeze", "--all"], capture_output=True, check=True).stdout


def test_a_pin_the_app_lacks_is_installed_for_the_task_only_and_reused(backend: Any, tmp_path: Path) -> None:
    """tabulate 0.8.10 is on PyPI; the app has a newer tabulate (kfp requires tabulate<1,>=0.8.6)."""
    from importlib import metadata

    assert metadata.version("tabulate") != "0.8.10"
    before = pip_freeze()
    run_id, events = run_fixture(backend, tmp_path, "pinned_tabulate", "pinned_tabulate")
    assert pip_freeze() == before
    finished = events[-1]
    assert isinstance(finished, RunFinished) and finished.state.value == "SUCCEEDED", [
        getattr(e, "line", e) for e in events]
    first, second = "which-tabulate", "which-tabulate-2"
    assert backend.task_outputs(run_id, first) == {"Output": "0.8.10"}
    assert backend.task_outputs(run_id, second) == {"Output": "0.8.10"}
    cache = backend.root / "pip-cache"
    entries = [p for p in cache.iterdir() if p.is_dir() and not p.name.startswith(".")]
    assert len(entries) == 1
    seen = [line for line in backend.task_log(run_id, first) if line.startswith("tabulate ")]
    assert seen == [f"tabulate 0.8.10 from {entries[0] / 'tabulate.py'}"]
    assert any(line.startswith("[workshop] installing tabulate==0.8.10") for line in backend.task_log(run_id, first))
    second_log = backend.task_log(run_id, second)
    assert any(line.startswith("[workshop] reusing tabulate==0.8.10") for line in second_log)
    assert not any(line.startswith("[workshop] installing") for line in second_log)
    assert launchers(backend, run_id) == {first: "fork-server", second: "fork-server"}


@pytest.mark.slow
def test_the_tutorials_kserve_pin_fails_its_task_and_says_why(backend: Any, tmp_path: Path) -> None:
    """kserve 0.11.0's metadata: protobuf (>=3.19.0,<4.0.0); kfp 2.17.3's: protobuf<7.0,>=6.31.1."""
    before = pip_freeze()
    run_id, events = run_fixture(backend, tmp_path, "kserve_old_pin", "kserve_old_pin")
    assert pip_freeze() == before
    finished = events[-1]
    assert isinstance(finished, RunFinished) and finished.state.value == "FAILED"
    log = "\n".join(backend.task_log(run_id, "old-kserve"))
    assert "kserve==0.11.0, kubernetes cannot be installed beside kfp" in log
    assert "kserve 0.11.0 depends on protobuf<4.0.0" in log
    assert "older clusters" in log and "旧集群" in log
    assert not [p for p in (backend.root / "pip-cache").iterdir() if p.is_dir() and not p.name.startswith(".")]


def test_a_pinned_module_is_the_pinned_version_whichever_launcher_runs_it(backend: Any, tmp_path: Path) -> None:
    """The task must see the six it pinned. A child forked from a server that had imported six would
    keep the server's copy, so then the task runs in a fresh interpreter; the lighter prewarmed worker
    (_KFP_RUNTIME=true, worker.preload) imports no six, so it forks. The launcher must follow that rule."""
    import subprocess
    import sys
    from importlib import metadata

    preload = "import os, sys; os.environ['_KFP_RUNTIME'] = 'true'; from kfp.dsl import executor_main; " \
              "print('six' in sys.modules)"
    worker_has_six = subprocess.run([sys.executable, "-c", preload], capture_output=True, text=True,
                                    check=True).stdout.strip() == "True"

    assert metadata.version("six") != "1.16.0"
    before = pip_freeze()
    run_id, events = run_fixture(backend, tmp_path, "pinned_six", "pinned_six")
    assert pip_freeze() == before
    finished = events[-1]
    assert isinstance(finished, RunFinished) and finished.state.value == "SUCCEEDED", [
        getattr(e, "line", e) for e in events]
    assert backend.task_outputs(run_id, "which-six") == {"Output": "1.16.0"}
    assert "six 1.16.0" in backend.task_log(run_id, "which-six")
    assert launchers(backend, run_id) == {"which-six": "interpreter" if worker_has_six else "fork-server"}


def test_iterations_that_pin_the_same_set_at_once_install_it_once(backend: Any, tmp_path: Path) -> None:
    before = pip_freeze()
    run_id, events = run_fixture(backend, tmp_path, "pinned_tabulate", "pinned_tabulate_loop")
    assert pip_freeze() == before
    finished = events[-1]
    assert isinstance(finished, RunFinished) and finished.state.value == "SUCCEEDED", [
        getattr(e, "line", e) for e in events]
    names = [f"which-tabulate[{i},{j}]" for i in range(2) for j in range(4)]
    assert sorted(e.task for e in events if isinstance(e, TaskStarted)) == sorted(names)
    for name in names:
        assert backend.task_outputs(run_id, name) == {"Output": "0.8.10"}, name
    said = [(e.task, e.line) for e in events if isinstance(e, LogLine) and e.line.startswith("[workshop] ")]
    assert len([task for task, line in said if line.startswith("[workshop] installing tabulate==0.8.10")]) == 1
    assert len([task for task, line in said if line.startswith("[workshop] reusing tabulate==0.8.10")]) == 7
    assert launchers(backend, run_id) == dict.fromkeys(names, "fork-server")


def test_a_cache_entry_with_a_corrupt_marker_is_installed_afresh(tmp_path: Path) -> None:
    from workshop.backends.local import taskenv

    said: list[str] = []
    first = taskenv.prepare(["tabulate==0.8.10"], (), tmp_path / "cache", said.append)
    assert first.installed_now and first.packages == ("tabulate==0.8.10",)
    (first.path / taskenv.DONE).write_text("{not json", encoding="utf-8")
    again = taskenv.prepare(["tabulate==0.8.10"], (), tmp_path / "cache", said.append)
    assert again.installed_now and again.path == first.path and (again.path / "tabulate.py").is_file()
    assert [line.split(" into ")[0] for line in said] == ["[workshop] installing tabulate==0.8.10"] * 2


def test_a_task_printing_many_lines_gives_each_line_once_in_order_in_events_task_log_and_journal(
    backend: Any, tmp_path: Path
) -> None:
    """The worker sends a task's lines in batches: every reader still gets each line, once, in order."""
    from workshop.backends.local.runfiles import LOG_BATCH, journal

    expected: list[str] = []
    for i in range(30_000):
        expected.append(f"§{i} {'行' if i % 7 == 0 else ''}{'  ' if i % 11 == 0 else ''}")
        if i % 1000 == 0:
            expected.append("§")
    run_id, events = run_fixture(backend, tmp_path, "many_lines", "many_lines")
    assert isinstance(events[-1], RunFinished) and events[-1].state.value == "SUCCEEDED", events[-1]
    ours = [e.line for e in events if isinstance(e, LogLine) and e.task == "chatter" and e.line.startswith("§")]
    assert ours == expected  # what the CLI prints and the app draws: backend.events(), line by line
    assert [line for line in backend.task_log(run_id, "chatter") if line.startswith("§")] == expected
    replayed = [e.line for e in journal(backend.root / "runs", run_id)
                if isinstance(e, LogLine) and e.task == "chatter" and e.line.startswith("§")]
    assert replayed == expected
    raw = (backend.root / "runs" / run_id / "events.jsonl").read_text(encoding="utf-8").splitlines()
    batches = [json.loads(line) for line in raw if f'"kind": "{LOG_BATCH}"' in line]
    assert sum(len(b["lines"]) for b in batches if b["task"] == "chatter") >= len(expected)
    assert len(raw) < len(expected) / 20, f"{len(raw)} journal lines for {len(expected)} log lines"


def test_the_worker_log_keeps_kfps_last_line_though_the_worker_skips_interpreter_teardown(
        backend: Any, tmp_path: Path) -> None:
    """The worker leaves with os._exit once the run is over (worker._leave): what kfp.local logs
    last (kfp 2.17.3, kfp/local/pipeline_orchestrator.py, the pipeline's final status) must
    still be flushed into worker.log, and the worker's exit status stays 0."""
    run_id, events = run_fixture(backend, tmp_path, "fanout", "fanout")
    assert isinstance(events[-1], RunFinished) and events[-1].state.value == "SUCCEEDED", events[-1]
    log = (backend.root / "runs" / run_id / "worker.log").read_text(encoding="utf-8", errors="replace")
    assert re.search(r"Pipeline \S*'fanout'\S* finished with status \S*SUCCESS", log), log[-500:]
    assert backend.runs.live[run_id].proc.returncode == 0


def _fanout_documents(tmp_path: Path) -> tuple[Path, list[dict[str, Any]]]:
    from workshop.core.compile import compile_pipeline
    from workshop.core.pipeline_spec import PipelineSpec

    package = compile_pipeline(FIXTURES / "fanout.py", "fanout", tmp_path / "fanout.yaml")
    return package, PipelineSpec.load(package).documents


def test_the_worker_runs_the_documents_the_backend_read_not_the_yaml_again(backend: Any, tmp_path: Path) -> None:
    """submit() reads the package once and hands its documents to the worker with the spec line:
    the run needs the file no more (here it is gone before the worker starts the run)."""
    from workshop.core.ports import PipelineRef

    package, documents = _fanout_documents(tmp_path)
    package.unlink()
    run_id = backend.runs.start(package, PipelineRef("p", "fanout", "v", "fanout-v1"), {}, "fanout", {}, {},
                                backend.volumes.root, documents=documents)
    finished = list(backend.events(run_id))[-1]
    assert isinstance(finished, RunFinished) and finished.state.value == "SUCCEEDED", finished
    assert finished.outputs["Output"] == sum(i * i for i in range(16))


def test_documents_json_cannot_carry_leave_the_worker_to_read_the_package(backend: Any, tmp_path: Path) -> None:
    """A YAML timestamp has no JSON form: the spec line goes without the documents, the file is read."""
    import datetime

    from workshop.core.ports import PipelineRef

    package, documents = _fanout_documents(tmp_path)
    documents[0]["pipelineInfo"]["when"] = datetime.date(2026, 1, 1)
    run_id = backend.runs.start(package, PipelineRef("p", "fanout", "v", "fanout-v1"), {}, "fanout", {}, {},
                                backend.volumes.root, documents=documents)
    finished = list(backend.events(run_id))[-1]
    assert isinstance(finished, RunFinished) and finished.state.value == "SUCCEEDED", finished
