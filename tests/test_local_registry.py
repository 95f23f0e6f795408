"""The local pipeline registry (backends/local/registry.py) leaves no file open behind a call."""

from __future__ import annotations

import gc
import os
from pathlib import Path

from workshop.backends.local.registry import PipelineRegistry


def _open_under(folder: Path) -> list[str]:
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:  # closed meanwhile (the listing's own descriptor)
            continue
        if target.startswith(str(folder)):
            found.append(target)
    return found


def test_an_upload_closes_the_registry_database(tmp_path: Path) -> None:
    """A sqlite3 connection's statement cache refers back to it, so one that is not closed lives until a full
    garbage collection, with registry.db and its WAL open: a read-only remount of the home then failed as busy
    (CI, test_faults_progress). With the collector off, nothing under the registry is open after the calls."""
    package = tmp_path / "p.yaml"
    package.write_text("pipelineInfo: {name: p}\n")
    root = tmp_path / "local"
    root.mkdir()
    enabled = gc.isenabled()
    gc.disable()
    try:
        registry = PipelineRegistry(root)
        first = registry.upload(package, "p", "")
        second = registry.upload(package, "p", "")
        assert _open_under(root) == []
    finally:
        if enabled:
            gc.enable()
    assert (first.version_name, second.version_name) == ("p-v1", "p-v2")
    assert (root / "pipelines" / "p" / "p-v2.yaml").read_text() == package.read_text()
