"""The local pipeline registry: pipelines and their versions in SQLite, each version's YAML kept on disk."""

from __future__ import annotations

import shutil
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from workshop.core.ports import PipelineRef


class PipelineRegistry:
    """What KFP's pipeline store keeps, for this machine: `registry.db` and `pipelines/<name>/<version>.yaml`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = root / "registry.db"
        with self._db() as conn:
            conn.executescript(
                """
                CREATE TABLE IF NOT EXISTS pipelines (
                    id TEXT PRIMARY KEY, name TEXT UNIQUE NOT NULL, description TEXT, created_at REAL);
                CREATE TABLE IF NOT EXISTS versions (
                    id TEXT PRIMARY KEY, pipeline_id TEXT NOT NULL, name TEXT NOT NULL,
                    path TEXT NOT NULL, created_at REAL);
                """
            )

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        """A connection for one transaction, committed (or rolled back) and closed at the end. Closed here: a
        connection's own statement cache refers back to it, so an unclosed one waited for a full garbage
        collection with registry.db and its WAL open (a read-only remount of the home failed, busy)."""
        conn = sqlite3.connect(self.path, timeout=30)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            with conn:  # commits, or rolls back on an error
                yield conn
        finally:
            conn.close()

    def upload(self, package: Path, name: str, description: str) -> PipelineRef:
        """A new version of the pipeline `name` (the pipeline too, the first time)."""
        now = time.time()
        with self._db() as conn:
            conn.execute("BEGIN IMMEDIATE")  # two processes uploading at once: one counts versions at a time
            row = conn.execute("SELECT id FROM pipelines WHERE name = ?", (name,)).fetchone()
            pipeline_id = row[0] if row else uuid.uuid4().hex
            if not row:
                conn.execute(
                    "INSERT INTO pipelines VALUES (?, ?, ?, ?)", (pipeline_id, name, description, now)
                )
            count = conn.execute("SELECT COUNT(*) FROM versions WHERE pipeline_id = ?", (pipeline_id,))
            version_name = f"{name}-v{count.fetchone()[0] + 1}"
            version_id = uuid.uuid4().hex
            target = self.root / "pipelines" / name / f"{version_name}.yaml"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(package, target)
            conn.execute(
                "INSERT INTO versions VALUES (?, ?, ?, ?, ?)",
                (version_id, pipeline_id, version_name, str(target), now),
            )
        return PipelineRef(pipeline_id, name, version_id, version_name)
