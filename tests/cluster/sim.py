"""A scripted Kubeflow behind the fake server: KFP pipelines, experiments and runs; pods, logs, events.

A run advances one frame per GET of the run (a frame may hold until a condition is true), and
the pods the Kubernetes routes show are those of the current frame, so a test reads as the
story of a run: pending, container creating, running, retried, finished.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import Any

import kfp_server_api as kfp
from kubernetes import client as k8s

from tests.cluster.fake import FakeServer, Reply, Request, k8s_status, kfp_error, kfpjson, kjson

NS = "team-a"
WF = "demo-pythagorean-pipeline-x7k2p"
API = "/apis/v2beta1"


def run_json(run_id: str, state: str, tasks: dict[str, str] | None = None, error: str = "",
             context_id: str | None = None) -> dict[str, Any]:
    """A V2beta1Run whose task_details hold, per task, its Argo nodes: <task>-driver, <task>, executor."""
    details = [kfp.V2beta1PipelineTaskDetail(display_name=WF, state=state, task_id="wf"),
               kfp.V2beta1PipelineTaskDetail(display_name="root-driver", state="SUCCEEDED", task_id="rd")]
    for i, (task, task_state) in enumerate((tasks or {}).items()):
        details.append(kfp.V2beta1PipelineTaskDetail(display_name=f"{task}-driver", state="SUCCEEDED", task_id=f"d{i}"))
        # no pod_name: KFP's converter never fills it (backend/src/apiserver/server/api_converter.go
        # ~1908-1922 at 2.17.0), so the backend must find pods by the pipeline/runid label
        details.append(kfp.V2beta1PipelineTaskDetail(display_name=task, state=task_state, task_id=f"t{i}"))
        details.append(kfp.V2beta1PipelineTaskDetail(display_name="executor", state=task_state, task_id=f"e{i}"))
    run = kfp.V2beta1Run(run_id=run_id, display_name="lesson-run", state=state,
                         run_details=kfp.V2beta1RunDetails(task_details=details, pipeline_run_context_id=context_id),
                         error=kfp.GoogleRpcStatus(code=2, message=error) if error else None)
    return kfpjson(run)


def pod_json(name: str, task: str, run_id: str, *, main: str = "running", attempt: int | None = None,
             driver: bool = False, limits: dict[str, str] | None = None, node_selector: dict[str, str] | None = None,
             node_name: str | None = None, unschedulable: str = "") -> dict[str, Any]:
    """A KFP v2 pod: labelled pipeline/runid, annotated with its Argo node; main is running/terminated/waiting:R."""
    node = f"{WF}.root.{task}-driver" if driver else (
        f"{WF}.root.{task}.executor" + (f"({attempt})" if attempt is not None else ""))
    if main.startswith("waiting"):
        state = k8s.V1ContainerState(waiting=k8s.V1ContainerStateWaiting(reason=main.partition(":")[2]))
        phase = "Pending"
    elif main == "terminated":
        state = k8s.V1ContainerState(terminated=k8s.V1ContainerStateTerminated(exit_code=0, reason="Completed"))
        phase = "Succeeded"
    elif main == "failed":
        state = k8s.V1ContainerState(terminated=k8s.V1ContainerStateTerminated(exit_code=1, reason="Error"))
        phase = "Failed"
    else:
        state = k8s.V1ContainerState(running=k8s.V1ContainerStateRunning())
        phase = "Running"
    conditions = None
    statuses: list[Any] | None = [
        k8s.V1ContainerStatus(name="main", image="python:3.11", image_id="", ready=phase == "Running",
                              restart_count=0, state=state)
    ]
    if unschedulable:
        phase, statuses = "Pending", None
        conditions = [k8s.V1PodCondition(type="PodScheduled", status="False", reason="Unschedulable",
                                          message=unschedulable)]
    pod = k8s.V1Pod(
        api_version="v1", kind="Pod",
        metadata=k8s.V1ObjectMeta(name=name, namespace=NS, creation_timestamp="2025-01-01T00:00:00Z",
                                  labels={"pipeline/runid": run_id, "workflows.argoproj.io/workflow": WF,
                                          "pipelines.kubeflow.org/v2_component": "true"},
                                  annotations={"workflows.argoproj.io/node-name": node}),
        spec=k8s.V1PodSpec(
            containers=[k8s.V1Container(name="wait", image="argoexec"),
                        k8s.V1Container(name="main", image="python:3.11",
                                        resources=k8s.V1ResourceRequirements(limits=limits))],
            init_containers=None if driver else [k8s.V1Container(name="kfp-launcher", image="kfp-launcher")],
            node_selector=node_selector, node_name=node_name),
        status=k8s.V1PodStatus(phase=phase, container_statuses=statuses, conditions=conditions),
    )
    return kjson(pod)


def ns_path(namespace: str) -> str:
    return f"/api/v1/namespaces/{namespace}"


def ts(i: int) -> str:
    """Timestamps two lines share a second with: the resume logic must tell them apart."""
    return f"2025-01-01T00:{i // 20:02d}:{(i // 2) % 10:02d}.{(i % 2) * 5}00000000Z"


@dataclass
class Log:
    lines: list[str]
    newline_at_end: bool = True
    break_after: int | None = None  # the first stream stops after this many lines (a broken connection)
    gate: tuple[int, threading.Event] | None = None  # hold the stream before line N until the event is set
    streams: int = 0

    def body(self, timestamps: bool, since: str | None, first: bool) -> list[bytes]:
        out = []
        for i, line in enumerate(self.lines):
            stamp = ts(i)
            if since and stamp[:19] < since[:19]:
                continue
            if first and self.break_after is not None and i >= self.break_after:
                break
            last = i == len(self.lines) - 1
            text = (f"{stamp} " if timestamps else "") + line + ("" if last and not self.newline_at_end else "\n")
            data = text.encode()
            out.extend([data[: len(data) // 2], data[len(data) // 2:]])  # lines split across chunks
        return out


@dataclass
class Frame:
    run: dict[str, Any]
    pods: list[dict[str, Any]] = field(default_factory=list)
    until: Callable[[], bool] | None = None  # stay on this frame until it is true


class Sim:
    def __init__(self, fake: FakeServer, namespace: str = NS, release: Release | None = None) -> None:
        self.fake = fake
        self.namespace = namespace
        self.release = release or RELEASES["kfp-2.17"]
        self.frames: list[Frame] = [Frame(run_json("run-1", "RUNNING"))]
        self.index = 0
        self.logs: dict[str, Log] = {}
        self.events: dict[str, list[dict[str, Any]]] = {}
        self.nodes: list[dict[str, Any]] | None = []
        self.pipelines: dict[str, dict[str, Any]] = {}
        self.versions: dict[str, list[dict[str, Any]]] = {}
        self.experiments: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.terminated: int | None = None  # GETs of the run since it was terminated
        self.other_pods: Callable[[], list[dict[str, Any]]] = list  # pods of no run (a model server's)
        self._routes()
        self.store = Store(fake, self.release, namespace)
        if fake.rbac is not None:  # a learner's permissions are those of this release
            fake.rbac = learner_rbac(namespace, self.release)
        for name, ports in self.release.services.items():
            fake.on("GET", f"/api/v1/namespaces/kubeflow/services/{name}", service_json(name, ports))
        fake.on("GET", f"{ns_path(namespace)}/secrets/mlpipeline-minio-artifact", self.store.secret())

    def scenario(self, *frames: Frame) -> None:
        with self.lock:
            self.frames, self.index = list(frames), 0

    @property
    def frame(self) -> Frame:
        with self.lock:
            return self.frames[self.index]

    def _terminate(self, req: Request, run_id: str) -> Any:
        """KFP 2.17.0: TerminateRun sets CANCELING, only on a PAUSED, PENDING, RUNNING or unspecified run
        (backend/src/apiserver/storage/run_store.go 823-846; any other: InvalidInputError "Row not found",
        wrapped by resource/resource_manager.go 1053-1056). Argo stops the workflow; the run shows CANCELING
        while the workflow is terminating (resource_manager.go 1535-1540, common/util/workflow.go 314-318)
        and then takes the workflow's final phase, Failed (workflow.go 836-841): never CANCELED."""
        with self.lock:
            if str(self.frames[self.index].run.get("state")) not in ("PENDING", "RUNNING", "PAUSED") \
                    or self.terminated is not None:
                return Reply(400, kfp_error(3, f"Failed to terminate run {run_id}: Failed to terminate a run "
                                               f"{run_id}. Row not found"))
            self.terminated = 0
        return {}

    def _terminated_run(self) -> dict[str, Any]:
        assert self.terminated is not None
        self.terminated += 1
        run = dict(self.frames[self.index].run)
        if self.terminated == 1:
            return run | {"state": "CANCELING"}
        details = [dict(d) | ({"state": "FAILED"} if d.get("state") in ("RUNNING", "PENDING") else {})
                   for d in (run.get("run_details") or {}).get("task_details") or []]
        return run | {"state": "FAILED", "run_details": dict(run.get("run_details") or {}) | {"task_details": details},
                      "error": {"code": 2, "message": "Stopped with strategy 'Terminate'"}}

    def _advance(self) -> dict[str, Any]:
        with self.lock:
            if self.terminated is not None:
                return self._terminated_run()
            frame, last = self.frames[self.index], self.index == len(self.frames) - 1
        # the condition may call the API itself (a cancel while running): asked outside the lock
        move = not last and (frame.until is None or frame.until())
        with self.lock:
            if self.terminated is not None:
                return self._terminated_run()
            if move and self.frames[self.index] is frame:
                self.index += 1
            return frame.run

    def pod(self, name: str) -> dict[str, Any] | None:
        return next((p for p in self.frame.pods if p["metadata"]["name"] == name), None)

    # --- KFP ----------------------------------------------------------------------------
    def _routes(self) -> None:
        f, ns = self.fake, f"/api/v1/namespaces/{self.namespace}"
        f.on("GET", f"{API}/healthz", kfpjson(kfp.V2beta1GetHealthzResponse(multi_user=True)))
        f.on("GET", "/apis/v1beta1/healthz", {"commit_sha": "abc", "tag_name": self.release.kfp, "multi_user": True})
        f.on("GET", f"{API}/pipelines/names/(?P<name>[^/]+)", self._pipeline_by_name)
        f.on("POST", f"{API}/pipelines/upload", self._upload)
        f.on("POST", f"{API}/pipelines/upload_version", self._upload_version)
        f.on("GET", f"{API}/pipelines/(?P<pid>[^/]+)/versions", self._versions)
        f.on("GET", f"{API}/experiments", self._experiments)
        f.on("POST", f"{API}/experiments", self._create_experiment)
        f.on("POST", f"{API}/runs", lambda req: kfpjson(kfp.V2beta1Run(run_id="run-1", state="PENDING")))
        f.on("GET", f"{API}/runs/(?P<run_id>[^/:]+)", lambda req, run_id: self._advance())
        f.on("POST", f"{API}/runs/(?P<run_id>[^/:]+):terminate", self._terminate)
        f.on("GET", ns, kjson(k8s.V1Namespace(metadata=k8s.V1ObjectMeta(name=self.namespace))))
        f.on("GET", f"{ns}/pods", self._list_pods)
        f.on("GET", f"{ns}/pods/(?P<name>[^/]+)", self._get_pod)
        f.on("GET", f"{ns}/pods/(?P<name>[^/]+)/log", self._log)
        f.on("GET", f"{ns}/events", self._events)
        f.on("GET", "/api/v1/nodes", self._nodes)
        f.on("GET", "/api/v1/nodes/(?P<name>[^/]+)", self._node)

    def _pipeline_by_name(self, req: Request, name: str) -> Any:
        if name in self.pipelines and req.q("namespace") == self.namespace:
            return self.pipelines[name]
        return Reply(404, kfp_error(5, f"Pipeline {name} not found"))

    def _upload(self, req: Request) -> Any:
        name = req.q("name") or ""
        pid = f"pid-{len(self.pipelines) + 1}"
        self.pipelines[name] = kfpjson(kfp.V2beta1Pipeline(pipeline_id=pid, name=name, display_name=name,
                                                           namespace=req.q("namespace")))
        self.versions[pid] = [kfpjson(kfp.V2beta1PipelineVersion(pipeline_id=pid, pipeline_version_id=f"{pid}-v1",
                                                                 name=name, display_name=name))]
        return self.pipelines[name]

    def _upload_version(self, req: Request) -> Any:
        pid = req.q("pipelineid") or ""
        version = kfpjson(kfp.V2beta1PipelineVersion(pipeline_id=pid, name=req.q("name"),
                                                     pipeline_version_id=f"{pid}-v{len(self.versions[pid]) + 1}"))
        self.versions[pid].insert(0, version)
        return version

    def _versions(self, req: Request, pid: str) -> Any:
        items = [kfp.V2beta1PipelineVersion(**{k: v for k, v in version.items()}) for version in self.versions[pid]]
        return kfpjson(kfp.V2beta1ListPipelineVersionsResponse(pipeline_versions=items[:1], total_size=len(items)))

    def _experiments(self, req: Request) -> Any:
        found = [kfp.V2beta1Experiment(**e) for e in self.experiments if e["namespace"] == req.q("namespace")]
        return kfpjson(kfp.V2beta1ListExperimentsResponse(experiments=found or None, total_size=len(found)))

    def _create_experiment(self, req: Request) -> Any:
        body = req.json()
        experiment = {"experiment_id": f"exp-{len(self.experiments) + 1}", "display_name": body["display_name"],
                      "namespace": body["namespace"]}
        self.experiments.append(experiment)
        return kfpjson(kfp.V2beta1Experiment(**experiment))

    # --- Kubernetes -----------------------------------------------------------------------
    def _list_pods(self, req: Request) -> Any:
        key, _, value = (req.q("labelSelector") or "").partition("=")
        items = [p for p in self.frame.pods + self.other_pods() if p["metadata"]["labels"].get(key) == value]
        return {"apiVersion": "v1", "kind": "PodList", "items": items}

    def _get_pod(self, req: Request, name: str) -> Any:
        pod = self.pod(name)
        return pod if pod else Reply(404, k8s_status(404, "NotFound", f'pods "{name}" not found'))

    def _log(self, req: Request, name: str) -> Any:
        pod = self.pod(name)
        if pod is None:
            return Reply(404, k8s_status(404, "NotFound", f'pods "{name}" not found'))
        statuses = pod["status"].get("containerStatuses") or []
        waiting = next((s["state"]["waiting"]["reason"] for s in statuses if "waiting" in s["state"]), None)
        if waiting or not statuses:
            return Reply(400, k8s_status(400, "BadRequest", f'container "main" in pod "{name}" is waiting to '
                                         f"start: {waiting or 'PodInitializing'}"))
        log = self.logs.get(name, Log([]))
        first = log.streams == 0
        log.streams += 1
        chunks = log.body(req.q("timestamps") == "true", req.q("sinceTime"), first)
        if req.q("follow") != "true":
            return Reply(200, b"".join(chunks))
        return Reply(200, chunks=self._gated(log, chunks))

    @staticmethod
    def _gated(log: Log, chunks: list[bytes]) -> Any:
        for i, chunk in enumerate(chunks):
            if log.gate is not None and i == 2 * log.gate[0]:
                log.gate[1].wait(10)
            yield chunk

    def _events(self, req: Request) -> Any:
        selector = req.q("fieldSelector") or ""
        name = selector.split("involvedObject.name=")[-1].split(",")[0]
        return {"apiVersion": "v1", "kind": "EventList", "items": self.events.get(name, [])}

    def _nodes(self, req: Request) -> Any:
        if self.nodes is None:
            return Reply(403, k8s_status(403, "Forbidden", 'nodes is forbidden: User "system:serviceaccount:team-a:'
                                         'default-editor" cannot list resource "nodes" at the cluster scope'))
        return {"apiVersion": "v1", "kind": "NodeList", "items": self.nodes}

    def _node(self, req: Request, name: str) -> Any:
        node = next((n for n in self.nodes or [] if n["metadata"]["name"] == name), None)
        return node if node else Reply(404, k8s_status(404, "NotFound", f'nodes "{name}" not found'))


