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
from workshop.core.text import by_language

if TYPE_CHECKING:
    from workshop.backends.cluster.backend import ClusterBackend
    from workshop.backends.cluster.kube import KubeApi

__all__ = ["DoctorItem", "doctor", "doctor_rows"]

PVC = "aidatasource"
PERMISSIONS = (  # (verb, resource, subresource, group, why: a TEXT key)
    ("list", "pods", "", "", "why_list_pods"),
    ("get", "pods", "log", "", "why_pod_logs"),
    ("create", "pods", "", "", "why_create_pods"),
    ("get", "secrets", "", "", "why_secrets"),
    ("create", "inferenceservices", "", "serving.kserve.io", "why_isvc"),
)

# Every row's name, detail and fix in both languages; a detail may quote the cluster's own words ({reason}).
TEXT: dict[str, dict[str, str]] = by_language("cluster_doctor")


def _t(lang: str, key: str, **kwargs: object) -> str:
    text = TEXT["zh" if lang == "zh" else "en"][key]
    return text.format(**kwargs) if kwargs else text


def _safely(name: str, fix: str, key: str, fn: Callable[[], DoctorItem | list[DoctorItem]]) -> list[DoctorItem]:
    try:
        result = fn()
    except BackendError as exc:
        return [DoctorItem(name, False, str(exc), fix, key=key)]
    return result if isinstance(result, list) else [result]


Step = tuple[str, str, str, Callable[[], DoctorItem | list[DoctorItem]]]  # name, fix, key, the question


def _steps(backend: ClusterBackend, lang: str) -> list[Step]:
    config = backend.config
    source = config.sources.get("namespace", "?")
    docs = docs_path("cluster.md")
    return [
        (_t(lang, "kfp"), _t(lang, "kfp_fix", host=config.kfp_host), "kfp-api", lambda: _kfp(backend, lang)),
        (_t(lang, "namespace"), _t(lang, "namespace_fix"), "namespace", lambda: _namespace(backend, source, lang)),
        (_t(lang, "token"), "", "token", lambda: _token(backend, lang)),
        (_t(lang, "permissions"), _t(lang, "permissions_fix"), "permissions", lambda: _permissions(backend, lang)),
        (_t(lang, "pvc", pvc=PVC), _t(lang, "pvc_fix"), "pvc", lambda: _pvc(backend, lang)),
        (_t(lang, "gpu"), "", "gpu", lambda: _gpus(backend, lang)),
        (_t(lang, "objects"), _t(lang, "objects_fix", docs=docs), "object-store", lambda: _objects(backend, lang)),
        (_t(lang, "kserve"), _t(lang, "kserve_fix"), "kserve", lambda: _kserve(backend, lang)),
        (_t(lang, "mesh"), _t(lang, "mesh_fix", docs=docs), "mesh", lambda: _mesh(backend, lang)),
        (_t(lang, "mlmd"), "", "mlmd", lambda: _mlmd(backend, lang)),
    ]


def _within(seconds: float, step: Step, lang: str) -> list[DoctorItem]:
    """The step's rows, or one row saying it got no answer in time (a host that accepts and never answers)."""
    name, fix, key, fn = step
    found: list[list[DoctorItem]] = []

    def ask() -> None:
        try:
            found.append(_safely(name, fix, key, fn))
        except Exception as exc:  # e.g. the client closed under a row that ran out of time: nobody waits for it
            found.append([DoctorItem(name, False, f"{type(exc).__name__}: {exc}", fix, key=key)])

    worker = threading.Thread(target=ask, daemon=True, name=f"doctor {key}")
    worker.start()
    worker.join(seconds)
    if found:
        return found[0]
    return [DoctorItem(name, False, _t(lang, "no_answer", seconds=f"{seconds:.0f}"),
                       fix or _t(lang, "no_answer_fix"), key=key)]


def doctor_rows(backend: ClusterBackend, timeout: float | None = None, lang: str = "en") -> Iterator[DoctorItem]:
    """Each row as soon as it is decided, in `lang`; all of them within `timeout` seconds (WORKSHOP_DOCTOR_TIMEOUT)."""
    budget = float(timeout if timeout is not None else getattr(backend.config, "doctor_timeout", 30.0))
    deadline = time.monotonic() + budget
    rests = [r for r in (backend.kfp.rest, backend.kube.rest if backend.kube.available else None) if r is not None]
    saved = [r.read_timeout for r in rests]
    for rest in rests:  # one slow answer must not spend the whole budget; put back afterwards for the runs
        rest.read_timeout = min(rest.read_timeout, max(1.0, budget / 4))
    try:
        for step in _steps(backend, lang):
            left = deadline - time.monotonic()
            if left <= 0.05:
                yield DoctorItem(step[0], None, _t(lang, "not_checked", budget=f"{budget:g}"), key=step[2])
                continue
            yield from _within(left, step, lang)
    finally:
        for rest, timeout in zip(rests, saved, strict=True):
            rest.read_timeout = timeout


