"""The progress screen (lessons, state, attempts, time spent, last failure, mode) and the app's reset dialog.

Reset asks first: the Confirm modal lists exactly what would be removed. The plan and the
removal are the application service's (core/service.py: plan_reset, reset); they run in
worker threads (they may start the object store or the control plane), and this only presents.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Progress of {learner}",
        "help": "x: reset the highlighted lesson · escape: close",
        "columns": "Lesson|Title|State|Mode|Attempts|Time spent|Passed at|Last failure",
        "mode_exercise": "exercise",
        "mode_follow": "follow along",
        "reset_keeps_file": "Your own file stays as it is:\n{path}\nThe solution locks again until you pass "
                            "or try three times.",
        "reset_title": "Reset lesson {id}?",
        "reset_body": "This removes what the lesson created and puts it back to open:\n{items}",
        "reset_progress_only": "(nothing it created is left; only its progress is reset)",
        "reset_yes": "Remove and reset",
        "reset_no": "Keep everything",
        "reset_relocks": "Lesson {ids} locks again until lesson {id} is passed.",
        "reset_nothing": "Nothing left to reset for lesson {id}.",
        "reset_done": "Lesson {id} was reset.",
        "reset_failed": "Lesson {id} was not fully reset.",
        "reset_busy": "A run is in progress: cancel it before resetting a lesson.",
    },
    "zh": {
        "title": "{learner} 的学习进度",
        "help": "x：重置选中的课程 · Esc：关闭",
        "columns": "课程|标题|状态|方式|尝试次数|用时|通过时间|最近一次失败",
        "mode_exercise": "自己写代码",
        "mode_follow": "跟着教程做",
        "reset_keeps_file": "你自己的文件保持不变：\n{path}\n参考答案会重新锁定，直到你通过本课或尝试三次。",
        "reset_title": "重置第 {id} 课？",
        "reset_body": "这会删除本课创建的内容，并把它恢复为未完成：\n{items}",
        "reset_progress_only": "（本课创建的内容已不存在，只重置进度）",
        "reset_yes": "删除并重置",
        "reset_no": "保留",
        "reset_relocks": "第 {ids} 课会重新锁定，直到第 {id} 课再次通过。",
        "reset_nothing": "第 {id} 课没有需要重置的内容。",
        "reset_done": "第 {id} 课已重置。",
        "reset_failed": "第 {id} 课没有完全重置。",
        "reset_busy": "有运行正在进行：请先取消它，再重置课程。",
    },
}


def tr(lang: str, key: str, **kwargs: object) -> str:
    text = TEXT.get(lang, TEXT["en"]).get(key) or TEXT["en"][key]
    return text.format(**kwargs) if kwargs else text


def duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds <= 0:
        return "—"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


def progress_rows(course: Any) -> list[tuple[str, ...]]:
    """One row per lesson, as the screen (and a test) reads them."""
    from workshop.core import service
    from workshop.ui_text import t

    lang = course.settings.language
    rows: list[tuple[str, ...]] = []
    for row in service.progress_rows(course):
        passed = time.strftime("%Y-%m-%d %H:%M", time.localtime(row.passed_at)) if row.passed_at else ""
        rows.append((
            str(row.lesson.id), row.lesson.title_in(lang), t(lang, "state_" + row.state.value),
            tr(lang, "mode_exercise" if row.exercising else "mode_follow"),
            str(row.attempts), duration(row.time_spent), passed, row.last_failure or "",
        ))
    return rows


class ProgressScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    ProgressScreen { align: center middle; }
    #progress-box { width: 90%; height: 80%; padding: 1 2; border: thick $primary; background: $surface; }
    #progress-title { text-style: bold; }
    #progress-table { height: 1fr; margin-top: 1; }
    #progress-help { color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("p", "dismiss", "Close", show=False),
        Binding("x", "reset_highlighted", "Reset lesson"),
    ]

    def __init__(self, lang: str | None = None) -> None:
        super().__init__()
        self.lang = lang

    def compose(self) -> ComposeResult:
        app: Any = self.app
        lang = self.lang or app.lang
        with Vertical(id="progress-box"):
            yield Label(tr(lang, "title", learner=app.course.settings.learner), id="progress-title")
            table: DataTable[str] = DataTable(id="progress-table", cursor_type="row", zebra_stripes=True)
            for column in tr(lang, "columns").split("|"):
                table.add_column(column)
            yield table
            yield Label(tr(lang, "help"), id="progress-help")

    def on_mount(self) -> None:
        self.refresh_rows()

    def refresh_rows(self) -> None:
        app: Any = self.app
        table = self.query_one("#progress-table", DataTable)
        row = table.cursor_row
        table.clear()
        for values in progress_rows(app.course):
            table.add_row(*values, key=values[0])
        if table.row_count:
            table.move_cursor(row=min(max(row, 0), table.row_count - 1))

    def action_reset_highlighted(self) -> None:
        table = self.query_one("#progress-table", DataTable)
        if not table.row_count:
            return
        lesson_id = int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or 0)
        start_reset(self.app, lesson_id, on_done=self.refresh_rows)


# --- the reset flow: plan (thread) -> Confirm (UI) -> apply (thread) -> refresh (UI) ----------
def start_reset(app: Any, lesson_id: int, on_done: Callable[[], None] | None = None) -> None:
    """Ask, then reset one lesson; what it removed shows as a notification."""
    running = getattr(app, "_running_panel", lambda: None)()
    if running is not None:
        app.notify(tr(app.lang, "reset_busy"), severity="warning")
        return
    app.run_worker(partial(_plan_then_ask, app, lesson_id, on_done), thread=True, exit_on_error=False,
                   group="reset", exclusive=True)


def _plan_then_ask(app: Any, lesson_id: int, on_done: Callable[[], None] | None) -> None:
    from workshop.core import service

    try:
        plan = service.plan_reset(app.course, app.backend, [lesson_id])
    except Exception as exc:  # a backend that cannot look is said, never a traceback
        app.call_from_thread(app.notify, str(exc), title=tr(app.lang, "reset_failed", id=lesson_id),
                             severity="error", timeout=10)
        return
    app.call_from_thread(_ask, app, lesson_id, plan, on_done)


def _ask(app: Any, lesson_id: int, plan: Any, on_done: Callable[[], None] | None) -> None:
    from workshop.screens.confirm import Confirm

    lang = app.lang
    if plan.empty:
        app.notify(tr(lang, "reset_nothing", id=lesson_id))
        return
    items = "\n".join(f"• {what}" for _, what in plan.artifact_lines(lang)) or tr(lang, "reset_progress_only")
    if plan.relocks:
        items += "\n" + tr(lang, "reset_relocks", ids=", ".join(map(str, plan.relocks)), id=lesson_id)
    if lesson_id in plan.exercising:
        items += "\n" + tr(lang, "reset_keeps_file", path=plan.exercising[lesson_id])

    def answered(yes: bool | None) -> None:
        if yes:
            app.run_worker(partial(_apply, app, lesson_id, plan, on_done), thread=True, exit_on_error=False,
                           group="reset", exclusive=True)

    app.push_screen(Confirm(tr(lang, "reset_title", id=lesson_id), tr(lang, "reset_body", items=items),
                            tr(lang, "reset_yes"), tr(lang, "reset_no")), answered)


def _apply(app: Any, lesson_id: int, plan: Any, on_done: Callable[[], None] | None) -> None:
    from workshop.core import service

    outcome = service.reset(app.course, app.backend, plan)
    app.call_from_thread(_finished, app, lesson_id, outcome.lines, outcome.ok, on_done)


def _finished(app: Any, lesson_id: int, lines: list[str], ok: bool, on_done: Callable[[], None] | None) -> None:
    title = tr(app.lang, "reset_done" if ok else "reset_failed", id=lesson_id)
    app.notify("\n".join(lines), title=title, severity="information" if ok else "error", timeout=10)
    app.refresh_lessons()
    current = app.current_lesson_id
    if current is not None:  # its state (and maybe later lessons') changed: show it afresh
        app.current_lesson_id = None
        app.call_later(app.show_lesson, current)
    if on_done is not None:
        on_done()
