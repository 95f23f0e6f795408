"""Request bodies checked against the published client models, as the real servers decode them.

KFP 2.15 and later decode JSON with protojson and DiscardUnknown: false, so an unknown field is a
400 (kubeflow/pipelines 2.15.0 and 2.17.0 backend/src/apiserver/common/utils.go 153-166, the option on
line 164, installed on the gateway by main.go 328 at 2.15.0 and 407 at 2.17.0). KFP 2.5.0 (main.go 244)
keeps grpc-gateway v1.16's default marshaler; the fakes are as strict on every profile, since a body
the newer servers refuse is a defect wherever it is sent. protojson takes a
field's proto name (snake_case) or its lowerCamelCase JSON name. The Kubernetes API server, with
field validation Strict (what kubectl sends since 1.27) answers 400 to an unknown field, and a
missing required field fails validation. The models are those of the installed kfp_server_api and
kubernetes packages, so the fakes cannot drift from them.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import kfp_server_api
from kubernetes import client as k8s

_LIST = re.compile(r"^list\[(.+)\]$")
_DICT = re.compile(r"^dict\(([^,]+), (.+)\)$")
_SCALARS = {"str", "int", "float", "bool", "date", "datetime", "object"}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


@cache
def _required(module: str, name: str) -> tuple[str, ...]:
    """The attributes whose setter refuses None under client-side validation: the required ones."""
    pkg = kfp_server_api if module == "kfp" else k8s
    cls = getattr(pkg, name)
    probe = cls.__new__(cls)
    probe.local_vars_configuration = pkg.Configuration()
    found = []
    for attr in cls.openapi_types:
        try:
            setattr(probe, attr, None)
        except ValueError:
            found.append(attr)
    return tuple(found)


def problems(module: str, model: str, data: Any, *, partial: bool = False, where: str = "") -> list[str]:
    """Each unknown field, missing required field or wrong shape in data, read as the model `model`."""
    if model in _SCALARS or data is None:
        return []
    if m := _LIST.match(model):
        if not isinstance(data, list):
            return [f"{where or 'body'}: expected a list"]
        return [p for i, item in enumerate(data) for p in problems(module, m[1], item, partial=partial,
                                                                       where=f"{where}[{i}]")]
    if m := _DICT.match(model):
        if not isinstance(data, dict):
            return [f"{where or 'body'}: expected an object"]
        return [p for key, item in data.items() for p in problems(module, m[2], item, partial=partial,
                                                                      where=f"{where}.{key}")]
    pkg = kfp_server_api if module == "kfp" else k8s
    cls = getattr(pkg, model, None)
    if cls is None:  # an enum type in kfp_server_api is a str
        return []
    if not isinstance(data, dict):
        return [f"{where or 'body'}: expected an object for {model}"]
    by_json: dict[str, str] = {}
    for attr, key in cls.attribute_map.items():
        by_json[key] = attr
        if module == "kfp":  # protojson accepts the proto name and its lowerCamelCase JSON name
            by_json[_camel(attr)] = attr
    found: list[str] = []
    for key, value in data.items():
        attr = by_json.get(key)
        if attr is None:
            found.append(f'unknown field "{key}" in {where or model}')
            continue
        found += problems(module, cls.openapi_types[attr], value, partial=partial, where=f"{where}.{key}".lstrip("."))
    if not partial:
        for attr in _required(module, model):
            if data.get(cls.attribute_map[attr]) is None:
                found.append(f'missing required field "{cls.attribute_map[attr]}" in {where or model}')
    return found


# Kubernetes resources the backend writes -> their model
K8S_MODELS = {
    "configmaps": "V1ConfigMap", "secrets": "V1Secret", "serviceaccounts": "V1ServiceAccount", "pods": "V1Pod",
    "persistentvolumeclaims": "V1PersistentVolumeClaim", "services": "V1Service",
    "clusterrolebindings": "V1ClusterRoleBinding", "rolebindings": "V1RoleBinding",
    "token": "AuthenticationV1TokenRequest", "selfsubjectaccessreviews": "V1SelfSubjectAccessReview",
}

# The PodDefault CRD (kubeflow/manifests v1.11.0 applications/admission-webhook/upstream/base/crd.yaml):
# spec fields; it has no published Python model.
PODDEFAULT_SPEC = {"desc", "selector", "env", "envFrom", "volumes", "volumeMounts", "serviceAccountName",
                   "automountServiceAccountToken", "annotations", "labels", "tolerations", "command", "args",
                   "imagePullSecrets", "initContainers", "sidecars"}


def poddefault_problems(data: Any) -> list[str]:
    if not isinstance(data, dict):
        return ["body: expected an object"]
    found = [f'unknown field "{k}"' for k in data if k not in {"apiVersion", "kind", "metadata", "spec"}]
    found += problems("k8s", "V1ObjectMeta", data.get("metadata"), where="metadata")
    spec = data.get("spec") or {}
    found += [f'unknown field "spec.{k}"' for k in spec if k not in PODDEFAULT_SPEC]
    if "desc" not in spec or "selector" not in spec:
        found.append("spec.desc and spec.selector are required")
    found += problems("k8s", "V1LabelSelector", spec.get("selector"), where="spec.selector")
    found += problems("k8s", "list[V1EnvVar]", spec.get("env"), where="spec.env")
    found += problems("k8s", "list[V1Volume]", spec.get("volumes"), where="spec.volumes")
    found += problems("k8s", "list[V1VolumeMount]", spec.get("volumeMounts"), where="spec.volumeMounts")
    return found
