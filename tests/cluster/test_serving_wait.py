"""Lesson 5's readiness wait says what it waits for, as it changes: in the course's events (the app's run panel
shows them) and in `workshop check`.

The InferenceService goes through the states a first deploy shows (kserve SDK V1beta1InferenceServiceStatus;
the predictor pod's init container storage-initializer, then kserve-container), one per GET of it: the test
tells the story by the simulator's steps, never by sleeping.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.cluster.fake import FakeServer
from tests.cluster.kubeflow import KServe, predictor_pod, status
from tests.cluster.mlmd_fake import FakeMlmd
from tests.cluster.sim import NS, Sim
from tests.cluster.test_course_lessons import lesson_5_cluster
from workshop.core.course import Course
from workshop.core.events import RunEvent, Waiting

WHAT = f"InferenceService {NS}/iris-svc"


def first_deploy(url: str) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
    """Created, then the predictor's image pull fails once and backs off, then the server container starts."""
    not_ready = status(False, url, reason="RevisionMissing", message="Revision iris-svc-predictor-00001 is not ready",
                       address=False)
    return [
        ({}, None),
        (not_ready, predictor_pod("iris-svc", NS, "waiting:PodInitializing", init="waiting:ErrImagePull")),
        (not_ready, predictor_pod("iris-svc", NS, "waiting:PodInitializing", init="waiting:ImagePullBackOff")),
        (not_ready,  # the same state once more: said once
         predictor_pod("iris-svc", NS, "waiting:PodInitializing", init="waiting:ImagePullBackOff")),
        (status(False, url, reason="RevisionMissing", predictor=False),
         predictor_pod("iris-svc", NS, "waiting:ContainerCreating")),
    ]


def _details(events: list[RunEvent]) -> list[str]:
    waits = [e for e in events if isinstance(e, Waiting)]
    assert all(w.what == WHAT and w.run_id == "run-1" for w in waits)
    return [w.detail for w in waits]


@pytest.mark.parametrize("identity", ["learner", "instructor"])
def test_the_ready_check_says_what_it_waits_for_as_it_changes(make_backend, sim: Sim, fake: FakeServer,
                                                              mlmd: FakeMlmd, course: Course,
                                                              iris_model: bytes, identity: str) -> None:
    """The Ready condition, the predictor's URL and the pods' image pull and container state (kubeflow-edit may
    list pods in the namespace); one event per change, none for a poll that saw the same."""
    backend = make_backend(identity, mlmd_endpoint=mlmd.endpoint, s3_url=fake.url)
    lesson_5_cluster(sim, fake, mlmd, iris_model, waits=first_deploy(fake.url))
    events: list[RunEvent] = []
    attempt = course.run_lesson(course.lesson(5), backend, {"service_name": "iris-svc", "namespace": NS},
                                on_event=events.append)
    assert attempt.passed, [(c.id, c.summary) for c in attempt.checks]
    details = _details(events)
    pod = "pod iris-svc-predictor-00001-deployment-abc"
    assert details == [
        "the Ready condition (not reported yet); the predictor's URL (none yet); no predictor pod yet",
        "the Ready condition (PredictorReady: RevisionMissing Revision iris-svc-predictor-00001 is not ready; "
        "Ready: RevisionMissing); the predictor's URL (none yet); "
        f"{pod}: storage-initializer waiting (ErrImagePull), kserve-container waiting (PodInitializing)",
        "the Ready condition (PredictorReady: RevisionMissing Revision iris-svc-predictor-00001 is not ready; "
        "Ready: RevisionMissing); the predictor's URL (none yet); "
        f"{pod}: storage-initializer waiting (ImagePullBackOff), kserve-container waiting (PodInitializing)",
        "the Ready condition (PredictorReady: RevisionMissing; Ready: RevisionMissing); "
        f"predictor URL {fake.url}; {pod}: storage-initializer terminated (Completed, exit 0), "
        "kserve-container waiting (ContainerCreating)",
    ]
    # the same waits, said in Chinese where the learner reads Chinese: the glue is ours, the cluster's words stay
    chinese = [e.detail_in("zh") for e in events if isinstance(e, Waiting)]
    assert chinese[0] == "Ready 条件（尚未报告）; predictor 的 URL（还没有）; 还没有 predictor Pod"
    assert chinese[-1] == ("Ready 条件（PredictorReady: RevisionMissing; Ready: RevisionMissing）; "
                           f"predictor 的 URL {fake.url}; Pod {pod[4:]}："
                           "storage-initializer 已终止（Completed，退出码 0）, "
                           "kserve-container 等待中（ContainerCreating）")
    finished = next(i for i, e in enumerate(events) if type(e).__name__ == "RunFinished")
    assert all(isinstance(e, Waiting) for e in events[finished + 1:])  # said while checking, after the run
    pods = [r for r in fake.calls("GET", f"/api/v1/namespaces/{NS}/pods")
            if r.q("labelSelector") == "serving.kserve.io/inferenceservice=iris-svc"]
    assert len(pods) == 5  # once per poll that found it not ready
    assert not [path for _, path, _ in fake.denied if "/pods" in path]  # kubeflow-edit lists pods


