"""Lesson 5 on a cluster: the InferenceService's readiness, its S3 prerequisites, a refused prediction."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from kserve import (
    KnativeAddressable,
    KnativeCondition,
    V1beta1ComponentStatusSpec,
    V1beta1InferenceService,
    V1beta1InferenceServiceSpec,
    V1beta1InferenceServiceStatus,
    V1beta1PredictorSpec,
    V1beta1SKLearnSpec,
)
from kubernetes import client as k8s

from tests.cluster.fake import FakeServer, Reply, k8s_status, kjson
from tests.cluster.sim import NS, Sim
from workshop.core.errors import BackendError, said
from workshop.core.ports import ServiceStatus

ISVC = f"/apis/serving.kserve.io/v1beta1/namespaces/{NS}/inferenceservices/iris-svc"
URI = "s3://mlpipeline/v2/artifacts/kserver-pipeline/run-1/train-model/model_output"
PREDICTOR = f"http://iris-svc-predictor.{NS}.svc.cluster.local"


def isvc(ready: bool, conditions: list[KnativeCondition] | None = None, domain: str = "example.com") -> dict[str, Any]:
    status = V1beta1InferenceServiceStatus(
        url=f"http://iris-svc.{NS}.{domain}",
        address=KnativeAddressable(url=f"http://iris-svc.{NS}.svc.cluster.local"),
        components={"predictor": V1beta1ComponentStatusSpec(address=KnativeAddressable(url=PREDICTOR))},
        conditions=conditions if conditions is not None else [
            KnativeCondition(type="PredictorReady", status="True" if ready else "False"),
            KnativeCondition(type="Ready", status="True" if ready else "False")])
    return kjson(V1beta1InferenceService(
        api_version="serving.kserve.io/v1beta1", kind="InferenceService",
        metadata=k8s.V1ObjectMeta(name="iris-svc", namespace=NS, labels={"app.kubernetes.io/part-of":
                                                                          "kubeflow-workshop"}),
        spec=V1beta1InferenceServiceSpec(predictor=V1beta1PredictorSpec(
            service_account_name="workshop-kserve-sa", sklearn=V1beta1SKLearnSpec(storage_uri=URI))),
        status=status))


def test_a_ready_service_gives_the_predictors_cluster_url_and_its_model(make_backend, sim: Sim,
                                                                       fake: FakeServer) -> None:
    answers = iter([isvc(False), isvc(False), isvc(True)])
    fake.on("GET", ISVC, lambda req: next(answers))
    status = make_backend().service_status("iris-svc", NS, timeout=10)
    assert status == ServiceStatus("iris-svc", True, PREDICTOR, "ready", URI)
    assert len(fake.calls("GET", ISVC)) == 3


def test_a_service_not_ready_by_the_deadline_shows_its_conditions(make_backend, sim: Sim, fake: FakeServer) -> None:
    failing = [KnativeCondition(type="PredictorReady", status="False", reason="RevisionFailed",
                                message='Revision "iris-svc-predictor-00001" failed: storage-initializer: '
                                        "NoCredentialsError"),
               KnativeCondition(type="IngressReady", status="True"),
               KnativeCondition(type="Ready", status="False", reason="RevisionFailed")]
    fake.on("GET", ISVC, isvc(False, failing))
    status = make_backend(serving_timeout=0.1).service_status("iris-svc", NS, timeout=0.05)
    assert not status.ready and status.url == "" and status.storage_uri == URI
    detail = str(status.detail)
    assert detail.startswith(f"InferenceService {NS}/iris-svc did not report Ready within 0.1 s (waiting for "
                             "its predictor pod: the image pull")
    assert ('PredictorReady: RevisionFailed Revision "iris-svc-predictor-00001" failed: storage-initializer: '
            "NoCredentialsError; Ready: RevisionFailed") in detail
    assert detail.endswith("set WORKSHOP_SERVING_TIMEOUT to wait longer")
    assert said(status.detail, "zh").startswith(f"InferenceService {NS}/iris-svc 在 0.1 秒内没有报告 Ready")
    assert len(fake.calls("GET", ISVC)) >= 2  # it waited, polling


def test_a_missing_service_is_not_ready_at_once(make_backend, sim: Sim, fake: FakeServer) -> None:
    fake.on("GET", ISVC, Reply(404, k8s_status(404, "NotFound", "not found")))
    status = make_backend().service_status("iris-svc", NS, timeout=30)
    assert (status.name, status.ready, status.url) == ("iris-svc", False, "")
    assert str(status.detail) == f"no InferenceService iris-svc in namespace {NS}"
    assert said(status.detail, "zh") == f"命名空间 {NS} 中没有推理服务（InferenceService）iris-svc"


def test_prerequisites_create_the_secret_and_patch_the_existing_service_account(make_backend, sim: Sim,
                                                                                fake: FakeServer) -> None:
    data = {"accesskey": base64.b64encode(b"learner-key").decode(), "secretkey": base64.b64encode(b"s3cr3t").decode()}
    fake.on("GET", f"/api/v1/namespaces/{NS}/secrets/mlpipeline-minio-artifact",
            kjson(k8s.V1Secret(metadata=k8s.V1ObjectMeta(name="mlpipeline-minio-artifact"), data=data)))
    fake.on("POST", f"/api/v1/namespaces/{NS}/secrets", lambda req: Reply(201, req.json()))
    fake.on("POST", f"/api/v1/namespaces/{NS}/serviceaccounts",
            Reply(409, k8s_status(409, "AlreadyExists", 'serviceaccounts "workshop-kserve-sa" already exists')))
    fake.on("PATCH", f"/api/v1/namespaces/{NS}/serviceaccounts/workshop-kserve-sa", lambda req: req.json())
    backend = make_backend(s3_endpoint="seaweedfs.kubeflow:9000")
    assert backend.ensure_kserve_prerequisites() == {"service_account": "workshop-kserve-sa",
                                                     "secret": "workshop-kserve-s3",
                                                     "s3_endpoint": "seaweedfs.kubeflow:9000"}
    secret = fake.calls("POST", f"/api/v1/namespaces/{NS}/secrets")[0].json()
    assert secret["metadata"] == {"name": "workshop-kserve-s3", "labels": {"app.kubernetes.io/part-of":
                                                                             "kubeflow-workshop"},
                                  "annotations": {"serving.kserve.io/s3-endpoint": "seaweedfs.kubeflow:9000",
                                                  "serving.kserve.io/s3-usehttps": "0",
                                                  "serving.kserve.io/s3-verifyssl": "0",
                                                  "serving.kserve.io/s3-region": "us-east-1"}}
    assert secret["stringData"] == {"AWS_ACCESS_KEY_ID": "learner-key", "AWS_SECRET_ACCESS_KEY": "s3cr3t"}
    patch = fake.calls("PATCH")[0]
    assert patch.headers["content-type"] == "application/merge-patch+json"
    assert patch.json()["secrets"] == [{"name": "workshop-kserve-s3"}]
    assert patch.json()["metadata"]["labels"] == {"app.kubernetes.io/part-of": "kubeflow-workshop"}


def test_an_istio_rbac_denial_names_the_fix(make_backend, sim: Sim, fake: FakeServer) -> None:
    fake.on("POST", "/v1/models/iris-svc:predict", Reply(403, "RBAC: access denied", {"Content-Type": "text/plain"}))
    fake.on("POST", "/v1/models/ok:predict", {"predictions": [0, 1]})
    backend = make_backend()
    with pytest.raises(BackendError, match="AuthorizationPolicy .* allows requests from the notebook's namespace"):
        backend.predict(f"{fake.url}/v1/models/iris-svc:predict", {"instances": [[1, 2, 3, 4]]})
    assert "sidecar.istio.io/inject" in str(backend.prediction_hint(403, "RBAC: access denied"))
    assert said(backend.prediction_hint(403, "RBAC: access denied"), "zh").startswith("Istio 拒绝了这次预测")
    assert backend.prediction_hint(500, "boom") == ""
    assert backend.predict(f"{fake.url}/v1/models/ok:predict", {"instances": []}) == {"predictions": [0, 1]}


def test_copy_as_curl_takes_the_host_from_the_services_status_url(make_backend, sim: Sim, fake: FakeServer) -> None:
    """KServe writes status.url from the cluster's ingress domain (kserve SDK V1beta1InferenceServiceStatus.url;
    its docs' SERVICE_HOSTNAME is `kubectl get isvc -o jsonpath='{.status.url}' | cut -d / -f 3`): a cluster
    whose admin set another domain gets that host in the Host header, not example.com."""
    import shlex

    from workshop.core.predict import curl_request

    fake.on("GET", ISVC, lambda req: isvc(True, domain="ml.corp.internal"))
    request = curl_request(make_backend(), "iris-svc", NS, [5.1, 3.5, 1.4, 0.2])
    assert request.from_status
    assert shlex.split(request.command)[:3] == ["curl", "-H", f"Host: iris-svc.{NS}.ml.corp.internal"]


def test_copy_as_curl_before_the_service_exists_says_the_host_is_assumed(make_backend, sim: Sim) -> None:
    from workshop.core.predict import curl_request

    request = curl_request(make_backend(), "iris-svc", NS, [5.1, 3.5, 1.4, 0.2])
    assert not request.from_status and request.host == f"iris-svc.{NS}.example.com"
