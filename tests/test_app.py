"""The app as a learner uses it, driven by Textual's Pilot; one snapshot of the lesson screen."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.widgets import Button, DataTable, Input, RichLog, Static

from tests.conftest import processes_in_session
from workshop.app import make_app
from workshop.core.course import Course, LessonState
from workshop.core.settings import Settings
from workshop.widgets.checks_view import ChecksView
from workshop.widgets.lesson_view import LessonView
from workshop.widgets.run_panel import RunPanel


async def settle(pilot, predicate, timeout: float = 30.0) -> None:
    """Let the app handle its messages until `predicate` holds (a deadline, not a sleep)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, "the app never reached the expected state"
        await pilot.pause(0.02)


def new_app(home: Path):
    return make_app(Course(Settings.load("en")), backend_name="local")


BLOCKS = Path(__file__).parent / "fixtures" / "pythagorean_blocks.py"


async def run_one_that_blocks(app, pilot) -> RunPanel:
    """Press r with the blocking fixture in place of lesson 1's pipeline; back once its task waits forever."""
    await settle(pilot, lambda: bool(app.query(RunPanel)))  # the lesson view mounts after the first frame
    panel = app.query_one(RunPanel)
    panel.lesson = panel.lesson.__class__(**{**panel.lesson.__dict__, "pipeline_file": BLOCKS})
    await pilot.press("r")
    await settle(pilot, lambda: ("add", "add is waiting forever") in panel.log_lines)
    return panel


async def test_take_lesson_one_and_unlock_lesson_two(home: Path) -> None:
    app = new_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: bool(app.query(RunPanel)))  # the lesson view mounts after the first frame
        assert app.query_one(LessonView).lesson.id == 1
        app.query_one(LessonView).tabs.active = "tab-run"
        # the run graph, drawn from its compile, widens the left of the tab: click once it is there
        await settle(pilot, lambda: bool(app.query("#run-graph")) and app.query_one("#run-graph").graph is not None,
                     timeout=60)
        await pilot.pause()
        app.query_one("#arg-a", Input).value = "5"
        app.query_one("#arg-b", Input).value = "12"
        assert await pilot.click("#run")  # it landed on the button
        await pilot.pause()
        await app.workers.wait_for_complete()
        await settle(pilot, lambda: app.query_one(LessonView).tabs.active == "tab-checks")
        panel = app.query_one(RunPanel)
        table = panel.query_one("#tasks", DataTable)
        states = {str(k.value): str(table.get_cell(k, "state")) for k in table.rows}
        assert states == {t: "SUCCEEDED" for t in ("square", "square-2", "add", "square-root")}
        assert ("add", "add number: x=25.0, y=144.0") in panel.log_lines
        assert app.query_one(LessonView).tabs.active == "tab-checks"
        shown = app.query_one(ChecksView).results
        assert [r.status.value for r in shown] == ["passed"] * 3
        assert "Output = 13" in shown[-1].summary
        assert app.course.states()[1] is LessonState.DONE
        assert app.course.states()[2] is LessonState.OPEN
        said = [n.message for n in app._notifications]  # Textual keeps the toasts shown
        assert "🎉 Lesson 1 passed!" in said and "Lesson 2 is unlocked." in said
        app.query_one(LessonView).tabs.active = "tab-run"  # the log draws what came while hidden when it shows
        log = panel.query_one("#log", RichLog)
        # the log shares the row with the run graph: a long line wraps, so read the lines as one text
        await settle(pilot, lambda: "add number: x=25.0, y=144.0" in " ".join(
            " ".join(line.text for line in log.lines).split()))


