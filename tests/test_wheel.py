"""A wheel (pip install ., not editable) carries the course and works from any directory."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True, text=True)
    [built] = out.glob("kubeflow_workshop-*.whl")
    return built


def test_the_wheel_carries_lessons_pipelines_exercises_and_assets(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for lesson in sorted((ROOT / "lessons").iterdir()):
        for name in ("lesson.toml", "lesson.en.md", "lesson.zh.md"):
            assert f"workshop/_course/lessons/{lesson.name}/{name}" in names
    for pipeline in (ROOT / "pipelines").glob("*.py"):
        assert f"workshop/_course/pipelines/{pipeline.name}" in names
        assert f"workshop/_course/exercises/{pipeline.stem}.toml" in names
    assert "workshop/_course/assets/input_numbers.csv" in names
    assert "workshop/app.tcss" in names
    assert not any(name.startswith(("tests/", "workshop/_course/tests")) for name in names)


def test_the_installed_wheel_runs_lesson_one_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, text=True)
    env = {**os.environ, "PYTHONPATH": str(target), "WORKSHOP_HOME": str(tmp_path / "home"),
           "WORKSHOP_BACKEND": "local"}
    where = subprocess.run([sys.executable, "-c", "from workshop.core.settings import course_root; "
                            "print(course_root())"], env=env, cwd="/", capture_output=True, text=True, check=True)
    assert where.stdout.strip().startswith(str(target))
    run = subprocess.run([sys.executable, "-m", "workshop", "run", "1", "--arg", "a=6", "--arg", "b=8"],
                         env=env, cwd="/", capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert "Output = 10, as expected" in run.stdout
    start = subprocess.run([sys.executable, "-m", "workshop", "exercise", "1"], env=env, cwd="/",
                           capture_output=True, text=True, timeout=120)
    assert start.returncode == 0, start.stderr
    assert (tmp_path / "home" / "exercises" / "01-pythagorean" / "pythagorean.py").is_file()


def test_the_wheel_ships_the_docs_and_a_message_names_them_where_they_are(wheel: Path, tmp_path: Path) -> None:
    """A message that says "see …/cluster.md" points at a file the learner has, not at a source checkout."""
    names = set(zipfile.ZipFile(wheel).namelist())
    for doc in (ROOT / "docs").glob("*.md"):
        assert f"workshop/_course/docs/{doc.name}" in names
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, text=True)
    env = {**os.environ, "PYTHONPATH": str(target), "WORKSHOP_HOME": str(tmp_path / "home")}
    said = subprocess.run([sys.executable, "-c", "from workshop.backends.cluster.kube import KubeApi\n"
                           "try:\n    KubeApi(None, 'ns').rest\nexcept Exception as exc:\n    print(exc)"],
                          env=env, cwd="/", capture_output=True, text=True, check=True).stdout
    [named] = re.findall(r"see (/\S+\.md)", said)
    assert named.startswith(str(target)) and Path(named).is_file(), said
    assert "Configuration" in Path(named).read_text(encoding="utf-8")
