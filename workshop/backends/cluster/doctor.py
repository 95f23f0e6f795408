"""`workshop doctor` on the cluster backend: can every lesson run here, and if not, what to fix.

Each item is one question asked of the cluster; a failing one says what to do. The token is
only ever described (where it comes from, when it expires), never shown.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from workshop.backends.cluster.auth import describe_expiry, renew_hint
from workshop.backends.cluster.pods import GPU_LABEL, gpu_nodes
from workshop.core.errors import BackendError
from workshop.core.ports import DoctorItem
from workshop.core.settings import docs_path

if TYPE_CHECKING:
    from workshop.backends.cluster.backend import ClusterBackend
    from workshop.backends.cluster.kube import KubeApi

__all__ = ["DoctorItem", "doctor", "doctor_rows"]

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


Step = tuple[str, str, Callable[[], DoctorItem | list[DoctorItem]]]


def _steps(backend: ClusterBackend) -> list[Step]:
    config = backend.config
    source = config.sources.get("namespace", "?")
    return [
        ("KFP API", f"check WORKSHOP_KFP_HOST (now {config.kfp_host})", lambda: _kfp(backend)),
        ("namespace", "set WORKSHOP_NAMESPACE to your profile's namespace", lambda: _namespace(backend, source)),
        ("KFP token", "", lambda: _token(backend)),
        ("permissions", "ask the admin to make you a contributor of the namespace", lambda: _permissions(backend)),
        (f"PVC {PVC} (lesson 2)", "create it in the Kubeflow dashboard: Volumes, New volume", lambda: _pvc(backend)),
        ("GPU nodes (lesson 3)", "", lambda: _gpus(backend)),
        ("object store (lessons 4-5)", f"set WORKSHOP_S3_ENDPOINT (and WORKSHOP_S3_URL outside the cluster); see "
         f"{docs_path('cluster.md')}, \"The object store, per release\"", lambda: _objects(backend)),
        ("KServe (lesson 5)", "ask the admin to install KServe", lambda: _kserve(backend)),
        (MESH, "ask the admin for an AuthorizationPolicy that lets your namespace call the predictor; "
         f"see {docs_path('cluster.md')}, \"Lesson 5 on a stock mesh\"", lambda: _mesh(backend)),
        ("ML Metadata (task outputs)", "", lambda: _mlmd(backend)),
    ]


def _within(seconds: float, name: str, fix: str, fn: Callable[[], DoctorItem | list[DoctorItem]]) -> list[DoctorItem]:
    """fn's rows, or one row saying it got no answer in time (a host that accepts and never answers)."""
    found: list[list[DoctorItem]] = []

    def ask() -> None:
        try:
            found.append(_safely(name, fix, fn))
        except Exception as exc:  # e.g. the client closed under a row that ran out of time: nobody waits for it
            found.append([DoctorItem(name, False, f"{type(exc).__name__}: {exc}", fix)])

    worker = threading.Thread(target=ask, daemon=True, name=f"doctor {name}")
    worker.start()
    worker.join(seconds)
    if found:
        return found[0]
    return [DoctorItem(name, False, f"no answer within {seconds:.0f} s: the host accepts connections but does not "
                       "answer", fix or "check the address and the network in between; a port-forward that has "
                       "lost its pod answers like this")]


def doctor_rows(backend: ClusterBackend, timeout: float | None = None) -> Iterator[DoctorItem]:
    """Each row as soon as it is decided; all of them within `timeout` seconds (WORKSHOP_DOCTOR_TIMEOUT)."""
    budget = float(timeout if timeout is not None else getattr(backend.config, "doctor_timeout", 30.0))
    deadline = time.monotonic() + budget
    rests = [r for r in (backend.kfp.rest, backend.kube.rest if backend.kube.available else None) if r is not None]
    saved = [r.read_timeout for r in rests]
    for rest in rests:  # one slow answer must not spend the whole budget; put back afterwards for the runs
        rest.read_timeout = min(rest.read_timeout, max(1.0, budget / 4))
    try:
        for name, fix, fn in _steps(backend):
            left = deadline - time.monotonic()
            if left <= 0.05:
                yield DoctorItem(name, None, f"not checked: the doctor's {budget:g} s were spent waiting (see above)")
                continue
            yield from _within(left, name, fix, fn)
    finally:
        for rest, timeout in zip(rests, saved, strict=True):
            rest.read_timeout = timeout


def doctor(backend: ClusterBackend) -> list[DoctorItem]:
    return list(doctor_rows(backend))


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
                           f"run in a Kubeflow notebook, or see {docs_path('cluster.md')}, \"Configuration\"")]
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


