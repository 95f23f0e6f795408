"""The KFP requests the backend makes: auth, namespace-scoped upload, new versions, the run itself."""

from __future__ import annotations

import json
from pathlib import Path

import kfp_server_api as kfp
import yaml

from tests.cluster.fake import FakeServer, Reply, kfp_error, kfpjson
from tests.cluster.sim import API, NS, Sim
from workshop.core.compile import compile_pipeline
from workshop.core.ports import PipelineRef

ROOT = Path(__file__).resolve().parents[2]


def _package(tmp_path: Path) -> Path:
    return compile_pipeline(ROOT / "pipelines" / "pythagorean.py", "pythagorean", tmp_path / "pythagorean.yaml")


def test_every_request_carries_the_token_read_again_from_its_file(make_backend, sim: Sim, fake: FakeServer,
                                                                  token_file: Path) -> None:
    backend = make_backend()
    backend.kfp.healthz()
    token_file.write_text("token-two\n")  # the kubelet rotated the projected token
    backend.kfp.healthz()
    auth = [r.headers.get("authorization") for r in fake.calls("GET", f"{API}/healthz")]
    assert auth == ["Bearer token-one", "Bearer token-two"]


def test_upload_goes_to_the_learners_namespace_with_caching_off(make_backend, sim: Sim, fake: FakeServer,
                                                                tmp_path: Path) -> None:
    backend = make_backend()
    ref = backend.upload_pipeline(_package(tmp_path), "demo-pythagorean-pipeline", "sqrt(a² + b²)")
    assert ref == PipelineRef("pid-1", "demo-pythagorean-pipeline", "pid-1-v1", "demo-pythagorean-pipeline")
    lookup, upload = fake.calls("GET", f"{API}/pipelines/names/.*")[0], fake.calls("POST", f"{API}/pipelines/upload")[0]
    assert lookup.path == f"{API}/pipelines/names/demo-pythagorean-pipeline" and lookup.q("namespace") == NS
    assert upload.q("name") == "demo-pythagorean-pipeline" and upload.q("namespace") == NS
    assert upload.q("description") == "sqrt(a² + b²)"
    assert upload.headers["content-type"].startswith("multipart/form-data")
    assert b'name="uploadfile"' in upload.body
    spec = yaml.safe_load(upload.body.split(b"\r\n\r\n", 1)[1].rsplit(b"\r\n--", 1)[0])
    caching = {name: task["cachingOptions"] for name, task in spec["root"]["dag"]["tasks"].items()}
    assert caching == {t: {"enableCache": False} for t in ("square", "square-2", "add", "square-root")}
    versions = fake.calls("GET", f"{API}/pipelines/pid-1/versions")[0]
    assert versions.q("sort_by") == "created_at desc" and versions.q("page_size") == "1"


def test_a_name_that_exists_gets_a_new_version(make_backend, sim: Sim, fake: FakeServer, tmp_path: Path) -> None:
    backend = make_backend()
    package = _package(tmp_path)
    first = backend.upload_pipeline(package, "demo-pythagorean-pipeline", "d")
    second = backend.upload_pipeline(package, "demo-pythagorean-pipeline", "d")
    assert len(fake.calls("POST", f"{API}/pipelines/upload")) == 1
    upload = fake.calls("POST", f"{API}/pipelines/upload_version")[0]
    assert upload.q("pipelineid") == "pid-1" and upload.q("name") == second.version_name
    assert second.version_name.startswith("demo-pythagorean-pipeline-")
    assert (second.pipeline_id, second.version_id) == (first.pipeline_id, "pid-1-v2")


def test_the_run_goes_to_the_workshop_experiment_and_references_the_version(make_backend, sim: Sim,
                                                                            fake: FakeServer, tmp_path: Path) -> None:
    backend = make_backend()
    package = _package(tmp_path)
    ref = backend.upload_pipeline(package, "demo-pythagorean-pipeline", "d")
    run_id = backend.submit(package, ref, {"a": 3.0, "b": 4.0}, "pythagorean-20250101-000000")
    assert run_id == "run-1"
    listed = fake.calls("GET", f"{API}/experiments")[0]
    assert listed.q("namespace") == NS
    assert json.loads(listed.q("filter") or "") == {
        "predicates": [{"operation": "EQUALS", "key": "display_name", "stringValue": "kubeflow-workshop"}]}
    assert fake.calls("POST", f"{API}/experiments")[0].json() == {
        "display_name": "kubeflow-workshop", "description": "Runs started by the Kubeflow Workshop", "namespace": NS}
    body = fake.calls("POST", f"{API}/runs")[0].json()
    assert body["experiment_id"] == "exp-1" and body["display_name"] == "pythagorean-20250101-000000"
    assert body["pipeline_version_reference"] == {"pipeline_id": "pid-1", "pipeline_version_id": "pid-1-v1"}
    assert body["runtime_config"] == {"parameters": {"a": 3.0, "b": 4.0}}
    # a second run reuses the experiment
    backend.submit(package, ref, {"a": 1.0, "b": 1.0}, "again")
    assert len(fake.calls("POST", f"{API}/experiments")) == 1


def test_cancel_terminates_the_run(make_backend, sim: Sim, fake: FakeServer) -> None:
    """POST /apis/v2beta1/runs/{id}:terminate with no body (backend/api/v2beta1/run.proto ~113 at 2.17.0)."""
    make_backend().cancel("run-1")
    assert [r.path for r in fake.calls("POST")] == [f"{API}/runs/run-1:terminate"]
    assert fake.calls("POST")[0].body in (b"", b"{}", b"null")


def test_a_server_without_lookup_by_name_falls_back_to_the_list(make_backend, sim: Sim, fake: FakeServer,
                                                                tmp_path: Path) -> None:
    backend = make_backend()
    package = _package(tmp_path)
    backend.upload_pipeline(package, "demo-pythagorean-pipeline", "d")
    fake.on("GET", f"{API}/pipelines/names/.*", Reply(404, "404 page not found"))
    fake.on("POST", f"{API}/pipelines/upload", Reply(409, kfp_error(6, "pipeline already exists")))
    fake.on("GET", f"{API}/pipelines", kfpjson(kfp.V2beta1ListPipelinesResponse(
        pipelines=[kfp.V2beta1Pipeline(pipeline_id="pid-1", display_name="demo-pythagorean-pipeline")])))
    ref = backend.upload_pipeline(package, "demo-pythagorean-pipeline", "d")
    assert (ref.pipeline_id, ref.version_id) == ("pid-1", "pid-1-v2")
    listed = fake.calls("GET", f"{API}/pipelines")[0]
    assert listed.q("namespace") == NS and json.loads(listed.q("filter") or "")["predicates"][0]["stringValue"] == (
        "demo-pythagorean-pipeline")
