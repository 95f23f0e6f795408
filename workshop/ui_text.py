"""The app's own words in both languages: the `ui` section of workshop/core/text (lesson texts live in lessons/)."""

from __future__ import annotations

from workshop.core.text import by_language

TEXT: dict[str, dict[str, str]] = by_language("ui")


def t(lang: str, key: str, **kwargs: object) -> str:
    text = TEXT.get(lang, TEXT["en"]).get(key) or TEXT["en"].get(key, key)
    return text.format(**kwargs) if kwargs else text