MESH = "mesh: notebook to model server (lesson 5)"
ISTIO = "security.istio.io/v1beta1"
SERVICE = "iris-svc"  # lesson 5's InferenceService


def allow_policy(namespace: str) -> str:
    """The AuthorizationPolicy an admin applies so the notebook may call the predictor (docs/cluster.md)."""
    return (f"apiVersion: {ISTIO}\nkind: AuthorizationPolicy\nmetadata:\n  name: allow-workshop-predictor\n"
            f"  namespace: {namespace}\nspec:\n  action: ALLOW\n  selector:\n    matchLabels:\n"
            f"      serving.kserve.io/inferenceservice: {SERVICE}\n  rules:\n  - from:\n    - source:\n"
            f"        namespaces: [\"{namespace}\"]")


def _admits(policy: dict[str, Any], namespace: str) -> bool:
    spec = policy.get("spec") or {}
    if spec.get("action", "ALLOW") != "ALLOW":
        return False
    for rule in spec.get("rules") or []:
        sources = [f.get("source") or {} for f in rule.get("from") or []]
        if not sources:
            return True  # a rule without `from` admits every caller
        for source in sources:
            if namespace in (source.get("namespaces") or []) or "*" in (source.get("namespaces") or []):
                return True
            if any(p in ("*", f"cluster.local/ns/{namespace}/*") or p.startswith(f"cluster.local/ns/{namespace}/")
                   for p in source.get("principals") or []):
                return True
    return False


def _mesh(backend: ClusterBackend) -> DoctorItem:
    """Kubeflow installs a mesh-wide deny-all (kubeflow/manifests v1.11.0 common/istio/istio-install/base/
    deny_all_authorizationpolicy.yaml): the predictor answers the notebook only without a sidecar, behind an
    AuthorizationPolicy that admits the namespace, or through a gateway that demands no JWT."""
    kube, ns = backend.kube, backend.config.namespace
    if not kube.available:
        return DoctorItem(MESH, None, "cannot check without the Kubernetes API")
    fix = (f"an admin applies this AuthorizationPolicy (kubectl apply -f -): {allow_policy(ns)}; or the "
           "InferenceService keeps the annotation sidecar.istio.io/inject: \"false\" (lesson 5's deploy step sets it)")
    isvc = kube.get_isvc(SERVICE, ns)
    annotations = ((isvc or {}).get("metadata") or {}).get("annotations") or {}
    if annotations.get("sidecar.istio.io/inject") == "false":
        return DoctorItem(MESH, True, f"InferenceService {SERVICE} runs without an Istio sidecar "
                          "(sidecar.istio.io/inject: \"false\"): the deny-all does not reach it")
    policies = _list(kube, ISTIO, "authorizationpolicies", ns)
    admitting = [p["metadata"]["name"] for p in policies or [] if _admits(p, ns)]
    if admitting:
        return DoctorItem(MESH, True, f"AuthorizationPolicy {', '.join(admitting)} admits callers from {ns}")
    jwt = [r for r in _list(kube, ISTIO, "requestauthentications", "istio-system") or []
           if "cluster-local-gateway" in str((r.get("spec") or {}).get("selector") or "")]
    if jwt:
        return DoctorItem(MESH, False, "the cluster-local gateway demands a JWT (the m2m overlay): a prediction "
                          "through it without a token is refused", fix)
    try:
        deny_all = kube.get_custom(ISTIO, "authorizationpolicies", "global-deny-all", "istio-system")
    except BackendError:  # a learner may not read istio-system: Kubeflow's default is assumed
        deny_all = None
    if policies is None:
        return DoctorItem(MESH, None, f"may not read AuthorizationPolicies in {ns}: if predictions are refused "
                          "with \"RBAC: access denied\", a mesh-wide deny-all is in the way", fix)
    where = "a mesh-wide deny-all (istio-system/global-deny-all)" if deny_all else "Kubeflow's mesh-wide deny-all"
    return DoctorItem(MESH, False, f"no AuthorizationPolicy in {ns} admits the notebook, and {where} refuses "
                      "the predictor to a caller with a sidecar", fix)


def _list(kube: KubeApi, api: str, plural: str, namespace: str) -> list[dict[str, Any]] | None:
    from workshop.backends.cluster.rest import HttpError

    try:
        return kube.list_custom(api, plural, namespace)
    except HttpError as exc:
        if exc.status in (403, 404):
            return None
        raise
