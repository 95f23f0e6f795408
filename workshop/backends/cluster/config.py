"""Where the cluster is and who we are there: environment, cluster.toml, the notebook, defaults.

Precedence, highest first, for every setting: an environment variable, then cluster.toml
(WORKSHOP_CLUSTER_CONFIG, else <WORKSHOP_HOME>/cluster.toml when WORKSHOP_HOME is set, else
<user config dir>/kubeflow-workshop/cluster.toml), then what a Kubeflow notebook pod provides
(the projected KFP token, the service account's namespace and token), then the defaults.
docs/cluster.md has the full table. Nothing here touches the network.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workshop.core.errors import BackendError

DEFAULT_KFP_HOST = "http://ml-pipeline.kubeflow.svc.cluster.local:8888"
DEFAULT_KFP_TOKEN_PATH = "/var/run/secrets/kubeflow/pipelines/token"
SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
DEFAULT_MLMD_ENDPOINT = "metadata-grpc-service.kubeflow:8080"
EXPERIMENT = "kubeflow-workshop"
PART_OF = "kubeflow-workshop"  # the value of app.kubernetes.io/part-of on everything the workshop creates

# setting -> environment variable; the setting is also the cluster.toml key
ENV = {
    "kfp_host": "WORKSHOP_KFP_HOST",
    "namespace": "WORKSHOP_NAMESPACE",
    "token_file": "WORKSHOP_TOKEN_FILE",
    "verify_tls": "WORKSHOP_VERIFY_TLS",
    "ca_file": "WORKSHOP_CA_FILE",
    "kube_host": "WORKSHOP_KUBE_HOST",
    "kube_token_file": "WORKSHOP_KUBE_TOKEN_FILE",
    "kube_ca_file": "WORKSHOP_KUBE_CA_FILE",
    "kubeconfig": "WORKSHOP_KUBECONFIG",
    "kube_context": "WORKSHOP_KUBE_CONTEXT",
    "mlmd_endpoint": "WORKSHOP_MLMD_ENDPOINT",
    "s3_endpoint": "WORKSHOP_S3_ENDPOINT",
    "s3_url": "WORKSHOP_S3_URL",
    "reader_image": "WORKSHOP_READER_IMAGE",
    "poll_interval": "WORKSHOP_POLL_INTERVAL",
    "serving_timeout": "WORKSHOP_SERVING_TIMEOUT",
    "doctor_timeout": "WORKSHOP_DOCTOR_TIMEOUT",
}
TOKEN_ENV = "WORKSHOP_TOKEN"  # a token value: environment only, never cluster.toml


@dataclass(frozen=True)
class ClusterConfig:
    kfp_host: str
    namespace: str
    token_file: str = ""  # re-read on every request (kubelet-projected tokens rotate)
    token: str = field(default="", repr=False)  # a static token from WORKSHOP_TOKEN
    verify_tls: bool = True
    ca_file: str = ""
    kube_host: str = ""  # "" = no Kubernetes API: runs work, logs and PVC/secret reads do not
    kube_token_file: str = ""
    kube_ca_file: str = ""
    kubeconfig: str = ""  # a kubeconfig whose credentials reach the Kubernetes API
    kube_context: str = ""
    in_notebook: bool = False  # running in a pod with the projected KFP token
    in_pod: bool = False  # running in a pod at all (a notebook without the token is in_pod, not in_notebook)
    projected_token: str = DEFAULT_KFP_TOKEN_PATH  # where Kubeflow's PodDefault puts the KFP token
    pod_name: str = ""  # this pod, when in one (its volume mounts give direct PVC access)
    mlmd_endpoint: str = DEFAULT_MLMD_ENDPOINT
    s3_endpoint: str = ""  # host:port the pipeline pods use; "" = discover (SeaweedFS, then MinIO)
    s3_url: str = ""  # how this machine reaches the object store; "" = http://<s3_endpoint>
    reader_image: str = "python:3.11"  # the short-lived PVC reader pod
    poll_interval: float = 2.0
    serving_timeout: float = 300.0  # how long a check waits for an InferenceService to be Ready
    doctor_timeout: float = 30.0  # `workshop doctor` answers within this, whatever the cluster does
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    experiment: str = EXPERIMENT
    state_dir: Path = Path(".")  # local copies of run logs: <WORKSHOP_HOME>/cluster
    config_file: str = ""  # the cluster.toml that was read, if any
    sources: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def has_token(self) -> bool:
        return bool(self.token or self.token_file)


def config_path(env: Mapping[str, str]) -> Path:
    explicit = env.get("WORKSHOP_CLUSTER_CONFIG")
    if explicit:
        return Path(explicit).expanduser()
    home = env.get("WORKSHOP_HOME")
    if home:
        return Path(home).expanduser() / "cluster.toml"
    from platformdirs import user_config_dir

    return Path(user_config_dir("kubeflow-workshop", appauthor=False)) / "cluster.toml"


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise BackendError.of("backend:cannot_read", path=path, error=exc) from None
    data = data.get("cluster", data)  # a [cluster] table or top-level keys
    if "token" in data:
        raise BackendError.of("backend:toml_token", path=path, env=TOKEN_ENV)
    unknown = sorted(set(data) - set(ENV))
    if unknown:
        raise BackendError.of("backend:toml_unknown", path=path, unknown=", ".join(unknown),
                              known=", ".join(sorted(ENV)))
    return data


def _bool(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise BackendError.of("backend:not_bool", name=name, value=repr(value))


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def load_config(
    home: Path,
    env: Mapping[str, str] | None = None,
    kfp_token_path: str | None = None,
    sa_dir: str = SERVICE_ACCOUNT_DIR,
) -> ClusterConfig:
    """Every setting from the environment, cluster.toml, the notebook pod and the defaults."""
    env = dict(os.environ if env is None else env)
    path = config_path(env)
    file = _read_toml(path)
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}

    def pick(key: str) -> Any:
        var = ENV[key]
        if env.get(var, "") != "":
            sources[key] = f"environment {var}"
            return env[var]
        if key in file:
            sources[key] = f"{path}"
            return file[key]
        return None

    for key in ENV:
        value = pick(key)
        if value is not None:
            values[key] = value

    projected = kfp_token_path or env.get("KF_PIPELINES_SA_TOKEN_PATH") or DEFAULT_KFP_TOKEN_PATH
    in_notebook = os.path.isfile(projected)
    in_pod = bool(env.get("KUBERNETES_SERVICE_HOST"))
    sa_token = os.path.join(sa_dir, "token")

    # Token: WORKSHOP_TOKEN_FILE > WORKSHOP_TOKEN > cluster.toml token_file > the projected KFP token.
    token = ""
    if sources.get("token_file", "").startswith("environment"):
        pass
    elif env.get(TOKEN_ENV):
        token = env[TOKEN_ENV]
        values.pop("token_file", None)
        sources["token"] = f"environment {TOKEN_ENV}"
        sources.pop("token_file", None)
    if "token_file" not in values and not token and in_notebook:
        values["token_file"] = projected
        sources["token_file"] = "the notebook's projected KFP token"

    if "namespace" not in values:
        namespace = _read(os.path.join(sa_dir, "namespace"))
        if namespace:
            values["namespace"] = namespace
            sources["namespace"] = "the notebook pod's service account"
    if not values.get("namespace"):
        raise BackendError.of("backend:no_namespace", path=path)

    if "kfp_host" not in values:
        if not (in_notebook or in_pod):
            raise BackendError.of("backend:no_kfp_host", path=path)
        values["kfp_host"] = DEFAULT_KFP_HOST
        sources["kfp_host"] = "default (in-cluster service)"
    host = str(values["kfp_host"]).rstrip("/")
    if not host.startswith(("http://", "https://")):
        host = "http://" + host
    values["kfp_host"] = host

    # The Kubernetes API: configured (a host, or a kubeconfig), else this pod's service account, else ~/.kube/config.
    if "kube_host" not in values and not values.get("kubeconfig") and in_pod and os.path.isfile(sa_token):
        port = env.get("KUBERNETES_SERVICE_PORT", "443")
        values["kube_host"] = f"https://{env['KUBERNETES_SERVICE_HOST']}:{port}"
        sources["kube_host"] = "in-cluster (KUBERNETES_SERVICE_HOST)"
        values.setdefault("kube_token_file", sa_token)
        sources.setdefault("kube_token_file", "the pod's service account token")
        ca = os.path.join(sa_dir, "ca.crt")
        if os.path.isfile(ca):
            values.setdefault("kube_ca_file", ca)
    if "kube_host" not in values and not values.get("kubeconfig"):
        kubeconfig = env.get("KUBECONFIG", "").split(os.pathsep)[0] or os.path.expanduser("~/.kube/config")
        if os.path.isfile(kubeconfig) and not in_pod:
            values["kubeconfig"] = kubeconfig
            sources["kubeconfig"] = "KUBECONFIG" if env.get("KUBECONFIG") else "~/.kube/config"

    typed: dict[str, Any] = {}
    for key, value in values.items():
        if key == "verify_tls":
            typed[key] = _bool(value, ENV[key])
        elif key in ("poll_interval", "serving_timeout", "doctor_timeout"):
            try:
                typed[key] = max(0.001, float(value))
            except ValueError:
                raise BackendError.of("backend:not_seconds", name=ENV[key], value=repr(value)) from None
        else:
            typed[key] = str(value)
    for key in ("token_file", "kube_token_file", "ca_file", "kube_ca_file", "kubeconfig"):
        if typed.get(key):
            typed[key] = os.path.expanduser(typed[key])
    return ClusterConfig(
        token=token,
        in_notebook=in_notebook,
        in_pod=in_pod,
        projected_token=projected,
        pod_name=env.get("HOSTNAME", "") if in_pod else "",
        state_dir=home / "cluster",
        config_file=str(path) if file else "",
        sources=sources,
        **typed,
    )
