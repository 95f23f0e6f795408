"""What a Kubeflow cluster does with the run the backend submitted, for the course tests of lessons 3-5.

The simulator runs no container. What the tests take from the submission is what KFP would: the
pipeline the backend uploaded (its IR and platform spec, from the multipart form) and the run's
parameters (from POST /runs). From those come the task pods as KFP's driver builds them, and the
effects a task's code has on the cluster (an object in S3, an InferenceService), so a check reads
what the learner's pipeline asked for, never a value the test made up.
"""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tests.cluster.fake import FakeServer
from tests.cluster.sim import API, Release, Sim, pod_json


@dataclass(frozen=True)
class Submitted:
    spec: dict[str, Any]  # the pipeline's IR
    platform: dict[str, Any]  # its platform spec (kfp-kubernetes), {} when none
    parameters: dict[str, Any]  # the run's runtime_config.parameters
    run_id: str = "run-1"

    def executor(self, task: str) -> str:
        return str(self.spec["root"]["dag"]["tasks"][task]["componentRef"]["name"].replace("comp-", "exec-", 1))

    def limits(self, task: str) -> dict[str, str]:
        """The pod limits KFP's driver sets from the IR (KFP 2.17.0 backend/src/v2/driver/driver.go 360-446:
        resourceMemoryLimit, resourceCpuLimit, accelerator resourceType -> resourceCount, as quantities)."""
        resources = (self.spec["deploymentSpec"]["executors"][self.executor(task)]["container"]
                     .get("resources") or {})
        limits = {}
        if resources.get("resourceMemoryLimit"):
            limits["memory"] = str(resources["resourceMemoryLimit"])
        if resources.get("resourceCpuLimit"):
            limits["cpu"] = str(resources["resourceCpuLimit"])
        accelerator = resources.get("accelerator") or {}
        if accelerator.get("resourceType"):
            limits[str(accelerator["resourceType"])] = str(accelerator.get("resourceCount") or "1")
        return limits

    def node_selector(self, task: str) -> dict[str, str] | None:
        """The pod's nodeSelector from the platform spec (KFP 2.17.0 backend/src/v2/driver/k8s.go 194-219)."""
        executors = ((self.platform.get("platforms") or {}).get("kubernetes") or {}).get("deploymentSpec") or {}
        config = (executors.get("executors") or {}).get(self.executor(task)) or {}
        labels = (config.get("nodeSelector") or {}).get("labels")
        return dict(labels) if labels else None

    def pod(self, task: str, main: str = "terminated", node_name: str | None = None) -> dict[str, Any]:
        return pod_json(f"p-{task}", task, self.run_id, main=main, limits=self.limits(task) or None,
                        node_selector=self.node_selector(task), node_name=node_name)


def submitted(fake: FakeServer, run_id: str = "run-1") -> Submitted:
    """The pipeline last uploaded (upload or upload_version) and the parameters of the run last created."""
    upload = fake.calls("POST", f"{API}/pipelines/upload(_version)?")[-1]
    message = email.message_from_bytes(
        f"Content-Type: {upload.headers['content-type']}\r\n\r\n".encode() + upload.body, policy=email.policy.HTTP)
    part = next(p for p in message.iter_parts() if p.get_param("name", header="content-disposition") == "uploadfile")
    docs = [d for d in yaml.safe_load_all(part.get_payload(decode=True)) if d]
    run = fake.calls("POST", f"{API}/runs")[-1].json()
    return Submitted(docs[0], docs[1] if len(docs) > 1 else {}, dict(run["runtime_config"]["parameters"]), run_id)


def run_reference_training(tmp: Path) -> bytes:
    """load_data and train_model of pipelines/kserve_iris.py, their own code, on local paths: model.joblib."""
    import importlib.util

    from kfp.dsl import Dataset, Model

    source = Path(__file__).resolve().parents[2] / "pipelines" / "kserve_iris.py"
    spec = importlib.util.spec_from_file_location("kserve_iris_reference", source)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    dataset, model = Dataset(uri="minio://mlpipeline/d"), Model(uri="minio://mlpipeline/m")
    dataset.path, model.path = str(tmp / "dataset.csv"), str(tmp / "model_output")
    module.load_data.python_func(dataset_output=dataset)
    module.train_model.python_func(input_dataset=dataset, model_output=model)
    return (tmp / "model_output" / "model.joblib").read_bytes()


def pipeline_root(release: Release, namespace: str) -> str:
    """Where KFP puts a run's artifacts: per namespace from Kubeflow 1.11 (KFP 2.15.0 manifests/kustomize/base/
    installs/multi-user/pipelines-profile-controller/sync.py line 181, 2.17.0 line 285), else the shared root."""
    if release.per_namespace_keys:
        return f"minio://mlpipeline/private-artifacts/{namespace}/v2/artifacts"
    return "minio://mlpipeline/v2/artifacts"