def node_json(name: str, gpus: int = 0, labels: dict[str, str] | None = None) -> dict[str, Any]:
    allocatable = {"cpu": "8", "memory": "32Gi"} | ({"nvidia.com/gpu": str(gpus)} if gpus else {})
    return kjson(k8s.V1Node(metadata=k8s.V1ObjectMeta(name=name, labels=labels or {}),
                            status=k8s.V1NodeStatus(allocatable=allocatable)))


def event_json(pod: str, reason: str, message: str, kind: str = "Warning") -> dict[str, Any]:
    return kjson(k8s.CoreV1Event(metadata=k8s.V1ObjectMeta(name=f"{pod}.1"), reason=reason, message=message,
                                 type=kind, involved_object=k8s.V1ObjectReference(kind="Pod", name=pod),
                                 last_timestamp="2025-01-01T00:00:05Z"))


class Objects:
    """Namespaced core objects kept in memory behind the fake: GET, POST (409 when there), merge PATCH,
    DELETE, and ConfigMaps listed across namespaces by label. A pod POSTed is Succeeded at once, and its
    log is `pod_log` (or logs[name]), so reader and seeding pods finish without waiting."""

    KINDS = "configmaps|persistentvolumeclaims|serviceaccounts|secrets|pods|services"

    def __init__(self, fake: FakeServer) -> None:
        self.fake = fake
        self.items: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.logs: dict[str, str] = {}
        self.pod_log = ""
        one = f"/api/v1/namespaces/(?P<ns>[^/]+)/(?P<kind>{self.KINDS})/(?P<name>[^/]+)"
        fake.on("GET", one, self._get)
        fake.on("PATCH", one, self._patch)
        fake.on("DELETE", one, self._delete)
        fake.on("POST", f"/api/v1/namespaces/(?P<ns>[^/]+)/(?P<kind>{self.KINDS})", self._create)
        fake.on("GET", "/api/v1/configmaps", self._list_configmaps)
        custom = "/apis/kubeflow.org/v1alpha1/namespaces/(?P<ns>[^/]+)/(?P<kind>poddefaults)"
        fake.on("GET", f"{custom}/(?P<name>[^/]+)", self._get)
        fake.on("POST", custom, self._create)
        fake.on("GET", "/api/v1/namespaces/(?P<ns>[^/]+)/pods/(?P<name>[^/]+)/log",
                lambda req, ns, name: Reply(200, self.logs.get(name, self.pod_log)))

    def put(self, kind: str, ns: str, body: dict[str, Any]) -> None:
        body.setdefault("metadata", {})["namespace"] = ns
        self.items[(kind, ns, body["metadata"]["name"])] = body

    def get(self, kind: str, ns: str, name: str) -> dict[str, Any] | None:
        return self.items.get((kind, ns, name))

    @staticmethod
    def _missing(kind: str, name: str) -> Reply:
        return Reply(404, k8s_status(404, "NotFound", f'{kind} "{name}" not found'))

    def _get(self, req: Request, ns: str, kind: str, name: str) -> Any:
        return self.items.get((kind, ns, name)) or self._missing(kind, name)

    def _create(self, req: Request, ns: str, kind: str) -> Any:
        body = req.json()
        name = body["metadata"]["name"]
        if (kind, ns, name) in self.items:
            return Reply(409, k8s_status(409, "AlreadyExists", f'{kind} "{name}" already exists'))
        if kind == "pods":
            body["status"] = {"phase": "Succeeded"}
        self.put(kind, ns, body)
        return Reply(201, body)

    def _patch(self, req: Request, ns: str, kind: str, name: str) -> Any:
        found = self.items.get((kind, ns, name))
        if found is None:
            return self._missing(kind, name)
        _merge(found, req.json())
        return found

    def _delete(self, req: Request, ns: str, kind: str, name: str) -> Any:
        return self.items.pop((kind, ns, name), None) or self._missing(kind, name)

    def _list_configmaps(self, req: Request) -> Any:
        key, _, value = (req.q("labelSelector") or "").partition("=")
        items = [body for (kind, _ns, _name), body in sorted(self.items.items()) if kind == "configmaps"
                 and ((body["metadata"].get("labels") or {}).get(key) == value or not key)]
        return {"apiVersion": "v1", "kind": "ConfigMapList", "items": items}


