"""The words of the check summaries ("what was seen"), in English and Simplified Chinese.

Each message key maps to one template per language; `say` fills in the placeholders with
`str.format`, so a template may use conversions and format specs (``{name!r}``, ``{value:g}``).
Both languages of a message use the same placeholders. A language (or a message) without a
translation falls back to English. Technical names (PVC, YAML, InferenceService, S3, GPU) stay
in English in the Chinese text, and so does whatever a tool or an exception said.
"""

from __future__ import annotations

from typing import Any

from workshop.core.text import by_key

CATALOG: dict[str, dict[str, str]] = by_key("check")


def say(lang: str, key: str, /, **kwargs: Any) -> str:
    """The message `key` in `lang`, filled in; English where `lang` has no (usable) translation.

    `lang` and `key` are positional-only, so a message may have a `{key}` placeholder (an S3 key).
    """
    texts = CATALOG[key]
    english = texts["en"]
    template = texts.get(lang) or english
    if template is not english:
        try:
            return template.format(**kwargs)
        except (KeyError, IndexError, ValueError):
            pass  # a broken translation must never hide what the check saw
    return english.format(**kwargs)


def order_word(lang: str, order: str) -> str:
    """'desc'/'asc' as the learner reads it; any other value as it is."""
    key = f"order.{order}"
    return say(lang, key) if key in CATALOG else order
