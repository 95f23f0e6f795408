"""A failed run points to the file that holds the error, and blames the code only when it was."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from workshop.backends.local.backend import LocalBackend
from workshop.core.course import Course


def test_a_worker_that_dies_at_start_points_to_its_traceback(course: Course, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker imports kfp before a run's spec arrives; a kfp that cannot import kills it there,
    with its traceback in the start-up log and nothing in the run's worker.log."""
    shadow = tmp_path / "shadow" / "kfp"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('this kfp is broken')\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(shadow.parent), os.environ.get("PYTHONPATH", "")]))
    backend = LocalBackend(course.settings.local_dir, course.settings.assets_dir)
    try:
        attempt = course.run_lesson(course.lesson(1), backend, {"a": 3.0, "b": 4.0})
    finally:
        backend.close()
    run = attempt.run
    assert run.state == "FAILED"
    found = re.search(r"see (\S+)$", run.error)
    assert found, run.error
    named = Path(found.group(1))
    assert "this kfp is broken" in named.read_text() and "this kfp is broken" in run.error
    hints = {r.id: r.hint for r in attempt.checks}
    assert "not your pipeline code" in hints["succeeded"]
    assert "task list" not in " ".join(hints.values())
    assert all(not hint for check_id, hint in hints.items() if check_id != "succeeded")