def pod_address(release: Release, endpoint: str, fake: FakeServer) -> str | None:
    """What a pipeline pod's connection to `endpoint` reaches: the fake's S3 when the release has a service with
    that port (sim.Release.services), else nothing (connection refused)."""
    host, _, port = endpoint.partition(":")
    name, _, namespace = host.partition(".")
    if namespace.split(".")[0] != "kubeflow" or not port.isdigit():
        return None
    if int(port) not in release.services.get(name, ()):
        return None
    return fake.url.removeprefix("http://")


class KServe:
    """KServe 0.15 (Kubeflow 1.11) behind the fake: InferenceServices in namespaces, their predictor pods, and
    a predictor that serves the model its storage initializer could download.

    The storage initializer takes its S3 keys from the secrets the InferenceService's service account lists
    (kserve v0.15.2 pkg/credentials/service_account_credentials.go 232-264), a secret counting as S3 when it
    has the key AWS_SECRET_ACCESS_KEY (kubeflow/manifests v1.11.0 applications/kserve/kserve/kserve.yaml
    32816-32826: credentials.s3.s3AccessKeyIDName/s3SecretAccessKeyName), and its endpoint from the secret's
    annotation serving.kserve.io/s3-endpoint (pkg/credentials/s3/utils.go 21-60). A service advances one step
    of `steps` per GET (a step is a status and the predictor pod's state), so a test tells its story by events.
    """

    def __init__(self, fake: FakeServer, sim: Sim, objects: Any) -> None:
        self.fake = fake
        self.release = sim.release
        self.store = sim.store
        self.objects = objects
        sim.other_pods = lambda: [pod for pods in self.pods.values() for pod in pods]
        self.services: dict[tuple[str, str], dict[str, Any]] = {}
        self.steps: dict[tuple[str, str], list[tuple[dict[str, Any], dict[str, Any] | None]]] = {}
        self.pods: dict[str, list[dict[str, Any]]] = {}
        self.models: dict[str, Any] = {}
        isvc = "/apis/serving.kserve.io/v1beta1/namespaces/(?P<ns>[^/]+)/inferenceservices/(?P<name>[^/]+)"
        fake.on("GET", isvc, self._get)
        fake.on("POST", "/v1/models/(?P<name>[^/:]+):predict", self._predict_v1)
        fake.on("POST", "/v2/models/(?P<name>[^/]+)/infer", self._infer_v2)

    # --- the deploy step's create, and the controller's answer -------------------------
    def deploy(self, name: str, namespace: str, storage_uri: str, service_account: str,
               waits: list[tuple[dict[str, Any], dict[str, Any] | None]] | None = None) -> None:
        """What the deploy step's KServeClient.create does; the controller then goes through `waits` (each
        a status and the predictor pod, or None before it exists), and ends Ready when the model downloads."""
        body = {"apiVersion": "serving.kserve.io/v1beta1", "kind": "InferenceService",
                "metadata": {"name": name, "namespace": namespace, "generation": 1,
                             "annotations": {"sidecar.istio.io/inject": "false"}},
                "spec": {"predictor": {"serviceAccountName": service_account,
                                       "sklearn": {"storageUri": storage_uri}}}}
        problem = self._download_problem(namespace, service_account, storage_uri)
        final = status(ready=not problem, url=self.fake.url, reason="RevisionFailed" if problem else "",
                       message=problem)
        self.services[(namespace, name)] = body | {"status": {}}
        pod = predictor_pod(name, namespace, "waiting:PodInitializing" if problem else "running",
                            init="failed" if problem else "terminated")
        self.steps[(namespace, name)] = list(waits or []) + [(final, pod)]

    def _download_problem(self, namespace: str, account: str, uri: str) -> str:
        """'' when the storage initializer gets the model; else its error, as the revision reports it."""
        sa = self.objects.get("serviceaccounts", namespace, account)
        if sa is None:  # the credential builder logs it and mounts nothing (service_account_credentials.go 205-209)
            return "storage-initializer: NoCredentialsError: Unable to locate credentials"
        for ref in sa.get("secrets") or []:
            secret = self.objects.get("secrets", namespace, ref["name"]) or {}
            data = secret.get("stringData") or {}
            if "AWS_SECRET_ACCESS_KEY" not in data:
                continue
            endpoint = ((secret.get("metadata") or {}).get("annotations") or {}).get("serving.kserve.io/s3-endpoint")
            if pod_address(self.release, str(endpoint), self.fake) is None:
                return f"storage-initializer: Could not connect to the endpoint URL: http://{endpoint}"
            if data.get("AWS_ACCESS_KEY_ID") != self.store.access_key:
                return "storage-initializer: InvalidAccessKeyId"
            key = uri.removeprefix("s3://mlpipeline/") + "/model.joblib"
            if not self.store.may_read(key):
                return "storage-initializer: AccessDenied"
            if key not in self.store.objects:
                return f"storage-initializer: no model.joblib under {uri}"
            return ""
        return "storage-initializer: NoCredentialsError: Unable to locate credentials"

    def _get(self, req: Any, ns: str, name: str) -> Any:
        from tests.cluster.fake import Reply, k8s_status

        body = self.services.get((ns, name))
        if body is None:
            return Reply(404, k8s_status(404, "NotFound", f'inferenceservices.serving.kserve.io "{name}" not found'))
        steps = self.steps[(ns, name)]
        state, pod = steps.pop(0) if len(steps) > 1 else steps[0]
        body["status"] = state
        self.pods[name] = [pod] if pod else []
        return body

    # --- the predictor -----------------------------------------------------------------------
    def _model(self, name: str) -> Any:
        import io

        import joblib

        body = next((b for (_, n), b in self.services.items() if n == name), None)
        if body is None or not any(c.get("type") == "Ready" and c.get("status") == "True"
                                   for c in (body.get("status") or {}).get("conditions") or []):
            return None
        uri = body["spec"]["predictor"]["sklearn"]["storageUri"]
        key = uri.removeprefix("s3://mlpipeline/") + "/model.joblib"
        return joblib.load(io.BytesIO(self.store.objects[key]))

    def _predict_v1(self, req: Any, name: str) -> Any:
        from tests.cluster.fake import Reply

        model = self._model(name)
        if model is None:
            return Reply(404, {"error": f"Model with name {name} does not exist."})
        return {"predictions": [int(p) for p in model.predict(req.json()["instances"])]}

    def _infer_v2(self, req: Any, name: str) -> Any:
        from tests.cluster.fake import Reply

        model = self._model(name)
        if model is None:
            return Reply(404, {"error": f"Model with name {name} does not exist."})
        tensor = req.json()["inputs"][0]
        rows, width = tensor["shape"]
        data = tensor["data"]
        flat = [v for row in data for v in row] if data and isinstance(data[0], list) else data
        predictions = [int(p) for p in model.predict([flat[i * width:(i + 1) * width] for i in range(rows)])]
        return {"model_name": name, "outputs": [{"name": "output-0", "shape": [rows], "datatype": "INT64",
                                                 "data": predictions}]}


