"""Where the settings come from: the environment, cluster.toml, the notebook pod, the defaults."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.cluster.conftest import point_at_fake
from tests.cluster.fake import FakeServer
from tests.cluster.sim import API, NS, Sim
from workshop.backends import make_backend
from workshop.backends.cluster import ClusterBackend
from workshop.backends.cluster.auth import describe_expiry, jwt_claims, write_token_file
from workshop.backends.cluster.config import DEFAULT_KFP_HOST, load_config
from workshop.core.errors import BackendError
from workshop.core.settings import Settings


@pytest.fixture
def pod(tmp_path: Path) -> dict[str, str]:
    """A Kubeflow notebook pod's files and environment."""
    token = tmp_path / "projected" / "token"
    token.parent.mkdir()
    token.write_text("projected-kfp-token")
    sa = tmp_path / "sa"
    sa.mkdir()
    (sa / "namespace").write_text("team-a")
    (sa / "token").write_text("sa-token")
    (sa / "ca.crt").write_text("ca")
    return {"KF_PIPELINES_SA_TOKEN_PATH": str(token), "KUBERNETES_SERVICE_HOST": "10.96.0.1",
            "KUBERNETES_SERVICE_PORT": "443", "HOSTNAME": "my-notebook-0", "SA": str(sa),
            "KUBECONFIG": str(tmp_path / "no-kubeconfig")}


def _load(tmp_path: Path, env: dict[str, str], toml: str = ""):
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    if toml:
        (home / "cluster.toml").write_text(toml)
    sa = env.pop("SA", str(tmp_path / "no-sa"))
    return load_config(home, {"WORKSHOP_HOME": str(home), **env}, sa_dir=sa)


def test_a_notebook_is_detected_by_itself(tmp_path: Path, pod: dict[str, str]) -> None:
    sa = pod["SA"]
    config = _load(tmp_path, pod)
    assert config.in_notebook and config.pod_name == "my-notebook-0"
    assert (config.kfp_host, config.namespace) == (DEFAULT_KFP_HOST, "team-a")
    assert config.token_file == pod["KF_PIPELINES_SA_TOKEN_PATH"] and config.token == ""
    assert config.kube_host == "https://10.96.0.1:443"
    assert (config.kube_token_file, config.kube_ca_file) == (f"{sa}/token", f"{sa}/ca.crt")
    assert config.sources["namespace"] == "the notebook pod's service account"
    assert config.sources["token_file"] == "the notebook's projected KFP token"


def test_environment_beats_cluster_toml_beats_the_notebook(tmp_path: Path, pod: dict[str, str]) -> None:
    toml = 'kfp_host = "https://kf.example.com/pipeline"\nnamespace = "from-file"\nverify_tls = false\n'
    config = _load(tmp_path, dict(pod), toml)
    assert (config.kfp_host, config.namespace, config.verify_tls) == ("https://kf.example.com/pipeline",
                                                                       "from-file", False)
    env = dict(pod, WORKSHOP_KFP_HOST="localhost:8888", WORKSHOP_NAMESPACE="from-env", WORKSHOP_VERIFY_TLS="1")
    config = _load(tmp_path, env, toml)
    assert (config.kfp_host, config.namespace, config.verify_tls) == ("http://localhost:8888", "from-env", True)
    assert config.sources["namespace"] == "environment WORKSHOP_NAMESPACE"


def test_token_precedence(tmp_path: Path, pod: dict[str, str]) -> None:
    toml = f'token_file = "{tmp_path / "file-token"}"\n'
    assert _load(tmp_path, dict(pod), toml).token_file == str(tmp_path / "file-token")
    config = _load(tmp_path, dict(pod, WORKSHOP_TOKEN="env-token"), toml)
    assert (config.token, config.token_file) == ("env-token", "")
    config = _load(tmp_path, dict(pod, WORKSHOP_TOKEN="env-token", WORKSHOP_TOKEN_FILE="/t/env-file"), toml)
    assert (config.token, config.token_file) == ("", "/t/env-file")
    assert "env-token" not in repr(_load(tmp_path, dict(pod, WORKSHOP_TOKEN="env-token")))


