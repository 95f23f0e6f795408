"""`workshop instructor prepare`: before class, what lessons need that learners cannot create themselves.

Per learner namespace, each step idempotent and reported: the PVC aidatasource with
input_numbers.csv at its root (written by a short-lived labelled seeding pod, deleted
afterwards; the claim is then annotated, so a second run sends no create at all), and the
KServe service account workshop-kserve-sa with its S3 secret, and the PodDefault access-ml-pipeline
that gives a notebook its KFP token (Kubeflow ships it only as a test fixture: kubeflow/manifests
tests/poddefaults.access-ml-pipeline.kubeflow-user-example-com.yaml; KFP creates none).
"""

from __future__ import annotations

import base64
import time
import uuid
from typing import TYPE_CHECKING, Any

from workshop.backends.cluster.config import PART_OF
from workshop.backends.cluster.doctor import PVC
from workshop.backends.cluster.serving import S3_SECRET, SERVICE_ACCOUNT
from workshop.core.errors import BackendError
from workshop.instructor.words import say

if TYPE_CHECKING:
    from workshop.backends.cluster.backend import ClusterBackend

PROFILE_SELECTOR = "app.kubernetes.io/part-of=kubeflow-profile"
SEED_FILE = "input_numbers.csv"
SEEDED = "kubeflow-workshop/seeded"  # the PVC annotation that says input_numbers.csv was put there
SEED_RESULT = "WORKSHOP-SEED "
PODDEFAULT = "access-ml-pipeline"
PODDEFAULT_API = "kubeflow.org/v1alpha1"
KFP_TOKEN_DIR = "/var/run/secrets/kubeflow/pipelines"
SEEDER = """
import base64, os
path = '/data/input_numbers.csv'
if os.path.exists(path):
    print('WORKSHOP-SEED exists', flush=True)
else:
    with open(path, 'wb') as f:
        f.write(base64.b64decode(os.environ['SEED']))
    print('WORKSHOP-SEED written', flush=True)
"""


def learner_namespaces(kube: Any, namespaces: tuple[str, ...], all_profiles: bool) -> list[str]:
    if not all_profiles:
        return list(namespaces)
    found = {str((ns.get("metadata") or {}).get("name")) for ns in kube.list_namespaces(PROFILE_SELECTOR)}
    return sorted(found | set(namespaces))


def _labels(component: str) -> dict[str, str]:
    return {"app.kubernetes.io/part-of": PART_OF, "app.kubernetes.io/component": component}


def prepare_namespace(backend: ClusterBackend, csv_text: str, timeout: float = 180.0,
                      lang: str = "en") -> tuple[list[str], bool]:
    """Run each step in the backend's namespace; (lines in `lang`, all ok). A failed step does not stop the next."""
    lines: list[str] = []
    ok = True
    for name, step in ((say(lang, "prep_pvc", pvc=PVC), lambda: _pvc(backend, lang)),
                       (say(lang, "prep_seed", file=SEED_FILE, pvc=PVC), lambda: _seed(backend, csv_text, timeout,
                                                                                      lang)),
                       (say(lang, "prep_kserve", account=SERVICE_ACCOUNT, secret=S3_SECRET),
                        lambda: _kserve(backend, lang)),
                       (say(lang, "prep_poddefault", name=PODDEFAULT), lambda: _poddefault(backend, lang))):
        try:
            lines.append(say(lang, "prep_line", name=name, outcome=step()))
        except BackendError as exc:
            ok = False
            lines.append(say(lang, "prep_failed", name=name, error=exc))
    return lines, ok


def _pvc(backend: ClusterBackend, lang: str = "en") -> str:
    if backend.kube.get_pvc(PVC) is not None:
        return say(lang, "already_there")
    body = {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
            "metadata": {"name": PVC, "labels": _labels("lesson-data")},
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}
    return say(lang, "created" if backend.kube.create_if_missing("persistentvolumeclaims", body) else "already_there")


