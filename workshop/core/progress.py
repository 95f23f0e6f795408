"""The learner's progress: a SQLite file, written in transactions.

Two `workshop` processes at once lose nothing (WAL plus BEGIN IMMEDIATE). Only a file that
SQLite itself finds corrupt (or empty, or from a newer workshop) is moved aside, with a notice,
under a name no other copy has; a full, read-only or failing disk is a ProgressError that says
what to do, and the file is left exactly as it was.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import socket
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workshop.core.home_text import LocalisedError

SCHEMA_VERSION = 3  # 2: runs.source_file, runs.source_sha, lesson_progress.tried, exercises; 3: runs.owner

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
    source_sha TEXT NOT NULL DEFAULT '',
    owner TEXT NOT NULL DEFAULT ''
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
# the disk's fault, not the file's: such a file is never moved aside
_DISK_ERRORS = {sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY,
                sqlite3.SQLITE_PERM}
_SQLITE_ERROR = 1  # sqlite3.h: generic error, e.g. no such column
_CORRUPT_ERRORS = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}


class ProgressError(LocalisedError):
    """The progress file cannot be read or written because of its disk or folder; nothing was changed."""

    default_key = "progress.unusable"


class _Unreadable(Exception):
    """The file itself is bad (SQLite says corrupt, it is empty, or a newer schema): move it aside."""


def disk_error(path: Path, exc: BaseException, lang: str = "en") -> ProgressError:
    """What went wrong with the disk under `path`, and what to do, for any I/O or space error."""
    code = getattr(exc, "sqlite_errorcode", None)
    # the extended code's low byte is the primary one (SQLITE_IOERR_WRITE is IOERR)
    primary = code & 0xFF if isinstance(code, int) else None
    err = getattr(exc, "errno", None)
    try:
        stat = os.statvfs(_existing_parent(path))
        free, read_only = stat.f_bavail * stat.f_frsize, bool(stat.f_flag & os.ST_RDONLY)
    except OSError:
        free, read_only = None, False
    where = path.parent
    if primary == sqlite3.SQLITE_READONLY or err in (errno.EROFS, errno.EACCES) or read_only:
        return ProgressError("progress.read_only", lang, path=path, folder=where, error=exc)
    if primary == sqlite3.SQLITE_FULL or err in (errno.ENOSPC, errno.EDQUOT) or (free is not None and free < 1 << 20):
        return ProgressError("progress.full", lang, folder=where, runs=where / "local" / "runs")
    return ProgressError("progress.disk", lang, path=path, folder=where, error=exc)


def _existing_parent(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path("/")


def _process_tag(pid: int | None = None) -> str:
    """host:pid:start-time of a process: a recycled pid has another start time."""
    pid = os.getpid() if pid is None else pid
    try:
        start = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        start = ""
    return f"{socket.gethostname()}:{pid}:{start}"


def _owner_gone(owner: str) -> bool:
    """Is the process that recorded a run gone? Unknown (another host, no /proc) counts as alive."""
    host, _, rest = owner.partition(":")
    pid, _, start = rest.partition(":")
    if host != socket.gethostname() or not pid.isdigit() or not start or not Path("/proc/self/stat").exists():
        return False
    return _process_tag(int(pid)) != owner


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
    def __init__(self, path: Path, learner: str = "default", language: str = "en") -> None:
        self.path = path
        self.learner = learner
        self.language = language  # of the ProgressErrors it raises; the app changes it with the learner's
        self.notice = ""  # set when the file had to be moved aside or repaired; the UI shows it once
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # one process at a time decides whether the file is bad, so two never move the same one
            with open(path.with_name(path.name + ".lock"), "a") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                try:
                    self._open()
                except _Unreadable as exc:
                    self._move_aside(str(exc))
                    self._open()
        except _Unreadable as exc:
            raise ProgressError("progress.unreadable", language, path=path, error=exc) from exc
        except (sqlite3.Error, OSError) as exc:
            if isinstance(exc, ProgressError):
                raise
            raise disk_error(path, exc, language) from exc
        self.interrupted = self._close_dead_runs()

    # --- opening, migrating, recovering ---------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA busy_timeout = 30000")
        return conn

    def _open(self) -> None:
        if not self.path.exists():
            self._create()
        wal = Path(str(self.path) + "-wal")
        if self.path.stat().st_size == 0 and not (wal.exists() and wal.stat().st_size > 0):
            raise _Unreadable("the file is empty (0 bytes)")  # files we make are never empty: see _create
        conn = self._connect()
        try:
            self._open_with(conn)
        except sqlite3.DatabaseError as exc:
            if getattr(exc, "sqlite_errorcode", 0) & 0xFF in _CORRUPT_ERRORS:  # SQLite's own verdict
                raise _Unreadable(str(exc)) from exc
            raise
        finally:
            conn.close()

    def _open_with(self, conn: sqlite3.Connection) -> None:
        check = conn.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise _Unreadable(f"integrity check failed: {check}")
        conn.execute("PRAGMA journal_mode = WAL")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise _Unreadable(f"written by a newer workshop (schema {version}, this one reads {SCHEMA_VERSION})")
        try:
            conn.executescript(_SCHEMA)
            added = _migrate(conn) if version < SCHEMA_VERSION or _missing_columns(conn) else []
        except sqlite3.OperationalError as exc:
            # SQLITE_ERROR is SQL the file's own tables refuse (an old layout no migration knows);
            # a full, read-only or failing disk has codes of its own and is never taken for this
            if getattr(exc, "sqlite_errorcode", 0) & 0xFF == _SQLITE_ERROR:
                raise _Unreadable(f"its tables are not a layout this workshop can migrate: {exc}") from exc
            raise
        if added and version == SCHEMA_VERSION:
            self.notice = (f"Your progress file lacked {', '.join(added)}; added with empty values. "
                           "Nothing else was changed.")

    def _create(self) -> None:
        """A new file appears whole (built aside, then linked in), so an empty file is never ours."""
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.{time.monotonic_ns()}.new")
        try:
            conn = sqlite3.connect(tmp, isolation_level=None)
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.executescript(_SCHEMA)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            finally:
                conn.close()
            with contextlib.suppress(FileExistsError):  # another process made it first: theirs stands
                os.link(tmp, self.path)
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(str(tmp) + suffix).unlink(missing_ok=True)

    def _move_aside(self, reason: str) -> None:
        """Keep the bad file under a name nothing else has: a link never replaces, a rename might."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        n = 0
        while True:
            aside = self.path.with_name(f"{self.path.name}.unreadable-{stamp}" + (f"-{n}" if n else ""))
            if not any(Path(str(aside) + s).exists() for s in ("", "-wal", "-shm")):
                try:
                    os.link(self.path, aside)
                    break
                except FileExistsError:
                    pass
            n += 1
        for suffix in ("-wal", "-shm"):
            src = Path(str(self.path) + suffix)
            if src.exists():
                os.link(src, Path(str(aside) + suffix))
        for suffix in ("-wal", "-shm", ""):
            Path(str(self.path) + suffix).unlink(missing_ok=True)
        self.notice = (
            f"Your progress file could not be read ({reason}). It was moved to {aside} "
            "and a fresh one was started; nothing else was changed."
        )

    def _close_dead_runs(self) -> list[str]:
        """Runs left RUNNING by a workshop process that died (SIGKILL, a closed terminal) become CANCELED."""
        try:
            rows = self._read("SELECT run_id, owner FROM runs WHERE state IN ('RUNNING', 'PENDING') AND owner != ''")
            dead = [row["run_id"] for row in rows if _owner_gone(row["owner"])]
            for run_id in dead:
                with self._write() as conn:
                    conn.execute(
                        "UPDATE runs SET state = 'CANCELED', error = ?, finished_at = ? "
                        "WHERE run_id = ? AND state IN ('RUNNING', 'PENDING')",
                        ("interrupted: the workshop process running it ended", time.time(), run_id))
        except ProgressError:
            return []  # a read-only store still shows the progress; the next writable command closes them
        return dead

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = self._connect()
            try:
                conn.execute("BEGIN IMMEDIATE")
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                raise
            finally:
                conn.close()
        except sqlite3.OperationalError as exc:
            if getattr(exc, "sqlite_errorcode", 0) & 0xFF in _DISK_ERRORS:
                raise disk_error(self.path, exc, self.language) from exc
            raise

    def _read(self, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        try:
            conn = self._connect()
            try:
                return conn.execute(sql, args).fetchall()
            finally:
                conn.close()
        except sqlite3.OperationalError as exc:
            if getattr(exc, "sqlite_errorcode", 0) & 0xFF in _DISK_ERRORS:
                raise disk_error(self.path, exc, self.language) from exc
            raise

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
                "arguments, state, outputs, error, checks, started_at, finished_at, source_file, source_sha, owner) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.run_id, self.learner, record.lesson_id, record.backend,
                    record.pipeline_name, record.package_path, json.dumps(record.arguments),
                    record.state, json.dumps(record.outputs, default=str), record.error,
                    json.dumps(record.checks, default=str), record.started_at, record.finished_at,
                    record.source_file, record.source_sha, _process_tag(),
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

    def run(self, run_id: str) -> RunRecord | None:
        rows = self._read("SELECT * FROM runs WHERE run_id = ?", (run_id,))
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


def _missing_columns(conn: sqlite3.Connection) -> list[str]:
    missing = []
    for table, columns in _schema_columns().items():
        have = {row["name"] for row in conn.execute(f"PRAGMA table_info({table})")}
        missing += [f"{table}.{name}" for name in columns if name not in have]
    return missing


def _migrate(conn: sqlite3.Connection) -> list[str]:
    """Bring a file up to date: add the columns it lacks, in one transaction; returns them.

    A column that cannot be filled in (NOT NULL without a default, a key) makes the file unreadable,
    so it is moved aside with a notice rather than half-read.
    """
    added: list[str] = []
    conn.execute("BEGIN IMMEDIATE")  # two processes opening an old file at once: one migrates
    try:
        for table, columns in _schema_columns().items():
            have = {row["name"] for row in conn.execute(f"PRAGMA table_info({table})")}
            for name, decl in columns.items():
                if name in have:
                    continue
                if ("NOT NULL" in decl.upper() and "DEFAULT" not in decl.upper()) or "KEY" in decl.upper():
                    raise _Unreadable(f"table {table} has no column {name} and it cannot be filled in")
                conn.execute(f"ALTER TABLE {table} ADD COLUMN {name} {decl}")
                added.append(f"{table}.{name}")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return added


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
