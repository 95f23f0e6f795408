"""Lessons 2 and 4 on a cluster: files on the PVC (mounted here, or through a reader pod) and S3 objects."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from kubernetes import client as k8s

from tests.cluster.fake import FakeServer, Reply, Request, k8s_status, kjson
from tests.cluster.sim import NS, Sim
from workshop.core.errors import BackendError
from workshop.core.ports import ObjectInfo

PODS = f"/api/v1/namespaces/{NS}/pods"
PVC = f"/api/v1/namespaces/{NS}/persistentvolumeclaims/aidatasource"


class ReaderPods:
    """The Kubernetes side of the reader pod: created, Pending once, then it really runs READER over a folder."""

    def __init__(self, fake: FakeServer, volume_root: Path, finish: bool = True) -> None:
        self.root = volume_root
        self.finish = finish
        self.pods: dict[str, dict[str, Any]] = {}
        self.gets: dict[str, int] = {}
        fake.on("GET", PVC, kjson(k8s.V1PersistentVolumeClaim(metadata=k8s.V1ObjectMeta(name="aidatasource"),
                                                              status=k8s.V1PersistentVolumeClaimStatus(phase="Bound"))))
        fake.on("POST", PODS, self.create)
        fake.on("GET", f"{PODS}/(?P<name>workshop-reader-[^/]+)", self.get)
        fake.on("GET", f"{PODS}/(?P<name>workshop-reader-[^/]+)/log", self.log)
        fake.on("DELETE", f"{PODS}/(?P<name>workshop-reader-[^/]+)", self.delete)

    def create(self, req: Request) -> Any:
        body = req.json()
        self.pods[body["metadata"]["name"]] = body
        return Reply(201, body | {"status": {"phase": "Pending"}})

    def get(self, req: Request, name: str) -> Any:
        if name not in self.pods:
            return Reply(404, k8s_status(404, "NotFound", f'pods "{name}" not found'))
        self.gets[name] = self.gets.get(name, 0) + 1
        done = self.finish and self.gets[name] > 1
        return self.pods[name] | {"status": {"phase": "Succeeded" if done else "Pending"}}

    def log(self, req: Request, name: str) -> Any:
        command = self.pods[name]["spec"]["containers"][0]["command"]
        script = command[2].replace("'/data'", repr(str(self.root)))
        done = subprocess.run([sys.executable, "-c", script, *command[3:]], capture_output=True, text=True,
                              check=True)
        return Reply(200, "some pip noise\n" + done.stdout)

    def delete(self, req: Request, name: str) -> Any:
        self.pods.pop(name)
        return kjson(k8s.V1Status(status="Success"))


@pytest.fixture
def volume(tmp_path: Path) -> Path:
    root = tmp_path / "pvc"
    (root / "output").mkdir(parents=True)
    (root / "input_numbers.csv").write_text("1\n3\n2\n")
    (root / "output" / "sorted_numbers.csv").write_text("3\n2\n1\n")
    return root


def test_the_reader_pod_is_labelled_mounts_the_claim_and_is_deleted(make_backend, sim: Sim, fake: FakeServer,
                                                                    volume: Path) -> None:
    readers = ReaderPods(fake, volume)
    backend = make_backend()
    assert backend.read_volume_file("aidatasource", "output/sorted_numbers.csv") == "3\n2\n1\n"
    mtime = backend.volume_file_modified("aidatasource", "output/sorted_numbers.csv")
    assert mtime == pytest.approx((volume / "output" / "sorted_numbers.csv").stat().st_mtime)
    created = [r.json() for r in fake.calls("POST", PODS)]
    assert len(created) == 1  # the modification time came with the read
    pod = created[0]
    assert pod["metadata"]["name"].startswith("workshop-reader-")
    assert pod["metadata"]["labels"]["app.kubernetes.io/part-of"] == "kubeflow-workshop"
    assert pod["metadata"]["annotations"] == {"sidecar.istio.io/inject": "false"}
    assert pod["spec"]["restartPolicy"] == "Never"
    assert pod["spec"]["volumes"] == [{"name": "data", "persistentVolumeClaim": {"claimName": "aidatasource",
                                                                                 "readOnly": True}}]
    assert pod["spec"]["containers"][0]["volumeMounts"][0] == {"name": "data", "mountPath": "/data", "readOnly": True}
    assert [r.path for r in fake.calls("DELETE")] == [f"{PODS}/{pod['metadata']['name']}"]
    assert readers.pods == {}
    with pytest.raises(FileNotFoundError):
        backend.read_volume_file("aidatasource", "output/missing.csv")
    assert len(fake.calls("DELETE")) == 2


def test_reset_removes_the_file_and_its_empty_folder_through_a_writable_pod(make_backend, sim: Sim, fake: FakeServer,
                                                                            volume: Path) -> None:
    ReaderPods(fake, volume)
    backend = make_backend()
    backend.volumes.remove("aidatasource", "output/sorted_numbers.csv")
    assert not (volume / "output").exists() and (volume / "input_numbers.csv").exists()
    pod = fake.calls("POST", PODS)[0].json()
    assert pod["spec"]["volumes"][0]["persistentVolumeClaim"]["readOnly"] is False


def test_a_reader_pod_that_never_runs_says_why_and_is_still_deleted(make_backend, sim: Sim, fake: FakeServer,
                                                                    volume: Path) -> None:
    ReaderPods(fake, volume, finish=False)
    fake.on("GET", f"/api/v1/namespaces/{NS}/events", {"items": [kjson(k8s.CoreV1Event(
        metadata=k8s.V1ObjectMeta(name="e"), involved_object=k8s.V1ObjectReference(name="x"), type="Warning",
        reason="FailedAttachVolume", message="Multi-Attach error for volume pvc-123"))]})
    backend = make_backend()
    backend.volumes.timeout, backend.volumes.poll = 0.2, 0.01
    with pytest.raises(BackendError, match="did not finish within 0.2 s: FailedAttachVolume: Multi-Attach error"):
        backend.read_volume_file("aidatasource", "input_numbers.csv")
    assert len(fake.calls("DELETE", f"{PODS}/workshop-reader-.*")) == 1


def test_a_missing_pvc_is_a_clear_error_and_no_pod_is_made(make_backend, sim: Sim, fake: FakeServer) -> None:
    fake.on("GET", PVC, Reply(404, k8s_status(404, "NotFound", 'persistentvolumeclaims "aidatasource" not found')))
    with pytest.raises(BackendError, match="the PVC aidatasource does not exist in namespace team-a"):
        make_backend().read_volume_file("aidatasource", "input_numbers.csv")
    assert fake.calls("POST") == []


def test_a_notebook_that_mounts_the_claim_reads_it_directly(make_backend, sim: Sim, fake: FakeServer,
                                                            volume: Path) -> None:
    notebook = k8s.V1Pod(metadata=k8s.V1ObjectMeta(name="notebook-0", namespace=NS), spec=k8s.V1PodSpec(
        containers=[k8s.V1Container(name="notebook", volume_mounts=[
            k8s.V1VolumeMount(name="workspace", mount_path="/home/jovyan"),
            k8s.V1VolumeMount(name="data", mount_path=str(volume))])],
        volumes=[k8s.V1Volume(name="data", persistent_volume_claim=k8s.V1PersistentVolumeClaimVolumeSource(
            claim_name="aidatasource")), k8s.V1Volume(name="workspace", empty_dir=k8s.V1EmptyDirVolumeSource())]))
    fake.on("GET", f"{PODS}/notebook-0", kjson(notebook))
    backend = make_backend(pod_name="notebook-0")
    assert backend.read_volume_file("aidatasource", "input_numbers.csv") == "1\n3\n2\n"
    assert backend.volume_file_modified("aidatasource", "input_numbers.csv") == (volume / "input_numbers.csv").stat(
    ).st_mtime
    with pytest.raises(FileNotFoundError):
        backend.read_volume_file("aidatasource", "nope.csv")
    with pytest.raises(BackendError):
        backend.read_volume_file("aidatasource", "../etc/passwd")
    assert fake.calls("POST") == [] and len(fake.calls("GET", f"{PODS}/notebook-0")) == 1


# --- the object store (lesson 4) -----------------------------------------------------------------------
SECRET = f"/api/v1/namespaces/{NS}/secrets/mlpipeline-minio-artifact"
OBJECT = "/mlpipeline/models/detect-digits.keras"


def _secret(fake: FakeServer) -> None:
    data = {"accesskey": base64.b64encode(b"learner-key").decode(), "secretkey": base64.b64encode(b"s3cr3t").decode()}
    fake.on("GET", SECRET, kjson(k8s.V1Secret(metadata=k8s.V1ObjectMeta(name="mlpipeline-minio-artifact"),
                                              data=data)))


def _s3(fake: FakeServer, status: int = 200) -> None:
    headers = {"ETag": '"abc123"', "Content-Length": "5", "Last-Modified": "Wed, 01 Jan 2025 00:00:00 GMT",
               "Content-Type": "application/octet-stream"}
    error = ("<?xml version='1.0'?><Error><Code>InvalidAccessKeyId</Code><Message>The access key ID you provided "
             "does not exist.</Message></Error>")
    fake.on("HEAD", OBJECT, Reply(status, b"", headers if status == 200 else {}))
    fake.on("GET", OBJECT, Reply(200, b"model", headers) if status == 200 else
            Reply(status, error, {"Content-Type": "application/xml"}))


def test_objects_are_read_with_the_credentials_of_the_learners_secret(make_backend, sim: Sim,
                                                                     fake: FakeServer) -> None:
    _secret(fake)
    _s3(fake)
    fake.on("GET", "/api/v1/namespaces/kubeflow/services/seaweedfs", Reply(404, k8s_status(404, "NotFound", "")))
    fake.on("GET", "/api/v1/namespaces/kubeflow/services/minio-service",
            kjson(k8s.V1Service(metadata=k8s.V1ObjectMeta(name="minio-service", namespace="kubeflow"))))
    backend = make_backend(s3_url=fake.url)
    default = "minio-service.kubeflow:9000" if sim.release.kfp == "2.5.0" else "seaweedfs.kubeflow:8333"
    assert backend.defaults({"object_store_endpoint", "namespace"}) == {"object_store_endpoint": default,
                                                                       "namespace": NS}
    info = backend.stat_object("mlpipeline", "models/detect-digits.keras")
    assert info == ObjectInfo("mlpipeline", "models/detect-digits.keras", 5, "abc123", 1735689600.0)
    assert backend.get_object("mlpipeline", "models/detect-digits.keras") == b"model"
    s3 = fake.calls(path=OBJECT)
    assert [r.method for r in s3] == ["HEAD", "GET"]
    assert all("Credential=learner-key/" in r.headers["authorization"] for r in s3)
    sim.store.access_key = "learner-key"  # the keys _secret put in the namespace
    with pytest.raises(FileNotFoundError):
        backend.stat_object("mlpipeline", f"private/{NS}/models/other.keras")


def test_in_the_cluster_seaweedfs_on_9000_is_found_by_connecting(make_backend, sim: Sim, fake: FakeServer) -> None:
    from workshop.backends.cluster import ClusterBackend

    backend = make_backend()
    cluster = ClusterBackend(backend.config.__class__(**{**backend.config.__dict__, "in_notebook": True}),
                             probe=lambda host, port: (host, port) == ("seaweedfs.kubeflow", 9000))
    try:
        assert cluster.defaults({"object_store_endpoint"}) == {"object_store_endpoint": "seaweedfs.kubeflow:9000"}
    finally:
        cluster.close()
    assert fake.calls(path="/api/v1/namespaces/kubeflow/services/.*") == []


def test_rejected_s3_credentials_are_a_clear_error(make_backend, sim: Sim, fake: FakeServer) -> None:
    _secret(fake)
    _s3(fake, 403)
    backend = make_backend(s3_url=fake.url, s3_endpoint="seaweedfs.kubeflow:9000")
    with pytest.raises(BackendError, match=r"refused to stat s3://mlpipeline/models/detect-digits.keras with the keys "
                                           r"of namespace team-a \(AccessDenied\)"):
        backend.stat_object("mlpipeline", "models/detect-digits.keras")
    with pytest.raises(BackendError, match=r"\(InvalidAccessKeyId\)"):
        backend.get_object("mlpipeline", "models/detect-digits.keras")


def test_a_missing_secret_says_where_it_should_be(make_backend, sim: Sim, fake: FakeServer) -> None:
    fake.on("GET", SECRET, Reply(404, k8s_status(404, "NotFound", "not found")))
    backend = make_backend(s3_url=fake.url, s3_endpoint="seaweedfs.kubeflow:9000")
    with pytest.raises(BackendError, match="the secret mlpipeline-minio-artifact is not in namespace team-a"):
        backend.stat_object("mlpipeline", "models/detect-digits.keras")
    assert json.dumps([r.path for r in fake.calls()]).count("/mlpipeline/") == 0
