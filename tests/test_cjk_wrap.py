"""Chinese lines break between characters, never inside an identifier, and keep their spaces."""

from __future__ import annotations

import io

import pytest
import rich._wrap
from rich.console import Console
from rich.markdown import Markdown

from workshop.core.course import Course

IDENTIFIERS = ("kubernetes.mount_pvc", "InferenceService", "kubeflow-user-example-com", "set_accelerator_type")


def _render(markdown: str, width: int) -> list[str]:
    console = Console(width=width, file=io.StringIO(), record=True, color_system=None)
    console.print(Markdown(markdown))
    return console.export_text().splitlines()


def _cut(lines: list[str], word: str) -> bool:
    for above, below in zip(lines, lines[1:], strict=False):
        end, start = above.rstrip(), below.lstrip()
        if any(end.endswith(word[:k]) and start.startswith(word[k:]) for k in range(1, len(word))):
            return True
    return False


def test_the_app_installs_the_chinese_line_breaking() -> None:
    import workshop.app  # noqa: F401
    from workshop.widgets import cjk_wrap

    assert rich._wrap.words is cjk_wrap.words


@pytest.mark.parametrize("lesson_id", [2, 3, 5])
@pytest.mark.parametrize("width", [60, 72, 80, 100])
def test_chinese_lessons_never_cut_an_identifier(course: Course, lesson_id: int, width: int) -> None:
    import workshop.app  # noqa: F401  installs the line breaking, as the app does

    text = course.lesson(lesson_id).text("zh")
    lines = _render(text, width)
    assert all(not _cut(lines, word) for word in IDENTIFIERS), "\n".join(lines)


def test_the_space_between_chinese_and_latin_stays() -> None:
    import workshop.app  # noqa: F401

    lines = _render("每个访问 /mnt/shared 的任务都需要调用 kubernetes.mount_pvc 把卷挂上，" * 3, 40)
    joined = " ".join(line.strip() for line in lines)
    assert "调用 kubernetes.mount_pvc 把" in joined or "调用 kubernetes.mount_pvc\n" in "\n".join(lines)
    assert not any(line.lstrip().startswith(("，", "。")) for line in lines)


@pytest.mark.parametrize(("source", "joined"), [
    ("生命周期比 Pod\n更长的存储", "生命周期比 Pod 更长的存储"),  # lesson 2: it read "比 Pod更长"
    ("第一个任务从中读取\n`input_numbers.csv` 并按降序排序", "第一个任务从中读取 `input_numbers.csv` 并按降序排序"),
    ("写回同一个卷上的\n`output/sorted_numbers.csv`。", "写回同一个卷上的 `output/sorted_numbers.csv`。"),
    ("定义步骤、\n编译成 YAML", "定义步骤、编译成 YAML"),  # two Chinese sides: no space
    ("发布为**推理服务（InferenceService）**\n的模型", "发布为**推理服务（InferenceService）**的模型"),
    ("the two\nwords", "the two words"),
])
def test_a_line_break_between_chinese_and_latin_joins_with_a_space(source: str, joined: str) -> None:
    """The lessons write a space between a Chinese and a Latin word (名为 `aidatasource` 的); a line
    break in the source at that spot must read the same, not glue the two words together."""
    from workshop.core.lessons import join_soft_breaks

    assert join_soft_breaks(source) == joined


def test_a_text_with_no_chinese_is_split_as_rich_splits_it(course: Course) -> None:
    """A text with no character in the span of the Chinese ranges is split by rich's own `words` (the
    Chinese pattern is compiled only for a text with one, widgets/cjk_wrap.py): both must split it
    into the same words, punctuation, marks and runs of spaces included."""
    from workshop.widgets import cjk_wrap

    assert cjk_wrap._RICH_WORDS.__module__ == "rich._wrap"  # rich's function, not ours installed over it
    samples = [line for lesson in course.lessons for line in lesson.text("en").splitlines() if line.isascii()]
    samples += ["  leading and trailing  ", "f(a, b): (x) -> y; 5%!?", "a\tb\n c", "", "   ", "word",
                "▶ 1. Pythagorean pipeline\n   open", "🔒 2. Volumes", "“quoted” … a·b ‘x’ (", "café, naïve."]
    assert len(samples) > 100
    for sample in samples:
        assert list(cjk_wrap._cjk_words(sample)) == list(cjk_wrap._RICH_WORDS(sample)), sample
        assert list(cjk_wrap.words(sample)) == list(cjk_wrap._RICH_WORDS(sample)), sample
