"""One lesson: its explanation, its pipeline code and its Run tab."""

from __future__ import annotations

from typing import Any

from rich.markdown import Markdown as RichMarkdown
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.lazy import Lazy
from textual.widgets import Static, TabbedContent, TabPane

from workshop.core.course import LessonState
from workshop.core.lessons import Lesson
from workshop.messages import ChecksShown
from workshop.ui_text import t
from workshop.widgets.checks_view import ChecksView
from workshop.widgets.code_view import CodeView
from workshop.widgets.run_panel import RunPanel


class LessonView(Vertical):
    def __init__(self, lesson: Lesson, state: LessonState, lang: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lesson = lesson
        self.state = state
        self.lang = lang

    def compose(self) -> ComposeResult:
        lesson, lang = self.lesson, self.lang
        blocked = self.state in (LessonState.LOCKED, LessonState.COMING_SOON)
        with TabbedContent(id="lesson-tabs"):
            with TabPane(t(lang, "tab_lesson"), id="tab-lesson"), VerticalScroll():
                if self.state is LessonState.LOCKED:
                    yield Static(t(lang, "locked", req=", ".join(map(str, lesson.requires))), classes="banner")
                elif self.state is LessonState.COMING_SOON:
                    yield Static(t(lang, "coming_soon"), classes="banner")
                # one widget for the whole text (rich's Markdown): Textual's Markdown widget mounts a
                # widget per block, which costs a lesson screen half a second on a small machine
                yield Static(RichMarkdown(lesson.text(lang), code_theme="ansi_dark"), id="lesson-text")
            # The hidden tabs mount after the first paint, so the lesson text shows at once.
            with TabPane(t(lang, "tab_code"), id="tab-code"):
                yield Lazy(CodeView(lesson, lang, id="code-view"))
            with TabPane(t(lang, "tab_run"), id="tab-run", disabled=blocked):
                yield Lazy(RunPanel(lesson, lang, id="run-panel"))
            with TabPane(t(lang, "checks"), id="tab-checks"), VerticalScroll(id="checks-scroll"):
                checks = ChecksView(id="checks")
                checks.headers = (t(lang, "col_check"), t(lang, "col_seen"), t(lang, "col_hint"))
                checks.empty_text = t(lang, "no_checks_yet")
                yield checks
            if "try_model" in lesson.extra:
                from workshop.widgets.try_model import TryModel

                with TabPane(t(lang, "try_model"), id="tab-try", disabled=blocked):
                    yield Lazy(TryModel(lesson, lang))

    def on_mount(self) -> None:
        # Coming back to a lesson (or to the app) shows the checks of its last run, as they were.
        course = getattr(self.app, "course", None)
        run = course.progress.last_run(self.lesson.id) if course is not None else None
        if run is not None and run.checks and run.state != "CANCELED":
            from workshop.core.checks import CheckResult

            self._show_results([CheckResult.from_dict(item) for item in run.checks])

    def on_checks_shown(self, message: ChecksShown) -> None:
        results: list[Any] = message.results
        self._show_results(results)
        if results:
            # after the Run panel's own focus moves (its buttons change state), or focus coming back
            # to a button there would switch the tabs back to Run
            self.call_after_refresh(self._show_checks)

    def _show_results(self, results: list[Any]) -> None:
        self.query_one(ChecksView).show(results)
        tab = self.tabs.get_tab("tab-checks")
        if results:
            failed = sum(1 for r in results if r.status.value == "failed")
            mark = "✅" if not failed else "❌"
            tab.label = f"{t(self.lang, 'checks')} {mark} {len(results) - failed}/{len(results)}"
        else:
            tab.label = t(self.lang, "checks")

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        # A learner who opens the Run tab is about to run: start a worker now (not at start-up,
        # where it would only cost memory while the learner reads).
        if event.pane.id == "tab-run":
            for panel in self.query(RunPanel):
                panel.prewarm()
                panel.show_source()  # the mode may have changed on the Pipeline code tab
        elif event.pane.id == "tab-code":
            # the learner may have edited their file, or a run may have unlocked the solution
            for view in self.query(CodeView):
                view.reload()

    def _show_checks(self) -> None:
        self.tabs.active = "tab-checks"
        self.query_one("#checks-scroll").focus()

    @property
    def tabs(self) -> TabbedContent:
        return self.query_one("#lesson-tabs", TabbedContent)
