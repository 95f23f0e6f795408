"""The list of lessons with their state: locked, open, done, coming soon."""

from __future__ import annotations

from rich.text import Text
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
    def show(self, lessons: list[Lesson], states: dict[int, LessonState], lang: str) -> None:
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
