"""`workshop doctor` on the cluster: one answer per question, what to fix, and never the token."""

from __future__ import annotations

import base64
import time
from pathlib import Path

from kubernetes import client as k8s

from tests.cluster.fake import FakeServer, Reply, Request, k8s_status, kjson
from tests.cluster.sim import NS, Sim, node_json
from tests.cluster.test_contract_errors import jwt
from workshop.backends.cluster.doctor import DoctorItem, doctor


def _cluster(fake: FakeServer) -> None:
    def review(req: Request) -> dict[str, object]:
        attrs = req.json()["spec"]["resourceAttributes"]
        allowed = attrs["resource"] != "inferenceservices"
        status = k8s.V1SubjectAccessReviewStatus(allowed=allowed, reason="" if allowed else "no RBAC rule")
        return kjson(k8s.V1SelfSubjectAccessReview(spec=k8s.V1SelfSubjectAccessReviewSpec(), status=status))

    fake.on("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", review)
    fake.on("GET", f"/api/v1/namespaces/{NS}/persistentvolumeclaims/aidatasource", kjson(k8s.V1PersistentVolumeClaim(
        metadata=k8s.V1ObjectMeta(name="aidatasource"), status=k8s.V1PersistentVolumeClaimStatus(phase="Bound"))))
    data = {"accesskey": base64.b64encode(b"k").decode(), "secretkey": base64.b64encode(b"s").decode()}
    fake.on("GET", f"/api/v1/namespaces/{NS}/secrets/mlpipeline-minio-artifact",
            kjson(k8s.V1Secret(metadata=k8s.V1ObjectMeta(name="mlpipeline-minio-artifact"), data=data)))
    fake.on("HEAD", "/mlpipeline", Reply(200, b""))
    fake.on("GET", "/apis/serving.kserve.io/v1beta1", kjson(k8s.V1APIResourceList(
        group_version="serving.kserve.io/v1beta1", resources=[k8s.V1APIResource(
            name="inferenceservices", kind="InferenceService", namespaced=True, singular_name="inferenceservice",
            verbs=["get", "list", "create"])])))


def test_doctor_answers_each_question(make_backend, sim: Sim, fake: FakeServer, token_file: Path) -> None:
    token = jwt(time.time() + 23 * 3600 + 60)
    token_file.write_text(token)
    _cluster(fake)
    sim.nodes = [node_json("gpu-1", gpus=2, labels={"nvidia.com/gpu.product": "NVIDIA-GeForce-RTX-3090"})]
    items = doctor(make_backend(s3_url=fake.url, s3_endpoint="seaweedfs.kubeflow:9000"))
    by_name = {item.name: item for item in items}
    assert all(isinstance(item, DoctorItem) for item in items)
    assert by_name["KFP API"].ok and f"multi-user, version {sim.release.kfp}" in by_name["KFP API"].detail
    # kubeflow-edit grants no get on namespaces: the learner is told it is set, not that it exists
    assert by_name["namespace"] == DoctorItem("namespace", True, "team-a (from test) may not be read, but is set", "",
                                               key="namespace")
    assert by_name["KFP token"].ok and "valid for 23 h more" in by_name["KFP token"].detail
    assert "system:serviceaccount:kubeflow:kfp-api-user" in by_name["KFP token"].detail
    assert by_name["permission: list pods"].ok and by_name["permission: get pods/log"].ok
    denied = by_name["permission: create inferenceservices"]
    assert denied.ok is False and "no RBAC rule" in denied.detail and "ask the admin" in denied.fix
    assert by_name["PVC aidatasource (lesson 2)"].ok
    # a learner may not list nodes (kubeflow-edit grants nothing cluster-scoped): said, not guessed
    assert by_name["GPU nodes (lesson 3)"].detail.startswith("this account may not list nodes")
    assert by_name["object store (lessons 4-5)"].ok
    assert by_name["KServe (lesson 5)"].ok
    assert by_name["ML Metadata (task outputs)"].ok is None  # unreachable here: outputs come from the logs
    assert all(token not in f"{item.detail} {item.fix}" for item in items)
    reviews = [r.json()["spec"]["resourceAttributes"] for r in fake.calls("POST")]
    assert {"namespace": NS, "verb": "get", "resource": "pods", "group": "", "subresource": "log"} in reviews


