"""Every lesson against a real Kubeflow: the instructor's check before class (docs/cluster.md).

Skipped unless WORKSHOP_CLUSTER_TESTS=1. It uses the same settings as the app (a Kubeflow
notebook, or WORKSHOP_KFP_HOST / WORKSHOP_NAMESPACE / WORKSHOP_TOKEN_FILE / cluster.toml), runs
each lesson's reference pipeline through Course.run_lesson with the ClusterBackend, expects every
check to pass (a skipped GPU check is fine), and removes what it created: the runs, the lesson
outputs (the PVC file, the object, the InferenceService, via reset) and the pipeline versions it
uploaded. Use a namespace of your own: lesson outputs that were there before are overwritten.

    WORKSHOP_CLUSTER_TESTS=1 .venv/bin/pytest tests/cluster/test_live.py -v -m cluster

Prerequisites, each checked first by test_prerequisite (docs/cluster.md, "Prerequisites on a
stock Kubeflow"; `workshop instructor prepare --namespace <ns>` makes 1, 7 and the KServe secret):
1. the KFP token in the notebook: PodDefault access-ml-pipeline in the namespace, the notebook
   created with "Allow access to Kubeflow Pipelines" ticked (or WORKSHOP_TOKEN_FILE elsewhere);
2. the object store of the release reachable and accepting mlpipeline-minio-artifact's keys
   (MinIO :9000 on 1.10, SeaweedFS :8333 on 1.11, :9000 on KFP 2.16+); lesson 4 writes under
   private/<ns>/;
3. permissions of a profile contributor (kubeflow-edit, kubeflow-pipelines-edit);
4. ML Metadata reachable (lesson 1's output value);
5. KServe installed, and the mesh lets the notebook reach the predictor (sidecar-less, an
   AuthorizationPolicy admitting the namespace, or a gateway without JWT);
6. the PVC aidatasource with input_numbers.csv (lesson 2); GPU nodes (lesson 3, optional).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from workshop.core.course import Course
from workshop.core.events import LogLine, RunEvent
from workshop.core.ports import PipelineRef
from workshop.core.settings import Settings

pytestmark = [
    pytest.mark.cluster,
    pytest.mark.skipif(os.environ.get("WORKSHOP_CLUSTER_TESTS") != "1",
                       reason="needs a real Kubeflow: set WORKSHOP_CLUSTER_TESTS=1 (see docs/cluster.md)"),
]
TIMEOUT = float(os.environ.get("WORKSHOP_LIVE_TIMEOUT", "1200"))  # per lesson, seconds


class Live:
    def __init__(self, course: Course, backend: Any) -> None:
        self.course = course
        self.backend = backend
        self.uploaded: list[PipelineRef] = []
        original = backend.upload_pipeline

        def upload(*args: Any, **kwargs: Any) -> PipelineRef:
            ref = original(*args, **kwargs)
            self.uploaded.append(ref)
            return ref

        backend.upload_pipeline = upload

    def cleanup(self) -> list[str]:
        from workshop.core import reset

        lines: list[str] = []
        ids = [lesson.id for lesson in self.course.lessons]
        try:
            lines += reset.apply(self.course, self.backend, reset.plan(self.course, self.backend, ids))
        except reset.ResetError as exc:
            lines += exc.lines
        for ref in reversed(self.uploaded):
            try:
                self.backend.kfp.delete_pipeline_version(ref.pipeline_id, ref.version_id)
                lines.append(f"deleted pipeline version {ref.version_name}")
            except Exception as exc:  # report, and go on with the rest
                lines.append(f"could not delete pipeline version {ref.version_name}: {exc}")
        return lines


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    from workshop.backends.cluster import ClusterBackend

    settings = Settings(home=tmp_path_factory.mktemp("live-home"), language="en", learner="live-suite")
    backend = ClusterBackend.from_environment(settings)
    session = Live(Course(settings), backend)
    try:
        yield session
    finally:
        for line in session.cleanup():
            print(f"cleanup: {line}")
        backend.close()


def _run(live: Live, lesson_id: int) -> tuple[Any, list[RunEvent]]:
    lesson = live.course.lesson(lesson_id)
    wanted = {a.default_from for a in lesson.arguments if a.default_from}
    arguments = lesson.parse_arguments({}, live.backend.defaults(wanted) if wanted else {})
    events: list[RunEvent] = []
    run_ids: list[str] = []
    stuck = threading.Event()

    def on_event(event: RunEvent) -> None:
        events.append(event)
        if isinstance(event, LogLine) and "is waiting for a node" in event.line and not stuck.is_set():
            stuck.set()
            live.backend.cancel(event.run_id)  # no node can take it: end the run instead of waiting

    timer = threading.Timer(TIMEOUT, lambda: run_ids and live.backend.cancel(run_ids[-1]))
    timer.start()
    try:
        attempt = live.course.run_lesson(lesson, live.backend, arguments, on_event=on_event,
                                         on_run_id=run_ids.append)
    finally:
        timer.cancel()
    if stuck.is_set():
        why = next(e.line for e in events if isinstance(e, LogLine) and "is waiting for a node" in e.line)
        pytest.skip(f"lesson {lesson_id} cannot be scheduled on this cluster: {why}")
    return attempt, events


@pytest.mark.parametrize("lesson_id", [1, 2, 3, 4, 5])
def test_lesson_passes_on_the_cluster(live: Live, lesson_id: int) -> None:
    attempt, events = _run(live, lesson_id)
    failed = [f"{c.id}: {c.summary} {c.evidence}" for c in attempt.checks if not c.passed]
    assert attempt.run.state == "SUCCEEDED", f"run {attempt.run.run_id} ended {attempt.run.state}: {attempt.run.error}"
    assert not failed, "\n".join(failed)
    assert any(isinstance(e, LogLine) for e in events), "no task log was streamed"


PREREQUISITES = {  # doctor row -> the prerequisite number in the docstring above
    "KFP API": "1", "KFP token": "1", "permission: list pods": "3", "permission: get pods/log": "3",
    "permission: create pods": "3", "permission: get secrets": "3", "permission: create inferenceservices": "3",
    "PVC aidatasource (lesson 2)": "6", "object store (lessons 4-5)": "2", "KServe (lesson 5)": "5",
    "mesh: notebook to model server (lesson 5)": "5", "ML Metadata (task outputs)": "4",
}


@pytest.fixture(scope="module")
def doctor_rows(live: Live) -> dict[str, Any]:
    return {item.name: item for item in live.backend.doctor()}  # one doctor for all the rows


@pytest.mark.parametrize("row", sorted(PREREQUISITES))
def test_prerequisite(doctor_rows: dict[str, Any], row: str) -> None:
    rows = doctor_rows
    assert row in rows, f"the doctor has no row {row!r}"
    item = rows[row]
    assert item.ok is not False, f"prerequisite {PREREQUISITES[row]}: {item.detail} (fix: {item.fix})"


def test_the_poddefault_is_there(live: Live) -> None:
    """Prerequisite 1: without it a notebook cannot get the KFP token (workshop instructor prepare)."""
    assert live.backend.kube.get_custom("kubeflow.org/v1alpha1", "poddefaults", "access-ml-pipeline") is not None, (
        "no PodDefault access-ml-pipeline: run workshop instructor prepare --namespace <ns>")


def test_doctor_finds_nothing_broken(live: Live) -> None:
    broken = [f"{i.name}: {i.detail} (fix: {i.fix})" for i in live.backend.doctor() if i.ok is False]
    assert not broken, "\n".join(broken)
