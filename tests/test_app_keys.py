"""The app under a learner's keyboard: keys faster than a lesson renders, help, tabs, focus."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console
from textual import events
from textual.widgets import Input

from tests.test_app import new_app, run_one_that_blocks, settle
from workshop.widgets.lesson_list import LessonList
from workshop.widgets.lesson_view import LessonView
from workshop.widgets.run_panel import RunLog, RunPanel


def post_keys(app, *keys: str) -> None:
    """Queue the keys at once, as a held-down key does: the app reads them faster than it renders."""
    for key in keys:
        event = events.Key(key, None)
        event.set_sender(app)
        app.post_message(event)


async def test_fast_keys_render_only_the_last_lesson(home: Path) -> None:
    app = new_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: bool(app.query(RunPanel)))
        app.query_one(LessonList).focus()
        await pilot.pause()
        assert app.rendered == [1]
        post_keys(app, "down", "down")
        await settle(pilot, lambda: app.current_lesson_id == 3
                     and app.query_one(LessonList).highlighted == 2)
        seen = list(app.rendered)
        for _ in range(20):  # nothing keeps rendering on its own: the highlight stays put
            await pilot.pause()
        assert app.rendered == seen
        assert app.rendered[-1] == 3 and 3 not in app.rendered[:-1]
        assert app.query_one(LessonList).highlighted == 2
        assert len(app.query(LessonView)) == 1


async def test_quitting_while_a_lesson_renders_exits_cleanly(home: Path) -> None:
    app = new_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: bool(app.query(RunPanel)))
        app.query_one(LessonList).focus()
        await pilot.pause()
        post_keys(app, "down", "down", "down")
        for _ in range(5):
            await pilot.pause()
        post_keys(app, "down", "ctrl+q")
    # run_test re-raises what the app raised (the MountError of a half-done render)
    assert app.return_code in (0, None)


async def test_question_mark_and_f1_open_the_help(home: Path) -> None:
    from workshop.screens.help import HelpScreen

    app = new_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: bool(app.query(RunPanel)))
        for key in ("question_mark", "f1"):
            await pilot.press(key)
            await settle(pilot, lambda: isinstance(app.screen, HelpScreen))
            console = Console(width=400, record=True, file=io.StringIO())
            console.print(app.screen.query_one("#help-text").content)
            text = console.export_text()
            assert "Ctrl+Q" in text and "Checks " in text and "Pipeline code" in text
            assert str(app.course.settings.progress_db) in text
            await pilot.press("escape")
            await settle(pilot, lambda: not isinstance(app.screen, HelpScreen))


async def test_number_keys_switch_tabs_and_the_footer_says_so(home: Path) -> None:
    from textual.widgets import Footer

    app = new_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: bool(app.query(RunPanel)))
        tabs = app.query_one(LessonView).tabs
        for key, tab in (("3", "tab-run"), ("2", "tab-code"), ("4", "tab-checks"), ("1", "tab-lesson")):
            await pilot.press(key)
            await settle(pilot, lambda tab=tab: tabs.active == tab)
        footer_keys = [str(getattr(item, "key_display", "")) for item in app.query_one(Footer).query("FooterKey")]
        assert "1-5" in footer_keys and "?" in footer_keys


async def test_enter_in_an_argument_runs_and_the_run_tab_shows_the_kubeflow_steps(home: Path) -> None:
    from textual.widgets import Input

    app = new_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: bool(app.query(RunPanel)))
        await pilot.press("3")
        await settle(pilot, lambda: bool(app.query("#arg-b")))
        panel = app.query_one(RunPanel)
        field = app.query_one("#arg-b", Input)
        field.value = "12"
        field.focus()
        await pilot.press("enter")
        await settle(pilot, lambda: app.query_one(LessonView).tabs.active == "tab-checks", timeout=120)
        run_id = app.course.progress.last_run(1).run_id
        steps = panel.steps
        assert steps[0].startswith("① Compiled the pipeline to ") and steps[0].endswith("01-pythagorean.yaml")
        assert steps[1].startswith("② Uploaded as pipeline ") and ", version " in steps[1] and "(id " in steps[1]
        assert steps[2].startswith("③ Created run ") and "a=3.0, b=12.0" in steps[2] and "caching off" in steps[2]
        assert steps[3] == f"④ Run id: {run_id}"
        log = panel.query_one("#log", RunLog)
        await pilot.press("3")  # back to the Run tab: the log draws what came while the Checks tab showed
        await settle(pilot, lambda: any("[KFP Executor" in strip.text for strip in log.lines))
        await pilot.press("e")  # kfp's executor lines go, the steps and the prints stay
        await settle(pilot, lambda: not log.redrawing and not any("[KFP Executor" in s.text for s in log.lines))
        text = "\n".join(strip.text for strip in log.lines)
        assert "① Compiled" in text and "add number:" in text and "x=9.0, y=144.0" in text


async def test_chinese_after_l_the_checks_tasks_and_header_speak_chinese(home: Path) -> None:
    from textual.widgets import DataTable

    from workshop.widgets.checks_view import ChecksView

    app = new_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: bool(app.query(RunPanel)))
        await pilot.press("r")
        await settle(pilot, lambda: app.query_one(LessonView).tabs.active == "tab-checks", timeout=120)
        assert app.query_one(ChecksView).results[-1].summary.startswith("Output = 5")
        await pilot.press("l")
        await settle(pilot, lambda: app.query(ChecksView) and app.query_one(ChecksView).results
                     and "与预期一致" in app.query_one(ChecksView).results[-1].summary)
        view = app.query_one(ChecksView)
        assert [r.title for r in view.results] == [spec.title_in("zh") for spec in app.course.lesson(1).checks]
        console = Console(width=100, record=True, file=io.StringIO())
        console.print(view.content)
        table = console.export_text()
        assert "任务:" in table and "状态:" in table and "tasks:" not in table and "state:" not in table
        assert "SUCCEEDED" not in table.replace("state: SUCCEEDED", "")
        assert "本地后端" in app.sub_title
        await pilot.press("3")
        await settle(pilot, lambda: app.query_one(LessonView).tabs.active == "tab-run")
        # the last run's tasks are not replayed on a fresh view; a new run shows its states in Chinese
        await pilot.press("r")
        await settle(pilot, lambda: app.query_one(LessonView).tabs.active == "tab-checks", timeout=120)
        cells = {str(app.query_one("#tasks", DataTable).get_cell(k, "state")) for k in
                 app.query_one("#tasks", DataTable).rows}
        assert cells == {"成功"}


async def test_page_keys_in_the_list_scroll_the_lesson_and_do_not_open_lesson_5(home: Path) -> None:
    app = new_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: app.current_lesson_id == 1)
        app.query_one(LessonList).focus()
        scroller = app.query_one("#tab-lesson VerticalScroll")
        for key in ("pagedown", "end"):
            await pilot.press(key)
            await pilot.pause()
        assert app.current_lesson_id == 1 and app.query_one(LessonList).highlighted == 0
        await settle(pilot, lambda: scroller.scroll_y > 0)  # the lesson text moved instead
        await pilot.press("home")
        await settle(pilot, lambda: scroller.scroll_y == 0)
        assert app.rendered == [1]


async def test_the_app_reopens_at_the_last_lesson_and_tab(home: Path) -> None:
    app = new_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: app.current_lesson_id == 1)
        app.query_one(LessonList).focus()
        await pilot.press("down")
        await settle(pilot, lambda: app.current_lesson_id == 2)
        await pilot.press("2")
        await settle(pilot, lambda: app.query_one(LessonView).tabs.active == "tab-code")
    again = new_app(home)
    async with again.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: again.current_lesson_id == 2
                     and again.query_one(LessonView).tabs.active == "tab-code")


async def test_choosing_another_lesson_during_a_run_asks_first(home: Path) -> None:
    from workshop.screens.confirm import Confirm

    app = new_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        panel = await run_one_that_blocks(app, pilot)
        app.query_one(LessonList).focus()
        await pilot.press("down")
        await settle(pilot, lambda: isinstance(app.screen, Confirm))
        assert "Lesson 1 is running." in app.screen.title_text and "lesson 2" in app.screen.body
        assert app.query_one(LessonList).highlighted == 0  # the list stays on the running lesson
        await pilot.click("#no")
        await settle(pilot, lambda: not isinstance(app.screen, Confirm))
        assert panel.run_active and app.current_lesson_id == 1
        app.query_one(LessonList).focus()
        await pilot.press("down")
        await settle(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.click("#yes")
        await settle(pilot, lambda: app.current_lesson_id == 2, timeout=60)
        assert app.course.progress.last_run(1).state == "CANCELED"


async def test_passing_the_last_open_lesson_shows_the_course_complete_checklist(home: Path) -> None:
    """Lessons 2-5 skipped (as `workshop skip` does), lesson 1 run for real: the course is complete."""
    from workshop.screens.complete import CompleteScreen

    app = new_app(home)
    for lesson_id in (2, 3, 4, 5):
        app.course.progress.mark(lesson_id, "skipped")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: bool(app.query(RunPanel)) and app.current_lesson_id == 1)
        await pilot.press("3")
        await settle(pilot, lambda: bool(app.query("#arg-a")))
        app.query_one("#arg-a", Input).value = "5"
        app.query_one("#arg-b", Input).value = "12"
        await pilot.press("r")
        # pushed, then composed: its checklist is there once it has composed
        await settle(pilot, lambda: isinstance(app.screen, CompleteScreen) and hasattr(app.screen, "items"),
                     timeout=120)
        items = app.screen.items
        assert items[0].startswith("First: inside a Kubeflow notebook")
        assert "run it with a=5.0, b=12.0, enable_caching=False" in items[1]
        assert "demo-pythagorean-pipeline" in items[1] and "01-pythagorean.yaml" in items[1]
        assert all("you skipped it here" in item for item in items[2:]) and len(items) == 6
        await pilot.press("escape")
        await settle(pilot, lambda: not isinstance(app.screen, CompleteScreen))


async def test_the_code_tab_highlights_its_source_once_however_often_it_shows(home: Path, monkeypatch) -> None:
    """Each show of the Code tab ran pygments over the file again (12-60 ms a key): now once per source."""
    from rich.syntax import Syntax
    from textual.widgets import Static

    from workshop.widgets import code_view
    from workshop.widgets.code_view import CodeView

    cached = getattr(code_view, "highlighted", None)
    if cached is not None:
        cached.cache_clear()  # another test may have highlighted lesson 1's code already
    calls = [0]
    original = Syntax.highlight

    def counted(self, *args, **kwargs):
        calls[0] += 1
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Syntax, "highlight", counted)
    app = new_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: bool(app.query(RunPanel)))
        tabs = app.query_one(LessonView).tabs
        await pilot.press("2")
        await settle(pilot, lambda: tabs.active == "tab-code" and bool(app.query(CodeView)))
        code = app.query_one(CodeView).query_one("#code", Static)
        await settle(pilot, lambda: code.region.height > 0)  # drawn once
        await pilot.pause()
        first = calls[0]
        assert first >= 1
        for _ in range(4):
            await pilot.press("3")
            await settle(pilot, lambda: tabs.active == "tab-run")
            await pilot.press("2")
            await settle(pilot, lambda: tabs.active == "tab-code" and code.region.height > 0)
            await pilot.pause()
        assert calls[0] == first, f"highlighted {calls[0] - first} more times over 4 shows"
        assert "def pythagorean" in str(code.render()) or "@dsl.pipeline" in str(code.render())


async def test_the_last_run_line_says_its_state_in_chinese(home: Path) -> None:
    """Issue 11, one language: reopening the Run tab in Chinese showed the last run as 上次运行 …：SUCCEEDED."""
    import time

    from workshop.app import make_app
    from workshop.core.course import Course
    from workshop.core.progress import RunRecord
    from workshop.core.settings import Settings

    course = Course(Settings.load("zh"))
    course.progress.add_run(RunRecord("r-zh", 1, "local", "demo-pythagorean-pipeline", "/x.yaml", {"a": 3.0, "b": 4.0},
                                      "RUNNING", {}, "", [], time.time(), None))
    course.progress.finish_run("r-zh", "SUCCEEDED", {"Output": 5.0})
    app = make_app(course, backend_name="local")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: bool(app.query(RunPanel)))
        status = app.query_one(RunPanel).query_one("#run-status")
        await settle(pilot, lambda: "r-zh" in str(status.render()))
        line = str(status.render())
        assert "成功" in line and "SUCCEEDED" not in line, line


def test_the_heap_the_app_starts_with_is_left_out_of_full_collections(home: Path) -> None:
    """Once the first lesson's tabs have mounted, what the app holds is frozen (gc.freeze): a full collection
    went through all of it, some 70 ms on the main thread, and came every ten tab keys or so. In a fresh
    process: this one's heap may have been frozen by an earlier test."""
    import os
    import subprocess
    import sys

    script = """
import asyncio, gc
from workshop.app import make_app
from workshop.core.course import Course
from workshop.core.settings import Settings
from workshop.widgets.lesson_view import Later, LessonView
from workshop.widgets.run_panel import RunPanel

async def main() -> None:
    app = make_app(Course(Settings.load("en")), "local")
    async with app.run_test(size=(100, 30)) as pilot:
        print("before", gc.get_freeze_count(), flush=True)
        while not app.query(RunPanel) or app.query(Later):  # the rest of the first lesson, mounted
            await pilot.pause(0.05)
        deadline = asyncio.get_running_loop().time() + 10
        while not gc.get_freeze_count() and asyncio.get_running_loop().time() < deadline:
            await pilot.pause(0.05)
        print("after", gc.get_freeze_count(), flush=True)

asyncio.run(main())
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "WORKSHOP_HOME": str(home)})
    assert out.returncode == 0, out.stderr
    said = dict(line.split() for line in out.stdout.splitlines() if line.startswith(("before", "after")))
    assert said["before"] == "0" and int(said["after"]) > 10_000, out.stdout


async def test_the_checks_tab_counts_skipped_checks_as_skipped(home: Path) -> None:
    """Lesson 3 on the local backend: the pod and GPU checks are skipped (no pods, no GPU here), and the tab
    says so beside the passed ones (✅ n ⏭ m), never counting a skipped check as passed."""
    from workshop.widgets.checks_view import ChecksView

    app = new_app(home)
    for lesson_id in (1, 2):
        app.course.progress.mark(lesson_id, "skipped")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: app.current_lesson_id == 3 and bool(app.query(RunPanel)))
        await pilot.press("r")
        await settle(pilot, lambda: app.query_one(LessonView).tabs.active == "tab-checks", timeout=120)
        results = app.query_one(ChecksView).results
        counts = {s: sum(r.status.value == s for r in results) for s in ("passed", "failed", "skipped")}
        assert counts["skipped"] >= 1 and counts["failed"] == 0, counts
        label = str(app.query_one(LessonView).tabs.get_tab("tab-checks").label)
        assert label == f"Checks ✅ {counts['passed']} ⏭ {counts['skipped']}"


async def test_the_focused_widget_is_visibly_marked(home: Path) -> None:
    """Where the focus is shows: the lesson list's title lights up while the list has it, and the log and the
    tasks table take the accent border (app.tcss); moving the focus away takes the mark away."""
    app = new_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: bool(app.query(RunPanel)))
        title = app.query_one("#sidebar-title")
        app.query_one(LessonList).focus()
        await pilot.pause()
        lit = title.styles.background
        app.query_one(LessonView).tabs.active = "tab-run"
        await settle(pilot, lambda: app.query_one("#log").region.height > 0)
        log = app.query_one("#log")
        unfocused = log.styles.border_top
        log.focus()
        await settle(pilot, lambda: app.focused is log)
        from textual.color import Color

        accent = Color.parse(app.get_css_variables()["accent"])
        assert log.styles.border_top != unfocused and log.styles.border_top[1] == accent
        await settle(pilot, lambda: title.styles.background != lit, timeout=5)  # the list's mark went with its focus
