"""Lessons 3, 4 and 5 through the course (Course.run_lesson, as `workshop run` does) on each release profile,
as a learner (kubeflow-edit) and as an instructor (cluster admin).

What the cluster's pods do comes from what the backend submitted (tests/cluster/kubeflow.py): the pods'
limits and node selector from the uploaded IR, the object lesson 4 writes at the run's own s3_endpoint and
object_key, the model lesson 5 trains with the reference components' own code and the InferenceService its
deploy step creates from the run's arguments.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.cluster.fake import FakeServer
from tests.cluster.kubeflow import KServe, Submitted, pipeline_root, pod_address, submitted
from tests.cluster.mlmd_fake import FakeMlmd, M, execution
from tests.cluster.sim import NS, Frame, Log, Objects, Sim, node_json, run_json
from workshop.core.course import Course

ROOT = Path(__file__).resolve().parents[2]
RTX = "NVIDIA-GeForce-RTX-3090"


def _refused(fake: FakeServer) -> set[tuple[str, str]]:
    return {(method, path) for method, path, _ in fake.denied}


# --- lesson 3 ----------------------------------------------------------------------------------
def container_report(limits: dict[str, str], gpu_model: str | None) -> list[str]:
    """What train_model prints in a container with these limits (cgroup v2, nvidia-smi -L on a GPU node)."""
    cpu, memory, gpus = limits.get("cpu"), limits.get("memory"), int(limits.get("nvidia.com/gpu", "0"))
    lines = [f"CPU limit (cgroup cpu.max): {int(cpu) * 100000} 100000 -> {cpu} CPU" if cpu else
             "CPU limit (cgroup cpu.max): max 100000 -> no limit",
             f"Memory limit (cgroup memory.max): {memory}" if memory else "Memory limit (cgroup memory.max): max"]
    if gpus and gpu_model:
        lines.append(f"GPU: {gpus} visible")
        lines += [f"GPU: GPU {i}: {gpu_model.replace('-', ' ')} (UUID: GPU-{i:04d})" for i in range(gpus)]
    else:
        lines.append("GPU: none visible (nvidia-smi not found)")
    return lines + ["train_model: accuracy 0.967"]


def _lesson_3_cluster(sim: Sim, fake: FakeServer) -> None:
    """The scheduler puts train-model on the RTX 3090 node when its pod asks for that label."""
    sim.nodes = [node_json("cpu-1"), node_json("gpu-1", gpus=2, labels={"nvidia.com/gpu.product": RTX})]
    running = Frame(run_json("run-1", "RUNNING", {"load-data": "RUNNING", "train-model": "RUNNING"}))
    done = Frame(run_json("run-1", "SUCCEEDED", {"load-data": "SUCCEEDED", "train-model": "SUCCEEDED"}))

    def scheduled() -> bool:
        run = submitted(fake)
        selector = run.node_selector("train-model") or {}
        node = "gpu-1" if selector.get("nvidia.com/gpu.product") == RTX else "cpu-1"
        for frame, main in ((running, "running"), (done, "terminated")):
            frame.pods[:] = [run.pod("load-data", main, "cpu-1"), run.pod("train-model", main, node)]
        sim.logs["p-load-data"] = Log(["load_data: wrote 150 iris rows to /tmp/outputs/dataset_output/data"])
        sim.logs["p-train-model"] = Log(container_report(run.limits("train-model"), RTX if node == "gpu-1" else None))
        return True

    sim.scenario(Frame(run_json("run-1", "PENDING"), until=scheduled), running, done)


@pytest.mark.parametrize("identity", ["learner", "instructor"])
def test_lesson_3_passes_on_the_pods_kfp_builds_from_the_pipeline(make_backend, sim: Sim, fake: FakeServer,
                                                                  course: Course, identity: str) -> None:
    """The pods carry the limits and node selector of the uploaded IR, as KFP's driver sets them (KFP 2.17.0
    backend/src/v2/driver/driver.go 360-446, k8s.go 194-219). A learner may not read nodes (kubeflow-edit
    grants none): the GPU check is skipped, the pod check still reads the pod."""
    _lesson_3_cluster(sim, fake)
    attempt = course.run_lesson(course.lesson(3), make_backend(identity), {})
    statuses = {c.id: c.status.value for c in attempt.checks}
    assert attempt.passed, [(c.id, c.summary) for c in attempt.checks]
    assert statuses == {"compiled": "passed", "load-data-resources": "passed", "train-model-resources": "passed",
                        "succeeded": "passed", "report": "passed", "pod": "passed",
                        "gpu": "passed" if identity == "instructor" else "skipped"}
    pod = next(c for c in attempt.checks if c.id == "pod").evidence
    assert pod["pod"] == "p-train-model" and "nvidia.com/gpu: '2'" in pod["limits"] and pod["node"] == "gpu-1"
    refused = _refused(fake)
    if identity == "instructor":
        assert refused == set()
    else:  # the namespace GET it copes with, and the nodes it may not read
        assert {path for _, path in refused} <= {f"/api/v1/namespaces/{NS}", "/api/v1/nodes", "/api/v1/nodes/gpu-1"}


def test_lesson_3_with_one_gpu_fails_on_the_pod_kfp_really_built(make_backend, sim: Sim, fake: FakeServer,
                                                                course: Course, tmp_path: Path) -> None:
    """A learner's pipeline asking for one GPU: the IR says one, so the pod gets one, and the pod check says
    so from the pod, not from the code."""
    code = (ROOT / "pipelines" / "resources.py").read_text()
    wrong = code.replace(".set_accelerator_limit(2)", ".set_accelerator_limit(1)")
    assert wrong != code
    mine = tmp_path / "resources.py"
    mine.write_text(wrong)
    _lesson_3_cluster(sim, fake)
    attempt = course.run_lesson(course.lesson(3), make_backend("instructor"), {}, pipeline_file=mine)
    checks = {c.id: c for c in attempt.checks}
    assert not attempt.passed
    assert checks["pod"].status.value == "failed" and "nvidia.com/gpu" in checks["pod"].summary
    assert "nvidia.com/gpu: '1'" in checks["pod"].evidence["limits"]


# --- lesson 4 ----------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def keras_model(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The reference train_and_upload's own model, trained once a session (TensorFlow, in a child process).

    The component runs for real against a throw-away S3 (the simulator's store, root keys): what it uploads
    is the model lesson 4's check scores."""
    from tests.cluster.fake import FakeServer as Server
    from tests.cluster.sim import RELEASES, Store

    server = Server().start()
    try:
        store = Store(server, RELEASES["kubeflow-1.10"])
        program = ("import importlib.util, sys\n"
                   "spec = importlib.util.spec_from_file_location('m', sys.argv[1])\n"
                   "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
                   "from kfp.dsl import Metrics\n"  # KFP's executor passes the Output[Metrics]; here, by hand
                   "metrics = Metrics(name='metrics', uri='', metadata={})\n"
                   "print(m.train_and_upload.python_func(s3_endpoint=sys.argv[2], object_key='models/m.keras',"
                   " metrics=metrics))\n")
        env = os.environ | {"AWS_ACCESS_KEY_ID": store.access_key, "AWS_SECRET_ACCESS_KEY": "s3cr3t",
                            "TF_CPP_MIN_LOG_LEVEL": "3"}
        done = subprocess.run([sys.executable, "-c", program, str(ROOT / "pipelines" / "minio_model.py"),
                               server.url.removeprefix("http://")], env=env, capture_output=True, text=True,
                              timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        return store.objects["models/m.keras"]
    finally:
        server.stop()


def _upload(endpoint: str, access_key: str, key: str, data: bytes) -> None:
    """The task's fput_object, with the minio client the component uses and the keys its env holds."""
    from minio import Minio

    client = Minio(endpoint, access_key=access_key, secret_key="s3cr3t", secure=False)
    client.put_object("mlpipeline", key, io.BytesIO(data), len(data))


@pytest.mark.slow
@pytest.mark.parametrize("identity", ["learner", "instructor"])
def test_lesson_4_scores_the_model_the_run_stored_under_its_own_key(make_backend, sim: Sim, fake: FakeServer,
                                                                    course: Course, keras_model: bytes,
                                                                    identity: str) -> None:
    """The task uploads where the run's arguments say, with the namespace's keys: s3_endpoint must be a port the
    release really has (sim.Release.services) and object_key one the keys may write (KM v1.11.0 profile
    controller sync.py 370-373). The accuracy check downloads that object and scores it for real."""
    backend = make_backend(identity, s3_url=fake.url)
    failure: list[str] = []

    def trained() -> bool:
        run = submitted(fake)
        address = pod_address(sim.release, run.parameters["s3_endpoint"], fake)
        if address is None:
            failure.append(f"could not connect to {run.parameters['s3_endpoint']}")
            return True
        try:
            _upload(address, sim.store.access_key, run.parameters["object_key"], keras_model)
        except Exception as exc:  # the task's own failure: the run fails, as on the cluster
            failure.append(str(exc))
        return True

    sim.scenario(Frame(run_json("run-1", "RUNNING", {"train-and-upload": "RUNNING"}), until=trained),
                 Frame(run_json("run-1", "SUCCEEDED", {"train-and-upload": "SUCCEEDED"})))
    lesson = course.lesson(4)
    arguments = lesson.defaults(backend.defaults({a.default_from for a in lesson.arguments if a.default_from}))
    attempt = course.run_lesson(lesson, backend, arguments)
    assert not failure, failure
    checks = {c.id: c for c in attempt.checks}
    assert attempt.passed, [(c.id, c.summary) for c in attempt.checks]
    key = f"private/{NS}/models/detect-digits.keras"
    assert checks["object"].evidence["key"] == key and key in sim.store.objects
    assert float(checks["accuracy"].evidence["accuracy"]) >= 0.9


# --- lesson 5 ----------------------------------------------------------------------------------
def lesson_5_cluster(sim: Sim, fake: FakeServer, mlmd: FakeMlmd, model: bytes,
                     waits: list[tuple[dict[str, Any], dict[str, Any] | None]] | None = None,
                     deploy_waits: bool = False) -> KServe:
    """A run of kserver-pipeline: train-model's artifact lands under the pipeline root, in MLMD and in S3; the
    deploy step creates the InferenceService from the run's arguments (the deploy component's code) and, with
    deploy_waits, the run goes on until the service has been through `waits` (wait_isvc_ready)."""
    objects = Objects(fake)
    objects.put("secrets", NS, sim.store.secret())
    kserve = KServe(fake, sim, objects)
    tasks = ("load-data", "train-model", "deploy-model-to-kserve")

    def trained_and_deployed() -> bool:
        run: Submitted = submitted(fake)
        uri = f"{pipeline_root(sim.release, NS)}/kserver-pipeline/{run.run_id}/train-model/6b1f/model_output"
        sim.store.objects[uri.removeprefix("minio://mlpipeline/") + "/model.joblib"] = model
        mlmd.executions[9] = [execution(1, "load-data"), execution(2, "train-model"),
                              execution(3, "deploy-model-to-kserve")]
        mlmd.artifacts[2] = [("model_output", M["Artifact"](id=41, uri=uri, type_id=3))]
        storage_uri = "s3://" + uri.removeprefix("minio://")
        kserve.deploy(run.parameters["service_name"], run.parameters["namespace"], storage_uri,
                      "workshop-kserve-sa", waits)
        return True

    running = run_json("run-1", "RUNNING", dict.fromkeys(tasks, "RUNNING"))
    frames = [Frame(running, until=trained_and_deployed)]
    if deploy_waits:  # the step ends when the service is Ready, or after 200 polls of the run (a bound, not a wait)
        polls = iter(range(200))
        frames.append(Frame(running, until=lambda: len(kserve.steps[(NS, "iris-svc")]) == 1
                            or next(polls, None) is None))
    sim.scenario(*frames, Frame(run_json("run-1", "SUCCEEDED", dict.fromkeys(tasks, "SUCCEEDED"), context_id="9")))
    return kserve


@pytest.mark.parametrize("identity", ["learner", "instructor"])
def test_lesson_5_serves_the_model_this_run_trained(make_backend, sim: Sim, fake: FakeServer, mlmd: FakeMlmd,
                                                    course: Course, iris_model: bytes, identity: str) -> None:
    """The predictor loads the model only with the keys of the service account the backend prepared (KServe
    v0.15.2 service_account_credentials.go 232-264) from the endpoint it names; the checks predict through
    it and compare with the iris labels."""
    backend = make_backend(identity, mlmd_endpoint=mlmd.endpoint, s3_url=fake.url)
    lesson_5_cluster(sim, fake, mlmd, iris_model)
    lesson = course.lesson(5)
    arguments = lesson.defaults(backend.defaults({a.default_from for a in lesson.arguments if a.default_from}))
    assert arguments == {"service_name": "iris-svc", "namespace": NS}
    attempt = course.run_lesson(lesson, backend, arguments)
    checks = {c.id: c for c in attempt.checks}
    assert attempt.passed, [(c.id, c.summary) for c in attempt.checks]
    assert checks["ready"].evidence["storage_uri"].startswith("s3://mlpipeline/")
    assert checks["predict-v1"].evidence["predictions"] == "[0, 1, 2, 0]"
    refused = _refused(fake)
    # a learner may not GET its namespace nor the services in kubeflow (the endpoint then comes from the release)
    assert refused == (set() if identity == "instructor" else {
        ("GET", f"/api/v1/namespaces/{NS}"), ("GET", "/api/v1/namespaces/kubeflow/services/seaweedfs")})
