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

from workshop.core.errors import said
from workshop.core.text import by_language

TEXT: dict[str, dict[str, str]] = by_language("progress_screen")


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
        app.call_from_thread(app.notify, said(exc, app.lang), title=tr(app.lang, "reset_failed", id=lesson_id),
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
