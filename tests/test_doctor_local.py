"""The local doctor tells the truth: each row tests the thing itself, not that it was found."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from workshop.backends.local import doctor


def test_a_kfp_that_cannot_import_is_a_cross(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shadow = tmp_path / "shadow" / "kfp"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('this kfp is broken')\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(shadow.parent), os.environ.get("PYTHONPATH", "")]))
    row = doctor._kfp_local("en")
    assert row.ok is False and "this kfp is broken" in row.detail
    monkeypatch.undo()
    assert doctor._kfp_local("en").ok is True


def test_an_installed_version_outside_the_requirements_is_a_cross(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The course's own metadata says kserve>=0.21,<0.22 (pyproject.toml); a 0.11 found first is ✗."""
    dist = tmp_path / "site" / "kserve-0.11.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: kserve\nVersion: 0.11.0\n")
    rows = {row.key: row for row in doctor._versions("en")}
    assert rows["package:kserve"].ok is True
    monkeypatch.syspath_prepend(str(dist.parent))
    rows = {row.key: row for row in doctor._versions("en")}
    assert rows["package:kserve"].ok is False
    assert "kserve 0.11.0 is installed" in rows["package:kserve"].detail and "<0.22,>=0.21" in rows[
        "package:kserve"].detail


def test_services_that_stopped_answering_are_crosses(backend) -> None:
    rows = {row.key: row for row in doctor.doctor(backend)}
    assert rows["object-store"].ok is True and rows["control-plane"].ok is True
    backend.control_plane().stop()  # the API server is gone: connections are refused
    backend.object_store().stop()
    rows = {row.key: row for row in doctor.doctor(backend)}
    assert rows["control-plane"].ok is False and "does not answer" in rows["control-plane"].detail
    assert rows["object-store"].ok is False


def test_the_doctor_speaks_chinese(backend) -> None:
    rows = doctor.doctor(backend, "zh")
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in row.name + row.detail) or row.key == "gpu" and row.ok
               for row in rows if row.key not in ("data",)), [r.name for r in rows]
