"""Shared fixtures: every test gets its own WORKSHOP_HOME, and real local services."""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from workshop.core.course import Course
from workshop.core.exercise import patched_pipeline
from workshop.core.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
VARIANTS = ROOT / "tests" / "variants"


@functools.cache
def _rendered_variants() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="workshop-variants-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder


@functools.cache
def variant(name: str) -> Path:
    """tests/variants/<name>, a whole broken pipeline a learner could submit, as a file to run.

    <name>.toml is a patch of a reference pipeline in the format of exercises/*.toml: `reference`
    (a file in pipelines/), `why` (the variant's docstring: what it breaks and which check must
    catch it) and [[gaps]], each a `find` that must occur once in the reference and its `replace`.
    It is rendered here into a temp file, so a variant can never drift from its reference: a gap
    that no longer matches is an error that names it. A plain <name>.py (none left in main; other
    branches may add some) is used as it is.
    """
    stem = name.removesuffix(".py")
    patch = VARIANTS / f"{stem}.toml"
    if not patch.is_file():
        plain = VARIANTS / f"{stem}.py"
        if not plain.is_file():
            raise FileNotFoundError(f"no variant {stem}: neither {patch} nor {plain} exists")
        return plain
    return render_variant(patch)


def render_variant(patch: Path) -> Path:
    """The variant a patch file describes, written to <its stem>.py in a temp folder."""
    table = tomllib.loads(patch.read_text(encoding="utf-8"))
    reference, why = table.get("reference"), table.get("why")
    if not isinstance(reference, str) or not isinstance(why, str) or '"""' in why:
        raise ValueError(f"{patch.name}: needs a `reference` (a file in pipelines/) and a `why` string")
    body, _ = patched_pipeline(ROOT / "pipelines" / reference, patch)
    target = _rendered_variants() / f"{patch.stem}.py"
    target.write_text(f'"""{why.strip()}"""\n\n{body.lstrip()}', encoding="utf-8")
    return target


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
