"""`workshop doctor` on the cluster backend: can every lesson run here, and if not, what to fix.

Each item is one question asked of the cluster; a failing one says what to do. The token is
only ever described (where it comes from, when it expires), never shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from workshop.backends.base import BackendError, DoctorItem
from workshop.backends.cluster.auth import describe_expiry, renew_hint
from workshop.backends.cluster.pods import GPU_LABEL, gpu_nodes

if TYPE_CHECKING:
    from workshop.backends.cluster.backend import ClusterBackend

__all__ = ["DoctorItem", "doctor"]

PVC = "aidatasource"
PERMISSIONS = (  # (verb, resource, subresource, group, why)
    ("list", "pods", "", "", "to find the tasks' pods"),
    ("get", "pods", "log", "", "to stream the tasks' logs"),
    ("create", "pods", "", "", "for the PVC reader pod (lesson 2)"),
    ("get", "secrets", "", "", "for the object store credentials (lessons 4-5)"),
    ("create", "inferenceservices", "", "serving.kserve.io", "to serve the model (lesson 5)"),
)


def _safely(name: str, fix: str, fn: Callable[[], DoctorItem | list[DoctorItem]]) -> list[DoctorItem]:
    try:
        result = fn()
    except BackendError as exc:
        return [DoctorItem(name, False, str(exc), fix)]
    return result if isinstance(result, list) else [result]


def doctor(backend: ClusterBackend) -> list[DoctorItem]:
    config = backend.config
    items: list[DoctorItem] = []
    items += _safely("KFP API", f"check WORKSHOP_KFP_HOST (now {config.kfp_host})", lambda: _kfp(backend))
    source = config.sources.get("namespace", "?")
    items += _safely("namespace", "set WORKSHOP_NAMESPACE to your profile's namespace",
                     lambda: _namespace(backend, source))
    items.append(_token(backend))
    items += _safely("permissions", "ask the admin to make you a contributor of the namespace",
                     lambda: _permissions(backend))
    items += _safely(f"PVC {PVC} (lesson 2)", "create it in the Kubeflow dashboard: Volumes, New volume",
                     lambda: _pvc(backend))
    items += _safely("GPU nodes (lesson 3)", "", lambda: _gpus(backend))
    items += _safely("object store (lessons 4-5)", "see docs/cluster.md, object store", lambda: _objects(backend))
    items += _safely("KServe (lesson 5)", "ask the admin to install KServe", lambda: _kserve(backend))
    items.append(_mlmd(backend))
    return items


def _kfp(backend: ClusterBackend) -> DoctorItem:
    health = backend.kfp.healthz()
    version = backend.kfp.version()
    mode = "multi-user" if health.get("multi_user") else "single-user"
    return DoctorItem("KFP API", True, f"{backend.config.kfp_host} answers ({mode}, version {version or 'unknown'})")


def _namespace(backend: ClusterBackend, source: str) -> DoctorItem:
    ns = backend.config.namespace
    if not backend.kube.available:
        return DoctorItem("namespace", None, f"{ns} (from {source}); cannot check it without the Kubernetes API")
    exists = backend.kube.namespace_exists()
    if exists is False:
        return DoctorItem("namespace", False, f"{ns} (from {source}) does not exist",
                          "set WORKSHOP_NAMESPACE to your profile's namespace, shown at the top of the dashboard")
    known = "exists" if exists else "may not be read, but is set"
    return DoctorItem("namespace", True, f"{ns} (from {source}) {known}")


def _token(backend: ClusterBackend) -> DoctorItem:
    config = backend.config
    hint = renew_hint(config.in_notebook, config.token_file, config.in_pod, config.projected_token)
    if not config.has_token and config.in_pod:  # a stock notebook: no PodDefault ticked
        return DoctorItem("KFP token", False, f"{config.projected_token} is missing in this pod", hint)
    if not config.has_token:
        return DoctorItem("KFP token", None, "none configured: fine for a single-user KFP, refused by a multi-user "
                          "one", f"set WORKSHOP_TOKEN_FILE; {hint}")
    where = config.sources.get("token_file") or config.sources.get("token") or "?"
    try:
        token = backend.kfp.rest.tokens.token() or ""
    except BackendError as exc:
        return DoctorItem("KFP token", False, str(exc), hint)
    ok, words = describe_expiry(token)
    return DoctorItem("KFP token", ok, f"from {where}: {words}", hint)


def _permissions(backend: ClusterBackend) -> list[DoctorItem]:
    if not backend.kube.available:
        return [DoctorItem("permissions", None, backend.kube_note or "no Kubernetes API",
                           "run in a Kubeflow notebook, or see docs/cluster.md")]
    items = []
    for verb, resource, sub, group, why in PERMISSIONS:
        allowed, reason = backend.kube.can_i(verb, resource, sub, group)
        what = f"{verb} {resource}{'/' + sub if sub else ''}"
        detail = f"{what} in {backend.config.namespace}: {'allowed' if allowed else 'denied'} ({why})"
        if reason and not allowed:
            detail += f": {reason}"
        items.append(DoctorItem(f"permission: {what}", allowed, detail,
                                f"ask the admin for {what} in {backend.config.namespace}"))
    return items


def _pvc(backend: ClusterBackend) -> DoctorItem:
    name = f"PVC {PVC} (lesson 2)"
    if not backend.kube.available:
        return DoctorItem(name, None, "cannot check it without the Kubernetes API")
    pvc = backend.kube.get_pvc(PVC)
    if pvc is None:
        return DoctorItem(name, False, f"no PVC {PVC} in {backend.config.namespace}",
                          "create it in the Kubeflow dashboard (Volumes, New volume) and put input_numbers.csv at "
                          "its root")
    phase = (pvc.get("status") or {}).get("phase", "?")
    mount = backend.volumes.direct_mount(PVC)
    how = f"mounted here at {mount}" if mount else "read through a short-lived reader pod"
    return DoctorItem(name, phase == "Bound", f"{phase}; {how}", "a PVC that is not Bound cannot be mounted")


def _gpus(backend: ClusterBackend) -> DoctorItem:
    name = "GPU nodes (lesson 3)"
    if not backend.kube.available:
        return DoctorItem(name, None, "cannot check without the Kubernetes API: lesson 3's GPU check is skipped")
    nodes = backend.kube.list_nodes()
    if nodes is None:
        return DoctorItem(name, None, "this account may not list nodes: lesson 3's GPU check is skipped; an admin "
                          f"can run kubectl get nodes -L {GPU_LABEL}")
    found = gpu_nodes(nodes)
    if not found:
        return DoctorItem(name, None, "no node offers nvidia.com/gpu: lesson 3's train-model stays Pending and its "
                          "GPU check is skipped")
    text = "; ".join(f"{n} ({c} GPUs, {GPU_LABEL}={labels.get(GPU_LABEL, 'not set')})" for n, c, labels in found)
    return DoctorItem(name, True, text)


def _objects(backend: ClusterBackend) -> DoctorItem:
    store = backend.objects
    endpoint = store.endpoint()
    if not backend.kube.available:
        return DoctorItem("object store (lessons 4-5)", None, f"{endpoint} ({store.found_by}); the credentials "
                          "need the Kubernetes API")
    store.credentials()
    if not store.can_list("mlpipeline"):
        return DoctorItem("object store (lessons 4-5)", False, f"{endpoint} ({store.found_by}) has no bucket "
                          "mlpipeline", "KFP creates it at install: ask the admin to check the object store")
    return DoctorItem("object store (lessons 4-5)", True,
                      f"{endpoint} ({store.found_by}) accepts the credentials of mlpipeline-minio-artifact")


def _kserve(backend: ClusterBackend) -> DoctorItem:
    if not backend.kube.available:
        return DoctorItem("KServe (lesson 5)", None, "cannot check without the Kubernetes API")
    if backend.kube.kserve_installed():
        return DoctorItem("KServe (lesson 5)", True, "serving.kserve.io/v1beta1 InferenceService is installed")
    return DoctorItem("KServe (lesson 5)", False, "the InferenceService CRD (serving.kserve.io/v1beta1) is missing",
                      "ask the admin to install KServe")


def _mlmd(backend: ClusterBackend) -> DoctorItem:
    name = "ML Metadata (task outputs)"
    try:
        backend.mlmd.run_context_id("workshop-doctor-probe")
    except BackendError as exc:
        return DoctorItem(name, None, f"{exc}; outputs then come from the task logs",
                          "set WORKSHOP_MLMD_ENDPOINT, or run inside the cluster")
    return DoctorItem(name, True, f"{backend.config.mlmd_endpoint} answers")
