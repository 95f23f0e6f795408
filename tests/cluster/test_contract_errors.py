"""Bad input: every failure a learner can meet is a BackendError that says what to do, never a hang."""

from __future__ import annotations

import base64
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cluster.fake import FakeServer, Reply, k8s_status, kfp_error
from tests.cluster.sim import API, NS, Sim
from tests.cluster.test_contract_runs import start
from workshop.core.errors import BackendError


def jwt(exp: float, sub: str = "system:serviceaccount:kubeflow:kfp-api-user") -> str:
    def part(data: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part({'alg': 'RS256'})}.{part({'exp': int(exp), 'sub': sub})}.c2lnbmF0dXJl"


@pytest.fixture
def blackhole() -> Iterator[int]:
    """A port that accepts no connection: its backlog is full, so a connect waits until it times out."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    fillers = []
    for _ in range(4):
        filler = socket.socket()
        filler.setblocking(False)
        try:
            filler.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        fillers.append(filler)
    try:
        yield port
    finally:
        for filler in fillers:
            filler.close()
        server.close()


def test_an_unreachable_host_answers_within_seconds(make_backend, blackhole: int) -> None:
    backend = make_backend(kfp_host=f"http://127.0.0.1:{blackhole}", connect_timeout=1.0)
    started = time.monotonic()
    with pytest.raises(BackendError, match=rf"cannot reach the KFP API at http://127.0.0.1:{blackhole} .*"
                                           r"no answer within 1 s"):
        backend.kfp.healthz()
    assert time.monotonic() - started < 10


def test_the_default_connect_timeout_is_short(make_backend) -> None:
    backend = make_backend()
    assert backend.kfp.rest.connect_timeout <= 5 and backend.kube.rest.connect_timeout <= 5


def test_a_closed_port_is_a_clear_error(make_backend) -> None:
    free = socket.socket()
    free.bind(("127.0.0.1", 0))
    port = free.getsockname()[1]
    free.close()
    with pytest.raises(BackendError, match=f"cannot reach the KFP API at http://127.0.0.1:{port} \\(set by test\\)"):
        make_backend(kfp_host=f"http://127.0.0.1:{port}").kfp.healthz()


def test_401_says_the_token_expired_and_how_to_get_a_new_one(make_backend, fake: FakeServer, token_file: Path) -> None:
    token = jwt(time.time() - 7200)
    token_file.write_text(token)
    fake.on("GET", f"{API}/healthz", Reply(401, kfp_error(16, "Unauthenticated: token has expired")))
    with pytest.raises(BackendError) as caught:
        make_backend().kfp.healthz()
    message = str(caught.value)
    assert "rejected the token (401 Unauthorized; token expired 2 h ago" in message
    assert "workshop instructor token --output FILE" in message and "WORKSHOP_TOKEN_FILE" in message
    assert "kubectl" not in message  # a learner cannot create tokens
    assert token not in message and token.split(".")[1] not in message


def test_403_names_the_missing_permission(make_backend, sim: Sim, fake: FakeServer, tmp_path: Path) -> None:
    denied = ('pods is forbidden: User "system:serviceaccount:team-a:default-editor" cannot list resource "pods" '
              'in API group "" in the namespace "team-a"')
    fake.on("GET", f"/api/v1/namespaces/{NS}/pods", Reply(403, k8s_status(403, "Forbidden", denied)))
    backend = make_backend()
    with pytest.raises(BackendError) as caught:
        backend.task_pod("run-1", "square")
    assert "lacks permission to list pods in namespace team-a" in str(caught.value)
    assert denied in str(caught.value)
    fake.on("POST", f"{API}/pipelines/upload", Reply(403, kfp_error(7, "PermissionDenied: User 'me' is not "
                                                                        "authorized with reason: no create access")))
    with pytest.raises(BackendError, match="refused POST /apis/v2beta1/pipelines/upload \\(403 Forbidden\\): the "
                                           "account behind the token lacks permission to create pipelines"):
        start(backend, tmp_path)


def test_a_namespace_that_does_not_exist_is_named(make_backend, sim: Sim, fake: FakeServer, tmp_path: Path) -> None:
    fake.on("GET", f"/api/v1/namespaces/{NS}", Reply(404, k8s_status(404, "NotFound", f'namespaces "{NS}" not found')))
    with pytest.raises(BackendError, match=f"the namespace {NS} does not exist on the cluster .*WORKSHOP_NAMESPACE"):
        start(make_backend(identity="instructor"), tmp_path)  # a learner may not GET namespaces
    assert fake.calls("POST") == []


def test_a_run_that_is_gone_is_named(make_backend, sim: Sim, fake: FakeServer) -> None:
    fake.on("GET", f"{API}/runs/nope", Reply(404, kfp_error(5, "Run nope not found")))
    with pytest.raises(BackendError, match="KFP has no run nope"):
        make_backend().status("nope")


def test_an_unreadable_token_file_is_named(make_backend, tmp_path: Path) -> None:
    backend = make_backend(token_file=str(tmp_path / "missing-token"))
    with pytest.raises(BackendError, match="cannot read the token file .*missing-token"):
        backend.kfp.healthz()


def test_a_token_that_expires_during_a_run_ends_the_stream_at_once(make_backend, sim: Sim, fake: FakeServer,
                                                                   tmp_path: Path) -> None:
    from tests.cluster.conftest import collect

    backend = make_backend()
    run_id = start(backend, tmp_path)
    fake.on("GET", f"{API}/runs/{run_id}", Reply(401, kfp_error(16, "Unauthenticated")))
    started = time.monotonic()
    with pytest.raises(BackendError, match="rejected the token"):
        collect(backend, run_id)
    assert time.monotonic() - started < 5


def test_without_permission_on_pods_the_run_goes_on_without_logs(make_backend, sim: Sim, fake: FakeServer,
                                                                 tmp_path: Path) -> None:
    from tests.cluster.conftest import collect
    from tests.cluster.sim import Frame, run_json
    from workshop.core.events import LogLine, RunFinished

    backend = make_backend()
    run_id = start(backend, tmp_path)
    fake.on("GET", f"/api/v1/namespaces/{NS}/pods", Reply(403, k8s_status(403, "Forbidden", "pods is forbidden")))
    sim.scenario(*[Frame(run_json(run_id, "RUNNING", {"square": "RUNNING"})) for _ in range(3)],
                 Frame(run_json(run_id, "SUCCEEDED", {"square": "SUCCEEDED"})))
    events = collect(backend, run_id)
    said = [e.line for e in events if isinstance(e, LogLine)]
    assert len(said) == 1 and "cannot list the run's pods, so no live logs" in said[0]
    last = events[-1]
    assert isinstance(last, RunFinished) and last.state.value == "SUCCEEDED"
    assert len(fake.calls("GET", f"/api/v1/namespaces/{NS}/pods")) == 2  # once by the poll loop, once for outputs


def test_a_ca_file_that_cannot_be_read_is_named(make_backend, tmp_path: Path) -> None:
    with pytest.raises(BackendError, match="cannot use the TLS files .*missing-ca.pem"):
        make_backend(ca_file=str(tmp_path / "missing-ca.pem"))


def test_a_notebook_without_the_kfp_token_says_to_tick_the_option_or_ask_for_prepare(
        make_backend, fake: FakeServer) -> None:
    """A stock notebook has no /var/run/secrets/kubeflow/pipelines/token unless created with the PodDefault
    access-ml-pipeline ticked (kubeflow/manifests tests/poddefaults.access-ml-pipeline.*.yaml; spawner
    pre-selects none). KFP then refuses the call without identity: 401 Unauthenticated (KFP 2.17.0
    backend/src/apiserver/auth/authenticator.go IdentityHeaderMissingError, an Unauthenticated error)."""
    fake.on("GET", f"{API}/healthz", Reply(401, kfp_error(16, "Request header error: there is no user identity "
                                                           "header.")))
    backend = make_backend(token_file="", in_pod=True)
    with pytest.raises(BackendError) as caught:
        backend.kfp.healthz()
    message = str(caught.value)
    assert "no token was sent" in message
    assert "/var/run/secrets/kubeflow/pipelines/token is missing" in message
    assert '"Allow access to Kubeflow Pipelines"' in message and "workshop instructor prepare" in message
    assert "kubectl" not in message
