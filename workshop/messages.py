"""Messages workers post to the UI. Workers never touch widgets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # the app imports these messages at start-up; the run events come with the Run tab
    from workshop.core.events import RunEvent


class RunEventPosted(Message):
    def __init__(self, event: RunEvent) -> None:
        super().__init__()
        self.event = event


class RunIdAssigned(Message):
    def __init__(self, run_id: str) -> None:
        super().__init__()
        self.run_id = run_id


class RunStepPosted(Message):
    """A Kubeflow step of the run: compiled, uploaded, run created (Course.run_lesson's on_step)."""

    def __init__(self, step: str, details: dict[str, object]) -> None:
        super().__init__()
        self.step = step
        self.details = details


class AttemptFinished(Message):
    def __init__(self, lesson_id: int, attempt: object | None, error: str = "") -> None:
        super().__init__()
        self.lesson_id = lesson_id
        self.attempt = attempt
        self.error = error


class ChecksShown(Message):
    """The run panel has check results (or none, when a new run starts)."""

    def __init__(self, results: Sequence[object]) -> None:
        super().__init__()
        self.results = list(results)
