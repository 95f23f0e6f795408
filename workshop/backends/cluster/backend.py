"""The cluster backend: lessons run on a real Kubeflow, in the learner's namespace.

The pieces: config.py (where and who), rest.py/kfp_api.py/kube.py (the HTTP calls), runs.py
(the event loop), logs.py and pods.py (live logs, scheduling), outputs.py and mlmd.py (task
outputs), volumes.py, objectstore.py, serving.py (what checks read), doctor.py, reset.py.
"""

from __future__ import annotations

import dataclasses
import json
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workshop.backends.cluster import spec as specs
from workshop.backends.cluster.auth import FileToken, HookToken, TokenSource, kfp_token_source, renew_hint
from workshop.backends.cluster.config import ClusterConfig, load_config
from workshop.backends.cluster.kfp_api import KfpApi
from workshop.backends.cluster.kube import KubeApi
from workshop.backends.cluster.mlmd import Mlmd
from workshop.backends.cluster.objectstore import SECRET, ObjectStore, connects
from workshop.backends.cluster.outputs import OutputReader
from workshop.backends.cluster.pods import RUN_LABEL, describe_pod, executor_pods, gpu_nodes
from workshop.backends.cluster.rest import HttpError, Rest
from workshop.backends.cluster.runs import RunInfo, RunWatcher, run_state
from workshop.backends.cluster.serving import Serving, is_ready, prediction_hint, waiting_words
from workshop.backends.cluster.volumes import Volumes
from workshop.core.errors import BackendError, Words, words
from workshop.core.events import RunEvent, RunState, Waiting
from workshop.core.ports import Artifact, DoctorItem, ObjectInfo, PipelineRef, PodFacts, ServiceStatus
from workshop.core.settings import LANGUAGES

if TYPE_CHECKING:
    from workshop.core.settings import Settings

CANCELED_MARK = "canceled.json"  # in a run's state folder: the workshop terminated it
QUICK = 5.0  # seconds for the first question a session asks the KFP API
OUTPUTS_PROBLEM = "outputs-problem.txt"  # in a run's state folder: why ML Metadata could not be read


