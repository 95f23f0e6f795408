"""Task and pipeline outputs: from ML Metadata as the KFP UI reads them, else from the task's log."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cluster.conftest import collect
from tests.cluster.mlmd_fake import FakeMlmd, M, execution
from tests.cluster.sim import Frame, Sim, run_json
from tests.cluster.test_contract_runs import TASKS, start
from workshop.core.events import RunFinished

MODEL_URI = "minio://mlpipeline/v2/artifacts/kserver-pipeline/run-1/train-model/model_output"


def _pythagorean(mlmd: FakeMlmd, context: int) -> None:
    mlmd.executions[context] = [
        execution(1, "root"), execution(2, "square", {"Output": 9.0}), execution(3, "square-2", {"Output": 16.0}),
        execution(4, "add", {"Output": 25.0}), execution(5, "square-root", {}),  # a first attempt that failed
        execution(6, "square-root", {"Output": 5.0}),
    ]


def test_the_pipeline_output_comes_from_the_run_context_in_mlmd(make_backend, sim: Sim, mlmd: FakeMlmd,
                                                                tmp_path: Path) -> None:
    backend = make_backend(mlmd_endpoint=mlmd.endpoint)
    run_id = start(backend, tmp_path)
    _pythagorean(mlmd, 77)
    mlmd.page_size = 2  # the executions come in pages
    sim.scenario(Frame(run_json(run_id, "SUCCEEDED", dict.fromkeys(TASKS, "SUCCEEDED"), context_id="77")))
    finished = collect(backend, run_id)[-1]
    assert isinstance(finished, RunFinished) and finished.outputs == {"Output": 5.0}
    methods = [name for name, _ in mlmd.calls]
    assert set(methods) == {"GetExecutionsByContext", "GetEventsByExecutionIDs"}  # the context id came with the run
    pages = [request for name, request in mlmd.calls if name == "GetExecutionsByContext"]
    assert [p.options.next_page_token for p in pages] == ["", "2", "4"] and pages[0].context_id == 77
    assert pages[0].options.max_result_size == 100


def test_without_a_context_id_the_run_context_is_looked_up_by_name(make_backend, sim: Sim, mlmd: FakeMlmd,
                                                                   tmp_path: Path) -> None:
    backend = make_backend(mlmd_endpoint=mlmd.endpoint)
    run_id = start(backend, tmp_path)
    mlmd.contexts[run_id] = 12
    _pythagorean(mlmd, 12)
    sim.scenario(Frame(run_json(run_id, "SUCCEEDED", dict.fromkeys(TASKS, "SUCCEEDED"))))
    assert backend.task_outputs(run_id, "add") == {"Output": 25.0}
    lookup = next(request for name, request in mlmd.calls if name == "GetContextByTypeAndName")
    assert (lookup.type_name, lookup.context_name) == ("system.PipelineRun", run_id)


def test_an_artifact_output_is_its_uri_from_the_output_event(make_backend, sim: Sim, mlmd: FakeMlmd,
                                                             tmp_path: Path) -> None:
    backend = make_backend(mlmd_endpoint=mlmd.endpoint)
    run_id = start(backend, tmp_path, "kserver_pipeline")
    mlmd.executions[5] = [execution(8, "load-data", {}), execution(9, "train-model", {})]
    model = M["Artifact"](id=41, uri=MODEL_URI, type_id=3)
    model.custom_properties["framework"].string_value = "sklearn"
    mlmd.artifacts[9] = [("model_output", model)]
    sim.scenario(Frame(run_json(run_id, "SUCCEEDED", context_id="5")))
    outputs = backend.task_outputs(run_id, "train-model")
    assert outputs == {"model_output": {"uri": MODEL_URI, "metadata": {"framework": "sklearn"}}}
    asked = next(request for name, request in mlmd.calls if name == "GetArtifactsByID")
    assert list(asked.artifact_ids) == [41]  # only the OUTPUT event's artifact, not the input's


def _executor_log(uri: str) -> list[str]:
    executor_input = {"inputs": {"artifacts": {}}, "outputs": {
        "artifacts": {"model_output": {"artifacts": [{"name": "model_output", "uri": uri, "metadata": {},
                                                      "type": {"schemaTitle": "system.Model"}}]}},
        "outputFile": "/tmp/kfp_outputs/output_metadata.json"}}
    return ["[KFP Executor 2025-01-01 00:00:01,000 INFO]: Looking for component `train_model`",
            "[KFP Executor 2025-01-01 00:00:01,001 INFO]: Got executor_input:",
            *json.dumps(executor_input, indent=4).splitlines(),
            "train_model: saved /minio/mlpipeline/.../model.joblib"]


def test_when_mlmd_cannot_be_reached_the_log_gives_the_artifact_uri(make_backend, sim: Sim, tmp_path: Path) -> None:
    backend = make_backend()  # MLMD at a closed port
    run_id = start(backend, tmp_path, "kserver_pipeline")
    sim.scenario(Frame(run_json(run_id, "SUCCEEDED", context_id="5")))
    logs = backend.config.state_dir / "runs" / run_id / "logs"
    logs.mkdir(parents=True)
    (logs / "train-model.log").write_text("\n".join(_executor_log(MODEL_URI)) + "\n")
    assert backend.task_outputs(run_id, "train-model")["model_output"]["uri"] == MODEL_URI
    assert "ML Metadata at 127.0.0.1:9" in backend.outputs.last_error


def test_a_log_never_gives_a_value_kfps_executor_does_not_print(make_backend, sim: Sim, tmp_path: Path) -> None:
    """kfp's executor logs its executor_input but never the output values (KFP 2.17.0
    sdk/python/kfp/dsl/executor_main.py line 96; executor.py prints nothing): a value comes from MLMD only,
    and a line that merely looks like one is not taken for it."""
    backend = make_backend()
    run_id = start(backend, tmp_path)
    sim.scenario(Frame(run_json(run_id, "SUCCEEDED", dict.fromkeys(TASKS, "SUCCEEDED"))))
    logs = backend.config.state_dir / "runs" / run_id / "logs"
    logs.mkdir(parents=True)
    (logs / "square-root.log").write_text("square_root: 25.0\nOutput: 5.0\n")
    last = collect(backend, run_id)[-1]
    assert isinstance(last, RunFinished) and last.outputs == {}
    assert backend.task_outputs(run_id, "square-root") == {}
    problem = backend.outputs_problem(run_id)
    assert "ML Metadata at 127.0.0.1:9" in problem and "WORKSHOP_MLMD_ENDPOINT" in problem
    assert "Kubeflow notebook" in problem