def test_outside_a_notebook_host_and_namespace_must_be_set(tmp_path: Path) -> None:
    with pytest.raises(BackendError, match="no Kubeflow namespace: set WORKSHOP_NAMESPACE"):
        _load(tmp_path, {})
    with pytest.raises(BackendError, match="not in a Kubeflow notebook and no KFP API configured"):
        _load(tmp_path, {"WORKSHOP_NAMESPACE": "team-a"})
    config = _load(tmp_path, {"WORKSHOP_NAMESPACE": "team-a", "WORKSHOP_KFP_HOST": "http://127.0.0.1:8888",
                              "KUBECONFIG": str(tmp_path / "none")})
    assert not config.in_notebook and config.kube_host == "" and config.kubeconfig == ""


@pytest.mark.parametrize(("toml", "error"), [
    ('token = "abc"', "holds a token: put it in a file"),
    ('kfp_hots = "x"', "unknown key\\(s\\) kfp_hots"),
    ("verify_tls = 'maybe'", "WORKSHOP_VERIFY_TLS must be true or false"),
    ("namespace = [", "cannot read"),
])
def test_a_bad_cluster_toml_is_named(tmp_path: Path, toml: str, error: str) -> None:
    with pytest.raises(BackendError, match=error):
        _load(tmp_path, {"WORKSHOP_NAMESPACE": "a", "WORKSHOP_KFP_HOST": "h"}, toml)


def test_tokens_are_described_never_shown_and_written_only_0600(tmp_path: Path) -> None:
    from tests.cluster.test_contract_errors import jwt

    token = jwt(2_000_000_000)
    ok, words = describe_expiry(token, now=2_000_000_000 - 3 * 3600)
    assert ok and words.startswith("valid for 3 h more") and token not in words
    assert jwt_claims("not-a-jwt") == {} and describe_expiry("opaque")[0] is None
    target = tmp_path / "token"
    write_token_file(str(target), token)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600 and target.read_text().strip() == token


def test_make_backend_builds_the_cluster_backend_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                      fake: FakeServer, sim: Sim) -> None:
    point_at_fake(monkeypatch, tmp_path, fake.url)
    backend = make_backend(Settings.load("en"), "cluster")
    try:
        assert isinstance(backend, ClusterBackend) and backend.name == "cluster" and backend.clock_skew == 120.0
        backend.kfp.healthz()
        assert fake.calls("GET", f"{API}/healthz")[0].headers["authorization"] == "Bearer static-token"
    finally:
        backend.close()


def test_a_kubeconfig_gives_the_kubernetes_api_and_its_credentials(make_backend, fake: FakeServer, sim: Sim,
                                                                   tmp_path: Path) -> None:
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(f"""
apiVersion: v1
kind: Config
clusters: [{{name: c, cluster: {{server: "{fake.url}"}}}}]
users: [{{name: u, user: {{token: kubeconfig-token}}}}]
contexts: [{{name: x, context: {{cluster: c, user: u, namespace: {NS}}}}}]
current-context: x
""")
    backend = make_backend(kube_host="", kube_token_file="", kubeconfig=str(kubeconfig))
    assert backend.kube.list_pods("pipeline/runid=run-1") == []
    assert fake.calls("GET", f"/api/v1/namespaces/{NS}/pods")[0].headers["authorization"] == "Bearer kubeconfig-token"
    kubeconfig.write_text("not: [a kubeconfig")
    broken = make_backend(kube_host="", kube_token_file="", kubeconfig=str(kubeconfig))
    assert not broken.kube.available and "cannot use the kubeconfig" in broken.kube_note
    with pytest.raises(BackendError, match="no access to the Kubernetes API is configured"):
        broken.read_volume_file("aidatasource", "input_numbers.csv")