def status(ready: bool, url: str = "", reason: str = "", message: str = "", predictor: bool | None = None,
           address: bool = True) -> dict[str, Any]:
    """An InferenceService status as KServe writes it (kserve SDK V1beta1InferenceServiceStatus)."""
    conditions = [{"type": "PredictorReady", "status": "True" if (ready if predictor is None else predictor)
                   else "False", **({"reason": reason} if reason else {}), **({"message": message} if message else {})},
                  {"type": "Ready", "status": "True" if ready else "False", **({"reason": reason} if reason else {})}]
    out: dict[str, Any] = {"conditions": conditions}
    if address and url:
        out["components"] = {"predictor": {"address": {"url": url}}}
    return out


def predictor_pod(name: str, namespace: str, main: str, init: str = "terminated") -> dict[str, Any]:
    """The predictor pod KServe's Knative revision runs: init container storage-initializer, then kserve-container.
    main/init: running, terminated, failed, or waiting:<Reason>."""
    def state(what: str) -> dict[str, Any]:
        if what.startswith("waiting"):
            return {"waiting": {"reason": what.partition(":")[2], "message": ""}}
        if what == "failed":
            return {"terminated": {"exitCode": 1, "reason": "Error"}}
        if what == "terminated":
            return {"terminated": {"exitCode": 0, "reason": "Completed"}}
        return {"running": {"startedAt": "2025-01-01T00:00:00Z"}}

    phase = "Running" if main == "running" else "Pending"
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": f"{name}-predictor-00001-deployment-abc", "namespace": namespace,
                         "labels": {"serving.kserve.io/inferenceservice": name, "component": "predictor"}},
            "spec": {"containers": [{"name": "kserve-container", "image": "kserve/sklearnserver:v0.15.2"}],
                     "initContainers": [{"name": "storage-initializer", "image": "kserve/storage-initializer"}]},
            "status": {"phase": phase,
                       "initContainerStatuses": [{"name": "storage-initializer", "ready": init == "terminated",
                                                  "restartCount": 0, "image": "kserve/storage-initializer",
                                                  "imageID": "", "state": state(init)}],
                       "containerStatuses": [{"name": "kserve-container", "ready": main == "running",
                                              "restartCount": 0, "image": "kserve/sklearnserver:v0.15.2",
                                              "imageID": "", "state": state(main)}]}}