def _merge(target: dict[str, Any], patch: dict[str, Any]) -> None:
    """RFC 7386 merge patch."""
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = value


# --- releases ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Release:
    """What a stock install of one release offers a learner, as the upstream manifests set it up."""

    name: str
    kfp: str
    services: dict[str, tuple[int, ...]]  # object store services in namespace kubeflow -> their ports
    per_namespace_keys: bool  # each profile its own S3 keys, limited to the four PREFIXES
    endpoint: str  # where the pipeline pods reach S3
    may_delete: bool  # the namespace's keys may DeleteObject under their prefixes
    reads_policies: bool  # kubeflow-edit may get/list AuthorizationPolicies (security.istio.io)


RELEASES = {
    # kubeflow/manifests v1.10.2 (KFP 2.5.0): MinIO; profile controller sync.py 369-374 copies the root
    # keys; kubeflow-istio-view there has no security.istio.io
    "kubeflow-1.10": Release("kubeflow-1.10", "2.5.0", {"minio-service": (9000,)}, False,
                             "minio-service.kubeflow:9000", True, False),
    # KFP 2.15.0 manifests/kustomize/third-party/seaweedfs/base/seaweedfs/seaweedfs-service.yaml lines 11-35:
    # 8111, 8333, 9333, 19333, 18888, 8888, no 9000; minio-service.yaml beside it lines 10-14: 9000 -> 8333.
    # KM v1.11.0 applications/pipeline/upstream/base/installs/multi-user/pipelines-profile-controller/
    # sync.py 356-376: per-namespace keys, s3:Put*/Get*/List* (364-368) on four prefixes (370-373), no
    # DeleteObject. KM v1.11.0 common/istio/kubeflow-istio-resources/base/cluster-roles.yaml 42-64:
    # kubeflow-istio-view (aggregated into kubeflow-view, so kubeflow-edit) reads authorizationpolicies.
    "kubeflow-1.11": Release("kubeflow-1.11", "2.15.0", {"seaweedfs": (8111, 8333, 9333, 19333, 18888, 8888),
                                                         "minio-service": (9000,)}, True,
                             "seaweedfs.kubeflow:8333", False, True),
    # KFP 2.17.0 seaweedfs-service.yaml lines 18-21: http-s3-compat 9000 -> 8333; its kustomization.yaml
    # has no minio-service any more (2.16.0 neither). Profile controller sync.py 468-490 adds
    # s3:DeleteObject (481) on the same four prefixes.
    "kfp-2.17": Release("kfp-2.17", "2.17.0", {"seaweedfs": (8111, 8333, 9000, 9333, 19333, 18888, 8888)}, True,
                        "seaweedfs.kubeflow:9000", True, True),
}


