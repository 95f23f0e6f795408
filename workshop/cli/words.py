"""The CLI's own words in both languages: messages, headings and each command's help.

`say(lang, key, ...)` picks the language the command runs in (--lang, else LANG=zh_CN and friends);
tests/test_catalog.py fails when a key the CLI uses has no Chinese, or when the CLI prints bare English.
"""

from __future__ import annotations

from workshop.core.settings import LANGUAGES, default_language
from workshop.core.text import by_language, zh_only

WORDS: dict[str, dict[str, str]] = by_language("cli")

# Each command's help, keyed by its path under `workshop`; the English is the command's docstring.
HELP_ZH: dict[str, str] = zh_only("cli_help")

# The options most commands share, keyed by the parameter's name.
OPTION_HELP_ZH: dict[str, str] = zh_only("cli_option")


# The --lang this invocation chose (`workshop --lang zh run 1` or `workshop run 1 --lang zh`); the root group's
# main() clears it, so one in-process invocation (CliRunner) never leaks its language into the next.
CHOSEN: dict[str, str | None] = {"lang": None}


def language(lang: str | None) -> str:
    """The language a command speaks: --lang when given, else the locale's."""
    chosen = lang or CHOSEN["lang"] or default_language()
    return chosen if chosen in LANGUAGES else "en"


def say(lang: str | None, key: str, **kwargs: object) -> str:
    text = WORDS.get(language(lang), WORDS["en"]).get(key) or WORDS["en"][key]
    return text.format(**kwargs) if kwargs else text