class ClusterBackend:
    name = "cluster"
    clock_skew = 120.0  # the nodes' clocks against ours: files and objects a little "older" still count

    def __init__(self, config: ClusterConfig, probe: Callable[[str, int], bool] = connects) -> None:
        self.config = config
        self.kube_note = ""  # why there is no Kubernetes API, for doctor
        verify: bool | str = config.ca_file or config.verify_tls
        self.kfp = KfpApi(Rest(config.kfp_host, kfp_token_source(config.token, config.token_file),
                               what=words("backend:kfp_api"), verify=verify,
                               where_set=config.sources.get("kfp_host", ""),
                               renew_hint=Words(lambda lang: renew_hint(config.in_notebook, config.token_file,
                                                                        config.in_pod, config.projected_token, lang)),
                               namespace=config.namespace, connect_timeout=config.connect_timeout,
                               read_timeout=config.read_timeout), config.namespace)
        self.kube = KubeApi(self._kube_rest(), config.namespace)
        self.mlmd = Mlmd(config.mlmd_endpoint)
        self.objects = ObjectStore(self.kube, config.s3_endpoint, config.s3_url,
                                   in_pod=config.in_notebook or config.in_pod or bool(config.pod_name),
                                   verify=config.verify_tls, probe=probe, kfp_version=self.kfp.version)
        self.volumes = Volumes(self.kube, config.pod_name, config.reader_image, poll=min(1.0, config.poll_interval))
        self.serving = Serving(self.kube, self.objects, poll=config.poll_interval)
        self.outputs = OutputReader(self.mlmd, self.kfp.get_run, self.task_log, self._record_outputs_problem)
        self._runs: dict[str, RunInfo] = {}
        self._watchers: list[RunWatcher] = []
        self._namespace_checked = False

    @classmethod
    def from_environment(cls, settings: Settings) -> ClusterBackend:
        return cls(load_config(Path(settings.home)))

    def _kube_rest(self) -> Rest | None:
        c = self.config
        common: dict[str, Any] = {"what": words("backend:kube_api"), "namespace": c.namespace,
                                  "connect_timeout": c.connect_timeout, "read_timeout": c.read_timeout}
        if c.kube_host:
            tokens: TokenSource = FileToken(c.kube_token_file) if c.kube_token_file else TokenSource()
            hint = words("backend:kubelet_renews" if c.kube_token_file.startswith("/var/run/secrets") else
                         "backend:refresh_kube_token")
            return Rest(c.kube_host, tokens, verify=c.kube_ca_file or c.verify_tls, renew_hint=hint,
                        where_set=c.sources.get("kube_host", ""), **common)
        if not c.kubeconfig:
            self.kube_note = "no Kubernetes API configured (WORKSHOP_KUBE_HOST, a kubeconfig, or a notebook pod)"
            return None
        try:
            from kubernetes import client, config

            conf = client.Configuration()
            config.load_kube_config(config_file=c.kubeconfig, context=c.kube_context or None,
                                    client_configuration=conf)
        except Exception as exc:  # a kubeconfig the kubernetes client cannot use: say why, run without it
            self.kube_note = f"cannot use the kubeconfig {c.kubeconfig}: {exc}"
            return None
        cert = (conf.cert_file, conf.key_file) if conf.cert_file and conf.key_file else None
        return Rest(conf.host, HookToken(conf, f"kubeconfig {c.kubeconfig}"), verify=conf.ssl_ca_cert or
                    conf.verify_ssl, cert=cert, renew_hint=words("backend:refresh_kubeconfig"),
                    where_set=f"kubeconfig {c.kubeconfig}", **common)

    def _check_namespace(self) -> None:
        if self._namespace_checked:
            return
        # One short question first: a host that accepts and never answers is named within QUICK seconds,
        # not after a full read timeout for each of the calls a run makes (issue 15: 44 s).
        self.kfp.healthz(timeout=QUICK)
        if not self.kube.available:
            self._namespace_checked = True
            return
        if self.kube.namespace_exists() is False:
            raise BackendError.of("backend:namespace_gone", ns=self.config.namespace,
                                  source=self.config.sources.get("namespace", "?"))
        self._namespace_checked = True

    def defaults(self, keys: set[str]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        if "namespace" in keys:
            values["namespace"] = self.config.namespace
        if "object_store_endpoint" in keys:
            values["object_store_endpoint"] = self.objects.endpoint()
        if "model_object_key" in keys:  # a key every release lets the namespace write (objectstore.PREFIXES)
            values["model_object_key"] = f"private/{self.config.namespace}/models/detect-digits.keras"
        return values

    # --- pipelines and runs ----------------------------------------------------------------
    def upload_pipeline(self, package: Path, name: str, description: str) -> PipelineRef:
        self._check_namespace()
        copy = specs.caching_off(package, self.config.state_dir / "uploads" / f"{name.replace('/', '_')}.yaml")
        pipeline = self.kfp.pipeline_by_name(name)
        if pipeline is None:
            try:
                pipeline = self.kfp.upload_pipeline(copy, name, description)
            except HttpError as exc:
                if exc.status != 409:
                    raise
                pipeline = self.kfp.pipeline_by_filter(name)
                if pipeline is None:
                    raise BackendError.of("backend:pipeline_hidden", name=name, ns=self.config.namespace) from None
            else:
                version = self.kfp.latest_version(pipeline["pipeline_id"])
                return PipelineRef(pipeline["pipeline_id"], name, version["pipeline_version_id"],
                                   version.get("display_name") or version.get("name") or name)
        version_name = f"{name}-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:4]}"
        version = self.kfp.upload_version(copy, pipeline["pipeline_id"], version_name, description)
        return PipelineRef(pipeline["pipeline_id"], name, version["pipeline_version_id"], version_name)

    def submit(self, package: Path, pipeline: PipelineRef, arguments: dict[str, Any], run_name: str,
               services: tuple[str, ...] = ()) -> str:
        self._check_namespace()
        if "model_serving" in services:
            self.ensure_kserve_prerequisites()
        elif "object_store" in services and self.kube.available:
            try:
                if self.kube.get_secret(SECRET) is None:
                    raise BackendError.of("backend:secret_needed", secret=SECRET, ns=self.config.namespace)
            except HttpError as exc:
                if exc.status != 403:  # may not read secrets: the pipeline's own service account still can
                    raise
        docs = specs.load_documents(package)
        experiment = self.kfp.experiment_id(self.config.experiment, "Runs started by the Kubeflow Workshop")
        body = {
            "display_name": run_name,
            "description": f"{pipeline.name} ({pipeline.version_name}), started by the Kubeflow Workshop",
            "experiment_id": experiment,
            "pipeline_version_reference": {"pipeline_id": pipeline.pipeline_id,
                                           "pipeline_version_id": pipeline.version_id},
            "runtime_config": {"parameters": dict(arguments)},
        }
        run_id = str(self.kfp.create_run(body)["run_id"])
        serving = ((str(arguments["service_name"]), str(arguments.get("namespace") or self.config.namespace))
                   if "model_serving" in services and arguments.get("service_name") else None)
        info = RunInfo(run_id, pipeline.name, specs.task_names(docs[0]), docs[0], serving)
        self._runs[run_id] = info
        folder = self._run_dir(run_id)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "run.json").write_text(json.dumps({"run_id": run_id, "pipeline": info.pipeline,
                                                     "tasks": list(info.tasks), "spec": info.spec,
                                                     "serving": list(serving) if serving else None}))
        return run_id

    def _run_dir(self, run_id: str) -> Path:
        if not run_id or "/" in run_id or run_id.startswith("."):
            raise BackendError.of("backend:not_a_run_id", run_id=repr(run_id))
        return self.config.state_dir / "runs" / run_id

    def _info(self, run_id: str) -> RunInfo:
        if run_id in self._runs:
            return self._runs[run_id]
        saved = self._run_dir(run_id) / "run.json"
        if saved.is_file():
            data = json.loads(saved.read_text())
            serving = data.get("serving")
            info = RunInfo(run_id, data["pipeline"], tuple(data["tasks"]), data.get("spec") or {},
                           (str(serving[0]), str(serving[1])) if serving else None)
        else:  # a run started elsewhere: its spec comes from the run or its pipeline version
            run = self.kfp.get_run(run_id)
            spec = run.get("pipeline_spec") or {}
            ref = run.get("pipeline_version_reference") or {}
            if not spec and ref.get("pipeline_version_id"):
                version = self.kfp.pipeline_version(ref["pipeline_id"], ref["pipeline_version_id"])
                spec = version.get("pipeline_spec") or {}
            spec = spec.get("pipeline_spec", spec)  # a spec with a platform spec is wrapped
            info = RunInfo(run_id, specs.pipeline_name(spec) or run.get("display_name", ""),
                           specs.task_names(spec), spec)
        self._runs[run_id] = info
        return info

    def events(self, run_id: str) -> Iterator[RunEvent]:
        info = self._info(run_id)
        watcher = RunWatcher(self.kfp, self.kube, self.outputs, info, self._run_dir(run_id) / "logs",
                             self.config.poll_interval, canceled=lambda: self.canceled_here(run_id),
                             waiting=self._deploy_wait(run_id, info.serving))
        self._watchers.append(watcher)
        try:
            yield from watcher.events()
        finally:
            watcher.close()
            self._watchers.remove(watcher)

    def _deploy_wait(self, run_id: str, serving: tuple[str, str] | None) -> Callable[[], RunEvent | None]:
        """While the run's deploy step waits for its InferenceService: what it waits for, each time that changes
        (nothing before the step creates it, nor once it is Ready)."""
        said = [""]

        def look() -> RunEvent | None:
            if serving is None or not self.kube.available:
                return None
            name, namespace = serving
            try:
                isvc = self.kube.get_isvc(name, namespace)
            except BackendError:
                return None
            if isvc is None or is_ready(isvc):
                return None
            detail = waiting_words(isvc, self.serving.pods(name, namespace))
            if str(detail) == said[0]:
                return None
            said[0] = str(detail)
            return Waiting(run_id, f"InferenceService {namespace}/{name}", str(detail),
                           said_in={lang: detail.said(lang) for lang in LANGUAGES})

        return look

    def status(self, run_id: str) -> RunState:
        state = run_state(self.kfp.get_run(run_id))
        return RunState.CANCELED if state is RunState.FAILED and self.canceled_here(run_id) else state

    def canceled_here(self, run_id: str) -> bool:
        """Whether the workshop terminated this run: KFP then reports it FAILED, which it is not."""
        return (self._run_dir(run_id) / CANCELED_MARK).is_file()

    def cancel(self, run_id: str) -> None:
        """Terminate the run. KFP sets CANCELING and the run ends FAILED (the workflow's phase), so the
        workshop keeps a mark that it asked, and reports the run as canceled: not graded, no attempt."""
        folder = self._run_dir(run_id)
        try:
            self.kfp.terminate_run(run_id)
        except HttpError:
            # KFP refuses to terminate a run that is not PENDING, RUNNING or PAUSED (run_store.go 823-846 at
            # 2.17.0): one finished needs nothing; one CANCELING is being stopped already (a second press)
            state = str(self.kfp.get_run(run_id).get("state") or "")
            if state in ("SUCCEEDED", "FAILED", "CANCELED"):
                return
            if state != "CANCELING":
                raise
        folder.mkdir(parents=True, exist_ok=True)
        (folder / CANCELED_MARK).write_text(json.dumps({"terminated_at": time.time()}))

    def close(self) -> None:
        for watcher in list(self._watchers):
            watcher.close()
        self.kfp.rest.close()
        if self.kube.available:
            self.kube.rest.close()
        self.mlmd.close()

    # --- what checks read ------------------------------------------------------------------
    def task_log(self, run_id: str, task: str) -> list[str]:
        path = self._run_dir(run_id) / "logs" / f"{task}.log"
        if path.is_file():
            return path.read_text(encoding="utf-8", errors="replace").splitlines()
        if not self.kube.available:
            return []
        try:  # a run of another session: its pods, while Kubernetes keeps them
            attempts = executor_pods(self.kube.list_pods(f"{RUN_LABEL}={run_id}")).get(task, [])
            return [line for attempt in attempts for line in self.kube.pod_log(attempt.name).splitlines()]
        except HttpError:
            return []

    def task_outputs(self, run_id: str, task: str) -> dict[str, Any]:
        return self.outputs.task_outputs(run_id, task)

    def _record_outputs_problem(self, run_id: str, problem: str) -> None:
        folder = self._run_dir(run_id)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / OUTPUTS_PROBLEM).write_text(problem, encoding="utf-8")

    def outputs_problem(self, run_id: str) -> str:
        """Why the run's output values could not be read (ML Metadata unreachable) and what to do; '' if none."""
        path = self._run_dir(run_id) / OUTPUTS_PROBLEM
        return path.read_text(encoding="utf-8") if path.is_file() else ""

    def task_pod(self, run_id: str, task: str) -> PodFacts | None:
        """The executor pod of the task's last attempt: resources, node selector, node and its labels."""
        attempts = executor_pods(self.kube.list_pods(f"{RUN_LABEL}={run_id}")).get(task)
        if not attempts:
            return None
        pod = attempts[-1].pod
        node_name = (pod.get("spec") or {}).get("nodeName")
        return describe_pod(pod, self.kube.get_node(node_name) if node_name else None)

    def read_volume_file(self, volume: str, path: str) -> str:
        return self.volumes.read_text(volume, path)

    def volume_file_modified(self, volume: str, path: str) -> float:
        return self.volumes.modified(volume, path)

    def stat_object(self, bucket: str, key: str) -> ObjectInfo:
        return self.objects.stat(bucket, key)

    def get_object(self, bucket: str, key: str) -> bytes:
        return self.objects.get(bucket, key)

    def service_status(self, name: str, namespace: str, timeout: float = 60.0) -> ServiceStatus:
        # a first pull of the model server's image can take minutes: WORKSHOP_SERVING_TIMEOUT decides
        return self.serving.status(name, namespace, max(timeout, self.config.serving_timeout))

    def wait_for_service(self, name: str, namespace: str,
                         on_wait: Callable[[str, str | Words], object]) -> ServiceStatus:
        """service_status, saying what it waits for (Ready, the predictor URL, its pods) as that changes."""
        return self.serving.status(name, namespace, max(60.0, self.config.serving_timeout), on_wait)

    def service_host(self, name: str, namespace: str) -> str | None:
        """The host of the InferenceService's status.url, as the gateway routes on it (ServiceHosts)."""
        from workshop.backends.cluster.serving import external_host

        isvc = self.kube.get_isvc(name, namespace)
        return external_host(isvc) if isvc is not None else None

    def ensure_kserve_prerequisites(self) -> dict[str, str]:
        return self.serving.ensure_prerequisites()

    def prediction_hint(self, status_code: int, body: str) -> str | Words:
        return prediction_hint(status_code, body)

    def predict(self, url: str, body: dict[str, Any]) -> dict[str, Any]:
        return self.serving.predict(url, body)

    def gpu_lines(self) -> list[str] | None:
        """One line per node offering GPUs, or None when there is none (or nodes may not be listed)."""
        if not self.kube.available:
            return None
        nodes = self.kube.list_nodes()
        found = gpu_nodes(nodes or [])
        if not found:
            return None
        return [f"node {name}: {count} GPU(s), nvidia.com/gpu.product={labels.get('nvidia.com/gpu.product', '?')}"
                for name, count, labels in found]

    def doctor(self, lang: str = "en") -> list[DoctorItem]:
        """The cluster's rows in `lang`; a detail may quote the cluster's own (English) words."""
        from workshop.backends.cluster.doctor import doctor

        return doctor(self, lang)

    def doctor_rows(self, lang: str = "en") -> Iterator[DoctorItem]:
        """The doctor's rows as each is decided, all within config.doctor_timeout seconds."""
        from workshop.backends.cluster.doctor import doctor_rows

        return doctor_rows(self, lang=lang)

    # --- reset -------------------------------------------------------------------------------
    def artifact_exists(self, artifact: Artifact) -> bool:
        from workshop.backends.cluster import reset

        return reset.artifact_exists(self, artifact)

    def remove_artifact(self, artifact: Artifact) -> None:
        from workshop.backends.cluster import reset

        reset.remove_artifact(self, artifact)

    # --- progress kept on the cluster, and other namespaces (workshop/instructor) ----------------
    def save_progress(self, data: dict[str, Any]) -> None:
        """Write the learner's progress to the ConfigMap workshop-progress in their namespace."""
        from workshop.backends.cluster.progress_configmap import configmap_body

        self.kube.apply("configmaps", configmap_body(data))

    def load_progress(self) -> dict[str, Any] | None:
        from workshop.backends.cluster.progress_configmap import CONFIGMAP, parse_configmap

        found = self.kube.get_object("configmaps", CONFIGMAP)
        return None if found is None else parse_configmap(found)

    def for_namespace(self, namespace: str) -> ClusterBackend:
        """The same cluster and credentials, working in another namespace (an instructor's view)."""
        return type(self)(dataclasses.replace(self.config, namespace=namespace), self.objects.probe)
