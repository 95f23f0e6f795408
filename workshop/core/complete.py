"""After the last lesson: a "take it to your cluster" checklist built from what this learner ran."""

from __future__ import annotations

from typing import Any

from workshop.core.course import Course, LessonState
from workshop.core.progress import RunRecord
from workshop.core.text import by_key, by_language

# Per lesson: what to do on a real Kubeflow, filled in with the learner's own runs. The keys are
# the lessons' pipeline names, so a renumbered lesson keeps its item.
ITEMS: dict[str, dict[str, str]] = by_key("complete_items")
WORDS = by_language("complete")


def course_complete(course: Course) -> bool:
    states = course.states()
    return bool(states) and all(s in (LessonState.DONE, LessonState.SKIPPED, LessonState.COMING_SOON)
                                for s in states.values()) and any(s is LessonState.DONE for s in states.values())


def checklist(course: Course, lang: str) -> list[str]:
    words = WORDS.get(lang, WORDS["en"])
    states = course.states()
    lines = [words["doctor"]]
    for lesson in course.lessons:
        state = states[lesson.id]
        if state is LessonState.COMING_SOON:
            continue
        if state is LessonState.SKIPPED:
            lines.append(words["skipped"].format(id=lesson.id, title=lesson.title_in(lang)))
            continue
        runs = [run for run in course.progress.runs(lesson.id) if run.state == "SUCCEEDED"]
        run: RunRecord | None = runs[-1] if runs else course.progress.last_run(lesson.id)
        arguments: dict[str, Any] = dict(run.arguments) if run is not None else lesson.defaults()
        values = {name: str(value) for name, value in {**lesson.defaults(), **arguments}.items()}
        args = ", ".join(f"{k}={v}" for k, v in arguments.items()) or words["none"]
        fill = {"id": lesson.id, "pipeline": lesson.pipeline_name, "args": args,
                "file": f"{lesson.key}.yaml", **values}
        template = ITEMS.get(lesson.pipeline_name, {}).get(lang) or words["generic"]
        try:
            lines.append(template.format(**fill))
        except (KeyError, IndexError):  # a lesson whose arguments changed: say it plainly
            lines.append(words["generic"].format(**fill))
    return lines
