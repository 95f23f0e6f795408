"""Every user-facing string has its Chinese: a check over the catalogs, not a list of screens."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from workshop.ui_text import TEXT

ROOT = Path(__file__).resolve().parent.parent


def _han(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def catalogs() -> list[tuple[str, dict[str, dict[str, str]]]]:
    from workshop.backends.local.doctor import TEXT as DOCTOR
    from workshop.cli.lessons import DOCTOR_WORDS, PROGRESS_WORDS
    from workshop.screens.doctor import HEAD

    return [("ui_text.TEXT", TEXT), ("local doctor", DOCTOR), ("cli doctor", DOCTOR_WORDS),
            ("cli progress", PROGRESS_WORDS), ("doctor screen", HEAD)]


@pytest.mark.parametrize("name,catalog", catalogs())
def test_each_catalog_has_every_key_in_both_languages(name: str, catalog: dict[str, dict[str, str]]) -> None:
    assert set(catalog["en"]) == set(catalog["zh"]), name
    # a Chinese entry that is the English one again was not translated (names like nvidia-smi excepted)
    same = [k for k in catalog["en"] if catalog["zh"][k] == catalog["en"][k] and any(c.isalpha() for c in
            catalog["en"][k]) and " " in catalog["en"][k]]
    assert not same, f"{name}: not translated: {same}"


def test_every_check_message_has_chinese() -> None:
    from workshop.core.check_text import CATALOG

    missing = [key for key, texts in CATALOG.items() if not texts.get("zh")]
    assert not missing


def test_every_home_and_progress_file_message_has_chinese() -> None:
    from workshop.core.home_text import CATALOG

    missing = [key for key, texts in CATALOG.items() if not _han(texts.get("zh", ""))]
    assert not missing


def test_every_evidence_key_a_check_gives_has_a_label_in_both_languages() -> None:
    keys: set[str] = set()
    for module in ("checks.py", "checks_more.py"):
        tree = ast.parse((ROOT / "workshop" / "core" / module).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("passed", "failed", "skipped"):
                keys.update(kw.arg for kw in node.keywords if kw.arg)
    assert keys, "the checks give evidence"
    missing = sorted(k for k in keys if f"evidence_{k}" not in TEXT["en"] or f"evidence_{k}" not in TEXT["zh"])
    assert not missing
    assert all(_han(TEXT["zh"][f"evidence_{k}"]) or TEXT["zh"][f"evidence_{k}"] in ("YAML", "nvidia-smi")
               for k in keys)


def test_every_task_state_has_chinese() -> None:
    from workshop.core.events import TaskState

    for state in [*TaskState, "NOT RUN"]:
        assert _han(TEXT["zh"][f"task_{state}"]), state


def test_the_help_screen_has_the_same_rows_in_both_languages() -> None:
    from workshop.screens.help import HELP

    for part in ("keys", "tabs", "files"):
        assert len(HELP["en"][part]) == len(HELP["zh"][part])
        assert all(_han(what) or what.startswith("{") or what == "中文 / English" for _, what in HELP["zh"][part])
