"""`workshop doctor` on the cluster backend: can every lesson run here, and if not, what to fix.

Each item is one question asked of the cluster; a failing one says what to do. The token is
only ever described (where it comes from, when it expires), never shown.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from workshop.backends.base import BackendError, DoctorItem
from workshop.backends.cluster.auth import describe_expiry, renew_hint
from workshop.backends.cluster.pods import GPU_LABEL, gpu_nodes
from workshop.core.settings import docs_path

if TYPE_CHECKING:
    from workshop.backends.cluster.backend import ClusterBackend

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
TEXT: dict[str, dict[str, str]] = {
    "en": {
        "kfp": "KFP API",
        "kfp_fix": "check WORKSHOP_KFP_HOST (now {host})",
        "kfp_ok": "{host} answers ({mode}, version {version})",
        "multi_user": "multi-user",
        "single_user": "single-user",
        "unknown": "unknown",
        "namespace": "namespace",
        "namespace_fix": "set WORKSHOP_NAMESPACE to your profile's namespace",
        "namespace_no_kube": "{ns} (from {source}); cannot check it without the Kubernetes API",
        "namespace_missing": "{ns} (from {source}) does not exist",
        "namespace_missing_fix": "set WORKSHOP_NAMESPACE to your profile's namespace, shown at the top of the "
                                 "dashboard",
        "namespace_exists": "{ns} (from {source}) exists",
        "namespace_set": "{ns} (from {source}) may not be read, but is set",
        "token": "KFP token",
        "token_missing_pod": "{path} is missing in this pod",
        "token_none": "none configured: fine for a single-user KFP, refused by a multi-user one",
        "token_none_fix": "set WORKSHOP_TOKEN_FILE; {hint}",
        "token_from": "from {where}: {words}",
        "permissions": "permissions",
        "permissions_fix": "ask the admin to make you a contributor of the namespace",
        "no_kube": "no Kubernetes API",
        "no_kube_fix": "run in a Kubeflow notebook, or see {docs}, \"Configuration\"",
        "permission": "permission: {what}",
        "allowed": "allowed",
        "denied": "denied",
        "permission_detail": "{what} in {ns}: {verdict} ({why})",
        "permission_fix": "ask the admin for {what} in {ns}",
        "why_list_pods": "to find the tasks' pods",
        "why_pod_logs": "to stream the tasks' logs",
        "why_create_pods": "for the PVC reader pod (lesson 2)",
        "why_secrets": "for the object store credentials (lessons 4-5)",
        "why_isvc": "to serve the model (lesson 5)",
        "pvc": "PVC {pvc} (lesson 2)",
        "pvc_fix": "create it in the Kubeflow dashboard: Volumes, New volume",
        "cannot_check": "cannot check it without the Kubernetes API",
        "pvc_missing": "no PVC {pvc} in {ns}",
        "pvc_missing_fix": "create it in the Kubeflow dashboard (Volumes, New volume) and put input_numbers.csv at "
                           "its root",
        "pvc_mounted": "{phase}; mounted here at {mount}",
        "pvc_reader": "{phase}; read through a short-lived reader pod",
        "pvc_unbound_fix": "a PVC that is not Bound cannot be mounted",
        "gpu": "GPU nodes (lesson 3)",
        "gpu_no_kube": "cannot check without the Kubernetes API: lesson 3's GPU check is skipped",
        "gpu_no_list": "this account may not list nodes: lesson 3's GPU check is skipped; an admin can run "
                       "kubectl get nodes -L {label}",
        "gpu_none": "no node offers nvidia.com/gpu: lesson 3's train-model stays Pending and its GPU check is skipped",
        "gpu_node": "{node} ({count} GPUs, {label}={value})",
        "not_set": "not set",
        "objects": "object store (lessons 4-5)",
        "objects_fix": "set WORKSHOP_S3_ENDPOINT (and WORKSHOP_S3_URL outside the cluster); see {docs}, "
                       "\"The object store, per release\"",
        "objects_no_kube": "{endpoint} ({found_by}); the credentials need the Kubernetes API",
        "objects_no_bucket": "{endpoint} ({found_by}) has no bucket mlpipeline",
        "objects_no_bucket_fix": "KFP creates it at install: ask the admin to check the object store",
        "objects_ok": "{endpoint} ({found_by}) accepts the credentials of mlpipeline-minio-artifact",
        "kserve": "KServe (lesson 5)",
        "kserve_fix": "ask the admin to install KServe",
        "kserve_no_kube": "cannot check without the Kubernetes API",
        "kserve_ok": "serving.kserve.io/v1beta1 InferenceService is installed",
        "kserve_missing": "the InferenceService CRD (serving.kserve.io/v1beta1) is missing",
        "mesh": "mesh: notebook to model server (lesson 5)",
        "mesh_fix": "ask the admin for an AuthorizationPolicy that lets your namespace call the predictor; see {docs}, "
                    "\"Lesson 5 on a stock mesh\"",
        "mesh_policy_fix": "an admin applies this AuthorizationPolicy (kubectl apply -f -): {policy}; or the "
                           "InferenceService keeps the annotation sidecar.istio.io/inject: \"false\" (lesson 5's "
                           "deploy step sets it)",
        "mesh_no_sidecar": "InferenceService {service} runs without an Istio sidecar (sidecar.istio.io/inject: "
                           "\"false\"): the deny-all does not reach it",
        "mesh_admits": "AuthorizationPolicy {names} admits callers from {ns}",
        "mesh_jwt": "the cluster-local gateway demands a JWT (the m2m overlay): a prediction through it without a "
                    "token is refused",
        "mesh_unreadable": "may not read AuthorizationPolicies in {ns}: if predictions are refused with \"RBAC: "
                           "access denied\", a mesh-wide deny-all is in the way",
        "mesh_deny_named": "a mesh-wide deny-all (istio-system/global-deny-all)",
        "mesh_deny_default": "Kubeflow's mesh-wide deny-all",
        "mesh_denied": "no AuthorizationPolicy in {ns} admits the notebook, and {where} refuses the predictor to a "
                       "caller with a sidecar",
        "mlmd": "ML Metadata (task outputs)",
        "mlmd_none": "{reason}; outputs then come from the task logs",
        "mlmd_fix": "set WORKSHOP_MLMD_ENDPOINT, or run inside the cluster",
        "mlmd_ok": "{endpoint} answers",
        "no_answer": "no answer within {seconds} s: the host accepts connections but does not answer",
        "no_answer_fix": "check the address and the network in between; a port-forward that has lost its pod "
                         "answers like this",
        "not_checked": "not checked: the doctor's {budget} s were spent waiting (see above)",
    },
    "zh": {
        "kfp": "KFP API 服务",
        "kfp_fix": "检查 WORKSHOP_KFP_HOST（现在是 {host}）",
        "kfp_ok": "{host} 有应答（{mode}，版本 {version}）",
        "multi_user": "多用户",
        "single_user": "单用户",
        "unknown": "未知",
        "namespace": "命名空间",
        "namespace_fix": "把 WORKSHOP_NAMESPACE 设为你的 profile 的命名空间",
        "namespace_no_kube": "{ns}（来自 {source}）；没有 Kubernetes API，无法检查",
        "namespace_missing": "{ns}（来自 {source}）不存在",
        "namespace_missing_fix": "把 WORKSHOP_NAMESPACE 设为你的 profile 的命名空间（显示在仪表盘顶部）",
        "namespace_exists": "{ns}（来自 {source}）存在",
        "namespace_set": "{ns}（来自 {source}）无权读取，但已设置",
        "token": "KFP 令牌",
        "token_missing_pod": "这个 pod 里没有 {path}",
        "token_none": "没有配置：单用户的 KFP 可以，多用户的 KFP 会拒绝",
        "token_none_fix": "设置 WORKSHOP_TOKEN_FILE；{hint}",
        "token_from": "来自 {where}：{words}",
        "permissions": "权限",
        "permissions_fix": "请管理员把你设为该命名空间的 contributor",
        "no_kube": "没有 Kubernetes API",
        "no_kube_fix": "在 Kubeflow 笔记本中运行，或参阅 {docs} 的 \"Configuration\" 一节",
        "permission": "权限：{what}",
        "allowed": "允许",
        "denied": "拒绝",
        "permission_detail": "在 {ns} 中 {what}：{verdict}（{why}）",
        "permission_fix": "请管理员授予你在 {ns} 中 {what} 的权限",
        "why_list_pods": "用来找到任务的 pod",
        "why_pod_logs": "用来实时读取任务的日志",
        "why_create_pods": "用于读取 PVC 的 pod（第 2 课）",
        "why_secrets": "用于对象存储的凭据（第 4-5 课）",
        "why_isvc": "用来部署模型服务（第 5 课）",
        "pvc": "PVC {pvc}（第 2 课）",
        "pvc_fix": "在 Kubeflow 仪表盘中创建：Volumes，New volume",
        "cannot_check": "没有 Kubernetes API，无法检查",
        "pvc_missing": "{ns} 中没有 PVC {pvc}",
        "pvc_missing_fix": "在 Kubeflow 仪表盘中创建（Volumes，New volume），并把 input_numbers.csv 放在它的根目录",
        "pvc_mounted": "{phase}；已挂载在这里的 {mount}",
        "pvc_reader": "{phase}；通过一个短暂的读取 pod 来读",
        "pvc_unbound_fix": "不是 Bound 状态的 PVC 无法挂载",
        "gpu": "GPU 节点（第 3 课）",
        "gpu_no_kube": "没有 Kubernetes API，无法检查：第 3 课的 GPU 检查会被跳过",
        "gpu_no_list": "这个账号无权列出节点：第 3 课的 GPU 检查会被跳过；管理员可以运行 kubectl get nodes -L {label}",
        "gpu_none": "没有节点提供 nvidia.com/gpu：第 3 课的 train-model 会一直 Pending，它的 GPU 检查会被跳过",
        "gpu_node": "{node}（{count} 块 GPU，{label}={value}）",
        "not_set": "未设置",
        "objects": "对象存储（第 4-5 课）",
        "objects_fix": "设置 WORKSHOP_S3_ENDPOINT（在集群外还要设置 WORKSHOP_S3_URL）；参阅 {docs} 的 "
                       "\"The object store, per release\" 一节",
        "objects_no_kube": "{endpoint}（{found_by}）；读取凭据需要 Kubernetes API",
        "objects_no_bucket": "{endpoint}（{found_by}）没有存储桶 mlpipeline",
        "objects_no_bucket_fix": "KFP 在安装时创建它：请管理员检查对象存储",
        "objects_ok": "{endpoint}（{found_by}）接受 mlpipeline-minio-artifact 的凭据",
        "kserve": "KServe（第 5 课）",
        "kserve_fix": "请管理员安装 KServe",
        "kserve_no_kube": "没有 Kubernetes API，无法检查",
        "kserve_ok": "已安装 serving.kserve.io/v1beta1 的推理服务（InferenceService）",
        "kserve_missing": "缺少推理服务（InferenceService）的 CRD（serving.kserve.io/v1beta1）",
        "mesh": "服务网格：笔记本到模型服务器（第 5 课）",
        "mesh_fix": "请管理员添加一个 AuthorizationPolicy，允许你的命名空间调用预测服务；参阅 {docs} 的 "
                    "\"Lesson 5 on a stock mesh\" 一节",
        "mesh_policy_fix": "管理员应用这个 AuthorizationPolicy（kubectl apply -f -）：{policy}；或者让 "
                           "InferenceService 保留注解 sidecar.istio.io/inject: \"false\"（第 5 课的部署步骤会设置它）",
        "mesh_no_sidecar": "InferenceService {service} 没有 Istio sidecar（sidecar.istio.io/inject: \"false\"）："
                           "deny-all 管不到它",
        "mesh_admits": "AuthorizationPolicy {names} 允许来自 {ns} 的调用",
        "mesh_jwt": "cluster-local 网关要求 JWT（m2m overlay）：不带令牌通过它的预测会被拒绝",
        "mesh_unreadable": "无权读取 {ns} 中的 AuthorizationPolicy：如果预测被拒绝并显示 \"RBAC: access denied\"，"
                           "就是网格范围的 deny-all 挡住了",
        "mesh_deny_named": "网格范围的 deny-all（istio-system/global-deny-all）",
        "mesh_deny_default": "Kubeflow 网格范围的 deny-all",
        "mesh_denied": "{ns} 中没有 AuthorizationPolicy 允许笔记本调用，而{where}会拒绝带 sidecar 的调用方访问预测服务",
        "mlmd": "ML Metadata（任务输出）",
        "mlmd_none": "{reason}；输出将从任务日志中读取",
        "mlmd_fix": "设置 WORKSHOP_MLMD_ENDPOINT，或在集群内运行",
        "mlmd_ok": "{endpoint} 有应答",
        "no_answer": "{seconds} 秒内没有应答：主机接受连接，但不应答",
        "no_answer_fix": "检查地址和中间的网络；失去了 pod 的 port-forward 就会这样",
        "not_checked": "未检查：诊断的 {budget} 秒已在等待中用完（见上文）",
    },
}


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


def _list(kube: Any, api: str, plural: str, namespace: str) -> list[dict[str, Any]] | None:
    from workshop.backends.cluster.rest import HttpError

    try:
        return kube.list_custom(api, plural, namespace)
    except HttpError as exc:
        if exc.status in (403, 404):
            return None
        raise
