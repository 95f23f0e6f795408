"""Reset on a cluster: exactly the workshop's own things, and an InferenceService only with its label."""

from __future__ import annotations

from pathlib import Path

import pytest
from kubernetes import client as k8s

from tests.cluster.fake import FakeServer, Reply, k8s_status, kfp_error, kjson
from tests.cluster.sim import API, NS, Frame, Sim, run_json
from tests.cluster.test_contract_runs import start
from workshop.core.errors import BackendError
from workshop.core.ports import Artifact

ISVC = f"/apis/serving.kserve.io/v1beta1/namespaces/{NS}/inferenceservices/iris-svc"


def _isvc(labels: dict[str, str]) -> dict[str, object]:
    from kserve import V1beta1InferenceService

    return kjson(V1beta1InferenceService(api_version="serving.kserve.io/v1beta1", kind="InferenceService",
                                         metadata=k8s.V1ObjectMeta(name="iris-svc", namespace=NS, labels=labels)))


def test_a_run_is_terminated_then_deleted_with_its_local_logs(make_backend, sim: Sim, fake: FakeServer,
                                                              tmp_path: Path) -> None:
    backend = make_backend()
    run_id = start(backend, tmp_path)
    sim.scenario(Frame(run_json(run_id, "RUNNING")))
    fake.on("DELETE", f"{API}/runs/{run_id}", {})
    run = Artifact("run", run_id, 1)
    assert backend.artifact_exists(run)
    backend.remove_artifact(run)
    assert [(r.method, r.path) for r in fake.calls() if r.method in ("POST", "DELETE")][-2:] == [
        ("POST", f"{API}/runs/{run_id}:terminate"), ("DELETE", f"{API}/runs/{run_id}")]
    assert not (backend.config.state_dir / "runs" / run_id).exists()
    fake.on("GET", f"{API}/runs/20250101-000000-abcdef", Reply(400, kfp_error(3, "invalid run id")))
    assert not backend.artifact_exists(Artifact("run", "20250101-000000-abcdef", 1))  # a local run's id


def test_only_a_labelled_inference_service_is_removed(make_backend, sim: Sim, fake: FakeServer) -> None:
    backend = make_backend()
    service = Artifact("inference_service", f"{NS}/iris-svc", 5)
    fake.on("GET", ISVC, _isvc({"app.kubernetes.io/part-of": "kubeflow-workshop"}))
    fake.on("DELETE", ISVC, {})
    assert backend.artifact_exists(service)
    backend.remove_artifact(service)
    assert len(fake.calls("DELETE", ISVC)) == 1
    fake.on("GET", ISVC, _isvc({"team": "someone-else"}))
    assert not backend.artifact_exists(service)
    with pytest.raises(BackendError, match="was not created by the workshop"):
        backend.remove_artifact(service)
    fake.on("GET", ISVC, Reply(404, k8s_status(404, "NotFound", "gone")))
    backend.remove_artifact(service)  # already gone is not an error
    assert len(fake.calls("DELETE", ISVC)) == 1
