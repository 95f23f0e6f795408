"""kfp-kubernetes config on tasks at every depth of the DAG, on the real local backend.

kfp 2.17.3's compiler writes each task's platform config under its executor label, whatever
the DAG that holds the task (kfp/compiler/pipeline_spec_builder.py, platform_config_to_platform_spec
~1621, called per task ~1413, and rewrites a sub-DAG's inputs as `pipelinechannel--` names
~1651), so a task inside dsl.If, dsl.Elif/Else, ParallelFor, ExitHandler or a nested pipeline
asks for its mounts and secrets as a root task does. kfp.local ignores them; the workshop's
local backend must not.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from workshop.core.checks import CheckContext, Status
from workshop.core.checks_volume import pvc_mounts
from workshop.core.compile import compile_pipeline
from workshop.core.events import LogLine, RunFinished, RunState, TaskFinished
from workshop.core.progress import RunRecord

FIXTURE = ROOT / "tests" / "fixtures" / "platform_depth.py"
SECRET = "mlpipeline-minio-artifact"


def run(backend: Any, tmp_path: Path, function: str, arguments: dict[str, Any]) -> tuple[str, Path, list[Any]]:
    package = compile_pipeline(FIXTURE, function, tmp_path / f"{function}.yaml")
    ref = backend.upload_pipeline(package, function, "platform config at depth")
    run_id = backend.submit(package, ref, arguments, function, ("object_store",))
    events = list(backend.events(run_id))
    return run_id, package, events


def lines(events: list[Any]) -> list[str]:
    return [e.line for e in events if isinstance(e, LogLine) and e.line.startswith("[")]


def test_mounts_and_secrets_reach_tasks_at_every_depth(backend: Any, tmp_path: Path) -> None:
    for volume, text in (("depth-vol", "from-depth-vol"), ("depth-picked", "from-the-argument")):
        (backend.volumes.ensure(volume) / "f.txt").write_text(text + "\n")
    run_id, _, events = run(backend, tmp_path, "depth_pipeline", {"other_pvc": "depth-picked"})
    finished = events[-1]
    assert isinstance(finished, RunFinished)
    assert finished.state is RunState.SUCCEEDED, [e for e in events if isinstance(e, LogLine)][-20:]
    access, _ = backend.object_store().credentials
    digest = hashlib.sha256(access.encode()).hexdigest()[:12]
    seen = lines(events)
    want = f"secret={digest} file=from-depth-vol"
    for tag in ("root", "exit", "handler", "if", "else", "nested"):
        assert f"[{tag}] {want}" in seen, (tag, seen)
    assert seen.count(f"[loop] {want}") == 2, seen  # both iterations of the ParallelFor
    # a PVC name from a pipeline parameter, given to a task three DAGs down
    assert f"[elif] secret={digest} file=from-the-argument" in seen, seen
    assert not any(line.startswith("[never") for line in seen)
    assert all(access not in line for line in seen)
    states = {e.task: e.state.value for e in events if isinstance(e, TaskFinished)}
    assert states["show-4"] == "SUCCEEDED"


def test_a_secret_missing_at_depth_fails_that_task(backend: Any, tmp_path: Path) -> None:
    """Without the secret the pod could not start (CreateContainerConfigError): the task fails, not runs bare."""
    package = compile_pipeline(FIXTURE, "depth_pipeline", tmp_path / "p.yaml")
    ref = backend.upload_pipeline(package, "depth_pipeline", "no secret")
    run_id = backend.submit(package, ref, {}, "no-secret", ())  # no object store: no secret to hand out
    events = list(backend.events(run_id))
    assert events[-1].state is RunState.FAILED
    failed = [e.task for e in events if isinstance(e, TaskFinished) and e.state.value == "FAILED"]
    assert "show-3" in failed  # the task inside the ExitHandler
    assert not any(line.startswith("[handler]") for line in lines(events))


def test_a_pvc_at_a_path_the_host_lacks_is_mounted(backend: Any, tmp_path: Path) -> None:
    assert not Path("/data").exists(), "this test needs a host without /data"
    (backend.volumes.ensure("depth-vol") / "f.txt").write_text("at-data\n")
    _, _, events = run(backend, tmp_path, "root_mount_pipeline", {})
    assert events[-1].state is RunState.SUCCEEDED, [e.line for e in events if isinstance(e, LogLine)][-20:]
    seen = lines(events)
    assert any(line.startswith("[data] ") and line.endswith("file=at-data") for line in seen), seen
    assert any(line.startswith("[no-mount] secret=none file=missing") for line in seen), seen
    assert not Path("/data").exists(), "the mount point must be made in the task's namespace, not on the host"


def _context(package: Path, arguments: dict[str, Any]) -> CheckContext:
    record = RunRecord("r", 2, "local", "p", str(package), arguments, "SUCCEEDED", {}, "", [], 0.0, 0.0)
    return CheckContext(lesson=None, run=record, backend=None)  # type: ignore[arg-type]


# handler (ExitHandler), if, else, loop (ParallelFor), and the nested pipeline's task by its path
@pytest.mark.parametrize("task", ["show-3", "show-4", "show-8", "show-9",
                                  "exit-handler-1/condition-branches-3/inner/show"])
def test_the_pvc_check_sees_mounts_at_depth(tmp_path: Path, task: str) -> None:
    package = compile_pipeline(FIXTURE, "depth_pipeline", tmp_path / "p.yaml")
    outcome = pvc_mounts(_context(package, {}), {"volume": "depth-vol", "mount_path": "/mnt/depth",
                                                 "tasks": [task]})
    assert outcome.status is Status.PASSED, outcome.summary
    assert "mountPath: /mnt/depth" in outcome.evidence["yaml"]


def test_the_pvc_check_follows_the_runs_argument_into_a_sub_dag(tmp_path: Path) -> None:
    package = compile_pipeline(FIXTURE, "depth_pipeline", tmp_path / "p.yaml")
    params = {"volume": "depth-picked", "mount_path": "/mnt/depth", "tasks": ["show-6"]}  # the Elif's task
    assert pvc_mounts(_context(package, {"other_pvc": "depth-picked"}), params).status is Status.PASSED
    # the default names another PVC, so without the argument the check must fail
    assert pvc_mounts(_context(package, {}), params).status is Status.FAILED