def service_json(name: str, ports: tuple[int, ...]) -> dict[str, Any]:
    return kjson(k8s.V1Service(metadata=k8s.V1ObjectMeta(name=name, namespace="kubeflow"), spec=k8s.V1ServiceSpec(
        ports=[k8s.V1ServicePort(port=port, name=f"p{port}") for port in ports])))


class Store:
    """The S3 side of a release: objects in buckets, and what the caller's access key may do there.

    Per-namespace keys (Kubeflow 1.11 and later) reach artifacts/*, private-artifacts/<ns>/*,
    private/<ns>/* and shared/* for Get/Put/List, and Delete from KFP 2.17; root keys reach everything."""

    def __init__(self, fake: FakeServer, release: Release, namespace: str = NS) -> None:
        self.release = release
        self.namespace = namespace
        self.objects: dict[str, bytes] = {}
        self.modified: dict[str, float] = {}  # when a PUT wrote the key (objects put directly are from 2025)
        self.access_key = f"{namespace}-key" if release.per_namespace_keys else "minio"
        for method in ("HEAD", "GET", "PUT", "DELETE"):
            fake.on(method, "/(?P<bucket>mlpipeline)/(?P<key>.+)", self._object)
        fake.on("HEAD", "/(?P<bucket>mlpipeline)/?", lambda req, bucket: Reply(200, b""))
        fake.on("GET", "/(?P<bucket>mlpipeline)/?", self._bucket)

    @staticmethod
    def _bucket(req: Request, bucket: str) -> Reply:
        if "location" in req.query:  # GetBucketLocation, which an S3 client asks before its first request
            return Reply(200, '<?xml version="1.0" encoding="UTF-8"?><LocationConstraint '
                              'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></LocationConstraint>',
                         {"Content-Type": "application/xml"})
        return Reply(200, b"")

    def _allowed(self, req: Request, key: str) -> bool:
        credential = req.headers.get("authorization", "").partition("Credential=")[2].split("/")[0]
        if not self.release.per_namespace_keys:
            return credential == self.access_key
        if credential != self.access_key or (req.method == "DELETE" and not self.release.may_delete):
            return False
        ns = self.namespace
        return key.startswith(("artifacts/", f"private-artifacts/{ns}/", f"private/{ns}/", "shared/"))

    def may_read(self, key: str) -> bool:
        """Whether this namespace's keys may GET the key (what a storage initializer with them may fetch)."""
        ns = self.namespace
        return not self.release.per_namespace_keys or key.startswith(
            ("artifacts/", f"private-artifacts/{ns}/", f"private/{ns}/", "shared/"))

    def _object(self, req: Request, bucket: str, key: str) -> Any:
        if not self._allowed(req, key):
            return Reply(403, "<?xml version='1.0'?><Error><Code>AccessDenied</Code><Message>Access Denied."
                              "</Message></Error>", {"Content-Type": "application/xml"})
        if req.method == "PUT":
            import time

            self.objects[key] = req.body
            self.modified[key] = time.time()
            return Reply(200, b"", {"ETag": '"e"'})
        if key not in self.objects:
            body = "" if req.method == "HEAD" else ("<?xml version='1.0'?><Error><Code>NoSuchKey</Code>"
                                                     "<Message>no such key</Message></Error>")
            return Reply(404, body, {"Content-Type": "application/xml"})
        if req.method == "DELETE":
            self.objects.pop(key)
            return Reply(204, b"")
        data = self.objects[key]
        headers = {"ETag": '"e"', "Content-Length": str(len(data)), "Content-Type": "application/octet-stream",
                   "Last-Modified": formatdate(self.modified[key], usegmt=True) if key in self.modified
                   else "Wed, 01 Jan 2025 00:00:00 GMT"}
        return Reply(200, data if req.method == "GET" else b"", headers)

    def secret(self) -> dict[str, Any]:
        """mlpipeline-minio-artifact as the profile controller writes it into the namespace."""
        import base64

        data = {"accesskey": base64.b64encode(self.access_key.encode()).decode(),
                "secretkey": base64.b64encode(b"s3cr3t").decode()}
        return kjson(k8s.V1Secret(metadata=k8s.V1ObjectMeta(name="mlpipeline-minio-artifact", namespace=self.namespace),
                                  data=data))


