"""LocalControlPlane: KServeClient, unchanged, against the loopback Kubernetes API stand-in.

Real HTTP, real KServe model server processes, no mocks.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from workshop.backends.local.controlplane import ControlPlaneError, LocalControlPlane
from workshop.backends.local.modelserver import predict_v1

pytestmark = pytest.mark.slow

NS = "kubeflow-user"
ROWS = [[5.1, 3.5, 1.4, 0.2], [6.2, 2.8, 4.8, 1.8], [6.0, 2.2, 5.0, 1.5], [5.7, 2.8, 4.1, 1.3]]
LABELS = {"app.kubernetes.io/part-of": "kubeflow-workshop"}


def train(model_dir: Path, depth: int | None) -> Any:
    """Two different models (a full tree and a stump) so a patch visibly changes answers."""
    import joblib
    from sklearn.datasets import load_iris
    from sklearn.tree import DecisionTreeClassifier

    features, target = load_iris(return_X_y=True)
    clf = DecisionTreeClassifier(max_depth=depth, random_state=0).fit(features, target)
    model_dir.mkdir(parents=True, exist_ok=True)
    joblib.dump(clf, model_dir / "model.joblib")
    return clf


def isvc(name: str, uri: str) -> Any:
    """The object lesson 5's deploy component builds."""
    from kserve import (
        V1beta1InferenceService,
        V1beta1InferenceServiceSpec,
        V1beta1PredictorSpec,
        V1beta1SKLearnSpec,
    )
    from kubernetes import client as k8s

    return V1beta1InferenceService(
        api_version="serving.kserve.io/v1beta1",
        kind="InferenceService",
        metadata=k8s.V1ObjectMeta(
            name=name, namespace=NS, labels=LABELS, annotations={"sidecar.istio.io/inject": "false"}
        ),
        spec=V1beta1InferenceServiceSpec(
            predictor=V1beta1PredictorSpec(
                service_account_name="default-editor", sklearn=V1beta1SKLearnSpec(storage_uri=uri)
            )
        ),
    )


