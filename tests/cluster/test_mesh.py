"""Lesson 5 on a stock mesh, and a doctor that answers in time whatever the cluster does."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from tests.cluster.fake import FakeServer
from tests.cluster.sim import NS, Sim
from workshop.backends.cluster.doctor import MESH, doctor, doctor_rows

ISTIO = "/apis/security.istio.io/v1beta1/namespaces"
ISVC = f"/apis/serving.kserve.io/v1beta1/namespaces/{NS}/inferenceservices/iris-svc"


def _mesh(make_backend: Any, identity: str = "instructor") -> Any:
    """The mesh row; istio-system is readable by the instructor only (a learner's is the last test)."""
    return next(item for item in doctor(make_backend(identity)) if item.name == MESH)


def _policies(fake: FakeServer, *items: dict[str, Any]) -> None:
    fake.on("GET", f"{ISTIO}/{NS}/authorizationpolicies", {"kind": "AuthorizationPolicyList", "items": list(items)})


def test_a_sidecar_less_model_server_is_reachable(make_backend, sim: Sim, fake: FakeServer) -> None:
    """The deploy step's annotation sidecar.istio.io/inject: "false" keeps the predictor out of the deny-all."""
    fake.on("GET", ISVC, {"metadata": {"name": "iris-svc", "annotations": {"sidecar.istio.io/inject": "false"}}})
    item = _mesh(make_backend)
    assert item.ok is True and "without an Istio sidecar" in item.detail


def test_an_authorization_policy_admitting_the_namespace_is_found(make_backend, sim: Sim, fake: FakeServer) -> None:
    """kubeflow/manifests tests/kserve_test.sh ~50-66 (master 010e841): an ALLOW policy selecting the predictor."""
    _policies(fake, {"metadata": {"name": "allow-notebook"}, "spec": {
        "action": "ALLOW", "rules": [{"from": [{"source": {"namespaces": [NS]}}]}]}})
    item = _mesh(make_backend)
    assert item.ok is True and "allow-notebook admits callers from team-a" in item.detail


def test_a_gateway_that_demands_a_jwt_is_named(make_backend, sim: Sim, fake: FakeServer) -> None:
    """The optional m2m overlay puts a RequestAuthentication on the cluster-local gateway."""
    _policies(fake)
    fake.on("GET", f"{ISTIO}/istio-system/requestauthentications", {"items": [{"metadata": {"name": "m2m"}, "spec": {
        "selector": {"matchLabels": {"app": "cluster-local-gateway"}}}}]})
    item = _mesh(make_backend)
    assert item.ok is False and "demands a JWT" in item.detail and "kind: AuthorizationPolicy" in item.fix


def test_the_stock_deny_all_gets_the_authorization_policy_to_apply(make_backend, sim: Sim, fake: FakeServer) -> None:
    """Kubeflow's mesh-wide deny-all (kubeflow/manifests v1.11.0 common/istio/istio-install/base/
    deny_all_authorizationpolicy.yaml, global-deny-all in istio-system, spec {}) with nothing admitting."""
    _policies(fake, {"metadata": {"name": "ns-owner-access-istio"}, "spec": {
        "rules": [{"from": [{"source": {"principals": ["cluster.local/ns/kubeflow/sa/ml-pipeline"]}}]}]}})
    fake.on("GET", f"{ISTIO}/istio-system/authorizationpolicies/global-deny-all",
            {"metadata": {"name": "global-deny-all", "namespace": "istio-system"}, "spec": {}})
    item = _mesh(make_backend)
    assert item.ok is False and "istio-system/global-deny-all" in item.detail
    assert f'namespaces: ["{NS}"]' in item.fix and "serving.kserve.io/inferenceservice: iris-svc" in item.fix


def test_a_learner_reads_the_policies_of_their_namespace_where_kubeflow_edit_allows(make_backend, sim: Sim,
                                                                                     fake: FakeServer) -> None:
    """kubeflow-edit aggregates kubeflow-view, which aggregates kubeflow-istio-view: get/list/watch on
    security.istio.io authorizationpolicies (kubeflow/manifests v1.11.0 common/istio/kubeflow-istio-resources/
    base/cluster-roles.yaml 42-64); at v1.10.2 that role has no security.istio.io. istio-system stays closed."""
    _policies(fake)
    item = _mesh(make_backend, "learner")
    if sim.release.reads_policies:
        assert item.ok is False and "no AuthorizationPolicy in team-a admits the notebook" in item.detail
        assert "Kubeflow's mesh-wide deny-all" in item.detail and "kind: AuthorizationPolicy" in item.fix
    else:
        assert item.ok is None and "RBAC: access denied" in item.detail and "AuthorizationPolicy" in item.fix
    refused = {path for _, path, _ in fake.denied if "istio" in path}
    assert all("/istio-system/" in path for path in refused) == sim.release.reads_policies or not refused
    assert (f"{ISTIO}/{NS}/authorizationpolicies" in refused) is not sim.release.reads_policies


@pytest.fixture
def silent_host() -> Iterator[str]:
    """A loopback socket that accepts connections (the kernel's backlog) and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        server.close()


def test_against_a_host_that_never_answers_each_row_comes_and_the_doctor_ends_in_time(make_backend,
                                                                                      silent_host: str) -> None:
    """Issue 15: `workshop doctor` printed nothing for 174 s. Each row is yielded as it is decided and all of
    them come within the doctor's timeout (a deadline on the whole, not a measurement)."""
    backend = make_backend(kfp_host=silent_host, kube_host=silent_host, doctor_timeout=3.0)
    rows = doctor_rows(backend)
    first_seen = threading.Event()
    got: list[Any] = []

    def consume() -> None:
        for item in rows:
            got.append(item)
            first_seen.set()

    worker = threading.Thread(target=consume, daemon=True)
    worker.start()
    assert first_seen.wait(3.0), "the first row did not come on its own"
    assert got[0].name == "KFP API" and got[0].ok is False
    worker.join(3.0 + 3.0)
    assert not worker.is_alive(), f"the doctor did not end within its timeout: {[i.name for i in got]}"
    names = [item.name for item in got]
    assert names[:2] == ["KFP API", "namespace"] and names[-1] == "ML Metadata (task outputs)"
    assert "did not answer within" in got[0].detail


def test_a_run_against_a_host_that_never_answers_gives_up_quickly(make_backend, silent_host: str,
                                                                  tmp_path) -> None:
    """Issue 15: `run 1` took 44 s. The first question a session asks KFP has a short timeout, and the
    message names the host and what to check; progress is untouched (nothing was submitted)."""
    from tests.cluster.test_contract_runs import start
    from workshop.core.errors import BackendError

    backend = make_backend(kfp_host=silent_host, kube_host=silent_host)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start(backend, tmp_path)
        except BackendError as exc:
            errors.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(5.0 + 5.0)  # QUICK plus a margin: a deadline, not a measurement
    assert not worker.is_alive(), "the run did not give up"
    assert errors and "did not answer within 5 s" in str(errors[0]) and silent_host in str(errors[0])
    assert "port-forward" in str(errors[0])


def test_the_doctor_gives_back_the_backends_timeouts(make_backend, sim) -> None:
    """The doctor shortens each answer's wait for itself only: the runs that follow keep theirs."""
    backend = make_backend()
    before = (backend.kfp.rest.read_timeout, backend.kube.rest.read_timeout)
    list(doctor_rows(backend, timeout=8.0))
    assert (backend.kfp.rest.read_timeout, backend.kube.rest.read_timeout) == before
