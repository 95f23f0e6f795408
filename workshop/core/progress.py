"""The learner's progress: a SQLite file, written in transactions.

Two `workshop` processes at once lose nothing (WAL plus BEGIN IMMEDIATE), and a file
that cannot be read is moved aside with a notice instead of crashing the app.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 2  # 2: runs.source_file, runs.source_sha, lesson_progress.tried, exercises

_SCHEMA = """
CREATE TABLE IF NOT EXISTS lesson_progress (
    learner TEXT NOT NULL,
    lesson_id INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'open',
    attempts INTEGER NOT NULL DEFAULT 0,
    started_at REAL,
    passed_at REAL,
    time_spent REAL NOT NULL DEFAULT 0,
    last_failure TEXT NOT NULL DEFAULT '',
    evidence TEXT NOT NULL DEFAULT '{}',
    tried TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (learner, lesson_id)
);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    learner TEXT NOT NULL,
    lesson_id INTEGER NOT NULL,
    backend TEXT NOT NULL,
    pipeline_name TEXT NOT NULL,
    package_path TEXT NOT NULL,
    arguments TEXT NOT NULL,
    state TEXT NOT NULL,
    outputs TEXT NOT NULL DEFAULT '{}',
    error TEXT NOT NULL DEFAULT '',
    checks TEXT NOT NULL DEFAULT '[]',
    started_at REAL NOT NULL,
    finished_at REAL,
    source_file TEXT NOT NULL DEFAULT '',
    source_sha TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS runs_by_lesson ON runs (learner, lesson_id, started_at);