def wait_gone(pid: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        assert time.monotonic() < deadline, f"process {pid} still alive"
        time.sleep(0.05)


def ready_condition(obj: dict[str, Any]) -> dict[str, Any]:
    return next(c for c in obj["status"]["conditions"] if c["type"] == "Ready")


def wait_condition(plane: LocalControlPlane, name: str, status: str, timeout: float = 30.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        obj = plane.get_service(name, NS)
        if obj and ready_condition(obj)["status"] == status:
            return obj
        assert time.monotonic() < deadline, f"{name} never reached Ready={status}: {obj}"
        time.sleep(0.05)


def server_and_token(kubeconfig: Path) -> tuple[str, str]:
    config = json.loads(kubeconfig.read_text())
    return config["clusters"][0]["cluster"]["server"], config["users"][0]["user"]["token"]


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("models")
    return {"v1": (root / "v1", train(root / "v1", None)), "v2": (root / "v2", train(root / "v2", 1))}


@pytest.fixture(scope="module")
def plane(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalControlPlane]:
    cp = LocalControlPlane(tmp_path_factory.mktemp("controlplane"))
    cp.start()
    yield cp
    cp.stop()


@pytest.fixture(scope="module")
def kserve_client(plane: LocalControlPlane) -> Any:
    from kserve import KServeClient

    return KServeClient(config_file=str(plane.kubeconfig_path))


def test_modules_import_no_heavy_packages() -> None:
    code = (
        "import sys, workshop.backends.local.controlplane, workshop.backends.local.modelserver\n"
        "heavy = {'kserve', 'sklearn', 'textual', 'kubernetes'} & set(sys.modules)\n"
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_kubeconfig_is_private_and_the_api_wants_its_token(plane: LocalControlPlane) -> None:
    assert stat.S_IMODE(plane.kubeconfig_path.stat().st_mode) == 0o600
    server, token = server_and_token(plane.kubeconfig_path)
    assert server.startswith("http://127.0.0.1:")
    path = f"{server}/apis/serving.kserve.io/v1beta1/namespaces/{NS}/inferenceservices"
    with httpx.Client(trust_env=False) as client:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": token}):
            resp = client.get(path, headers=headers)
            assert resp.status_code == 401
            assert resp.json()["kind"] == "Status" and resp.json()["reason"] == "Unauthorized"
        good = {"Authorization": f"Bearer {token}"}
        assert client.get(path, headers=good).json()["kind"] == "InferenceServiceList"
        missing = client.get(f"{path}/nope", headers=good)
        assert missing.status_code == 404 and missing.json()["reason"] == "NotFound"
        unknown = client.get(f"{server}/api/v1/pods", headers=good)
        assert unknown.status_code == 404 and unknown.json()["kind"] == "Status"


def test_create_wait_predict_patch_delete(
    plane: LocalControlPlane, kserve_client: Any, models: dict[str, Any]
) -> None:
    kc, (dir1, clf1), (dir2, clf2) = kserve_client, models["v1"], models["v2"]
    started = time.monotonic()
    created = kc.create(isvc("iris-svc", str(dir1)))
    assert created["metadata"]["generation"] == 1 and created["metadata"]["uid"]
    assert ready_condition(created)["status"] == "Unknown"  # the controller has not run yet
    kc.wait_isvc_ready("iris-svc", namespace=NS, timeout_seconds=60, polling_interval=0.25)
    print(f"create -> Ready in {time.monotonic() - started:.2f}s")

    obj = kc.get("iris-svc", namespace=NS)
    url = obj["status"]["url"]
    assert url.startswith("http://127.0.0.1:") and obj["status"]["address"]["url"] == url
    assert obj["metadata"]["labels"] == LABELS
    assert predict_v1(url, "iris-svc", ROWS) == clf1.predict(ROWS).tolist()
    first_pid = plane.server_pid("iris-svc", NS)

    with pytest.raises(RuntimeError, match="already exists"):
        kc.create(isvc("iris-svc", str(dir1)))

    # The deploy component's "exists -> patch" path, with a file:// URI this time.
    patched = kc.patch("iris-svc", isvc("iris-svc", dir2.as_uri()), namespace=NS)
    assert patched["metadata"]["generation"] == 2
    assert ready_condition(patched)["status"] != "True"  # never the old model's Ready
    kc.wait_isvc_ready(
        "iris-svc", namespace=NS, timeout_seconds=60, polling_interval=0.25, expected_generation=2
    )
    obj = kc.get("iris-svc", namespace=NS)
    assert obj["status"]["observedGeneration"] == 2
    answers = predict_v1(obj["status"]["url"], "iris-svc", ROWS)
    assert answers == clf2.predict(ROWS).tolist() != clf1.predict(ROWS).tolist()
    assert first_pid is not None
    wait_gone(first_pid)  # the old model's server went away

    assert [
        s["metadata"]["name"] for s in plane.list_services("app.kubernetes.io/part-of=kubeflow-workshop")
    ] == ["iris-svc"]
    assert plane.list_services("app.kubernetes.io/part-of!=kubeflow-workshop") == []

    pid = plane.server_pid("iris-svc", NS)
    assert pid is not None
    assert kc.delete("iris-svc", namespace=NS)["status"] == "Success"
    wait_gone(pid)
    assert plane.get_service("iris-svc", NS) is None
    with pytest.raises(RuntimeError, match="not found"):
        kc.get("iris-svc", namespace=NS)
    assert not plane.delete_service("iris-svc", NS)


def test_remote_storage_uri_is_a_clear_condition(plane: LocalControlPlane, kserve_client: Any) -> None:
    kserve_client.create(isvc("from-s3", "s3://mlpipeline/v2/artifacts/model"))
    obj = wait_condition(plane, "from-s3", "False")
    ready = ready_condition(obj)
    assert ready["reason"] == "UnsupportedStorageURI" and "s3://" in ready["message"]
    assert plane.server_pid("from-s3", NS) is None
    with pytest.raises(ControlPlaneError, match="UnsupportedStorageURI"):
        plane.ensure_serving("from-s3", NS, timeout=30)

    # Other writes, straight over HTTP: json-patch of metadata keeps the generation,
    # strategic merge (which custom resources do not support) is refused, PUT checks resourceVersion.
    server, token = server_and_token(plane.kubeconfig_path)
    url = f"{server}/apis/serving.kserve.io/v1beta1/namespaces/{NS}/inferenceservices/from-s3"
    auth = {"Authorization": f"Bearer {token}"}
    with httpx.Client(trust_env=False, headers=auth) as client:
        ops = [{"op": "add", "path": "/metadata/labels/lesson", "value": "5"}]
        resp = client.patch(url, json=ops, headers={"Content-Type": "application/json-patch+json"})
        assert resp.status_code == 200, resp.text
        assert resp.json()["metadata"]["labels"]["lesson"] == "5"
        assert resp.json()["metadata"]["generation"] == 1
        smp = {"Content-Type": "application/strategic-merge-patch+json"}
        assert client.patch(url, json={}, headers=smp).status_code == 415
        stale = dict(resp.json(), metadata=dict(resp.json()["metadata"], resourceVersion="1"))
        conflict = client.put(url, json=stale)
        assert conflict.status_code == 409 and conflict.json()["reason"] == "Conflict"
    replaced = kserve_client.replace("from-s3", isvc("from-s3", "s3://other/model"), namespace=NS)
    assert replaced["metadata"]["generation"] == 2
    assert plane.delete_service("from-s3", NS)


def test_stop_then_restart_restores_the_service(tmp_path: Path, models: dict[str, Any]) -> None:
    from kserve import KServeClient

    model_dir, clf = models["v1"]
    first = LocalControlPlane(tmp_path / "cp")
    try:
        kc = KServeClient(config_file=str(first.start()))
        kc.create(isvc("iris-svc", str(model_dir)), watch=True, timeout_seconds=60)  # the watch API
        pid = first.server_pid("iris-svc", NS)
        url = kc.get("iris-svc", namespace=NS)["status"]["url"]
        assert pid is not None
    finally:
        first.stop()
    wait_gone(pid)

    second = LocalControlPlane(tmp_path / "cp")
    try:
        kc = KServeClient(config_file=str(second.start()))
        stored = kc.get("iris-svc", namespace=NS)
        assert ready_condition(stored)["status"] == "Unknown" and "url" not in stored["status"]
        assert second.ensure_serving("iris-svc", NS, timeout=60) == url  # same port when free
        assert kc.is_isvc_ready("iris-svc", namespace=NS)
        assert predict_v1(url, "iris-svc", ROWS) == clf.predict(ROWS).tolist()
        assert second.ensure_serving("iris-svc", NS) == url  # already serving: no restart

        # A model server that dies stops reporting Ready; re-applying the same spec (what a
        # re-run's deploy step does with a cached model) brings it back.
        crashed = second.server_pid("iris-svc", NS)
        assert crashed is not None
        os.kill(crashed, signal.SIGKILL)
        wait_gone(crashed)
        assert ready_condition(wait_condition(second, "iris-svc", "False"))["reason"] == "ModelServerExited"
        kc.patch("iris-svc", isvc("iris-svc", str(model_dir)), namespace=NS)
        kc.wait_isvc_ready("iris-svc", namespace=NS, timeout_seconds=60, polling_interval=0.25)
        assert predict_v1(url, "iris-svc", ROWS) == clf.predict(ROWS).tolist()
        with pytest.raises(ControlPlaneError, match="no InferenceService"):
            second.ensure_serving("nope", NS)
        pid = second.server_pid("iris-svc", NS)
    finally:
        second.stop()
    assert pid is not None
    wait_gone(pid)
