"""The lesson's text comes first (widgets/lesson_view.py): the other tabs' widgets are mounted
once it has been drawn, or at once when one of their tabs is opened before that."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_app import new_app, settle
from workshop.core.place import save_place
from workshop.widgets.code_view import CodeView
from workshop.widgets.lesson_view import LessonView
from workshop.widgets.run_panel import RunPanel


async def test_the_run_panel_and_the_code_view_mount_after_the_text_is_drawn(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text_drawn_at_mount: dict[str, bool] = {}

    def recording(cls: type, name: str) -> None:
        real = cls.on_mount  # type: ignore[attr-defined]

        def on_mount(self) -> None:
            text_drawn_at_mount[name] = self.app.query_one("#lesson-text").drawn
            real(self)

        monkeypatch.setattr(cls, "on_mount", on_mount)

    recording(RunPanel, "run panel")
    recording(CodeView, "code view")
    app = new_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: len(text_drawn_at_mount) == 2)
        assert text_drawn_at_mount == {"run panel": True, "code view": True}
        assert app.query("#checks-curve")  # the checks tab's curve came with them


async def test_a_tab_restored_at_start_up_has_its_widgets(home: Path) -> None:
    """Reopened on lesson 1's Run tab, where the text is never drawn: the Run panel is there."""
    home.mkdir(parents=True, exist_ok=True)
    save_place(home, 1, "tab-run")
    app = new_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: bool(app.query("#lesson-tabs"))
                     and app.query_one(LessonView).tabs.active == "tab-run")
        await settle(pilot, lambda: bool(app.query(RunPanel)))
        assert app.query_one(RunPanel).lesson.id == 1


def test_what_the_first_screen_imports_leaves_out_the_runs_machinery() -> None:
    """The modules the lesson's text needs do not bring the checks, the spec reader (yaml), the
    compiler, the Run panel or kfp: those come after the text is drawn, or with a run."""
    import subprocess
    import sys

    code = ("import sys, workshop.cli, workshop.app, workshop.widgets.lesson_view\n"
            "print(sorted(m for m in ('yaml', 'kfp', 'numpy', 'workshop.core.checks', 'workshop.core.pipeline_spec',"
            " 'workshop.core.compile', 'workshop.widgets.run_panel', 'workshop.widgets.code_view',"
            " 'textual_plotext') if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).resolve().parent.parent)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


async def test_r_pressed_before_the_other_tabs_mounted_still_runs_the_lesson(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`r` at once after start-up, while the Run panel still waits for the lesson's text: it did nothing (the
    action looked for a panel that was not there yet). Held back here: the text's first paint mounts nothing
    and the timer is far away, so only the key can bring the panel."""
    from workshop.widgets import lesson_view
    from workshop.widgets.lesson_view import LessonText

    monkeypatch.setattr(lesson_view, "REST_AT_THE_LATEST", 600.0)
    monkeypatch.setattr(LessonText, "_after_first_paint", lambda self: self.show_all())
    app = new_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: bool(app.query(LessonView)))
        assert not app.query(RunPanel)  # the key comes before the panel
        await pilot.press("r")
        # what the key leaves behind, not the run caught while active (a warm lesson 1 takes a fraction of a second)
        await settle(pilot, lambda: bool(app.query(RunPanel)) and bool(app.query_one(RunPanel).run_id), timeout=60)
        assert app.query_one(LessonView).tabs.active == "tab-run"
        await settle(pilot, lambda: not app.query_one(RunPanel).run_active
                     and [r.state for r in app.course.progress.runs(1)] == ["SUCCEEDED"], timeout=120)