def test_while_the_deploy_step_waits_the_run_says_what_for(make_backend, sim: Sim, fake: FakeServer,
                                                           mlmd: FakeMlmd, course: Course, iris_model: bytes) -> None:
    """The deploy step's wait_isvc_ready takes as long as KServe does (a first image pull: minutes); the run's
    events say what it waits for meanwhile, and the checks then find the service Ready without waiting."""
    backend = make_backend(mlmd_endpoint=mlmd.endpoint, s3_url=fake.url)
    lesson_5_cluster(sim, fake, mlmd, iris_model, waits=first_deploy(fake.url), deploy_waits=True)
    events: list[RunEvent] = []
    attempt = course.run_lesson(course.lesson(5), backend, {"service_name": "iris-svc", "namespace": NS},
                                on_event=events.append)
    assert attempt.passed, [(c.id, c.summary) for c in attempt.checks]
    finished = next(i for i, e in enumerate(events) if type(e).__name__ == "RunFinished")
    assert not [e for e in events[finished:] if isinstance(e, Waiting)]
    details = _details(events[:finished])
    assert len(details) == 4 and details[0].startswith("the Ready condition (not reported yet)")
    assert "storage-initializer waiting (ErrImagePull)" in details[1]
    assert "storage-initializer waiting (ImagePullBackOff)" in details[2]
    assert "kserve-container waiting (ContainerCreating)" in details[3]
    waits = [e for e in events[:finished] if isinstance(e, Waiting)]  # the deploy step's waits: said in both too
    assert "storage-initializer 等待中（ErrImagePull）" in waits[1].detail_in("zh")


def test_workshop_check_prints_each_change_of_the_wait(make_backend, sim: Sim, fake: FakeServer, mlmd: FakeMlmd,
                                                       course: Course, iris_model: bytes,
                                                       monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """`workshop check 5` after the service was patched and is coming up again: a line per change, then the
    checks, passed."""
    from workshop.cli import lessons as cli_lessons

    backend = make_backend(mlmd_endpoint=mlmd.endpoint, s3_url=fake.url)
    kserve: KServe = lesson_5_cluster(sim, fake, mlmd, iris_model)
    first = course.run_lesson(course.lesson(5), backend, {"service_name": "iris-svc", "namespace": NS})
    assert first.passed
    ready = kserve.steps[(NS, "iris-svc")][-1]
    kserve.steps[(NS, "iris-svc")] = first_deploy(fake.url)[3:] + [ready]
    monkeypatch.setattr(cli_lessons, "open_course", lambda lang: course)
    monkeypatch.setattr(cli_lessons, "open_backend", lambda course, name: backend)
    result = CliRunner().invoke(cli_lessons.check, ["5"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("… waiting for")]
    assert lines == [
        f"… waiting for {WHAT}: the Ready condition (PredictorReady: RevisionMissing Revision iris-svc-predictor-00001 "
        "is not ready; Ready: RevisionMissing); the predictor's URL (none yet); pod iris-svc-predictor-00001-"
        "deployment-abc: storage-initializer waiting (ImagePullBackOff), kserve-container waiting (PodInitializing)",
        f"… waiting for {WHAT}: the Ready condition (PredictorReady: RevisionMissing; Ready: RevisionMissing); "
        f"predictor URL {fake.url}; pod iris-svc-predictor-00001-deployment-abc: storage-initializer terminated "
        "(Completed, exit 0), kserve-container waiting (ContainerCreating)",
    ]
    assert result.output.index(lines[-1]) < result.output.index("iris-svc answers v1 predictions")