CREATE TABLE IF NOT EXISTS exercises (
    learner TEXT NOT NULL,
    lesson_id INTEGER NOT NULL,
    started_at REAL NOT NULL,
    PRIMARY KEY (learner, lesson_id)
);
"""

PASSED, SKIPPED, OPEN = "passed", "skipped", "open"


@dataclass(frozen=True)
class LessonProgress:
    lesson_id: int
    state: str = OPEN
    attempts: int = 0
    started_at: float | None = None
    passed_at: float | None = None
    time_spent: float = 0.0
    last_failure: str = ""
    evidence: dict[str, Any] | None = None
    tried: tuple[str, ...] = ()  # each distinct version (code_version) of the learner's own code that failed

    @property
    def done(self) -> bool:
        return self.state in (PASSED, SKIPPED)


@dataclass(frozen=True)
class RunRecord:
    run_id: str
    lesson_id: int
    backend: str
    pipeline_name: str
    package_path: str
    arguments: dict[str, Any]
    state: str
    outputs: dict[str, Any]
    error: str
    checks: list[dict[str, Any]]
    started_at: float
    finished_at: float | None
    source_file: str = ""  # the pipeline file the run compiled
    source_sha: str = ""  # exercise.code_version of it as compiled (sha256 of its syntax tree)


class ProgressStore:
    def __init__(self, path: Path, learner: str = "default") -> None:
        self.path = path
        self.learner = learner
        self.notice = ""  # set when the file had to be moved aside; the UI shows it once
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._open()
        except sqlite3.DatabaseError as exc:
            self._move_aside(str(exc))
            self._open()

    # --- opening, migrating, recovering ---------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA busy_timeout = 30000")
        return conn

    def _open(self) -> None:
        conn = self._connect()
        try:
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise sqlite3.DatabaseError(f"integrity check failed: {check}")
            conn.execute("PRAGMA journal_mode = WAL")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise sqlite3.DatabaseError(
                    f"written by a newer workshop (schema {version}, this one reads {SCHEMA_VERSION})"
                )
            conn.executescript(_SCHEMA)
            if version < SCHEMA_VERSION:
                _migrate(conn)
        except sqlite3.DatabaseError:
            conn.close()
            raise
        conn.close()

    def _move_aside(self, reason: str) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.unreadable-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            src = Path(str(self.path) + suffix)
            if src.exists():
                src.replace(Path(str(aside) + suffix))
        self.notice = (
            f"Your progress file could not be read ({reason}). It was moved to {aside} "
            "and a fresh one was started; nothing else was changed."
        )

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            conn.close()

    def _read(self, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        conn = self._connect()
        try:
            return conn.execute(sql, args).fetchall()
        finally:
            conn.close()

    # --- lessons ---------------------------------------------------------------------
    def lesson(self, lesson_id: int) -> LessonProgress:
        rows = self._read(
            "SELECT * FROM lesson_progress WHERE learner = ? AND lesson_id = ?",
            (self.learner, lesson_id),
        )
        return _lesson_from_row(rows[0]) if rows else LessonProgress(lesson_id)

    def all_lessons(self) -> dict[int, LessonProgress]:
        rows = self._read("SELECT * FROM lesson_progress WHERE learner = ?", (self.learner,))
        return {row["lesson_id"]: _lesson_from_row(row) for row in rows}

    def _ensure_row(self, conn: sqlite3.Connection, lesson_id: int) -> None:
        conn.execute(
            "INSERT OR IGNORE INTO lesson_progress (learner, lesson_id, started_at) VALUES (?, ?, ?)",
            (self.learner, lesson_id, time.time()),
        )

    def record_attempt(self, lesson_id: int, passed: bool, evidence: dict[str, Any], failure: str = "",
                       tried: str = "") -> None:
        """One finished attempt: a pass marks the lesson done, a fail keeps what went wrong.

        `tried` names (by hash) the learner's own code that failed, counted once per version.
        """
        now = time.time()
        with self._write() as conn:
            self._ensure_row(conn, lesson_id)
            row = conn.execute(
                "SELECT state, started_at, tried FROM lesson_progress WHERE learner = ? AND lesson_id = ?",
                (self.learner, lesson_id),
            ).fetchone()
            versions = list(_loads(row["tried"], []))
            if tried and not passed and tried not in versions:
                versions.append(tried)
                conn.execute("UPDATE lesson_progress SET tried = ? WHERE learner = ? AND lesson_id = ?",
                             (json.dumps(versions), self.learner, lesson_id))
            spent = now - (row["started_at"] or now)
            if passed:
                conn.execute(
                    "UPDATE lesson_progress SET state = ?, attempts = attempts + 1, passed_at = ?, "
                    "time_spent = ?, evidence = ?, last_failure = '' WHERE learner = ? AND lesson_id = ?",
                    (PASSED, now, spent, json.dumps(evidence, default=str), self.learner, lesson_id),
                )
            else:
                conn.execute(
                    "UPDATE lesson_progress SET attempts = attempts + 1, last_failure = ?, time_spent = ? "
                    "WHERE learner = ? AND lesson_id = ?",
                    (failure, spent if row["state"] == OPEN else 0, self.learner, lesson_id),
                )

    def mark(self, lesson_id: int, state: str) -> None:
        with self._write() as conn:
            self._ensure_row(conn, lesson_id)
            conn.execute(
                "UPDATE lesson_progress SET state = ?, passed_at = CASE WHEN ? = 'open' THEN NULL "
                "ELSE passed_at END WHERE learner = ? AND lesson_id = ?",
                (state, state, self.learner, lesson_id),
            )

    def reset(self, lesson_ids: list[int]) -> None:
        with self._write() as conn:
            for lesson_id in lesson_ids:
                conn.execute(
                    "DELETE FROM lesson_progress WHERE learner = ? AND lesson_id = ?",
                    (self.learner, lesson_id),
                )

    # --- exercise mode (kept apart from lesson_progress: a reset does not end it) ------------
    def exercises(self) -> set[int]:
        """The lessons the learner chose to write themselves."""
        rows = self._read("SELECT lesson_id FROM exercises WHERE learner = ?", (self.learner,))
        return {int(row["lesson_id"]) for row in rows}

    def set_exercise(self, lesson_id: int, on: bool) -> None:
        with self._write() as conn:
            if on:
                conn.execute("INSERT OR IGNORE INTO exercises (learner, lesson_id, started_at) VALUES (?, ?, ?)",
                             (self.learner, lesson_id, time.time()))
            else:
                conn.execute("DELETE FROM exercises WHERE learner = ? AND lesson_id = ?", (self.learner, lesson_id))

    # --- runs ------------------------------------------------------------------------
    def add_run(self, record: RunRecord) -> None:
        with self._write() as conn:
            self._ensure_row(conn, record.lesson_id)
            conn.execute(
                "INSERT INTO runs (run_id, learner, lesson_id, backend, pipeline_name, package_path, "
                "arguments, state, outputs, error, checks, started_at, finished_at, source_file, source_sha) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.run_id, self.learner, record.lesson_id, record.backend,
                    record.pipeline_name, record.package_path, json.dumps(record.arguments),
                    record.state, json.dumps(record.outputs, default=str), record.error,
                    json.dumps(record.checks, default=str), record.started_at, record.finished_at,
                    record.source_file, record.source_sha,
                ),
            )

    def finish_run(
        self, run_id: str, state: str, outputs: dict[str, Any], error: str = ""
    ) -> None:
        with self._write() as conn:
            conn.execute(
                "UPDATE runs SET state = ?, outputs = ?, error = ?, finished_at = ? WHERE run_id = ?",
                (state, json.dumps(outputs, default=str), error, time.time(), run_id),
            )

    def save_checks(self, run_id: str, checks: list[dict[str, Any]]) -> None:
        with self._write() as conn:
            conn.execute(
                "UPDATE runs SET checks = ? WHERE run_id = ?", (json.dumps(checks, default=str), run_id)
            )

    def last_run(self, lesson_id: int) -> RunRecord | None:
        rows = self._read(
            "SELECT * FROM runs WHERE learner = ? AND lesson_id = ? ORDER BY started_at DESC LIMIT 1",
            (self.learner, lesson_id),
        )
        return _run_from_row(rows[0]) if rows else None

    def runs(self, lesson_id: int | None = None) -> list[RunRecord]:
        if lesson_id is None:
            rows = self._read("SELECT * FROM runs WHERE learner = ? ORDER BY started_at", (self.learner,))
        else:
            rows = self._read(
                "SELECT * FROM runs WHERE learner = ? AND lesson_id = ? ORDER BY started_at",
                (self.learner, lesson_id),
            )
        return [_run_from_row(row) for row in rows]

    def delete_runs(self, lesson_id: int) -> list[str]:
        with self._write() as conn:
            ids = [
                row["run_id"]
                for row in conn.execute(
                    "SELECT run_id FROM runs WHERE learner = ? AND lesson_id = ?", (self.learner, lesson_id)
                )
            ]
            conn.execute("DELETE FROM runs WHERE learner = ? AND lesson_id = ?", (self.learner, lesson_id))
        return ids


def _schema_columns() -> dict[str, dict[str, str]]:
    """Each table's columns with their declarations, read from _SCHEMA itself."""
    tables: dict[str, dict[str, str]] = {}
    for table, body in re.findall(r"CREATE TABLE IF NOT EXISTS (\w+) \((.*?)\n\);", _SCHEMA, re.S):
        columns = tables.setdefault(table, {})
        for line in body.strip().splitlines():
            name, _, decl = line.strip().rstrip(",").partition(" ")
            if name.upper() not in ("PRIMARY", "UNIQUE", "FOREIGN", "CHECK", "CONSTRAINT"):
                columns[name] = decl
    return tables


