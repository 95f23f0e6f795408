"""A local run's folder, `runs/<run_id>/`: its journal of events and its task logs, written and read.

The supervisor (supervisor.py) writes them as the worker reports; the reads the checks need
(reads.py) and the replay of an earlier session's run read them back.
"""

from __future__ import annotations

import collections
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from workshop.core.errors import BackendError
from workshop.core.events import LogLine, RunEvent, from_dict

# What one task's output may take on disk: its first and its last lines, and a line saying what was dropped.
# A component printing 50 MB would otherwise leave three times that (log file and journal) in every run.
LOG_HEAD_BYTES = 1 << 20
LOG_TAIL_BYTES = 1 << 20

# A batch of one task's lines, as the worker sends them and the journal keeps them: one message, not one per line
# ({"kind": LOG_BATCH, "run_id", "task", "lines": [...], "ts"}). Readers see LogLine events, one a line, in order.
LOG_BATCH = "LogLines"


def batch_events(data: dict[str, Any]) -> list[LogLine]:
    """The LogLine events of a batch message."""
    run_id, task, ts = str(data["run_id"]), str(data["task"]), float(data.get("ts", 0.0))
    return [LogLine(run_id, task, str(line), ts) for line in data["lines"]]


def batch_message(run_id: str, task: str, lines: list[str], ts: float) -> str:
    """A batch as one line of the journal."""
    return json.dumps({"kind": LOG_BATCH, "run_id": run_id, "task": task, "lines": lines, "ts": ts}) + "\n"


def journal(runs: Path, run_id: str) -> Iterator[RunEvent]:
    """The events of a run as its journal `events.jsonl` holds them (lines it cannot read are passed over)."""
    path = runs / run_id / "events.jsonl"
    if not path.is_file():
        raise BackendError.of("backend:no_local_run", run_id=run_id)
    for raw in path.read_text(encoding="utf-8").splitlines():
        try:
            data = json.loads(raw)
            if data.get("kind") == LOG_BATCH:
                yield from batch_events(data)
            else:
                yield from_dict(data)
        except (ValueError, KeyError, TypeError, AttributeError):
            continue


def task_log_lines(runs: Path, run_id: str, task: str) -> list[str]:
    path = runs / run_id / "logs" / f"{task}.log"
    if not path.is_file():
        return []
    return path.read_text(encoding="utf-8", errors="replace").splitlines()


class TaskLog:
    """One task's log file and its lines in the journal: the head kept as it comes, the tail at the end.

    Lines come in batches (the worker's): a batch's head part is one write to the log file and one
    message in the journal."""

    def __init__(self, path: Path, journal: TextIO, run_id: str, task: str) -> None:
        self.fh = open(path, "a", encoding="utf-8")  # noqa: SIM115  closed by close()
        self.journal = journal
        self.run_id = run_id
        self.task = task
        self.kept = 0
        self.head_open = True
        self.tail: collections.deque[tuple[str, float]] = collections.deque()
        self.tail_sizes: collections.deque[int] = collections.deque()
        self.tail_bytes = 0
        self.dropped = 0
        self.dropped_bytes = 0
        self.closed = False

    def add(self, event: LogLine) -> None:
        self.add_lines([event.line], event.ts)

    def add_lines(self, lines: list[str], ts: float) -> None:
        at = 0
        if self.head_open:  # the head is the first lines as they came: once one does not fit, it is done
            while at < len(lines):
                size = len(lines[at].encode("utf-8", "replace")) + 1
                if self.kept + size > LOG_HEAD_BYTES:
                    self.head_open = False
                    break
                self.kept += size
                at += 1
            if at:
                self._write(lines[:at], ts)
                self.fh.flush()  # checks and other readers see the log as it grows
        for line in lines[at:]:
            size = len(line.encode("utf-8", "replace")) + 1
            self.tail.append((line, ts))
            self.tail_sizes.append(size)
            self.tail_bytes += size
        while self.tail_bytes > LOG_TAIL_BYTES:
            self.tail.popleft()
            gone = self.tail_sizes.popleft()
            self.tail_bytes -= gone
            self.dropped += 1
            self.dropped_bytes += gone

    def _write(self, lines: list[str], ts: float) -> None:
        self.fh.write("".join(line + "\n" for line in lines))
        self.journal.write(batch_message(self.run_id, self.task, lines, ts))

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self.dropped:
            note = (f"[workshop] {self.dropped} lines ({self.dropped_bytes / 1e6:.1f} MB) of this task's output "
                    f"were not kept on disk: the first {LOG_HEAD_BYTES >> 20} MB and the last "
                    f"{LOG_TAIL_BYTES >> 20} MB are")
            self._write([note], self.tail[0][1] if self.tail else 0.0)
        batch: list[str] = []
        while self.tail:
            line, ts = self.tail.popleft()
            batch.append(line)
            if len(batch) >= 500 or not self.tail:
                self._write(batch, ts)
                batch = []
        self.tail_sizes.clear()
        self.fh.close()
