"""The run events every backend emits, in one stream of one shape.

Workers post these; the UI and the CLI own what they do with them.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from enum import Enum, StrEnum
from typing import Any


class RunState(StrEnum):
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    CANCELED = "CANCELED"

    @property
    def finished(self) -> bool:
        return self in (RunState.SUCCEEDED, RunState.FAILED, RunState.CANCELED)


class TaskState(StrEnum):
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    SKIPPED = "SKIPPED"
    CANCELED = "CANCELED"


@dataclass(frozen=True)
class RunStarted:
    run_id: str
    pipeline: str
    tasks: tuple[str, ...] = ()
    ts: float = field(default_factory=time.time)


@dataclass(frozen=True)
class TaskStarted:
    run_id: str
    task: str
    ts: float = field(default_factory=time.time)


@dataclass(frozen=True)
class LogLine:
    run_id: str
    task: str
    line: str
    ts: float = field(default_factory=time.time)


@dataclass(frozen=True)
class TaskFinished:
    run_id: str
    task: str
    state: TaskState
    outputs: dict[str, Any] = field(default_factory=dict)
    ts: float = field(default_factory=time.time)


@dataclass(frozen=True)
class RunFinished:
    run_id: str
    state: RunState
    outputs: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    ts: float = field(default_factory=time.time)


@dataclass(frozen=True)
class Waiting:
    """A check (or a step) waits on the cluster: for what, and where that stands now; sent again as it changes."""

    run_id: str
    what: str
    detail: str  # in English
    ts: float = field(default_factory=time.time)
    said_in: dict[str, str] = field(default_factory=dict)  # the detail in each language, where it was said so

    def detail_in(self, lang: str) -> str:
        return self.said_in.get(lang) or self.detail


RunEvent = RunStarted | TaskStarted | LogLine | TaskFinished | RunFinished | Waiting

_KINDS: dict[str, type] = {
    cls.__name__: cls for cls in (RunStarted, TaskStarted, LogLine, TaskFinished, RunFinished, Waiting)
}


def waiting(run_id: str, what: str, detail: Any) -> Waiting:
    """A Waiting event from a detail that is text, or words said in each language (core.errors.Words)."""
    said = getattr(detail, "said", None)
    if not callable(said):
        return Waiting(run_id, what, str(detail))
    from workshop.core.settings import LANGUAGES

    return Waiting(run_id, what, str(detail), said_in={lang: str(said(lang)) for lang in LANGUAGES})


def to_dict(event: RunEvent) -> dict[str, Any]:
    data = asdict(event)
    data["kind"] = type(event).__name__
    for key, value in data.items():
        if isinstance(value, Enum):
            data[key] = value.value
        elif isinstance(value, tuple):
            data[key] = list(value)
    return data


def from_dict(data: dict[str, Any]) -> RunEvent:
    data = dict(data)
    cls = _KINDS[data.pop("kind")]
    if cls is TaskFinished:
        data["state"] = TaskState(data["state"])
    elif cls is RunFinished:
        data["state"] = RunState(data["state"])
    elif cls is RunStarted:
        data["tasks"] = tuple(data.get("tasks", ()))
    return cls(**data)


class ExecutorNoise:
    """Tells kfp's own executor lines (and the executor_input JSON it dumps) from a component's prints.

    For `workshop run --quiet`: the learner's prints stay, kfp's bookkeeping goes. Per task, as
    tasks' lines interleave.
    """

    def __init__(self) -> None:
        self._in_json: set[str] = set()

    def is_noise(self, task: str, line: str) -> bool:
        if task in self._in_json:
            if line == "}":
                self._in_json.discard(task)
            return True
        if line.startswith("[KFP Executor"):
            if line.rstrip().endswith("Got executor_input:"):
                self._in_json.add(task)
            return True
        return False