async def test_a_bad_argument_is_shown_in_the_form_and_nothing_runs(home: Path) -> None:
    app = new_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: bool(app.query(RunPanel)))  # the lesson view mounts after the first frame
        app.query_one(LessonView).tabs.active = "tab-run"
        # the run graph, drawn from its compile, widens the left of the tab: click once it is there
        await settle(pilot, lambda: bool(app.query("#run-graph")) and app.query_one("#run-graph").graph is not None,
                     timeout=60)
        await pilot.pause()
        app.query_one("#arg-a", Input).value = "three"
        # a Button ignores clicks for its 0.2 s press effect: the next click waits for it to end
        await settle(pilot, lambda: not app.query_one("#run").has_class("-active"))
        await pilot.click("#run")
        await pilot.pause()
        error = str(app.query_one("#form-error", Static).content)
        assert "Side a must be a number, not 'three'" in error  # the field's label, not its name
        assert not app.query_one(RunPanel).run_active
        app.query_one("#arg-a", Input).value = "1e400"
        # a Button ignores clicks for its 0.2 s press effect: the next click waits for it to end
        await settle(pilot, lambda: not app.query_one("#run").has_class("-active"))
        await pilot.click("#run")
        await pilot.pause()
        assert "Side a must be a finite number, not '1e400'" in str(app.query_one("#form-error", Static).content)
        await pilot.press("l")  # in Chinese, the form speaks Chinese
        await settle(pilot, lambda: bool(app.query("#arg-a")) and app.query_one(RunPanel).lang == "zh"
                     and app.query_one(LessonView).tabs.active == "tab-run")
        await pilot.pause()
        app.query_one("#arg-a", Input).value = "three"
        # a Button ignores clicks for its 0.2 s press effect: the next click waits for it to end
        await settle(pilot, lambda: not app.query_one("#run").has_class("-active"))
        await pilot.click("#run")
        await pilot.pause()
        assert "直角边 a 必须是数字，而不是 'three'" in str(app.query_one("#form-error", Static).content)
        assert not app.query_one(RunPanel).run_active
        assert app.course.progress.runs() == []


async def test_quitting_during_a_run_asks_then_cancels_it(home: Path) -> None:
    app = new_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        panel = await run_one_that_blocks(app, pilot)
        worker_pid = app.backend.runs.live[panel.run_id].proc.pid
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "Confirm"
        await pilot.click("#yes")
        await app.workers.wait_for_complete()
    assert processes_in_session(worker_pid) == []
    assert app.course.progress.last_run(1).state == "CANCELED"


async def test_language_switch_keeps_the_lesson(home: Path) -> None:
    app = new_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: bool(app.query(RunPanel)))  # the lesson view mounts after the first frame
        await pilot.press("l")
        await pilot.pause()
        assert app.lang == "zh"
        assert app.query_one(LessonView).lesson.id == 1
        assert str(app.query_one("#run", Button).label) == "运行"
        footer = {key: active.binding.description for key, active in app.screen.active_bindings.items()}
        assert footer["r"] == "运行" and footer["ctrl+q"] == "退出" and footer["l"] == "English"
        assert app.sub_title.endswith("本地后端")  # the backend named in Chinese too
        assert app.course.settings.language == "zh"  # check summaries and hints follow the switch
        await pilot.press("l")
        await pilot.pause()
        footer = {key: active.binding.description for key, active in app.screen.active_bindings.items()}
        assert footer["r"] == "Run" and footer["l"] == "中文"


def test_lesson_screen_snapshot(home: Path, snap_compare) -> None:
    app = new_app(home)

    async def lesson_shown(pilot) -> None:
        await settle(pilot, lambda: bool(app.query(RunPanel)))
        await pilot.pause()

    assert snap_compare(app, terminal_size=(100, 30), run_before=lesson_shown)


async def test_try_the_model_tab_asks_the_served_model(home: Path) -> None:
    from workshop.widgets.try_model import TryModel

    app = new_app(home)
    for lesson_id in (1, 2, 3, 4):
        app.course.progress.mark(lesson_id, "skipped")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: bool(app.query(RunPanel)))
        assert app.query_one(LessonView).lesson.id == 5
        await pilot.press("r")
        await settle(pilot, lambda: app.query_one(LessonView).tabs.active == "tab-checks", timeout=120)
        assert app.course.states()[5] is LessonState.DONE
        app.query_one(LessonView).tabs.active = "tab-try"
        await settle(pilot, lambda: bool(app.query(TryModel)))
        form = app.query_one(TryModel)
        form.query_one("#feature-petal_length", Input).value = "1.4"
        form.query_one("#feature-petal_width", Input).value = "0.2"
        form.query_one("#feature-sepal_length", Input).value = "5.1"
        form.query_one("#feature-sepal_width", Input).value = "3.5"
        form.query_one("#predict", Button).press()
        prediction = form.query_one("#prediction", Static)
        await settle(pilot, lambda: "setosa" in str(prediction.content) or "✗" in str(prediction.content))
        assert "setosa" in str(prediction.content)
        # Copy as curl: the request a cluster's gateway takes; the real KServe server here answers it
        import subprocess
        from urllib.parse import urlsplit

        form.query_one("#copy-curl", Button).press()
        await settle(pilot, lambda: "curl -H" in str(form.query_one("#curl", Static).content))
        command = app.clipboard
        # the local backend has no ingress domain: the host is said to be assumed, never passed off as real
        assert "is assumed" in str(form.query_one("#curl", Static).content)
        assert "-H 'Host: iris-svc." in command and "/v1/models/iris-svc:predict" in command
        served = urlsplit(app.backend.service_status("iris-svc", app.course.progress.last_run(5)
                                                     .arguments["namespace"]).url)
        answer = subprocess.run(["bash", "-c", command + " -s"], capture_output=True, text=True, timeout=30,
                                env={"PATH": "/usr/bin:/bin", "INGRESS_HOST": str(served.hostname),
                                     "INGRESS_PORT": str(served.port)})
        assert answer.returncode == 0 and '"predictions":[0]' in answer.stdout.replace(" ", ""), answer
        form.query_one("#feature-petal_width", Input).value = "wide"
        form.query_one("#predict", Button).press()
        await settle(pilot, lambda: "Petal width (cm) must be a number" in str(prediction.content))
        form.query_one("#feature-petal_width", Input).value = "1e400"  # JSON has no inf: never sent
        form.query_one("#predict", Button).press()
        await settle(pilot, lambda: "Petal width (cm) must be a finite number" in str(prediction.content))


