"""The list of lessons with their state: locked, open, done, coming soon."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from workshop.core.course import LessonState
from workshop.core.lessons import Lesson
from workshop.ui_text import t

ICONS = {
    LessonState.DONE: ("✔", "green"),
    LessonState.SKIPPED: ("↷", "yellow"),
    LessonState.OPEN: ("▶", "cyan"),
    LessonState.LOCKED: ("🔒", "grey50"),
    LessonState.COMING_SOON: ("…", "grey50"),
}


class LessonList(OptionList):
    # In a list of five, a page is the whole list: PageDown, End and friends would open lesson 5.
    # They scroll the lesson being read instead; arrows choose lessons.
    BINDINGS = [
        Binding("pagedown", "scroll_lesson('page_down')", show=False),
        Binding("pageup", "scroll_lesson('page_up')", show=False),
        Binding("end", "scroll_lesson('scroll_end')", show=False),
        Binding("home", "scroll_lesson('scroll_home')", show=False),
    ]

    def action_scroll_lesson(self, how: str) -> None:
        for scroller in self.app.query("#tab-lesson VerticalScroll"):
            getattr(scroller, f"action_{how}" if how.startswith("page") else how)()

    def show(self, lessons: list[Lesson], states: dict[int, LessonState], lang: str) -> None:
        # Rebuilding the list is no choice of the learner's: its highlight messages would arrive
        # later and reopen whatever was highlighted then, over a lesson chosen meanwhile.
        with self.prevent(OptionList.OptionHighlighted):
            self._show(lessons, states, lang)

    def _show(self, lessons: list[Lesson], states: dict[int, LessonState], lang: str) -> None:
        highlighted = self.highlighted
        self.clear_options()
        for lesson in lessons:
            state = states[lesson.id]
            icon, color = ICONS[state]
            label = Text.assemble(
                (f"{icon} ", color),
                (f"{lesson.id}. {lesson.title_in(lang)}\n", "bold" if state is LessonState.OPEN else ""),
                (f"   {t(lang, 'state_' + state.value)}", "dim"),
            )
            self.add_option(Option(label, id=str(lesson.id)))
        if highlighted is not None and highlighted < len(lessons):
            self.highlighted = highlighted
