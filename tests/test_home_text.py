"""The messages about the workshop's folder and progress file, in English and Simplified Chinese: the catalog."""

from __future__ import annotations

import string

import pytest

from workshop.core.home_text import CATALOG, say
from workshop.core.progress import ProgressError
from workshop.core.settings import HomeError


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_every_message_has_both_languages_with_the_same_placeholders(key: str) -> None:
    texts = CATALOG[key]
    assert set(texts) == {"en", "zh"}, key
    assert _fields(texts["en"]) == _fields(texts["zh"]), key
    assert texts["zh"] != texts["en"] and any("\u4e00" <= ch <= "\u9fff" for ch in texts["zh"]), key


def test_an_error_speaks_the_language_it_was_raised_in_and_any_other_on_demand(
        monkeypatch: pytest.MonkeyPatch) -> None:
    exc = HomeError("home.is_a_file", "zh", path="/h")
    assert str(exc) == ("工作坊的文件夹 /h 是一个文件，而不是文件夹：请把这个文件移走，"
                        "或把 WORKSHOP_HOME 设为一个文件夹，然后重新运行命令。")
    assert exc.say("en").startswith("The workshop's folder /h is a file, not a folder")
    assert isinstance(exc, OSError)
    assert str(ProgressError()) == "the progress file cannot be used"
    assert say("fr", "home.unusable") == "the workshop's folder cannot be used"
    monkeypatch.setitem(CATALOG, "broken.zh", {"en": "fine {x}", "zh": "坏了 {y}"})
    assert say("zh", "broken.zh", x=1) == "fine 1"  # a broken translation never hides what went wrong
