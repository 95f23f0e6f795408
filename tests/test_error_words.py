"""The backends' errors speak the reader's language: a catalog check over their raise sites, and real failures
in Chinese end to end.

The backends are not told who reads them, so an error they make carries a catalog key and its fields
(`BackendError.of("backend:…", …)`, workshop/core/errors.py): `str(err)` stays English for logs, the CLI and the
app say `err.said(lang)`. A message written out in a backend (`BackendError(f"…")`) would reach a Chinese reader
in English: the scan below fails on each one and names it. An error that never reaches a reader may keep a
written message when its line says why, with a comment `# words: <why>` (none needs one today).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from click.testing import CliRunner

from workshop.core.errors import BackendError, WorkshopError, said, words
from workshop.core.text import CATALOGS

ROOT = Path(__file__).resolve().parent.parent
MAKERS = ("of", "answered")  # WorkshopError.of(key, ...), HttpError.answered(status, body, key, ...)
KEYED = ("_PlatformError",)  # backends/local/worker.py: its first argument is a catalog key


def _han(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def workshop_errors() -> set[str]:
    """The names of WorkshopError and its subclasses, found in the source (a class whose base is one of them)."""
    classes: list[tuple[str, list[str]]] = []
    for path in (ROOT / "workshop").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = [b.id if isinstance(b, ast.Name) else b.attr if isinstance(b, ast.Attribute) else ""
                         for b in node.bases]
                classes.append((node.name, bases))
    names = {"WorkshopError"}
    while True:
        more = {name for name, bases in classes if set(bases) & names} - names
        if not more:
            return names
        names |= more


def _name(node: ast.expr) -> str:
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""


def written_messages() -> tuple[list[str], list[str], set[str]]:
    """(calls that write a message out, keys that are not in both catalogs, keys used) in workshop/backends."""
    errors = workshop_errors()
    written, unknown, used = [], [], set()
    for path in sorted((ROOT / "workshop" / "backends").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        where = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in MAKERS and _name(func.value) in errors:
                index = 0 if func.attr == "of" else 2
                key = node.args[index] if len(node.args) > index else None
                if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                    unknown.append(f"{where}:{node.lineno}: the key is not written out")
                    continue
                used.add(key.value)
                if key.value not in CATALOGS["en"] or key.value not in CATALOGS["zh"]:
                    unknown.append(f"{where}:{node.lineno}: {key.value}")
            elif _name(func) in KEYED:  # not a WorkshopError, but said from the catalog too (a task's log)
                key = node.args[0] if node.args else None
                if not (isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value in CATALOGS["zh"]):
                    unknown.append(f"{where}:{node.lineno}: {ast.unparse(node)[:100]}")
            elif _name(func) in errors and node.args and "# words:" not in lines[node.lineno - 1]:
                written.append(f"{where}:{node.lineno}: {ast.unparse(node)[:100]}")
    return written, unknown, used


def test_no_backend_writes_an_error_message_out_of_the_catalog() -> None:
    written, unknown, used = written_messages()
    assert "BackendError" in workshop_errors() and "HttpError" in workshop_errors()
    assert not written, "say these with BackendError.of('backend:…', …) and a text in en.py and zh.py:\n" + "\n".join(
        written)
    assert not unknown
    assert len(used) > 60  # the scan sees the raise sites (some 120 of them)
    english_again = sorted(key for key in used if not _han(CATALOGS["zh"][key]) and any(
        ch.isalpha() for ch in CATALOGS["zh"][key].replace("{", " {").split("{")[0]))
    assert not english_again, english_again


def test_an_error_is_english_as_a_string_and_said_in_the_readers_language() -> None:
    inner = BackendError.of("backend:store_not_started")
    error = BackendError.of("backend:run_cannot_start", error=inner)
    assert str(error) == "cannot start the run: the object store is not started"
    assert error.said("zh") == "无法启动这次运行：对象存储尚未启动"
    assert error.said_both() == f"{error}\n{error.said('zh')}"
    assert said(error, "zh") == error.said("zh") and said(ValueError("plain"), "zh") == "plain"
    assert said(words("backend:kube_api"), "zh") == "Kubernetes API"
    written = WorkshopError("written out by the core, which knows the language")
    assert written.said("zh") == str(written)


def test_a_broken_translation_falls_back_to_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(CATALOGS["zh"], "backend:no_local_run", "没有 {missing}")
    assert BackendError.of("backend:no_local_run", run_id="r-1").said("zh") == "no local run r-1"


# --- real failures, in Chinese -------------------------------------------------------------------------------------


def _unlock(lesson_id: int) -> None:
    from workshop.core.course import Course
    from workshop.core.settings import Settings

    course = Course(Settings.load("en"))
    for before in range(1, lesson_id):
        course.progress.record_attempt(before, True, {"run_id": f"r-{before}"})


def test_an_object_store_that_cannot_start_is_said_in_chinese(home: Path) -> None:
    """`workshop --lang zh run 4` with the store's keys damaged: the store does not start, the message is Chinese."""
    from workshop.cli import main

    _unlock(4)
    keys = home / "local" / "objectstore" / "credentials.json"
    keys.parent.mkdir(parents=True)
    keys.write_text("{not json")
    result = CliRunner().invoke(main, ["--lang", "zh", "run", "4"])
    assert result.exit_code == 1, result.output
    assert f"{keys} 已损坏；删除它，对象存储会生成新的密钥" in result.output
    assert "is damaged" not in result.output
    english = CliRunner().invoke(main, ["--lang", "en", "run", "4"])
    assert f"{keys} is damaged; delete it and the object store makes new keys" in english.output


def test_a_volumes_folder_that_cannot_be_used_is_said_in_chinese(home: Path) -> None:
    """`workshop --lang zh run 2` where the volumes' folder is a file: the run cannot start, said in Chinese (what
    the operating system said stays as it said it)."""
    from workshop.cli import main

    _unlock(2)
    (home / "local").mkdir(parents=True, exist_ok=True)
    (home / "local" / "volumes").write_text("a file where the volumes' folder goes")
    result = CliRunner().invoke(main, ["--lang", "zh", "run", "2"])
    assert result.exit_code == 1, result.output
    assert f"无法启动这次运行：无法使用卷所在的文件夹 {home / 'local' / 'volumes'}（" in result.output
    assert "Traceback" not in result.output and "Errno" not in result.output


async def test_in_the_app_in_chinese_the_store_that_cannot_start_is_said_in_chinese(home: Path) -> None:
    """The same failure in the app (Chinese): the Run tab's status says it in Chinese, not the backend's English."""
    from textual.widgets import Static

    from tests.test_app import settle
    from workshop.app import make_app
    from workshop.core.course import Course
    from workshop.core.settings import Settings
    from workshop.widgets.lesson_view import LessonView
    from workshop.widgets.run_panel import RunPanel

    _unlock(4)
    keys = home / "local" / "objectstore" / "credentials.json"
    keys.parent.mkdir(parents=True)
    keys.write_text("{not json")
    app = make_app(Course(Settings.load("zh")), backend_name="local")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: bool(app.query(RunPanel)))
        assert app.query_one(LessonView).lesson.id == 4
        app.query_one(RunPanel).start_run()
        status = app.query_one("#run-status", Static)
        await settle(pilot, lambda: "credentials.json" in str(status.render()), timeout=60)
        assert "已损坏；删除它，对象存储会生成新的密钥" in str(status.render())
