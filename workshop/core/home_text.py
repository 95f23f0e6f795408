"""The words of what goes wrong with the workshop's own folder and progress file, in English and Chinese.

Shaped like check_text: each key has one `str.format` template per language, with the same
placeholders; a language (or a message) without a usable translation falls back to English.
What the operating system or SQLite said (`{error}`) and the paths stay as they were.
"""

from __future__ import annotations

from typing import Any

from workshop.core.text import by_key, fill_or_english

CATALOG: dict[str, dict[str, str]] = by_key("home")


def say(lang: str, key: str, /, **kwargs: Any) -> str:
    """The message `key` in `lang`, filled in; English where `lang` has no (usable) translation."""
    texts = CATALOG[key]
    return fill_or_english(texts.get(lang), texts["en"], **kwargs)


def say_both(key: str, /, **kwargs: Any) -> str:
    """The message `key` in English, then in Chinese on the next line: for a message stored before anyone
    knows who reads it in which language (a run's error, kept in its journal and the progress file)."""
    return f"{say('en', key, **kwargs)}\n{say('zh', key, **kwargs)}"


class LocalisedError(OSError):
    """An OSError whose message is a catalog key and its fields: said in `lang`, or in any other on demand."""

    default_key = ""

    def __init__(self, key: str = "", lang: str = "en", /, **fields: Any) -> None:
        super().__init__(key or self.default_key)
        self.key, self.lang, self.fields = key or self.default_key, lang, fields

    def say(self, lang: str) -> str:
        return say(lang, self.key, **self.fields)

    def __str__(self) -> str:
        return self.say(self.lang)