# --- who may do what ---------------------------------------------------------------------------
LEARNER_TOKEN = "kube-token"  # the notebook's default-editor service account
INSTRUCTOR_TOKEN = "admin-token"  # a cluster admin's kubeconfig

# What kubeflow-edit (aggregating kubeflow-view, kubeflow-kserve-edit, kubeflow-poddefaults-edit) and
# kubeflow-pipelines-edit grant a contributor in their own namespace (kubeflow/manifests v1.11.0
# common/kubeflow-roles/base/cluster-roles.yaml ~29-250; applications/pipeline/upstream/base/installs/
# multi-user/view-edit-cluster-roles.yaml): resource -> verbs. Nothing cluster-scoped, no nodes.
LEARNER_RULES: dict[str, set[str]] = {
    "pods": {"get", "list", "watch", "create", "delete", "deletecollection", "patch", "update"},
    "pods/log": {"get", "list"}, "events": {"get", "list", "watch"},
    "secrets": {"get", "list", "watch", "create", "delete", "patch", "update"},
    "configmaps": {"get", "list", "watch", "create", "delete", "patch", "update"},
    "persistentvolumeclaims": {"get", "list", "watch", "create", "delete", "patch", "update"},
    "serviceaccounts": {"get", "list", "watch", "create", "delete", "patch", "update"},
    "services": {"get", "list", "watch", "create", "delete", "patch", "update"},
    "inferenceservices": {"get", "list", "watch", "create", "delete", "patch", "update"},
    "poddefaults": {"get", "list", "watch", "create", "delete", "patch", "update"},
}
_VERB = {"GET": "get", "POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete", "HEAD": "get"}
_NAMESPACED = re.compile(r"^/apis?/(?:[^/]+/)?v[0-9a-z]+/namespaces/(?P<ns>[^/]+)/(?P<res>[^/]+)"
                         r"(?:/(?P<name>[^/]+)(?:/(?P<sub>[^/]+))?)?$")


