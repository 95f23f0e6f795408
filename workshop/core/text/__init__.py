"""One catalog per language: every user-facing string lives in en.py or zh.py, keyed `section:key`.

The modules that say things keep their own shapes, each a view over one section (and read it from here):
`by_language` gives {"en": {key: text}, "zh": {...}} (ui_text.TEXT, cli.words.WORDS, the doctors...),
`by_key` gives {key: {"en": text, "zh": text}} (check_text, home_text), `pair` one text per language,
`zh_only` the Chinese of what another tool says in English (click, the commands' docstrings), and
`nested` the help screen's rows. `text(lang, key)` looks one string up, falling back to English.

Plain data only: the core, the backends and the UI may all read it (pyproject's import contracts).
"""

from __future__ import annotations

from typing import Any

from workshop.core.text import en, zh

CATALOGS: dict[str, dict[str, str]] = {"en": en.TEXT, "zh": zh.TEXT}
# sections that have only Chinese: the English is someone else's (click's messages, the commands' docstrings)
ZH_ONLY = ("cli_help", "cli_option", "click_words", "click_messages", "click_names", "reset_states")


def text(lang: str, key: str, **kwargs: object) -> str:
    """The string for `section:key` in `lang`, else in English; placeholders filled with str.format."""
    found = CATALOGS.get(lang, en.TEXT).get(key)
    if found is None:
        found = en.TEXT[key]
    return found.format(**kwargs) if kwargs else found


def filled(lang: str, key: str, /, **kwargs: object) -> str:
    """`text`, for what explains a failure: English where `lang` has no translation or it does not fill."""
    return fill_or_english(CATALOGS.get(lang, en.TEXT).get(key), en.TEXT[key], **kwargs)


def fill_or_english(template: str | None, english: str, /, **kwargs: object) -> str:
    """`template` filled in, or `english` where there is none or it does not fill (a field it names was not
    given): a broken translation never hides what went wrong."""
    if template and template is not english:
        try:
            return template.format(**kwargs)
        except (KeyError, IndexError, ValueError):
            pass
    return english.format(**kwargs)


def section(lang: str, name: str) -> dict[str, str]:
    """The section's strings in `lang`, keyed without the `section:` prefix, in catalog order."""
    prefix = f"{name}:"
    return {key[len(prefix):]: value for key, value in CATALOGS[lang].items() if key.startswith(prefix)}


def sections() -> list[str]:
    return sorted({key.split(":", 1)[0] for catalog in CATALOGS.values() for key in catalog})


def by_language(name: str) -> dict[str, dict[str, str]]:
    return {lang: section(lang, name) for lang in CATALOGS}


def by_key(name: str) -> dict[str, dict[str, str]]:
    english, chinese = section("en", name), section("zh", name)
    return {key: {"en": value, **({"zh": chinese[key]} if key in chinese else {})} for key, value in english.items()}


def pair(name: str) -> dict[str, str]:
    return {lang: catalog[name] for lang, catalog in CATALOGS.items()}


def zh_only(name: str) -> dict[str, str]:
    return section("zh", name)


def zh_pairs(name: str) -> tuple[tuple[str, str], ...]:
    return tuple(section("zh", name).items())


def nested(name: str) -> dict[str, dict[str, Any]]:
    """{lang: {key: text, or rows (tuples of texts)}}: `key.row.cell` entries rebuilt as lists of tuples."""
    result: dict[str, dict[str, Any]] = {}
    for lang in CATALOGS:
        out: dict[str, Any] = {}
        for key, value in section(lang, name).items():
            head, dot, rest = key.partition(".")
            if not dot:
                out[key] = value
                continue
            row = int(rest.partition(".")[0])  # the cells of a row come in order, rows too
            rows = out.setdefault(head, [])
            if row == len(rows):
                rows.append([])
            rows[row].append(value)
        result[lang] = {key: [tuple(r) for r in value] if isinstance(value, list) else value
                        for key, value in out.items()}
    return result
