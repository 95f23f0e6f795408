from __future__ import annotations

from pathlib import Path

import pytest

from workshop.core import expr
from workshop.core.lessons import LessonError, find_lesson, load_lessons
from workshop.core.settings import course_root

ROOT = course_root()


def lessons():
    return load_lessons(ROOT / "lessons", ROOT / "pipelines")


def test_every_lesson_loads_in_order_with_both_languages() -> None:
    loaded = lessons()
    assert [lesson.id for lesson in loaded] == sorted(lesson.id for lesson in loaded)
    assert loaded[0].slug == "pythagorean"
    for lesson in loaded:
        assert lesson.title_in("en") and lesson.title_in("zh")
        assert lesson.title_in("en") != lesson.title_in("zh")
        for spec in lesson.checks:
            assert spec.title_in("en") and spec.title_in("zh"), (lesson.id, spec.id)


def test_lesson_one_arguments_and_defaults() -> None:
    lesson = find_lesson(lessons(), "1")
    assert lesson.defaults() == {"a": 3.0, "b": 4.0}
    assert lesson.parse_arguments({"a": "5", "b": "12"}) == {"a": 5.0, "b": 12.0}
    assert lesson.requires == ()


@pytest.mark.parametrize("bad", ["x", "", "3,5", "nan", "inf", "-Infinity", "1e999"])
def test_an_argument_that_is_not_a_number_says_so(bad: str) -> None:
    lesson = find_lesson(lessons(), "pythagorean")
    with pytest.raises(LessonError, match="a must be a (finite )?number"):
        lesson.parse_arguments({"a": bad})


def test_unknown_argument_and_unknown_lesson_are_clear() -> None:
    loaded = lessons()
    with pytest.raises(LessonError, match="has no argument 'c'"):
        find_lesson(loaded, "1").parse_arguments({"c": "1"})
    with pytest.raises(LessonError, match="no lesson '99'"):
        find_lesson(loaded, "99")


def test_hints_come_one_at_a_time_and_the_last_repeats() -> None:
    spec = next(c for c in find_lesson(lessons(), "1").checks if c.id == "output")
    first, second, third = (spec.hint("en", n) for n in (1, 2, 3))
    assert first != second and second == third


def test_a_lesson_whose_pipeline_is_missing_is_not_available(tmp_path: Path) -> None:
    folder = tmp_path / "lessons" / "07-later"
    folder.mkdir(parents=True)
    (folder / "lesson.toml").write_text(
        'id = 7\nslug = "later"\ntitle = {en = "Later", zh = "以后"}\n'
        '[pipeline]\nfile = "nope.py"\nfunction = "p"\n'
    )
    (tmp_path / "pipelines").mkdir()
    [lesson] = load_lessons(tmp_path / "lessons", tmp_path / "pipelines")
    assert not lesson.available and lesson.requires == (6,)


def test_a_broken_lesson_toml_names_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "lessons" / "01-x"
    folder.mkdir(parents=True)
    (folder / "lesson.toml").write_text("id = [")
    with pytest.raises(LessonError, match="lesson.toml"):
        load_lessons(tmp_path / "lessons", tmp_path)


def test_expected_values_are_computed_from_the_arguments() -> None:
    assert expr.evaluate("sqrt(a**2 + b**2)", {"a": 5, "b": 12}) == 13.0
    assert expr.evaluate("max(a, b) - 1", {"a": 2, "b": 7}) == 6.0


@pytest.mark.parametrize("source", ["__import__('os')", "a.__class__", "open('x')", "[1][0]", "lambda: 1"])
def test_expected_values_never_run_code(source: str) -> None:
    with pytest.raises(expr.ExpressionError):
        expr.evaluate(source, {"a": 1})


def test_chinese_paragraphs_are_joined_without_spaces_but_code_and_lists_keep_their_lines() -> None:
    from workshop.core.lessons import join_soft_breaks

    text = ("## 目标\n\n定义步骤、\n编译成 YAML，用到的\nKubeflow 组件。\n\n```python\na = 1\nb = 2\n```\n\n"
            "- 第一项\n  接着写\n- 第二项\n\n| a | b |\n|---|---|\n\nuse the\nkfp SDK\n")
    # a break between Chinese and a Latin word reads as the space the lessons write there (issue 11)
    assert join_soft_breaks(text) == (
        "## 目标\n\n定义步骤、编译成 YAML，用到的 Kubeflow 组件。\n\n```python\na = 1\nb = 2\n```\n\n"
        "- 第一项接着写\n- 第二项\n\n| a | b |\n|---|---|\n\nuse the kfp SDK\n")
    lesson = lessons()[0]
    assert "定义步骤、编译成" in lesson.text("zh") and "定义步骤、\n" not in lesson.text("zh")


def _no_toml(monkeypatch: pytest.MonkeyPatch) -> None:
    import tomllib

    def refuse(source: str) -> dict:
        raise AssertionError("a kept lesson file was parsed again")

    monkeypatch.setattr(tomllib, "loads", refuse)


def test_the_lesson_files_are_read_back_as_they_parse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Kept (core/lessons.py _Parsed): a second load parses no TOML and gives the same lessons; only the
    tables this load used stay in the file."""
    kept = tmp_path / "cache" / "lessons.json"
    first = load_lessons(ROOT / "lessons", ROOT / "pipelines", kept=kept)
    assert kept.stat().st_mode & 0o777 == 0o600 and len(kept.read_text()) > 1000
    with monkeypatch.context() as patch:
        _no_toml(patch)
        again = load_lessons(ROOT / "lessons", ROOT / "pipelines", kept=kept)
    assert again == first == lessons()


def test_an_edited_lesson_file_is_parsed_afresh_and_a_damaged_kept_file_is_rewritten(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "lessons" / "07-later"
    folder.mkdir(parents=True)
    (tmp_path / "pipelines").mkdir()
    toml = folder / "lesson.toml"
    toml.write_text('id = 7\nslug = "later"\ntitle = {en = "Later", zh = "以后"}\n'
                    '[pipeline]\nfile = "nope.py"\nfunction = "p"\n')
    kept = tmp_path / "lessons.json"
    assert load_lessons(tmp_path / "lessons", tmp_path / "pipelines", kept=kept)[0].title_in("en") == "Later"
    toml.write_text(toml.read_text().replace('"Later"', '"Soon"'))
    assert load_lessons(tmp_path / "lessons", tmp_path / "pipelines", kept=kept)[0].title_in("en") == "Soon"
    assert "Later" not in kept.read_text()  # the old table went with the old text
    kept.write_bytes(b"\x00{not json")
    assert load_lessons(tmp_path / "lessons", tmp_path / "pipelines", kept=kept)[0].title_in("en") == "Soon"
    with monkeypatch.context() as patch:
        _no_toml(patch)
        assert load_lessons(tmp_path / "lessons", tmp_path / "pipelines", kept=kept)[0].slug == "later"
    toml.write_text('written = 2026-12-03\n' + toml.read_text())  # a date: JSON has no such value
    [dated] = load_lessons(tmp_path / "lessons", tmp_path / "pipelines", kept=kept)
    assert str(dated.extra["written"]) == "2026-12-03" and "written" not in kept.read_text()