def learner_rbac(namespace: str = NS, release: Release | None = None) -> Callable[[Request], str]:
    """The Kubernetes API's answer to a learner's request: '' when allowed, else the Forbidden message.

    On Kubeflow 1.11 and later (the default) kubeflow-edit also reads AuthorizationPolicies (kubeflow/manifests
    v1.11.0 common/istio/kubeflow-istio-resources/base/cluster-roles.yaml 57-64); on 1.10 it does not.

    KFP's own API and S3 are not Kubernetes RBAC; discovery and SelfSubjectAccessReview are open to every
    authenticated user (system:discovery, system:basic-user). An instructor's token is a cluster admin."""
    user = f"system:serviceaccount:{namespace}:default-editor"
    rules = dict(LEARNER_RULES)
    if release is None or release.reads_policies:
        rules["authorizationpolicies"] = {"get", "list", "watch"}

    def decide(req: Request) -> str:
        path = req.path
        if req.headers.get("authorization", "") == f"Bearer {INSTRUCTOR_TOKEN}":
            return ""
        if not path.startswith(("/api/", "/apis/")) or path.startswith(("/apis/v2beta1", "/apis/v1beta1")):
            return ""
        if path.endswith("/selfsubjectaccessreviews") or re.fullmatch(r"/api(/v1)?|/apis(/[^/]+){0,2}", path):
            return ""
        match = _NAMESPACED.match(path)
        verb = _VERB.get(req.method, req.method.lower())
        if match is None:
            resource = path.rstrip("/").split("/")[-1] if path.count("/") <= 4 else path.split("/")[-2]
            if req.method == "GET" and not re.search(r"/[^/]+/[^/]+$", path.split("/v1/")[-1]):
                verb = "list"
            return (f'{resource} is forbidden: User "{user}" cannot {verb} resource "{resource}" at the cluster '
                    "scope")
        resource = match["res"] + (f"/{match['sub']}" if match["sub"] else "")
        if req.method == "GET" and not match["name"]:
            verb = "list"
        if match["ns"] != namespace or verb not in rules.get(resource, set()):
            return (f'{match["res"]} is forbidden: User "{user}" cannot {verb} resource "{resource}" in the '
                    f'namespace "{match["ns"]}"')
        return ""

    return decide
