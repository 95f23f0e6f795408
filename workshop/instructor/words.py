"""The instructor's steps in both languages: the token's steps, prepare's lines, a learner's reset.

`say(lang, key, ...)`; the CLI passes the language its command speaks (--lang, else the locale).
tests/test_catalog.py checks that every key has its Chinese.
"""

from __future__ import annotations

from workshop.core.text import by_language

WORDS: dict[str, dict[str, str]] = by_language("instructor")


def say(lang: str, key: str, **kwargs: object) -> str:
    text = WORDS["zh" if lang == "zh" else "en"][key]
    return text.format(**kwargs) if kwargs else text
