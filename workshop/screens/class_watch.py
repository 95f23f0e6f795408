"""`workshop instructor class --watch`: the class, live. One row per learner, one column per lesson.

Every `interval` seconds one list request reads every learner's workshop-progress ConfigMap
(instructor/classroom.read_class), off the event loop. The table is never cleared: only the
cells whose text changed are updated in place, a learner who appears gets a row, one whose
ConfigMap went away loses it, so nothing flickers and the cursor stays on its learner. A
learner with three failed attempts on a lesson, or no progress for `idle_minutes`, is marked;
selecting a learner shows their last failure. A refresh that fails (the API is down) says so
and keeps the last table; the next one tries again.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from workshop.instructor import classroom
from workshop.instructor.classroom import ClassView, Learner, Stuck
from workshop.ui_text import t

STUCK_STYLE = "bold red"
PASSED_STYLE = "green"


class ClassWatch(App[None]):
    CSS = """
    #class-status { height: auto; padding: 0 1; color: $text-muted; }
    #class-table { height: 1fr; }
    #class-detail { height: auto; max-height: 8; padding: 0 1; border-top: solid $accent; }
    """
    BINDINGS = [
        Binding("q,ctrl+q", "quit", "Quit"),
        Binding("r", "refresh_now", "Refresh"),
    ]

    def __init__(self, read: Callable[[], ClassView], lesson_ids: tuple[int, ...], interval: float = 5.0,
                 idle_minutes: float = 15.0, lang: str = "en", clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self.read = read
        self.lesson_ids = tuple(sorted(lesson_ids))
        self.interval = interval
        self.idle_minutes = idle_minutes
        self.lang = lang
        self.clock = clock
        self.refreshes = 0  # refreshes applied (each is one read, so one list request)
        self.learners: dict[str, Learner] = {}
        self.stuck: dict[str, Stuck] = {}
        self.cells: dict[tuple[str, str], str] = {}  # (namespace, column) -> the text shown
        self.updates = 0  # cells written since the start: a refresh with no change writes none
        self._busy = False
        self.title = t(lang, "class_title")

    # --- layout ------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()  # draws the title; without it the title was set and never shown
        yield Static(t(self.lang, "class_waiting"), id="class-status")
        yield DataTable(id="class-table", cursor_type="row", zebra_stripes=True)
        yield Static(t(self.lang, "class_select"), id="class-detail")
        yield Footer()

    @property
    def columns(self) -> list[str]:
        return ["namespace", "learner", *(f"lesson-{i}" for i in self.lesson_ids), "stuck"]

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        heads = {"namespace": t(self.lang, "class_col_namespace"), "learner": t(self.lang, "class_col_learner"),
                 "stuck": t(self.lang, "class_col_stuck")}
        for key in self.columns:
            label = heads.get(key) or t(self.lang, "class_col_lesson", id=key.removeprefix("lesson-"))
            table.add_column(label, key=key)
        table.focus()
        self.refresh_class()
        self.timer = self.set_interval(self.interval, self.refresh_class)

    # --- reading -----------------------------------------------------------------------
    def action_refresh_now(self) -> None:
        self.refresh_class()

    def refresh_class(self) -> None:
        if self._busy:  # the last read has not answered yet: never two requests at once
            return
        self._busy = True
        self._read()

    def _read_in_thread(self) -> None:
        try:
            view: ClassView | Exception = self.read()
        except Exception as exc:  # noqa: BLE001 - a cluster that does not answer: said, retried next time
            view = exc
        self.call_from_thread(self._apply, view)

    def _read(self) -> None:
        self.run_worker(self._read_in_thread, thread=True, group="class-read", exit_on_error=False)

    # --- the table, in place -----------------------------------------------------------
    def _apply(self, view: ClassView | Exception) -> None:
        self._busy = False
        status = self.query_one("#class-status", Static)
        if isinstance(view, Exception):
            status.update(Text(t(self.lang, "class_unreachable", error=str(view), seconds=f"{self.interval:g}"),
                               style="yellow"))
            return
        self.refreshes += 1
        table = self.query_one(DataTable)
        now = self.clock()
        present = {learner.namespace: learner for learner in view.learners}
        for namespace in [ns for ns in self.learners if ns not in present]:
            table.remove_row(namespace)
            self.cells = {key: v for key, v in self.cells.items() if key[0] != namespace}
            self.stuck.pop(namespace, None)
        for namespace, learner in present.items():
            found = classroom.stuck(learner, now, self.idle_minutes, self.lesson_ids)
            if found is None:
                self.stuck.pop(namespace, None)
            else:
                self.stuck[namespace] = found
            row = self._row(learner, found)
            if namespace not in self.learners:
                table.add_row(*row.values(), key=namespace)
                self.cells.update({(namespace, key): str(cell) for key, cell in row.items()})
                continue
            for key, cell in row.items():
                if self.cells.get((namespace, key)) != str(cell):
                    table.update_cell(namespace, key, cell)
                    self.cells[(namespace, key)] = str(cell)
                    self.updates += 1
        self.learners = present
        problems = f" · {t(self.lang, 'class_problems', n=len(view.problems))}" if view.problems else ""
        status.update(t(self.lang, "class_status", n=len(present), stuck=len(self.stuck),
                        at=time.strftime("%H:%M:%S", time.localtime(now)), seconds=f"{self.interval:g}") + problems)
        self._show_detail()

    def _row(self, learner: Learner, found: Stuck | None) -> dict[str, str | Text]:
        row: dict[str, str | Text] = {"namespace": learner.namespace, "learner": learner.learner}
        for i in self.lesson_ids:
            record = learner.lessons.get(str(i)) or {}
            text = classroom.cell(record)
            style = STUCK_STYLE if found is not None and found.lesson == i else (
                PASSED_STYLE if record.get("state") == "passed" else "")
            row[f"lesson-{i}"] = Text(("⚠ " if style == STUCK_STYLE else "") + text, style=style)
        # short in the table (the lesson's own cell carries the ⚠), in full below for the selected learner
        row["stuck"] = Text(self._reason(found, short=True), style=STUCK_STYLE) if found is not None else ""
        return row

    def _reason(self, found: Stuck | None, short: bool = False) -> str:
        if found is None:
            return ""
        suffix = "_short" if short else ""
        if found.lesson is not None:
            return t(self.lang, f"class_stuck_attempts{suffix}", lesson=found.lesson, attempts=found.attempts)
        return t(self.lang, f"class_stuck_idle{suffix}", minutes=f"{found.idle_minutes:.0f}")

    # --- the selected learner ----------------------------------------------------------
    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def selected(self) -> Learner | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        except Exception:  # noqa: BLE001 - no row under the cursor
            return None
        return self.learners.get(str(key.value))

    def _show_detail(self) -> None:
        learner = self.selected()
        detail = self.query_one("#class-detail", Static)
        if learner is None:
            detail.update(t(self.lang, "class_select"))
            return
        text = Text()
        text.append(f"{learner.learner} ({learner.namespace})", style="bold")
        if learner.updated_at is not None:
            text.append("  " + t(self.lang, "class_updated", at=classroom.when(learner.updated_at)), style="dim")
        found = self.stuck.get(learner.namespace)
        if found is not None:
            text.append("\n" + self._reason(found), style=STUCK_STYLE)
        failure = learner.last_failure
        text.append("\n" + (t(self.lang, "class_last_failure", failure=failure) if failure
                            else t(self.lang, "class_no_failure")))
        detail.update(text)
