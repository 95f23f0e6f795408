"""Fixtures for the cluster backend's contract tests: a recording fake cluster on 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cluster.fake import FakeServer
from tests.cluster.kubeflow import run_reference_training
from tests.cluster.mlmd_fake import FakeMlmd
from tests.cluster.sim import INSTRUCTOR_TOKEN, LEARNER_TOKEN, NS, RELEASES, Release, Sim, learner_rbac
from workshop.backends.cluster import ClusterBackend
from workshop.backends.cluster.config import ClusterConfig
from workshop.core.course import Course
from workshop.core.events import RunEvent, RunFinished
from workshop.core.settings import Settings


@pytest.fixture
def fake() -> Iterator[FakeServer]:
    """The fake cluster; the Kubernetes side answers as RBAC does for a learner (sim.learner_rbac), a
    request made with the instructor's token as for a cluster admin."""
    server = FakeServer().start()
    server.rbac = learner_rbac()
    try:
        yield server
    finally:
        server.stop()
    # a body the real server refuses is the backend's defect even when it handled the 400 gracefully
    assert not server.invalid, f"requests the real server would refuse with 400: {server.invalid}"


@pytest.fixture
def course(tmp_path: Path) -> Course:
    return Course(Settings(home=tmp_path / "home", language="en", learner="tester"))


@pytest.fixture
def mlmd() -> Iterator[FakeMlmd]:
    server = FakeMlmd()
    server.server.start()
    try:
        yield server
    finally:
        server.server.stop(None)


@pytest.fixture(scope="session")
def iris_model(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """model.joblib as lesson 5's reference load_data and train_model make it (scikit-learn, a second)."""
    return run_reference_training(tmp_path_factory.mktemp("iris"))


@pytest.fixture(params=sorted(RELEASES))
def release(request: pytest.FixtureRequest) -> Release:
    """Each contract test that uses the simulator runs on every release profile (sim.RELEASES)."""
    return RELEASES[request.param]


@pytest.fixture
def sim(fake: FakeServer, release: Release) -> Sim:
    return Sim(fake, release=release)


@pytest.fixture
def token_file(tmp_path: Path) -> Path:
    path = tmp_path / "kfp-token"
    path.write_text("token-one\n")
    return path


@pytest.fixture
def make_backend(fake: FakeServer, tmp_path: Path, token_file: Path) -> Iterator[Callable[..., ClusterBackend]]:
    made: list[ClusterBackend] = []
    kube_token = tmp_path / "kube-token"
    kube_token.write_text(f"{LEARNER_TOKEN}\n")
    admin_token = tmp_path / "admin-token"
    admin_token.write_text(f"{INSTRUCTOR_TOKEN}\n")

    def make(identity: str = "learner", **overrides: Any) -> ClusterBackend:
        """A backend as the learner (their notebook's service account) or the instructor (a cluster admin)."""
        values: dict[str, Any] = {
            "kfp_host": fake.url, "namespace": NS, "token_file": str(token_file),
            "kube_host": fake.url, "kube_token_file": str(kube_token if identity == "learner" else admin_token),
            "mlmd_endpoint": "127.0.0.1:9", "poll_interval": 0.01, "state_dir": tmp_path / "state",
            "sources": {"kfp_host": "test", "namespace": "test", "token_file": "test"},
        }
        values.update(overrides)
        backend = ClusterBackend(ClusterConfig(**values), probe=lambda host, port: False)
        backend.mlmd.timeout = 2.0
        made.append(backend)
        return backend

    yield make
    for backend in made:
        backend.close()


def collect(backend: ClusterBackend, run_id: str, timeout: float = 20.0,
            seen: list[RunEvent] | None = None) -> list[RunEvent]:
    """All of a run's events, consumed in a thread with a deadline (a hang fails the test, never blocks it)."""
    events: list[RunEvent] = seen if seen is not None else []
    errors: list[BaseException] = []

    def consume() -> None:
        try:
            for event in backend.events(run_id):
                events.append(event)
        except BaseException as exc:  # surfaced to the test below
            errors.append(exc)

    thread = threading.Thread(target=consume, daemon=True)
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), f"the event stream did not end within {timeout} s: {events[-5:]}"
    if errors:
        raise errors[0]
    assert isinstance(events[-1], RunFinished)
    return events


def point_at_fake(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, url: str) -> None:
    """The environment a learner's notebook would give, pointing every host at the fake, with a static token
    and nothing of this machine's own cluster settings (in-cluster variables, kubeconfig) in the way."""
    for var in ("KUBERNETES_SERVICE_HOST", "KF_PIPELINES_SA_TOKEN_PATH", "WORKSHOP_TOKEN_FILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("WORKSHOP_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("WORKSHOP_KFP_HOST", url)
    monkeypatch.setenv("WORKSHOP_KUBE_HOST", url)
    monkeypatch.setenv("WORKSHOP_NAMESPACE", NS)
    monkeypatch.setenv("WORKSHOP_TOKEN", "static-token")
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "none"))
