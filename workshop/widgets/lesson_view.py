"""One lesson: its explanation, its pipeline code and its Run tab."""

from __future__ import annotations

from typing import Any

from rich.markdown import Markdown as RichMarkdown
from textual import work
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
from workshop.widgets.training_plot import TrainingPlot


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
                checks.lang = lang
                yield checks
                yield TrainingPlot(lesson, lang, id="checks-curve")  # the last run's curve, as evidence
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

            results = [CheckResult.from_dict(item) for item in run.checks]
            self._show_results(results)
            titles = {spec.id: spec.title_in(self.lang) for spec in self.lesson.checks}
            if any(titles.get(r.id, r.title) != r.title for r in results):
                self._in_this_language(run, results)  # checked in the other language

    @work(thread=True, exclusive=True, exit_on_error=False, group="checks-language")
    def _in_this_language(self, run: Any, shown: list[Any]) -> None:
        """The last run's checks said again in this view's language (after `l`), not recorded.

        Said again only if they come out as they did: otherwise (a service stopped since) the
        shown results keep their verdicts and summaries, with titles and hints in this language."""
        import dataclasses

        from workshop.core.checks import CheckContext, Status, run_checks

        app: Any = self.app
        course = app.course
        attempt = max(course.progress.lesson(self.lesson.id).attempts, 1)
        try:
            fresh = run_checks(CheckContext(self.lesson, run, app.backend, self.lang, attempt,
                                            not_the_code=run.run_id in course.not_the_code))
        except Exception:  # a backend that cannot answer now: say what can be said without it
            fresh = []
        if [(r.id, r.status) for r in fresh] != [(r.id, r.status) for r in shown]:
            specs = {spec.id: spec for spec in self.lesson.checks}
            fresh = [dataclasses.replace(
                r, title=specs[r.id].title_in(self.lang),
                hint=specs[r.id].hint(self.lang, attempt) if r.status is Status.FAILED else "")
                if r.id in specs else r for r in shown]
        self.app.call_from_thread(self._show_if_mounted, fresh)

    def _show_if_mounted(self, results: list[Any]) -> None:
        if self.is_mounted:  # the learner may have moved on to another lesson meanwhile
            self._show_results(results)

    def on_checks_shown(self, message: ChecksShown) -> None:
        results: list[Any] = message.results
        self._show_results(results)
        if results:
            # after the Run panel's own focus moves (its buttons change state), or focus coming back
            # to a button there would switch the tabs back to Run
            self.call_after_refresh(self._show_checks)

    def _show_results(self, results: list[Any]) -> None:
        self.query_one(ChecksView).show(results)
        self.query_one("#checks-curve", TrainingPlot).show_saved()
        tab = self.tabs.get_tab("tab-checks")
        if results:
            counts = {status: sum(1 for r in results if r.status.value == status)
                      for status in ("passed", "failed", "skipped")}
            # a skipped check is neither passed nor failed: each gets its own count
            marks = [f"{mark} {counts[status]}" for status, mark in
                     (("passed", "✅"), ("failed", "❌"), ("skipped", "⏭")) if counts[status]]
            tab.label = f"{t(self.lang, 'checks')} {' '.join(marks)}"
        else:
            tab.label = t(self.lang, "checks")

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        remember = getattr(self.app, "remember_place", None)
        if remember is not None and event.pane.id and getattr(self.app, "current_lesson_id", None) == self.lesson.id:
            remember(event.pane.id)
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
        self.query_one(ChecksView).focus()  # ↑ ↓ choose a check, y opens the YAML where it looked

    def on_checks_view_open_spot(self, message: ChecksView.OpenSpot) -> None:
        """The compiled YAML of the run these checks judged, at the places the check read."""
        from pathlib import Path

        from workshop.core.spec_place import locate_all
        from workshop.screens.yaml_spot import YamlSpot

        course = getattr(self.app, "course", None)
        run = course.progress.last_run(self.lesson.id) if course is not None else None
        if run is None or not run.package_path:
            self.notify(t(self.lang, "spot_no_yaml", path="-"), severity="warning")
            return
        path = Path(run.package_path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            self.notify(t(self.lang, "spot_no_yaml", path=path), severity="warning")
            return
        self.app.push_screen(YamlSpot(text, locate_all(text, message.result.places), str(path), self.lang))

    @property
    def tabs(self) -> TabbedContent:
        return self.query_one("#lesson-tabs", TabbedContent)
