"""Lessons 2-5 on the real local backend, both ways: the reference passes, a broken variant fails
the check that should catch it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import variant
from workshop.core.course import Course


def take(course: Course, backend: Any, lesson_id: int, pipeline: Path | None = None, **args: Any):
    lesson = course.lesson(lesson_id)
    wanted = {a.default_from for a in lesson.arguments if a.default_from}
    arguments = lesson.parse_arguments(args, backend.defaults(wanted) if wanted else {})
    return course.run_lesson(lesson, backend, arguments, pipeline_file=pipeline)


def statuses(attempt: Any) -> dict[str, str]:
    return {c.id: c.status.value for c in attempt.checks}


# --- lesson 2: a persistent volume -------------------------------------------------------
def test_lesson2_reference_sorts_the_volume_input_descending(course: Course, backend: Any) -> None:
    attempt = take(course, backend, 2)
    assert attempt.passed, statuses(attempt)
    sorted_check = next(c for c in attempt.checks if c.id == "sorted")
    assert sorted_check.evidence["first_lines"].splitlines()[:3] == ["10", "9", "8"]
    assert not Path("/mnt/shared").exists(), "the mount must stay inside the task's namespace"


def test_lesson2_follows_an_edited_input(course: Course, backend: Any) -> None:
    volume = backend.volumes.ensure("aidatasource")
    (volume / "input_numbers.csv").write_text("42\n-7\n100\n3\n")
    attempt = take(course, backend, 2)
    assert attempt.passed, statuses(attempt)
    assert backend.read_volume_file("aidatasource", "output/sorted_numbers.csv").split() == ["100", "42", "3", "-7"]


def test_lesson2_ascending_sort_fails_the_volume_check(course: Course, backend: Any) -> None:
    attempt = take(course, backend, 2, variant("pvc_sort_ascending"))
    assert statuses(attempt)["succeeded"] == "passed"
    assert statuses(attempt)["sorted"] == "failed"
    assert not attempt.passed


def test_lesson2_task_without_the_mount_cannot_write_the_volume(course: Course, backend: Any) -> None:
    assert take(course, backend, 2).passed  # an earlier good output must not rescue the broken run
    attempt = take(course, backend, 2, variant("pvc_sort_no_mount"))
    result = statuses(attempt)
    assert result["mounts"] == "failed"
    assert result["sorted"] == "failed"
    assert not Path("/mnt/shared").exists(), "what the unmounted task wrote must not land on the host"


def test_a_task_without_the_mount_does_not_see_the_volume(course: Course, backend: Any, tmp_path: Path) -> None:
    """A task that reads the mount path without declaring the mount fails, as on a cluster."""
    source = variant("pvc_sort_no_mount").read_text()
    assert "kubernetes.mount_pvc(sort_task," in source
    # here the sort task, which reads the input, is the one without the mount
    broken = tmp_path / "sort_no_mount.py"
    broken.write_text(source.replace("kubernetes.mount_pvc(sort_task,", "kubernetes.mount_pvc(save_task,"))
    backend.volumes.ensure("aidatasource")
    attempt = take(course, backend, 2, broken)
    assert statuses(attempt)["mounts"] == "failed"
    assert attempt.run.state == "FAILED"
    log = "\n".join(backend.task_log(attempt.run.run_id, "sort-csv-component"))
    assert "No such file or directory: '/mnt/shared/input_numbers.csv'" in log


# --- lesson 3: resources ----------------------------------------------------------------
def test_lesson3_reference_asks_for_what_the_tutorial_asks(course: Course, backend: Any) -> None:
    attempt = take(course, backend, 3)
    result = statuses(attempt)
    assert attempt.passed, result
    assert result["train-model-resources"] == "passed"
    gpu = next(c for c in attempt.checks if c.id == "gpu")
    if backend.gpu_lines() is None:
        assert gpu.status.value == "skipped" and "no GPU here" in gpu.summary
    report = next(c for c in attempt.checks if c.id == "report").evidence["report"]
    assert "CPU limit" in report and "Memory limit" in report and "GPU:" in report


def test_lesson3_without_accelerator_limit_fails_the_spec_check(course: Course, backend: Any) -> None:
    attempt = take(course, backend, 3, variant("resources_no_accelerator"))
    result = statuses(attempt)
    assert result["train-model-resources"] == "failed"
    assert result["load-data-resources"] == "passed"
    assert "accelerator" in next(c for c in attempt.checks if c.id == "train-model-resources").summary


# --- lesson 5: KServe -------------------------------------------------------------------
@pytest.mark.slow
def test_lesson5_serves_the_model_and_a_service_that_was_never_deployed_fails(course: Course, backend: Any) -> None:
    broken = take(course, backend, 5, variant("kserve_not_served"))
    assert statuses(broken)["succeeded"] == "passed"
    assert statuses(broken)["ready"] == "failed"
    assert not broken.passed

    good = take(course, backend, 5)
    assert good.passed, statuses(good)
    v1 = next(c for c in good.checks if c.id == "predict-v1")
    assert v1.evidence["predictions"] == "[0, 1, 2, 0]"

    # deployed once, the service stays; a run that does not redeploy must not pass on it
    stale = take(course, backend, 5, variant("kserve_not_served"))
    assert statuses(stale)["ready"] == "failed"
    assert "another model" in next(c for c in stale.checks if c.id == "ready").summary


# --- lesson 4: a model in the object store ------------------------------------------------
@pytest.mark.slow
def test_lesson4_stores_a_model_that_scores_and_a_wrong_key_fails(course: Course, backend: Any) -> None:
    good = take(course, backend, 4)
    assert good.passed, statuses(good)
    obj = next(c for c in good.checks if c.id == "object")
    assert obj.evidence["bucket"] == "mlpipeline" and obj.evidence["key"] == "models/detect-digits.keras"
    assert float(next(c for c in good.checks if c.id == "accuracy").evidence["accuracy"]) >= 0.9
    creds = backend.object_store().credentials
    assert all(secret not in "\n".join(backend.task_log(good.run.run_id, "train-and-upload")) for secret in creds)

    broken = take(course, backend, 4, variant("minio_model_wrong_key"))
    assert statuses(broken)["succeeded"] == "passed"
    assert statuses(broken)["object"] == "failed"
    assert not broken.passed