def doctor(backend: ClusterBackend, lang: str = "en") -> list[DoctorItem]:
    return list(doctor_rows(backend, lang=lang))


def _kfp(backend: ClusterBackend, lang: str) -> DoctorItem:
    health = backend.kfp.healthz()
    version = backend.kfp.version()
    mode = _t(lang, "multi_user" if health.get("multi_user") else "single_user")
    return DoctorItem(_t(lang, "kfp"), True, _t(lang, "kfp_ok", host=backend.config.kfp_host, mode=mode,
                                                version=version or _t(lang, "unknown")), key="kfp-api")


def _namespace(backend: ClusterBackend, source: str, lang: str) -> DoctorItem:
    ns = backend.config.namespace
    name = _t(lang, "namespace")
    if not backend.kube.available:
        return DoctorItem(name, None, _t(lang, "namespace_no_kube", ns=ns, source=source), key="namespace")
    exists = backend.kube.namespace_exists()
    if exists is False:
        return DoctorItem(name, False, _t(lang, "namespace_missing", ns=ns, source=source),
                          _t(lang, "namespace_missing_fix"), key="namespace")
    known = "namespace_exists" if exists else "namespace_set"
    return DoctorItem(name, True, _t(lang, known, ns=ns, source=source), key="namespace")


def _token(backend: ClusterBackend, lang: str) -> DoctorItem:
    config = backend.config
    name = _t(lang, "token")
    hint = renew_hint(config.in_notebook, config.token_file, config.in_pod, config.projected_token, lang=lang)
    if not config.has_token and config.in_pod:  # a stock notebook: no PodDefault ticked
        return DoctorItem(name, False, _t(lang, "token_missing_pod", path=config.projected_token), hint, key="token")
    if not config.has_token:
        return DoctorItem(name, None, _t(lang, "token_none"), _t(lang, "token_none_fix", hint=hint), key="token")
    where = config.sources.get("token_file") or config.sources.get("token") or "?"
    try:
        token = backend.kfp.rest.tokens.token() or ""
    except BackendError as exc:
        return DoctorItem(name, False, str(exc), hint, key="token")
    ok, words = describe_expiry(token, lang=lang)
    return DoctorItem(name, ok, _t(lang, "token_from", where=where, words=words), hint, key="token")


def _permissions(backend: ClusterBackend, lang: str) -> list[DoctorItem]:
    ns = backend.config.namespace
    if not backend.kube.available:
        return [DoctorItem(_t(lang, "permissions"), None, backend.kube_note or _t(lang, "no_kube"),
                           _t(lang, "no_kube_fix", docs=docs_path("cluster.md")), key="permissions")]
    items = []
    for verb, resource, sub, group, why in PERMISSIONS:
        allowed, reason = backend.kube.can_i(verb, resource, sub, group)
        what = f"{verb} {resource}{'/' + sub if sub else ''}"
        detail = _t(lang, "permission_detail", what=what, ns=ns, verdict=_t(lang, "allowed" if allowed else "denied"),
                    why=_t(lang, why))
        if reason and not allowed:
            detail += f"{'：' if lang == 'zh' else ': '}{reason}"
        items.append(DoctorItem(_t(lang, "permission", what=what), allowed, detail,
                                _t(lang, "permission_fix", what=what, ns=ns), key=f"permission:{what}"))
    return items


def _pvc(backend: ClusterBackend, lang: str) -> DoctorItem:
    name = _t(lang, "pvc", pvc=PVC)
    if not backend.kube.available:
        return DoctorItem(name, None, _t(lang, "cannot_check"), key="pvc")
    pvc = backend.kube.get_pvc(PVC)
    if pvc is None:
        return DoctorItem(name, False, _t(lang, "pvc_missing", pvc=PVC, ns=backend.config.namespace),
                          _t(lang, "pvc_missing_fix"), key="pvc")
    phase = (pvc.get("status") or {}).get("phase", "?")
    mount = backend.volumes.direct_mount(PVC)
    detail = _t(lang, "pvc_mounted", phase=phase, mount=mount) if mount else _t(lang, "pvc_reader", phase=phase)
    return DoctorItem(name, phase == "Bound", detail, _t(lang, "pvc_unbound_fix"), key="pvc")


