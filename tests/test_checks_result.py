"""Checks judge the learner's result, not the shape of their code (issue 9, "Checks judge the result").

Each case is a pipeline a real Kubeflow runs without complaint; it runs on the real local
backend, and the checks must pass it when its result is right and name the step when it is not.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from workshop.core.course import Course

FIXTURES = ROOT / "tests" / "fixtures"


def take(course: Course, backend: Any, lesson_id: int, pipeline: Path | None = None, **args: Any):
    lesson = course.lesson(lesson_id)
    wanted = {a.default_from for a in lesson.arguments if a.default_from}
    arguments = lesson.parse_arguments(args, backend.defaults(wanted) if wanted else {})
    return course.run_lesson(lesson, backend, arguments, pipeline_file=pipeline)


def by_id(attempt: Any) -> dict[str, Any]:
    return {c.id: c for c in attempt.checks}


# --- lesson 1: the computing tasks are there and wired, whatever else the pipeline holds ------
def test_lesson1_passes_with_an_extra_report_task(course: Course, backend: Any) -> None:
    attempt = take(course, backend, 1, FIXTURES / "pythagorean_report.py", a=3, b=4)
    assert attempt.run.state == "SUCCEEDED"
    assert attempt.passed, {c.id: c.summary for c in attempt.checks}
    assert "report" in by_id(attempt)["compiled"].evidence["tasks"]


def test_lesson1_passes_with_square_root_inside_if_else_and_oneof(course: Course, backend: Any) -> None:
    attempt = take(course, backend, 1, FIXTURES / "pythagorean_oneof.py", a=3, b=4)
    assert attempt.run.outputs.get("Output") == 5.0, attempt.run.error
    assert attempt.passed, {c.id: c.summary for c in attempt.checks}
    compiled = by_id(attempt)["compiled"]
    assert "condition-branches-1/condition-2/square-root" in compiled.summary
    assert "squared/square" in compiled.summary


def test_lesson1_miswired_squares_fail_the_compiled_check_even_when_the_number_is_right(
        course: Course, backend: Any) -> None:
    # a == b: both squares reading a give the right number, but b is never used
    attempt = take(course, backend, 1, FIXTURES / "pythagorean_miswired.py", a=3, b=3)
    checks = by_id(attempt)
    assert checks["output"].status.value == "passed"
    assert checks["compiled"].status.value == "failed"
    assert checks["compiled"].summary == "no square task fed by the pipeline input b in the compiled YAML"
    assert not attempt.passed


# --- lesson 2: the output file is where the run's arguments put it ----------------------------
def test_lesson2_checks_the_file_the_arguments_named(course: Course, backend: Any) -> None:
    attempt = take(course, backend, 2, pvc_dir="/mnt/shared/output/run1", final_name="mine.csv")
    sorted_check = by_id(attempt)["sorted"]
    assert sorted_check.status.value == "passed", sorted_check.summary
    assert sorted_check.evidence["file"] == "aidatasource:/output/run1/mine.csv"
    assert backend.read_volume_file("aidatasource", "output/run1/mine.csv").split()[:2] == ["10", "9"]
    assert attempt.passed


def test_lesson2_output_off_the_volume_is_said_and_not_blamed_on_the_code(
        course: Course, backend: Any, tmp_path: Path) -> None:
    elsewhere = tmp_path / "not-the-volume"  # a local task is a host process: keep what it writes in tmp_path
    attempt = take(course, backend, 2, pvc_dir=str(elsewhere))
    sorted_check = by_id(attempt)["sorted"]
    assert sorted_check.status.value == "failed"
    assert sorted_check.summary.startswith(f"the run's arguments point at {elsewhere}/sorted_numbers.csv, "
                                           "which is not on the PVC aidatasource (mounted at /mnt/shared)")
    assert "reverse=True" not in sorted_check.hint
    assert "/mnt/shared" in sorted_check.hint


# --- lesson 5: the InferenceService is looked for where the run created it --------------------
@pytest.mark.slow
def test_lesson5_finds_the_service_in_the_namespace_the_pipeline_hard_codes(
        course: Course, backend: Any, tmp_path: Path) -> None:
    source = (ROOT / "pipelines" / "kserve_iris.py").read_text(encoding="utf-8")
    signature = 'def kserver_pipeline(service_name: str = "iris-svc", namespace: str = "kubeflow-user-example-com"):'
    assert signature in source
    hard_coded = tmp_path / "kserve_iris.py"  # the tutorial's way: both values written in the pipeline
    hard_coded.write_text(source.replace(signature, "def kserver_pipeline():")
                          .replace("service_name=service_name,", 'service_name="iris-svc",')
                          .replace("namespace=namespace,", 'namespace="kubeflow-user-example-com",'),
                          encoding="utf-8")
    attempt = take(course, backend, 5, hard_coded)  # the run's namespace argument is "local"
    assert attempt.run.arguments.get("namespace") == "local"
    checks = by_id(attempt)
    assert checks["succeeded"].status.value == "passed", checks["succeeded"].summary
    assert checks["ready"].status.value == "passed", checks["ready"].summary
    assert checks["ready"].evidence["namespace"] == "kubeflow-user-example-com"
    assert checks["predict-v1"].status.value == "passed", checks["predict-v1"].summary
    assert attempt.passed


# --- lesson 3: the report in the lesson's words or the tutorial's ---------------------------
def test_lesson3_report_in_the_tutorials_words_passes(course: Course, backend: Any) -> None:
    attempt = take(course, backend, 3, FIXTURES / "resources_tutorial_wording.py")
    checks = by_id(attempt)
    assert checks["report"].status.value == "passed", checks["report"].summary
    assert "Memory Limit Info: " in checks["report"].evidence["report"]
    assert attempt.passed, {c.id: c.summary for c in attempt.checks}


def test_lesson3_tutorial_snippet_on_a_cgroup_v1_host_is_told_why(course: Course, backend: Any) -> None:
    attempt = take(course, backend, 3, ROOT / "tests" / "tutorial" / "lesson3_tutorial.py")
    report = by_id(attempt)["report"]
    if Path("/sys/fs/cgroup/cpu.max").is_file():  # cgroup v2: the snippet works as written
        assert report.status.value == "passed", report.summary
        return
    assert attempt.run.state == "FAILED"
    assert report.summary == ("train-model stopped at /sys/fs/cgroup/cpu.max: that file does not exist where it "
                              "ran (it runs under cgroup v1), so it could not report its limits")
    assert "cpu.cfs_quota_us" in report.hint


# --- a hint that blames the code only when it was the code ------------------------------------
def test_lesson1_overflow_from_the_input_is_the_inputs_fault(course: Course, backend: Any) -> None:
    attempt = take(course, backend, 1, a=1e200, b=4)
    checks = by_id(attempt)
    assert attempt.run.state == "FAILED"
    assert checks["compiled"].status.value == "passed"
    succeeded, output = checks["succeeded"], checks["output"]
    assert succeeded.summary.endswith("With a=1e+200, b=4, a**2 + b**2 is beyond the largest float (about 1.8e308): "
                                      "the input is too large, not the code wrong")
    assert output.summary == ("the expected value sqrt(a**2 + b**2) cannot be computed in floats for a=1e+200, b=4.0: "
                              "the input is too large")
    for check in (succeeded, output):
        assert check.hint.startswith("Run again with smaller numbers"), check.hint
        assert "arithmetic" not in check.hint and "read its log" not in check.hint


def test_a_failure_of_the_code_keeps_the_lessons_hints(course: Course, backend: Any) -> None:
    attempt = take(course, backend, 1, FIXTURES / "pythagorean_raises.py", a=3, b=4)
    checks = by_id(attempt)
    assert checks["succeeded"].summary == "the run ended FAILED: task add failed"
    assert checks["succeeded"].hint.startswith("A task failed. Select it in the task list and read its log")
    assert checks["output"].summary == "no output 'Output': the run ended FAILED (see the check above)"
    assert checks["output"].hint == ""  # "the pipeline returned a different number" would be wrong: it returned none


def test_result_checks_of_a_failed_run_point_at_the_failure(course: Course, backend: Any, tmp_path: Path) -> None:
    source = (ROOT / "pipelines" / "pvc_sort.py").read_text(encoding="utf-8")
    broken = tmp_path / "pvc_sort.py"
    assert "import os" in source
    broken.write_text(source.replace("import os", "import os\n    raise RuntimeError('broken on purpose')", 1),
                      encoding="utf-8")
    attempt = take(course, backend, 2, broken)
    checks = by_id(attempt)
    assert attempt.run.state == "FAILED"
    assert checks["mounts"].status.value == "passed"
    assert checks["sorted"].status.value == "failed"
    assert "reverse=True" not in checks["sorted"].hint
    assert checks["sorted"].hint.startswith("The run did not succeed, so this result was never made")