def test_doctor_turns_failures_into_fixes(make_backend, sim: Sim, fake: FakeServer, token_file: Path) -> None:
    token_file.write_text(jwt(time.time() - 600))
    sim.nodes = None
    fake.on("HEAD", "/mlpipeline/?", Reply(404, b""))  # a store without KFP's bucket
    fake.on("GET", f"/api/v1/namespaces/{NS}/secrets/mlpipeline-minio-artifact",
            Reply(404, k8s_status(404, "NotFound", "not found")))
    items = {item.name: item for item in doctor(make_backend(s3_url=fake.url))}
    assert items["KFP token"].ok is False and "expired 10 min ago" in items["KFP token"].detail
    assert "workshop instructor token" in items["KFP token"].fix and "kubectl" not in items["KFP token"].fix
    assert items["PVC aidatasource (lesson 2)"].ok is False and "Volumes" in items["PVC aidatasource (lesson 2)"].fix
    assert items["GPU nodes (lesson 3)"].ok is None and "may not list nodes" in items["GPU nodes (lesson 3)"].detail
    assert items["object store (lessons 4-5)"].ok is False
    assert items["KServe (lesson 5)"].ok is False


def test_doctor_in_a_notebook_without_the_token_names_the_option(make_backend, sim: Sim) -> None:
    """No projected token in the pod (no PodDefault access-ml-pipeline ticked): the doctor's first row says
    to recreate the notebook with the option, or to ask for `workshop instructor prepare`; never kubectl."""
    items = {item.name: item for item in doctor(make_backend(token_file="", in_pod=True))}
    token = items["KFP token"]
    assert token.ok is False and "is missing in this pod" in token.detail
    assert '"Allow access to Kubeflow Pipelines"' in token.fix and "workshop instructor prepare" in token.fix
    assert "kubectl" not in token.fix


def _han(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_doctor_in_chinese_says_every_row_in_chinese(make_backend, sim: Sim, fake: FakeServer,
                                                     token_file: Path) -> None:
    """`doctor(lang="zh")`: each row's name, detail and fix is Chinese, the same rows as in English (by key),
    over the passing and the failing cluster alike; the cluster's own words may be quoted inside."""
    token_file.write_text(jwt(time.time() + 23 * 3600 + 60))
    _cluster(fake)
    sim.nodes = [node_json("gpu-1", gpus=2, labels={"nvidia.com/gpu.product": "NVIDIA-GeForce-RTX-3090"})]
    backend = make_backend(s3_url=fake.url, s3_endpoint="seaweedfs.kubeflow:9000")
    english, chinese = doctor(backend, "en"), doctor(backend, "zh")
    assert [i.key for i in english] == [i.key for i in chinese] and all(i.key for i in chinese)
    assert [i.ok for i in english] == [i.ok for i in chinese]
    for item in chinese:
        assert _han(item.name), item
        assert _han(item.detail), item
        assert not item.fix or _han(item.fix), item
    by_key = {item.key: item for item in chinese}
    assert "还有 23 小时有效" in by_key["token"].detail and "system:serviceaccount:kubeflow:kfp-api-user" in \
        by_key["token"].detail
    assert by_key["permission:create inferenceservices"].detail.endswith("no RBAC rule")  # the cluster's words
    assert "多用户" in by_key["kfp-api"].detail


def test_doctor_in_chinese_turns_failures_into_chinese_fixes(make_backend, sim: Sim, fake: FakeServer,
                                                             token_file: Path) -> None:
    token_file.write_text(jwt(time.time() - 600))
    sim.nodes = None
    fake.on("HEAD", "/mlpipeline/?", Reply(404, b""))
    fake.on("GET", f"/api/v1/namespaces/{NS}/secrets/mlpipeline-minio-artifact",
            Reply(404, k8s_status(404, "NotFound", "not found")))
    items = {item.key: item for item in doctor(make_backend(s3_url=fake.url), "zh")}
    assert items["token"].ok is False and "已过期 10 分钟" in items["token"].detail
    assert "workshop instructor token" in items["token"].fix and _han(items["token"].fix)
    assert items["pvc"].ok is False and _han(items["pvc"].fix) and "Volumes" in items["pvc"].fix
    assert items["gpu"].ok is None and "无权列出节点" in items["gpu"].detail
    assert items["object-store"].ok is False and items["kserve"].ok is False
    for item in items.values():
        assert _han(item.name + item.detail) and (not item.fix or _han(item.fix)), item
    notebook = {item.key: item for item in doctor(make_backend(token_file="", in_pod=True), "zh")}["token"]
    assert "这个 pod 里没有" in notebook.detail and "Allow access to Kubeflow Pipelines" in notebook.fix
    assert "重新创建笔记本" in notebook.fix
