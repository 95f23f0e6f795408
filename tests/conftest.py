"""Shared fixtures: every test gets its own WORKSHOP_HOME, and real local services."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from workshop.core.course import Course
from workshop.core.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
VARIANTS = ROOT / "tests" / "variants"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "home"
    monkeypatch.setenv("WORKSHOP_HOME", str(path))
    monkeypatch.setenv("WORKSHOP_LEARNER", "tester")
    monkeypatch.setenv("WORKSHOP_BACKEND", "local")
    return path


@pytest.fixture
def course(home: Path) -> Course:
    return Course(Settings.load("en"))


@pytest.fixture
def backend(course: Course) -> Iterator[object]:
    from workshop.backends.local.backend import LocalBackend

    be = LocalBackend(course.settings.local_dir, course.settings.assets_dir)
    try:
        yield be
    finally:
        be.close()


def processes_in_session(sid: int) -> list[int]:
    """Every live process whose session id is `sid` (a run's worker starts its own session)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # fields after the command: state ppid pgrp session ...
        if int(fields[3]) == sid and fields[0] != "Z":
            found.append(int(entry))
    return found
