"""Lesson 4's scorer: started with the run so that its TensorFlow import overlaps the training,
and still a process of its own that loads only the stored model file."""

from __future__ import annotations

from pathlib import Path

import pytest

from workshop.core import keras_eval
from workshop.core.course import Course, _warm_checks


def test_a_lesson_with_a_keras_check_starts_its_scorer_with_the_run_and_stops_it_unused(course: Course) -> None:
    stop = _warm_checks(course.lesson(1))
    assert keras_eval._spare is None  # lesson 1 has nothing slow to start
    stop()
    stop = _warm_checks(course.lesson(4))
    proc = keras_eval._spare
    try:
        assert proc is not None and proc.poll() is None
    finally:
        stop()
    assert keras_eval._spare is None and proc.poll() is not None


@pytest.mark.slow
def test_the_started_scorer_scores_the_file_it_is_given_and_names_what_is_wrong(tmp_path: Path) -> None:
    keras_eval.prestart()
    started = keras_eval._spare
    assert started is not None
    garbage = tmp_path / "detect-digits.keras"
    garbage.write_bytes(b"not a zip")
    result = keras_eval.score(str(garbage), 1.0)
    assert started.poll() is not None and keras_eval._spare is None  # that one child did the scoring
    assert result["error"].startswith("not a Keras model"), result
