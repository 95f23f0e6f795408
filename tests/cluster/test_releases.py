"""The object store as each release sets it up: where it answers, what a namespace's keys may do."""

from __future__ import annotations

import pytest

from tests.cluster.fake import FakeServer, Reply, k8s_status
from tests.cluster.sim import NS, RELEASES, Release, Sim, Store, service_json
from workshop.backends.cluster import ClusterBackend
from workshop.core.errors import BackendError
from workshop.core.ports import Artifact

SERVICES = "/api/v1/namespaces/kubeflow/services"


def _open_ports(release: Release) -> set[tuple[str, int]]:
    return {(f"{name}.kubeflow", port) for name, ports in release.services.items() for port in ports}


def test_inside_a_pod_the_endpoint_is_the_first_that_accepts_a_connection(make_backend, sim: Sim,
                                                                           release: Release) -> None:
    """Kubeflow 1.11 (KFP 2.15.0 manifests/kustomize/third-party/seaweedfs/base/seaweedfs/seaweedfs-service.yaml
    lines 11-35): seaweedfs has 8333 and no 9000, so a name that resolves is not enough; KFP 2.17.0's lines
    18-21 add 9000 and drop minio-service; v1.10 is MinIO on 9000."""
    base = make_backend()
    open_ports = _open_ports(release)
    backend = ClusterBackend(base.config.__class__(**{**base.config.__dict__, "in_pod": True}),
                             probe=lambda host, port: (host, port) in open_ports)
    try:
        assert backend.defaults({"object_store_endpoint"}) == {"object_store_endpoint": release.endpoint}
    finally:
        backend.close()


def test_outside_the_endpoint_comes_from_the_services_ports(make_backend, sim: Sim, fake: FakeServer,
                                                            release: Release) -> None:
    """An instructor's view: GET the services in kubeflow and pick the S3 port they really have."""
    for name in ("seaweedfs", "minio-service"):
        if name in release.services:
            fake.on("GET", f"{SERVICES}/{name}", service_json(name, release.services[name]))
        else:
            fake.on("GET", f"{SERVICES}/{name}", Reply(404, k8s_status(404, "NotFound", f'services "{name}"')))
    backend = make_backend("instructor")  # a learner may not read services in kubeflow
    assert backend.defaults({"object_store_endpoint"}) == {"object_store_endpoint": release.endpoint}
    assert "ports of service" in backend.objects.found_by
    # outside a pod and without that permission: the default of the release KFP reports (v1beta1 healthz);
    # KFP 2.16 and later ship no minio-service at all (KFP 2.17.0 .../seaweedfs/base/seaweedfs/kustomization.yaml)
    learner = make_backend()
    default = learner.defaults({"object_store_endpoint"})["object_store_endpoint"]
    host, _, port = default.partition(":")
    assert (host, int(port)) in _open_ports(release)
    assert default == ("minio-service.kubeflow:9000" if release.kfp == "2.5.0" else "seaweedfs.kubeflow:8333")


def test_lesson_4s_key_is_one_the_namespace_may_write(make_backend, sim: Sim, fake: FakeServer,
                                                      release: Release) -> None:
    """KM v1.11.0 profile controller sync.py 356-376 (prefixes 370-373): a namespace's keys reach
    private/<ns>/*; the key the
    backend gives lesson 4 lies there on every release, and the check reads it back with the same keys."""
    store = Store(fake, release)
    fake.on("GET", f"/api/v1/namespaces/{NS}/secrets/mlpipeline-minio-artifact", store.secret())
    backend = make_backend(s3_url=fake.url, s3_endpoint=release.endpoint)
    key = backend.defaults({"model_object_key"})["model_object_key"]
    assert key == f"private/{NS}/models/detect-digits.keras"
    store.objects[key] = b"model"
    assert backend.get_object("mlpipeline", key) == b"model"


