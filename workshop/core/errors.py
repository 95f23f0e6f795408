"""One error hierarchy: every error the learner or the instructor can act on is a WorkshopError.

The message of each says what happened and what to do, so the CLI and the app can show it as
it is, never as a traceback. The modules that raise them re-export their own (for example
`workshop.core.lessons.LessonError`), so either import path works.

The backends are not told the reader's language, so what they raise carries a catalog key and its fields
(`BackendError.of("backend:…", url=…)`, texts in workshop/core/text under `section:key`): `str(err)` is
the English (logs, tracebacks), `err.said(lang)` the reader's language where the error is shown (the
CLI, the app), `err.said_both()` both where it is stored before anyone knows who reads it (a run's
journal). A field that is itself such an error is said in the same language. tests/test_error_words.py
fails on a raise in the backends whose message is written out instead of coming from the catalog.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Self


class Words:
    """A text not yet said: in whichever language it is asked for (a field of an error, a service's name)."""

    def __init__(self, say: Callable[[str], str]) -> None:
        self._say = say

    def said(self, lang: str) -> str:
        return self._say(lang)

    def __str__(self) -> str:
        return self._say("en")

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


def words(key: str, /, **fields: Any) -> Words:
    """The catalog's text `key` with its fields, said when it is shown."""
    return Words(lambda lang: _fill(lang, key, fields))


def _fill(lang: str, key: str, fields: dict[str, Any]) -> str:
    from workshop.core.text import filled  # on first use: a waiting worker imports this module, not the catalogs

    values = {name: said(value, lang) if isinstance(value, BaseException | Words) else value
              for name, value in fields.items()}
    return filled(lang, key, **values)


def said(error: BaseException | Words | str, lang: str) -> str:
    """What went wrong in `lang`: a catalog error in the reader's language, any other as it is."""
    if isinstance(error, WorkshopError | Words):
        return error.said(lang)
    say = getattr(error, "say", None)  # home_text.LocalisedError (the home, the progress file)
    if callable(say) and isinstance(error, OSError) and bool(getattr(error, "key", "")):
        return str(say(lang))
    return str(error)


class WorkshopError(Exception):
    """Base of the errors the workshop raises on purpose; the message is for the learner.

    Raised with a message written out (the core, which knows the language), or made with `of(key, **fields)`
    (the backends, which do not): then `said(lang)` says it in the reader's language."""

    key: str = ""
    fields: dict[str, Any] = {}  # noqa: RUF012 - replaced per instance, never changed in place

    @classmethod
    def of(cls, key: str, /, **fields: Any) -> Self:
        error = cls.__new__(cls)
        WorkshopError.__init__(error, _fill("en", key, fields))
        error.key, error.fields = key, fields
        return error

    def said(self, lang: str) -> str:
        return _fill(lang, self.key, self.fields) if self.key else str(self)

    def said_both(self) -> str:
        """English, then Chinese on the next line (the same once only when they are the same)."""
        english, chinese = self.said("en"), self.said("zh")
        return english if english == chinese else f"{english}\n{chinese}"


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