def _gpus(backend: ClusterBackend, lang: str) -> DoctorItem:
    name = _t(lang, "gpu")
    if not backend.kube.available:
        return DoctorItem(name, None, _t(lang, "gpu_no_kube"), key="gpu")
    nodes = backend.kube.list_nodes()
    if nodes is None:
        return DoctorItem(name, None, _t(lang, "gpu_no_list", label=GPU_LABEL), key="gpu")
    found = gpu_nodes(nodes)
    if not found:
        return DoctorItem(name, None, _t(lang, "gpu_none"), key="gpu")
    text = "; ".join(_t(lang, "gpu_node", node=n, count=c, label=GPU_LABEL,
                        value=labels.get(GPU_LABEL, _t(lang, "not_set"))) for n, c, labels in found)
    return DoctorItem(name, True, text, key="gpu")


def _objects(backend: ClusterBackend, lang: str) -> DoctorItem:
    name = _t(lang, "objects")
    store = backend.objects
    endpoint = store.endpoint()
    if not backend.kube.available:
        return DoctorItem(name, None, _t(lang, "objects_no_kube", endpoint=endpoint, found_by=store.found_by),
                          key="object-store")
    store.credentials()
    if not store.can_list("mlpipeline"):
        return DoctorItem(name, False, _t(lang, "objects_no_bucket", endpoint=endpoint, found_by=store.found_by),
                          _t(lang, "objects_no_bucket_fix"), key="object-store")
    return DoctorItem(name, True, _t(lang, "objects_ok", endpoint=endpoint, found_by=store.found_by),
                      key="object-store")


def _kserve(backend: ClusterBackend, lang: str) -> DoctorItem:
    name = _t(lang, "kserve")
    if not backend.kube.available:
        return DoctorItem(name, None, _t(lang, "kserve_no_kube"), key="kserve")
    if backend.kube.kserve_installed():
        return DoctorItem(name, True, _t(lang, "kserve_ok"), key="kserve")
    return DoctorItem(name, False, _t(lang, "kserve_missing"), _t(lang, "kserve_fix"), key="kserve")


def _mlmd(backend: ClusterBackend, lang: str) -> DoctorItem:
    name = _t(lang, "mlmd")
    try:
        backend.mlmd.run_context_id("workshop-doctor-probe")
    except BackendError as exc:
        return DoctorItem(name, None, _t(lang, "mlmd_none", reason=exc), _t(lang, "mlmd_fix"), key="mlmd")
    return DoctorItem(name, True, _t(lang, "mlmd_ok", endpoint=backend.config.mlmd_endpoint), key="mlmd")


MESH = TEXT["en"]["mesh"]
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


def _mesh(backend: ClusterBackend, lang: str = "en") -> DoctorItem:
    """Kubeflow installs a mesh-wide deny-all (kubeflow/manifests v1.11.0 common/istio/istio-install/base/
    deny_all_authorizationpolicy.yaml): the predictor answers the notebook only without a sidecar, behind an
    AuthorizationPolicy that admits the namespace, or through a gateway that demands no JWT."""
    kube, ns = backend.kube, backend.config.namespace
    name = _t(lang, "mesh")

    def row(ok: bool | None, detail: str, fix: str = "") -> DoctorItem:
        return DoctorItem(name, ok, detail, fix, key="mesh")

    if not kube.available:
        return row(None, _t(lang, "kserve_no_kube"))
    fix = _t(lang, "mesh_policy_fix", policy=allow_policy(ns))
    isvc = kube.get_isvc(SERVICE, ns)
    annotations = ((isvc or {}).get("metadata") or {}).get("annotations") or {}
    if annotations.get("sidecar.istio.io/inject") == "false":
        return row(True, _t(lang, "mesh_no_sidecar", service=SERVICE))
    policies = _list(kube, ISTIO, "authorizationpolicies", ns)
    admitting = [p["metadata"]["name"] for p in policies or [] if _admits(p, ns)]
    if admitting:
        return row(True, _t(lang, "mesh_admits", names=", ".join(admitting), ns=ns))
    jwt = [r for r in _list(kube, ISTIO, "requestauthentications", "istio-system") or []
           if "cluster-local-gateway" in str((r.get("spec") or {}).get("selector") or "")]
    if jwt:
        return row(False, _t(lang, "mesh_jwt"), fix)
    try:
        deny_all = kube.get_custom(ISTIO, "authorizationpolicies", "global-deny-all", "istio-system")
    except BackendError:  # a learner may not read istio-system: Kubeflow's default is assumed
        deny_all = None
    if policies is None:
        return row(None, _t(lang, "mesh_unreadable", ns=ns), fix)
    where = _t(lang, "mesh_deny_named" if deny_all else "mesh_deny_default")
    return row(False, _t(lang, "mesh_denied", ns=ns, where=where), fix)


def _list(kube: KubeApi, api: str, plural: str, namespace: str) -> list[dict[str, Any]] | None:
    from workshop.backends.cluster.rest import HttpError

    try:
        return kube.list_custom(api, plural, namespace)
    except HttpError as exc:
        if exc.status in (403, 404):
            return None
        raise