def test_access_denied_names_the_prefix_policy(make_backend, fake: FakeServer) -> None:
    """Per-namespace keys outside their prefixes get AccessDenied: the message names the policy and the
    allowed prefixes, never 'the secret and the store disagree'."""
    store = Store(fake, RELEASES["kubeflow-1.11"])
    fake.on("GET", f"/api/v1/namespaces/{NS}/secrets/mlpipeline-minio-artifact", store.secret())
    backend = make_backend(s3_url=fake.url, s3_endpoint="seaweedfs.kubeflow:8333")
    with pytest.raises(BackendError) as caught:
        backend.stat_object("mlpipeline", "models/detect-digits.keras")
    message = str(caught.value)
    assert "AccessDenied" in message and "disagree" not in message
    for prefix in ("artifacts/*", f"private-artifacts/{NS}/*", f"private/{NS}/*", "shared/*"):
        assert prefix in message


def test_reset_says_plainly_that_the_store_forbids_deleting(make_backend, fake: FakeServer) -> None:
    """KM v1.11.0 applications/pipeline/upstream/base/installs/multi-user/pipelines-profile-controller/sync.py
    364-368 grants s3:Put*, Get*, List* and no DeleteObject: reset says so and that the object remains."""
    store = Store(fake, RELEASES["kubeflow-1.11"])
    key = f"private/{NS}/models/detect-digits.keras"
    store.objects[key] = b"model"
    fake.on("GET", f"/api/v1/namespaces/{NS}/secrets/mlpipeline-minio-artifact", store.secret())
    backend = make_backend(s3_url=fake.url, s3_endpoint="seaweedfs.kubeflow:8333")
    artifact = Artifact("object", f"mlpipeline/{key}", 4)
    assert backend.artifact_exists(artifact)
    with pytest.raises(BackendError) as caught:
        backend.remove_artifact(artifact)
    message = str(caught.value)
    assert "does not let namespace team-a delete" in message and "the object stays" in message
    assert getattr(caught.value, "kept", False)  # a reset goes on: the object is harmless
    assert key in store.objects


def test_on_kubeflow_1_10_the_root_keys_delete(make_backend, fake: FakeServer) -> None:
    store = Store(fake, RELEASES["kubeflow-1.10"])
    store.objects["models/detect-digits.keras"] = b"model"
    fake.on("GET", f"/api/v1/namespaces/{NS}/secrets/mlpipeline-minio-artifact", store.secret())
    backend = make_backend(s3_url=fake.url, s3_endpoint="minio-service.kubeflow:9000")
    backend.remove_artifact(Artifact("object", "mlpipeline/models/detect-digits.keras", 4))
    assert store.objects == {}


def test_lesson_4s_checks_and_reset_follow_the_runs_object_key(make_backend, fake: FakeServer,
                                                               tmp_path) -> None:
    """The pipeline code is the same on both backends; the key is the run's argument object_key (the
    backend's default), and the object check, the accuracy check's download and reset all use it."""
    import time

    from workshop.core.checks import CheckContext
    from workshop.core.checks_object_store import object_key, s3_object
    from workshop.core.course import Course
    from workshop.core.progress import RunRecord
    from workshop.core.reset import created_by
    from workshop.core.settings import Settings

    store = Store(fake, RELEASES["kubeflow-1.11"])
    fake.on("GET", f"/api/v1/namespaces/{NS}/secrets/mlpipeline-minio-artifact", store.secret())
    backend = make_backend(s3_url=fake.url, s3_endpoint="seaweedfs.kubeflow:8333")
    course = Course(Settings(home=tmp_path / "home", language="en", learner="tester"))
    lesson = course.lesson(4)
    arguments = lesson.defaults(backend.defaults({a.default_from for a in lesson.arguments if a.default_from}))
    key = f"private/{NS}/models/detect-digits.keras"
    assert arguments["object_key"] == key and arguments["s3_endpoint"] == "seaweedfs.kubeflow:8333"
    store.objects[key] = b"model"
    run = RunRecord("run-1", 4, "cluster", "detect-digits-to-minio", "", arguments, "SUCCEEDED", {}, "", [],
                    time.time() - 60, time.time())
    spec = next(c for c in lesson.checks if c.kind == "s3_object")
    ctx = CheckContext(lesson, run, backend)
    assert object_key(ctx, spec.params) == key
    outcome = s3_object(ctx, spec.params)
    assert outcome.evidence["key"] == key
    course.progress.add_run(run)
    refs = {a.ref for a in created_by(course, backend, lesson) if a.kind == "object"}
    assert f"mlpipeline/{key}" in refs
