"""The Textual app: thin. The course, the backend and the checks live in workshop.core."""

from __future__ import annotations

import dataclasses
import gc
import threading
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.widgets import Header, Label, OptionList

from workshop.core.course import Course
from workshop.messages import AttemptFinished
from workshop.ui_text import t
from workshop.widgets.cjk_wrap import install as install_cjk_wrap
from workshop.widgets.footer import Footer
from workshop.widgets.lesson_list import LessonList

install_cjk_wrap()  # before anything draws: Chinese lines break between characters, not in words

if TYPE_CHECKING:
    from workshop.core.ports import Backend  # not at start-up: its dataclasses are not on the way to the first screen
    from workshop.widgets.run_panel import RunPanel


class WorkshopApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "Kubeflow Workshop"
    BINDINGS = [
        Binding("ctrl+q", "quit_app", "Quit", priority=True),
        Binding("ctrl+c", "quit_app", "Quit", show=False, priority=True),
        Binding("l", "toggle_language", "中文/English"),
        Binding("r", "run_lesson", "Run"),
        Binding("p", "show_progress", "Progress"),
        Binding("x", "reset_lesson", "Reset"),
        Binding("d", "doctor", "Doctor"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("f1", "help", "Help", show=False),
        Binding("e", "toggle_executor", "kfp lines", show=False),
        # the lesson's tabs by number; one footer entry says all five
        Binding("1", "show_tab(1)", "Tabs", key_display="1-5"),
        *(Binding(str(n), f"show_tab({n})", "Tabs", show=False) for n in range(2, 6)),
    ]

    def __init__(self, course: Course, backend_name: str | None = None) -> None:
        super().__init__()
        # The tabs' underline slides over 0.3 s in Textual's default ("full"): a dozen frames of the whole tab
        # bar after each tab key, drawn while the next key waits. It moves at once instead.
        self.animation_level = "none"
        self.course = course
        self.lang = course.settings.language
        self.backend_name = backend_name
        self._backend: Backend | None = None
        self._backend_lock = threading.Lock()
        self.current_lesson_id: int | None = None
        self.rendered = []
        # What an earlier start parsed of the app's CSS, read back before Textual parses it (widgets/css_cache.py)
        from workshop.widgets import css_cache

        self._css_folder = course.settings.home / "cache" / "css"
        self._css_filled = css_cache.fill(self.stylesheet, self._css_folder)
        self._css_kept = False

    def keep_parsed_css(self) -> None:
        """Once the first lesson's tabs have all mounted: their parsed CSS, for the next start (once)."""
        if not self._css_kept:
            self._css_kept = True
            from workshop.widgets import css_cache

            css_cache.keep(self.stylesheet, self._css_folder, self._css_filled)

    @property
    def backend(self) -> Backend:
        """Made on first use, in whatever thread needs it first (a worker, normally)."""
        with self._backend_lock:
            if self._backend is None:
                from workshop.backends import make_backend

                self._backend = make_backend(self.course.settings, self.backend_name)
                if self.course.restore_progress(self._backend):  # a new notebook, progress from the cluster
                    self._from_any_thread(self.refresh_lessons)
            return self._backend

    def _from_any_thread(self, callback: Any) -> None:
        if threading.get_ident() == self._thread_id:
            callback()
        else:
            self.call_from_thread(callback)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            with Vertical(id="sidebar"):
                yield Label(t(self.lang, "lessons"), id="sidebar-title")
                yield LessonList(id="lesson-list")
            with Vertical(id="lesson-host"):
                start, self._start_tab = self._start_place()
                if start is not None:
                    # The start lesson is composed with the frame: its text is in the first frame,
                    # not one frame (and a second import of the view's modules) later.
                    from workshop.widgets.lesson_view import LessonView

                    yield LessonView(self.course.lesson(start), self.course.states()[start], self.lang,
                                     id="lesson-view")
                    self.current_lesson_id = self._wanted_lesson = start
                    self.rendered.append(start)
        yield Footer()

    _start_tab: str | None = None

    def _start_place(self) -> tuple[int | None, str | None]:
        """Back where the learner was (the last lesson and tab viewed), else the first open lesson."""
        from workshop.core.place import load_place

        states = self.course.states()
        place = load_place(self.course.settings.home)
        first_open = next((lesson.id for lesson in self.course.lessons if states[lesson.id].value == "open"),
                          self.course.lessons[0].id if self.course.lessons else None)
        if place.get("lesson") in states:
            return place["lesson"], place.get("tab")
        return first_open, None

    def _localise(self) -> None:
        """The footer's key labels and the header's subtitle in the app's language."""
        labels = {action: t(self.lang, f"key_{action}") for action in
                  ("quit_app", "toggle_language", "run_lesson", "show_progress", "reset_lesson", "doctor", "help")}
        labels.update({f"show_tab({n})": t(self.lang, "key_tabs") for n in range(1, 6)})
        # Textual keeps a binding's description in the binding; swap them for this language's.
        bindings = self._bindings.key_to_bindings
        for key, items in bindings.items():
            bindings[key] = [dataclasses.replace(b, description=labels.get(str(b.action), b.description))
                             for b in items]
        self.refresh_bindings()
        backend = t(self.lang, f"backend_{self.backend_name}") if self.backend_name else ""
        self.sub_title = t(self.lang, "subtitle", learner=self.course.settings.learner, backend=backend)

    LESSON_ACTIONS = frozenset({"toggle_language", "run_lesson", "show_progress", "reset_lesson", "doctor",
                                "help", "show_tab", "toggle_executor"})
    TAB_ORDER = ("tab-lesson", "tab-code", "tab-run", "tab-checks", "tab-try")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The lesson keys are hidden while a dialog (doctor, progress, confirm) is open, and the
        language key shows as disabled during a run, instead of doing nothing without a word."""
        if action in self.LESSON_ACTIONS and self.screen is not self.screen_stack[0]:
            return False
        if action == "toggle_language" and self._running_panel() is not None:
            return None
        return True

    def on_resize(self, event: Any) -> None:
        self.screen_stack[0].set_class(event.size.width < 90, "narrow")

    async def on_mount(self) -> None:
        self.screen_stack[0].set_class(self.size.width < 90, "narrow")
        self._localise()
        if self.course.progress.notice:
            self.notify(self.course.progress.notice, severity="warning", timeout=15)
        self.refresh_lessons()
        if self.current_lesson_id is not None:
            self._highlight_shown(self.current_lesson_id)
            self.remember_place("tab-lesson")
        if self._start_tab:
            self.call_after_refresh(self._activate_tab, self._start_tab, self.current_lesson_id)
        elif not gc.isenabled():  # `workshop start` imports with the collector off (workshop.cli)
            gc.enable()

    def remember_place(self, tab: str) -> None:
        from workshop.core.place import save_place

        if self.current_lesson_id is not None:
            save_place(self.course.settings.home, self.current_lesson_id, tab)

    async def on_app_focus(self) -> None:
        """Back from another terminal (where `workshop skip` or `run` may have changed the
        progress): show the lessons as they are now."""
        if self._running_panel() is not None or self.current_lesson_id is None:
            return
        states = self.course.states()
        if states == self._shown_states:
            return
        self.refresh_lessons()
        current, self.current_lesson_id = self.current_lesson_id, None
        await self.show_lesson(current)

    _shown_states: dict[int, Any] = {}

    def refresh_lessons(self) -> None:
        found = self.query(LessonList)
        if not found:  # the app is closing: a run's last message may still arrive
            return
        self._shown_states = self.course.states()
        found.first().show(self.course.lessons, self._shown_states, self.lang)

    _wanted_lesson: int | None = None
    _render_worker: Any = None
    rendered: list[int]  # the lessons mounted, in order: a test sees a superseded one never was

    def request_lesson(self, lesson_id: int) -> Any:
        """Ask for `lesson_id` on screen; returns the render worker.

        Keys arrive faster than a lesson renders: only the last request renders, by one worker that
        loops until what is shown is what was last asked for. A render that a newer request
        supersedes stops at its next step and never leaves a half-mounted view."""
        self._wanted_lesson = lesson_id
        worker = self._render_worker
        if worker is None or worker.is_finished:
            worker = self._render_worker = self.run_worker(self._render_wanted, group="lesson-render")
        return worker

    async def show_lesson(self, lesson_id: int) -> None:
        """Show `lesson_id` and return when the last requested lesson is on screen."""
        worker = self.request_lesson(lesson_id)
        await worker.wait()

    async def _render_wanted(self) -> None:
        while self._wanted_lesson is not None and self._wanted_lesson != self.current_lesson_id:
            await self._render(self._wanted_lesson)

    async def _render(self, lesson_id: int) -> None:
        # Imported here, after the first frame: markdown, syntax highlighting and tables are not
        # needed to paint the frame and the lesson list.
        from workshop.widgets.lesson_view import LessonView

        hosts = self.query("#lesson-host")
        if not hosts or not hosts.first().is_mounted:  # the app is closing
            self._wanted_lesson = None
            return
        host = hosts.first()
        lesson = self.course.lesson(lesson_id)
        self.current_lesson_id = None
        for shown in host.query(LessonView):  # its other tabs may be mounting: not removed under them
            await shown.rest_mounted()
        await host.remove_children()
        if self._wanted_lesson != lesson_id or not host.is_mounted:
            return  # superseded while the old view went: the loop renders the newer one
        view = LessonView(lesson, self.course.states()[lesson_id], self.lang, id="lesson-view")
        await host.mount(view)
        self.rendered.append(lesson_id)
        self.current_lesson_id = lesson_id
        self.remember_place("tab-lesson")
        if self._wanted_lesson != lesson_id:
            return  # a newer selection came while this one mounted: it replaces this view next
        self._highlight_shown(lesson_id)

    def _highlight_shown(self, lesson_id: int) -> None:
        # The list follows the lesson shown only when the lesson was chosen elsewhere (start-up,
        # a language switch); setting it from a stale selection is what made the highlight jump.
        lessons = self.query_one(LessonList)
        index = next(i for i, item in enumerate(self.course.lessons) if item.id == lesson_id)
        if lessons.highlighted != index:
            lessons.highlighted = index

    @on(OptionList.OptionSelected, "#lesson-list")
    @on(OptionList.OptionHighlighted, "#lesson-list")
    def lesson_chosen(self, message: OptionList.OptionSelected | OptionList.OptionHighlighted) -> None:
        if message.option.id is None:
            return
        wanted = int(message.option.id)
        panel = self._running_panel()
        if panel is not None and wanted != self.current_lesson_id:
            self._ask_to_switch(panel, wanted)  # the run must not be orphaned, nor the choice lost
            return
        self.request_lesson(wanted)

    def _ask_to_switch(self, panel: RunPanel, wanted: int) -> None:
        from workshop.screens.confirm import Confirm

        if isinstance(self.screen, Confirm):
            return
        running = self.current_lesson_id
        self._highlight(running)  # the list shows the lesson on screen until the learner decides

        def answered(yes: bool | None) -> None:
            if yes:
                self._cancel_then_open(panel.run_id, wanted)

        self.push_screen(Confirm(t(self.lang, "switch_title", id=running),
                                 t(self.lang, "switch_body", id=running, wanted=wanted),
                                 t(self.lang, "switch_yes", wanted=wanted), t(self.lang, "switch_no", id=running)),
                         answered)

    def _highlight(self, lesson_id: int | None) -> None:
        lessons = self.query_one(LessonList)
        index = next((i for i, item in enumerate(self.course.lessons) if item.id == lesson_id), None)
        if index is not None and lessons.highlighted != index:
            with lessons.prevent(OptionList.OptionHighlighted):
                lessons.highlighted = index

    _open_after_run: int | None = None

    @work(thread=True, exit_on_error=False, group="switch")
    def _cancel_then_open(self, run_id: str | None, wanted: int) -> None:
        """Cancel the run; its end (AttemptFinished) opens `wanted`."""
        self._open_after_run = wanted
        if run_id is not None:
            self.backend.cancel(run_id)

    def on_attempt_finished(self, message: AttemptFinished) -> None:
        # The attempt is already recorded: the states before it are the ones the list last showed.
        before = dict(self._shown_states)
        self.refresh_lessons()
        attempt: Any = message.attempt
        from workshop.core.complete import course_complete

        was_complete = all(state.value in ("done", "skipped", "coming soon") for state in before.values())
        if attempt is not None and attempt.passed and not was_complete and course_complete(self.course):
            from workshop.screens.complete import CompleteScreen

            self.push_screen(CompleteScreen())  # the last lesson passed: what to do on a cluster
        if attempt is not None and attempt.passed:
            self.notify(t(self.lang, "passed", id=message.lesson_id), timeout=6)
            following = [item for item in self.course.lessons if message.lesson_id in item.requires]
            for lesson in following:
                if self._shown_states[lesson.id] != before.get(lesson.id):
                    self.notify(t(self.lang, "unlocked", id=lesson.id), timeout=6)
        elif message.error:
            self.notify(message.error, title=t(self.lang, "error"), severity="error", timeout=10)
        wanted, self._open_after_run = self._open_after_run, None
        if wanted is not None:  # the learner chose another lesson and canceled this run for it
            self._highlight(wanted)
            self.request_lesson(wanted)

    async def action_run_lesson(self) -> None:
        from workshop.widgets.lesson_view import LessonView

        views = self.query(LessonView)
        if not views:
            return
        view = views.first()
        if not self.query("#run-panel"):  # `r` before the other tabs mounted (they wait for the text): now
            await view.mount_rest()
        panel = self.query("#run-panel")
        if panel:
            tabs = view.tabs
            if not tabs.get_pane("tab-run").disabled:
                tabs.active = "tab-run"
                panel.first().start_run()  # type: ignore[attr-defined]

    def action_show_tab(self, number: int) -> None:
        from textual.walk import walk_breadth_first

        from workshop.widgets.lesson_view import LessonView

        if not 1 <= number <= len(self.TAB_ORDER):
            return
        # the first LessonView from the top, without a query: a query matches every widget of the screen
        # (the Run tab's log and graph among them), 10-15 ms a key
        view = next((w for w in walk_breadth_first(self) if isinstance(w, LessonView)), None)
        if view is None:
            return
        tabs = view.tabs
        tab = self.TAB_ORDER[number - 1]
        try:
            pane = tabs.get_pane(tab)
        except NoMatches:  # a lesson without that tab
            return
        if not pane.disabled:
            tabs.active = tab

    def action_toggle_executor(self) -> None:
        for panel in self.query("RunPanel"):
            panel.toggle_executor()  # type: ignore[attr-defined]

    def action_help(self) -> None:
        from workshop.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_doctor(self) -> None:
        from workshop.screens.doctor import DoctorScreen

        self.push_screen(DoctorScreen())

    def action_show_progress(self) -> None:
        from workshop.screens.progress import ProgressScreen

        if not isinstance(self.screen, ProgressScreen):
            self.push_screen(ProgressScreen())

    def action_reset_lesson(self) -> None:
        """Reset the lesson on screen, after a Confirm that lists what goes (screens/progress.py)."""
        from workshop.screens.progress import start_reset

        if self.current_lesson_id is not None:
            start_reset(self, self.current_lesson_id)

    async def action_toggle_language(self) -> None:
        if self._running_panel() is not None:
            return
        self.lang = "zh" if self.lang == "en" else "en"
        # the core speaks the same language: check summaries, hints, the progress screen
        self.course.settings = dataclasses.replace(self.course.settings, language=self.lang)
        self._localise()
        self.query_one("#sidebar-title", Label).update(t(self.lang, "lessons"))
        self.refresh_lessons()
        from workshop.widgets.lesson_view import LessonView

        views = self.query(LessonView)
        tab = views.first().tabs.active if views else ""  # the learner keeps their place
        current, self.current_lesson_id = self.current_lesson_id, None
        if current is not None:
            await self.show_lesson(current)
            if tab:
                self.call_after_refresh(self._activate_tab, tab, current)

    def _activate_tab(self, tab: str, lesson_id: int | None = None) -> None:
        """Reopen `tab` on the lesson shown, unless a newer selection is replacing that view: a view
        being removed still answers the query while its tab strip is already gone (seen in a real
        terminal: l then ↓↓ raised "No Tab with id '--content-tab-tab-lesson'")."""
        from workshop.widgets.lesson_view import LessonView

        if lesson_id is not None and (self.current_lesson_id != lesson_id or self._wanted_lesson != lesson_id):
            return
        for view in self.query(LessonView):
            if not view.is_attached or not view.display:  # display is False while it is removed
                continue
            if view.tabs.query(f"#{tab}") and not view.tabs.get_pane(tab).disabled:
                view.tabs.active = tab

    def _running_panel(self) -> RunPanel | None:
        for panel in self.query("RunPanel"):
            if getattr(panel, "run_active", False):
                return panel  # type: ignore[return-value]
        return None

    def action_quit_app(self) -> None:
        panel = self._running_panel()
        if panel is None:
            self.exit()
            return

        from workshop.screens.confirm import Confirm

        def answered(yes: bool | None) -> None:
            if yes:
                self._cancel_and_exit(panel.run_id)

        self.push_screen(Confirm(t(self.lang, "quit_title"), t(self.lang, "quit_body"),
                                 t(self.lang, "quit_yes"), t(self.lang, "quit_no")), answered)

    @work(thread=True, exit_on_error=False)
    def _cancel_and_exit(self, run_id: str | None) -> None:
        if run_id is not None:
            self.backend.cancel(run_id)
        self.call_from_thread(self.exit)

    close_backend_on_exit = True  # the CLI closes it itself, after the screen is given back

    def on_unmount(self) -> None:
        if self._backend is not None and self.close_backend_on_exit:
            self._backend.close()


def make_app(course: Course, backend_name: str | None = None) -> WorkshopApp:
    """The one factory for the CLI and the tests."""
    from workshop.backends import detect_backend

    return WorkshopApp(course, backend_name or detect_backend())