def _seed(backend: ClusterBackend, csv_text: str, timeout: float, lang: str = "en") -> str:
    kube = backend.kube
    pvc = kube.get_pvc(PVC)
    if pvc is None:
        raise BackendError(say(lang, "no_pvc", pvc=PVC))
    if SEEDED in ((pvc.get("metadata") or {}).get("annotations") or {}):
        return say(lang, "already_there")
    name = f"workshop-seed-{uuid.uuid4().hex[:8]}"
    body = {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "labels": _labels("volume-seeder"),
                     "annotations": {"sidecar.istio.io/inject": "false"}},
        "spec": {
            "restartPolicy": "Never", "activeDeadlineSeconds": int(timeout) + 60,
            "containers": [{
                "name": "main", "image": backend.config.reader_image, "command": ["python", "-c", SEEDER],
                "env": [{"name": "SEED", "value": base64.b64encode(csv_text.encode()).decode()}],
                "volumeMounts": [{"name": "data", "mountPath": "/data"}],
                "resources": {"requests": {"cpu": "10m", "memory": "32Mi"},
                              "limits": {"cpu": "500m", "memory": "256Mi"}},
            }],
            "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": PVC}}],
        },
    }
    kube.create_pod(body)
    try:
        outcome = _wait(backend, name, timeout, lang)
    finally:
        kube.delete_pod(name)
    kube.merge_patch("persistentvolumeclaims", PVC, {"metadata": {"annotations": {SEEDED: SEED_FILE}}})
    return say(lang, "written" if outcome == "written" else "already_there")


def _wait(backend: ClusterBackend, name: str, timeout: float, lang: str = "en") -> str:
    kube = backend.kube
    deadline = time.monotonic() + timeout
    phase = ""
    while time.monotonic() < deadline:
        phase = ((kube.get_pod(name) or {}).get("status") or {}).get("phase", "")
        if phase in ("Succeeded", "Failed"):
            break
        time.sleep(min(1.0, backend.config.poll_interval))
    else:
        raise BackendError(say(lang, "seed_timeout", pod=name, seconds=f"{timeout:g}"))
    for line in reversed(kube.pod_log(name).splitlines()):
        if line.startswith(SEED_RESULT):
            return line[len(SEED_RESULT):].strip()
    raise BackendError(say(lang, "seed_silent", pod=name, phase=phase, file=SEED_FILE))


def _kserve(backend: ClusterBackend, lang: str = "en") -> str:
    kube = backend.kube
    if kube.get_object("serviceaccounts", SERVICE_ACCOUNT) is not None and kube.get_secret(S3_SECRET) is not None:
        return say(lang, "already_there")
    backend.ensure_kserve_prerequisites()
    return say(lang, "created")


def poddefault_body() -> dict[str, Any]:
    """Kubeflow's own shape (kubeflow/manifests tests/poddefaults.access-ml-pipeline.*.yaml): a notebook
    created with the option ticked gets the projected KFP token, audience pipelines.kubeflow.org."""
    return {
        "apiVersion": PODDEFAULT_API, "kind": "PodDefault",
        "metadata": {"name": PODDEFAULT, "labels": _labels("kfp-access")},
        "spec": {
            "desc": "Allow access to Kubeflow Pipelines",
            "selector": {"matchLabels": {PODDEFAULT: "true"}},
            "env": [{"name": "KF_PIPELINES_SA_TOKEN_PATH", "value": f"{KFP_TOKEN_DIR}/token"}],
            "volumes": [{"name": "volume-kf-pipeline-token", "projected": {"sources": [{"serviceAccountToken": {
                "path": "token", "expirationSeconds": 7200, "audience": "pipelines.kubeflow.org"}}]}}],
            "volumeMounts": [{"mountPath": KFP_TOKEN_DIR, "name": "volume-kf-pipeline-token", "readOnly": True}],
        },
    }


def _poddefault(backend: Any, lang: str = "en") -> str:
    kube = backend.kube
    if kube.get_custom(PODDEFAULT_API, "poddefaults", PODDEFAULT) is not None:
        return say(lang, "poddefault_there")
    created = kube.create_custom_if_missing(PODDEFAULT_API, "poddefaults", poddefault_body())
    return say(lang, "poddefault_created" if created else "already_there")