def _migrate(conn: sqlite3.Connection) -> None:
    """Bring a file from an older workshop up to date: add the columns it lacks, in one transaction.

    A column that cannot be filled in (NOT NULL without a default) makes the file unreadable,
    so it is moved aside with a notice rather than half-read.
    """
    conn.execute("BEGIN IMMEDIATE")  # two processes opening an old file at once: one migrates
    try:
        for table, columns in _schema_columns().items():
            have = {row["name"] for row in conn.execute(f"PRAGMA table_info({table})")}
            for name, decl in columns.items():
                if name in have:
                    continue
                if "NOT NULL" in decl.upper() and "DEFAULT" not in decl.upper():
                    raise sqlite3.DatabaseError(
                        f"written by an older workshop: table {table} has no column {name} and it cannot be filled in"
                    )
                conn.execute(f"ALTER TABLE {table} ADD COLUMN {name} {decl}")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _loads(text: str | None, default: Any) -> Any:
    try:
        return json.loads(text) if text else default
    except json.JSONDecodeError:
        return default


def _lesson_from_row(row: sqlite3.Row) -> LessonProgress:
    return LessonProgress(
        lesson_id=row["lesson_id"],
        state=row["state"],
        attempts=row["attempts"],
        started_at=row["started_at"],
        passed_at=row["passed_at"],
        time_spent=row["time_spent"],
        last_failure=row["last_failure"],
        evidence=_loads(row["evidence"], {}),
        tried=tuple(str(v) for v in _loads(row["tried"], [])),
    )


def _run_from_row(row: sqlite3.Row) -> RunRecord:
    return RunRecord(
        run_id=row["run_id"],
        lesson_id=row["lesson_id"],
        backend=row["backend"],
        pipeline_name=row["pipeline_name"],
        package_path=row["package_path"],
        arguments=_loads(row["arguments"], {}),
        state=row["state"],
        outputs=_loads(row["outputs"], {}),
        error=row["error"],
        checks=_loads(row["checks"], []),
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        source_file=row["source_file"],
        source_sha=row["source_sha"],
    )
