"""A local run's folder, `runs/<run_id>/`: its journal of events and its task logs, written and read.

The supervisor (supervisor.py) writes them as the worker reports; the reads the checks need
(reads.py) and the replay of an earlier session's run read them back.
"""

from __future__ import annotations

import collections
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from workshop.core.errors import BackendError
from workshop.core.events import LogLine, RunEvent, from_dict, to_dict

# What one task's output may take on disk: its first and its last lines, and a line saying what was dropped.
# A component printing 50 MB would otherwise leave three times that (log file and journal) in every run.
LOG_HEAD_BYTES = 1 << 20
LOG_TAIL_BYTES = 1 << 20


def journal(runs: Path, run_id: str) -> Iterator[RunEvent]:
    """The events of a run as its journal `events.jsonl` holds them (lines it cannot read are passed over)."""
    path = runs / run_id / "events.jsonl"
    if not path.is_file():
        raise BackendError(f"no local run {run_id}")
    for raw in path.read_text(encoding="utf-8").splitlines():
        try:
            yield from_dict(json.loads(raw))
        except (ValueError, KeyError, TypeError):
            continue


def task_log_lines(runs: Path, run_id: str, task: str) -> list[str]:
    path = runs / run_id / "logs" / f"{task}.log"
    if not path.is_file():
        return []
    return path.read_text(encoding="utf-8", errors="replace").splitlines()


class TaskLog:
    """One task's log file and its lines in the journal: the head kept as it comes, the tail at the end."""

    def __init__(self, path: Path, journal: TextIO) -> None:
        self.fh = open(path, "a", encoding="utf-8")  # noqa: SIM115  closed by close()
        self.journal = journal
        self.kept = 0
        self.tail: collections.deque[LogLine] = collections.deque()
        self.tail_bytes = 0
        self.dropped = 0
        self.dropped_bytes = 0
        self.closed = False

    def add(self, event: LogLine) -> None:
        size = len(event.line.encode("utf-8", "replace")) + 1
        if self.kept + size <= LOG_HEAD_BYTES:
            self.kept += size
            self._write(event)
            self.fh.flush()  # checks and other readers see the log as it grows
            return
        self.tail.append(event)
        self.tail_bytes += size
        while self.tail_bytes > LOG_TAIL_BYTES:
            old = self.tail.popleft()
            gone = len(old.line.encode("utf-8", "replace")) + 1
            self.tail_bytes -= gone
            self.dropped += 1
            self.dropped_bytes += gone

    def _write(self, event: LogLine) -> None:
        self.fh.write(event.line + "\n")
        self.journal.write(json.dumps(to_dict(event)) + "\n")

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self.dropped:
            first = self.tail[0] if self.tail else None
            note = (f"[workshop] {self.dropped} lines ({self.dropped_bytes / 1e6:.1f} MB) of this task's output "
                    f"were not kept on disk: the first {LOG_HEAD_BYTES >> 20} MB and the last "
                    f"{LOG_TAIL_BYTES >> 20} MB are")
            if first is not None:
                self._write(LogLine(first.run_id, first.task, note))
        while self.tail:
            self._write(self.tail.popleft())
        self.fh.close()