async def test_doctor_screen_shows_the_checks(home: Path) -> None:
    from workshop.screens.doctor import DoctorScreen

    app = new_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: bool(app.query(RunPanel)))
        await pilot.press("d")
        await settle(pilot, lambda: isinstance(app.screen, DoctorScreen) and hasattr(app.screen, "items"))
        names = [item.name for item in app.screen.items]
        assert "object store (SeaweedFS)" in names
        await pilot.press("escape")
        await settle(pilot, lambda: not isinstance(app.screen, DoctorScreen))


async def test_coming_back_to_a_lesson_shows_its_last_run_and_checks(course: Course, backend) -> None:
    arguments = course.lesson(1).parse_arguments({"a": "5", "b": "12"})
    assert course.run_lesson(course.lesson(1), backend, arguments).passed
    app = new_app(course.settings.home)  # a restart: a new app on the same progress
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: bool(app.query(RunPanel)))
        assert app.query_one(LessonView).lesson.id == 2  # the app opens on the first open lesson
        await app.show_lesson(1)  # the learner goes back to lesson 1
        await settle(pilot, lambda: app.query_one(LessonView).lesson.id == 1 and bool(app.query(ChecksView)))
        view = app.query_one(LessonView)
        await settle(pilot, lambda: len(app.query_one(ChecksView).results) == 3)
        assert [r.status.value for r in app.query_one(ChecksView).results] == ["passed"] * 3
        assert str(view.tabs.get_tab("tab-checks").label).endswith("✅ 3")
        assert view.tabs.active == "tab-lesson"  # shown, not jumped to
        view.tabs.active = "tab-run"
        await settle(pilot, lambda: bool(app.query("#arg-a")) and app.query_one("#arg-a", Input).value == "5.0")
        assert app.query_one("#arg-b", Input).value == "12.0"
        status = app.query_one("#run-status", Static)
        assert "SUCCEEDED" in str(status.render())


async def test_a_canceled_run_is_not_graded(home: Path) -> None:
    app = new_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        panel = await run_one_that_blocks(app, pilot)
        panel.query_one("#cancel", Button).press()
        await settle(pilot, lambda: not panel.run_active)
        assert "canceled" in str(panel.query_one("#run-status", Static).render())
        assert app.query_one(ChecksView).results == []  # no ❌ rows for a run the learner stopped
        assert app.query_one(LessonView).tabs.active == "tab-run"
        assert app.course.progress.lesson(1).attempts == 0


async def test_coming_back_from_another_terminal_shows_the_progress_made_there(home: Path) -> None:
    from textual import events

    from workshop.core.progress import ProgressStore

    app = new_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: bool(app.query(RunPanel)))
        assert app.query_one(LessonView).state is LessonState.OPEN
        ProgressStore(home / "progress.db", "tester").mark(1, "skipped")  # `workshop skip 1` elsewhere
        app.post_message(events.AppFocus())
        await settle(pilot, lambda: bool(app.query(LessonView))
                     and app.query_one(LessonView).state is LessonState.SKIPPED)
        option = app.query_one("#lesson-list").get_option_at_index(1)
        assert "open" in str(option.prompt)  # lesson 2 unlocked in the list too
