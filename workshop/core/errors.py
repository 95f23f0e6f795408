"""One error hierarchy: every error the learner or the instructor can act on is a WorkshopError.

The message of each says what happened and what to do, so the CLI and the app can show it as
it is, never as a traceback. The modules that raise them re-export their own (for example
`workshop.core.lessons.LessonError`), so either import path works.
"""

from __future__ import annotations


class WorkshopError(Exception):
    """Base of the errors the workshop raises on purpose; the message is for the learner."""


class BackendError(WorkshopError):
    """Something the learner or the instructor can act on: the message says what to do."""


class LessonError(WorkshopError):
    """A lesson folder that cannot be loaded, or an argument that does not fit."""


class CompileError(WorkshopError):
    """The pipeline file does not import or does not compile; the message says where."""


class PredictionError(WorkshopError):
    """A served model gave no usable prediction."""


class ExpressionError(WorkshopError, ValueError):
    """A lesson's check expression is not one the safe evaluator accepts."""


class ResetError(WorkshopError):
    """Some artifacts could not be removed; `lines` says what was done and what was not."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines
