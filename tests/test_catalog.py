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
    from workshop.backends.cluster.auth import WORDS as TOKEN_WORDS
    from workshop.backends.cluster.doctor import TEXT as CLUSTER_DOCTOR
    from workshop.backends.local.doctor import TEXT as DOCTOR
    from workshop.cli.lessons import DOCTOR_WORDS, PROGRESS_WORDS
    from workshop.cli.words import WORDS
    from workshop.core.reset import LINES
    from workshop.instructor.words import WORDS as INSTRUCTOR
    from workshop.screens.doctor import HEAD

    return [("ui_text.TEXT", TEXT), ("local doctor", DOCTOR), ("cli doctor", DOCTOR_WORDS),
            ("cli progress", PROGRESS_WORDS), ("doctor screen", HEAD), ("cli words", WORDS), ("reset lines", LINES),
            ("cluster doctor", CLUSTER_DOCTOR), ("token words", TOKEN_WORDS),
            ("instructor steps", INSTRUCTOR)]


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
    modules = [ROOT / "workshop" / "core" / "checks.py", *sorted((ROOT / "workshop" / "core").glob("checks_*.py"))]
    assert len(modules) == 5, modules  # checks.py and the four families
    for module in modules:
        tree = ast.parse(module.read_text())
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


CLI = sorted((ROOT / "workshop" / "cli").glob("*.py"))
PRINTS = {"echo", "secho", "confirm", "ClickException", "UsageError", "BadParameter", "LookupError"}


def _called(node: ast.Call) -> str:
    return getattr(node.func, "attr", None) or getattr(node.func, "id", None) or ""


def test_every_key_the_cli_says_has_chinese() -> None:
    from workshop.cli.words import WORDS

    keys: set[str] = set()
    for module in CLI:
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.Call) and _called(node) == "say":
                for arg in node.args[1:2]:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        keys.add(arg.value)
                    elif isinstance(arg, ast.IfExp):  # say(lang, "a" if dry_run else "b")
                        keys.update(part.value for part in ast.walk(arg)
                                    if isinstance(part, ast.Constant) and isinstance(part.value, str))
    assert len(keys) > 60, "the CLI says its words through say()"
    missing = sorted(k for k in keys if k not in WORDS["en"] or not _han(WORDS["zh"].get(k, "")))
    assert not missing


def test_the_cli_prints_no_english_of_its_own() -> None:
    """What the CLI prints goes through the catalog: a literal with English words in it has no Chinese."""
    import re

    bare = []
    for module in CLI:
        for node in ast.walk(ast.parse(module.read_text())):
            if not (isinstance(node, ast.Call) and _called(node) in PRINTS and node.args):
                continue
            first = node.args[0]
            parts = [first] if isinstance(first, ast.Constant) else \
                [v for v in first.values if isinstance(v, ast.Constant)] if isinstance(first, ast.JoinedStr) else []
            if any(isinstance(p.value, str) and re.search(r"[A-Za-z]{3,}", p.value) for p in parts):
                bare.append(f"{module.name}:{node.lineno}")
    assert not bare


def test_every_command_and_option_has_chinese_help() -> None:
    import click

    from workshop.cli import main
    from workshop.cli.common import CLICK_ZH, localise
    from workshop.core.settings import default_language

    missing = []
    localise(main, "zh")
    try:
        def walk(command: click.Command, path: str) -> None:
            if not _han(command.help or ""):
                missing.append(path or "workshop")
            for param in command.params:
                if isinstance(param, click.Option) and param.help and not _han(CLICK_ZH.get(param.help, param.help)):
                    missing.append(f"{path} {param.opts[-1]}")
            for name, sub in getattr(command, "commands", {}).items():
                walk(sub, f"{path} {name}".strip())

        walk(main, "")
    finally:
        localise(main, default_language())
    assert not missing
    assert all(not _han(c.help or "") for c in main.commands.values()) or default_language() == "zh"


# --- one catalog per language (workshop/core/text/en.py and zh.py) ------------------------------------------
def _fields(template: str) -> set[str]:
    import string

    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}


def test_one_catalog_per_language_has_every_key_in_both() -> None:
    from workshop.core.text import CATALOGS, ZH_ONLY, sections

    en, zh = CATALOGS["en"], CATALOGS["zh"]
    assert len(sections()) >= 20 and len(en) > 500
    shared = [key for key in zh if key.split(":", 1)[0] not in ZH_ONLY]
    assert set(shared) == set(en), sorted(set(shared) ^ set(en))
    assert all(key.split(":", 1)[0] in ZH_ONLY for key in set(zh) - set(en))
    # a Chinese text uses no placeholder its English lacks (it may leave out an English-only one, like {its})
    wrong = [key for key in en if not _fields(zh[key]) <= _fields(en[key])]
    assert not wrong
    # the same in both is a name (a key to press, "中文 / English"), else it was not translated
    names = [key for key in en if key.startswith("help:keys.") and key.endswith(".0") or _han(en[key])]
    same = [key for key in en if zh[key] == en[key] and " " in en[key] and any(c.isalpha() for c in en[key])
            and key not in names]
    assert not same, f"not translated: {same}"


def test_every_zh_only_text_is_chinese() -> None:
    from workshop.core.text import CATALOGS, ZH_ONLY

    lacking = [key for key, value in CATALOGS["zh"].items() if key.split(":", 1)[0] in ZH_ONLY and not _han(value)]
    assert not lacking


# Han text outside the catalogs, each for a reason that is not a user message to translate
NOT_MESSAGES = {
    "app.py": "the language toggle's own label, 中文/English, the same in both",
    "core/exercise.py": "a starter file's header, which names the lesson in both languages at once",
    "core/lessons.py": "a docstring about Chinese line joining",
    "widgets/cjk_wrap.py": "the ranges of CJK characters",
}


def test_no_module_keeps_a_catalog_of_its_own() -> None:
    """Every string table (a dict with a "zh" entry) and every Chinese text lives in workshop/core/text."""
    tables, chinese = [], set()
    for path in sorted((ROOT / "workshop").rglob("*.py")):
        name = path.relative_to(ROOT / "workshop").as_posix()
        if name.startswith("core/text/"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict) and any(isinstance(k, ast.Constant) and k.value == "zh" for k in node.keys):
                tables.append(f"{name}:{node.lineno}")
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and _han(node.value):
                chinese.add(name)
    assert not tables
    assert chinese <= set(NOT_MESSAGES), sorted(chinese - set(NOT_MESSAGES))
