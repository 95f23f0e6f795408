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
