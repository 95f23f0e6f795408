"""`workshop start`, `list`, `run`, `check`, `progress` and `doctor`: the lessons, taken in the app or headless."""

from __future__ import annotations

import json
import sys
import time
from typing import TYPE_CHECKING, Any

import click

from workshop.cli.common import (
    BACKEND_OPTION,
    LANG_OPTION,
    lesson_or_fail,
    lesson_tasks,
    open_backend,
    open_course,
    parse_args,
    print_checks,
    print_event,
    print_graph,
)
from workshop.cli.words import language as cli_language
from workshop.cli.words import say
from workshop.core.text import by_language

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from workshop.core.course import Course
    from workshop.core.lessons import Lesson
    from workshop.core.ports import Backend


@click.command()
@LANG_OPTION
@BACKEND_OPTION
def start(lang: str | None, backend: str | None) -> None:
    """Open the workshop app."""
    from workshop.app import make_app

    course = open_course(lang)
    lang = course.settings.language
    app = make_app(course, backend_name=backend)
    # Stopping the local services takes a second or two: do it after the terminal is given back,
    # saying so, rather than behind a blank screen.
    app.close_backend_on_exit = False
    try:
        app.run()
    finally:
        if app._backend is not None:
            if app._backend.name == "local":
                click.echo(say(lang, "stopping"), err=True)
            app._backend.close()
    if app.return_code:
        sys.exit(app.return_code)


@click.command("list")
@LANG_OPTION
def list_lessons(lang: str | None) -> None:
    """List the lessons and their state."""
    from rich.cells import cell_len

    from workshop.ui_text import t

    course = open_course(lang)
    language = course.settings.language
    states = course.states()
    for lesson in course.lessons:
        state = t(language, f"state_{states[lesson.id].value}")
        pad = " " * max(12 - cell_len(state), 1)
        click.echo(f"{lesson.id:>2}  {state}{pad}{lesson.title_in(language)}")


def _run_one(course: Course, backend: Backend, lesson: Lesson, raw: dict[str, str], pipeline_file: Path | None,
             quiet: bool = False, after_submit: Callable[[], None] | None = None) -> bool:
    from workshop.core import service
    from workshop.core.compile import CompileError
    from workshop.core.errors import BackendError
    from workshop.core.events import ExecutorNoise, LogLine
    from workshop.core.lessons import LessonError

    lang = course.settings.language
    click.secho(say(lang, "lesson_head", id=lesson.id, title=lesson.title_in(lang)), bold=True)
    run_ids: list[str] = []

    def submitted(run_id: str) -> None:
        run_ids.append(run_id)
        if after_submit is not None:
            after_submit()

    try:
        source = pipeline_file or course.pipeline_file(lesson)
        if source != lesson.pipeline_file and pipeline_file is None:
            click.echo(say(lang, "own_file", file=source))
        width = max([len(t) + 2 for t in lesson_tasks(lesson)] + [12])
        noise = ExecutorNoise() if quiet else None

        def step(name: str, details: dict[str, Any]) -> None:
            if name == "compiled":  # the run graph, from the compile, before anything runs
                print_graph(details["file"], lang=lang)

        # in Chinese, one note before kfp's first executor line: those are kfp's own words, left as kfp wrote them
        kfp_lines = ExecutorNoise() if lang == "zh" and noise is None else None

        def on_event(event: Any) -> None:
            nonlocal kfp_lines
            if kfp_lines is not None and isinstance(event, LogLine) and kfp_lines.is_noise(event.task, event.line):
                kfp_lines = None
                click.secho(say(lang, "kfp_lines"), fg="yellow")
            print_event(event, width, noise, lang)

        attempt = service.run(course, backend, lesson, raw, on_event=on_event,
                              on_run_id=submitted, pipeline_file=source, on_step=step, lang=lang)
    except (LessonError, CompileError, BackendError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    except KeyboardInterrupt:
        if run_ids:
            click.secho(say(lang, "interrupted"), fg="yellow", err=True)
            service.interrupted(course, backend, run_ids[-1])
        raise
    print_checks(attempt, lang)
    if attempt.passed:
        click.secho(say(lang, "lesson_passed", id=lesson.id), fg="green", bold=True)
    elif attempt.passed_before:
        click.secho(say(lang, "still_passed", id=lesson.id), fg="yellow", bold=True)
    else:
        click.secho(say(lang, "not_passed", id=lesson.id), fg="red", bold=True)
    return bool(attempt.passed)


def _prewarm_for(prewarm: Callable[..., None] | None, course: Course, lesson: Lesson) -> Callable[[], None] | None:
    """The next lesson's worker, started once this lesson's run is submitted, importing what its
    pipeline's components import while this lesson runs."""
    if prewarm is None:
        return None
    ahead = _pipeline_hint(course, lesson)
    return lambda: prewarm(ahead_of=ahead)


def _pipeline_hint(course: Course, lesson: Lesson) -> Path | None:
    """The file a lesson will run, for the worker to import its components' packages ahead; None when
    there is none to read (the learner's file is gone: the lesson's own run says so, in its turn)."""
    from workshop.core.lessons import LessonError

    try:
        return course.pipeline_file(lesson)
    except LessonError:
        return None


@click.command()
@click.argument("lesson", required=False)
@click.option("--arg", "args", multiple=True, metavar="NAME=VALUE", help="A pipeline argument (repeatable).")
@click.option("--all", "run_all", is_flag=True, help="Take every available lesson in order.")
@click.option("--pipeline", "pipeline_file", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Run your own version of the lesson's pipeline file.")
@click.option("--quiet", "-q", is_flag=True, help="Only what the components print, not kfp's executor lines.")
@LANG_OPTION
@BACKEND_OPTION
def run(lesson: str | None, args: tuple[str, ...], run_all: bool, pipeline_file: str | None, quiet: bool,
        lang: str | None, backend: str | None) -> None:
    """Run a lesson's pipeline, stream its logs and check the result (exit 1 if a check fails)."""
    from pathlib import Path

    from workshop.core.course import LessonState
    from workshop.core.lessons import LessonError
    from workshop.core.ports import Prewarm

    lang = cli_language(lang)
    if not run_all and lesson is None:
        raise click.UsageError(say(lang, "need_lesson"))
    course = open_course(lang)
    try:
        lessons = [item for item in course.lessons if item.available] if run_all else [course.lesson(lesson or "")]
    except LessonError as exc:
        raise click.ClickException(str(exc)) from exc
    raw = parse_args(args, lang)
    taken = {arg.name for item in lessons for arg in item.arguments}
    if run_all and set(raw) - taken:  # --all gives each lesson the arguments it takes; one no lesson takes is a typo
        raise click.BadParameter(say(lang, "no_such_arg", name=sorted(set(raw) - taken)[0],
                                     taken=", ".join(sorted(taken)) or say(lang, "none")), param_hint="--arg")
    be = open_backend(course, backend)
    # A worker that imports kfp while this process compiles; in --all, the next lesson's worker
    # starts as soon as this lesson's run is submitted.
    prewarm = be.prewarm if isinstance(be, Prewarm) else None  # an optional ability (core/ports.py)
    if prewarm is not None:
        prewarm(ahead_of=Path(pipeline_file) if pipeline_file else _pipeline_hint(course, lessons[0]))
    ok = True
    started = time.perf_counter()
    # the course's slow set-up (servers, lesson 4's scorer) overlaps the light lessons before it
    unprepare = course.prepare(lessons, be) if run_all else (lambda: None)
    try:
        for number, item in enumerate(lessons, 1):
            more = number < len(lessons)
            state = course.states()[item.id]
            if state is LessonState.LOCKED:
                raise click.ClickException(say(lang, "locked", id=item.id, req=", ".join(map(str, item.requires))))
            if state is LessonState.COMING_SOON:
                raise click.ClickException(say(lang, "coming_soon", id=item.id))
            mine = {name: value for name, value in raw.items() if not run_all or name in
                    {arg.name for arg in item.arguments}}
            passed = _run_one(course, be, item, mine,
                              Path(pipeline_file) if pipeline_file else None, quiet,
                              after_submit=_prewarm_for(prewarm, course, lessons[number]) if more else None)
            ok = ok and passed
            if run_all and more:
                course.release(lessons[number:], be)  # a server no lesson ahead needs stops meanwhile
            if run_all and not passed:
                break
    except KeyboardInterrupt:
        raise click.Abort() from None
    finally:
        unprepare()
        be.close()
    if run_all:
        click.echo(say(lang, "course_took", seconds=f"{time.perf_counter() - started:.1f}"))
    sys.exit(0 if ok else 1)


@click.command()
@click.argument("lesson")
@click.option("--pipeline", "pipeline_file", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Draw your own version of the lesson's pipeline file.")
@click.option("--width", type=click.IntRange(20, 1000), default=None,
              help="Columns to draw in (default: the terminal's; 100 when not a terminal).")
@LANG_OPTION
def graph(lesson: str, pipeline_file: str | None, width: int | None, lang: str | None) -> None:
    """Draw a lesson's pipeline as Kubeflow's run graph, from the compile alone (nothing runs)."""
    import tempfile
    from pathlib import Path

    from workshop.core.compile import CompileError, compile_pipeline
    from workshop.core.lessons import LessonError

    course = open_course(lang)
    item = lesson_or_fail(course, lesson)
    try:
        source = Path(pipeline_file) if pipeline_file else course.pipeline_file(item)
        with tempfile.TemporaryDirectory(prefix="workshop-graph-") as tmp:
            package = compile_pipeline(source, item.pipeline_function, Path(tmp) / "pipeline.yaml",
                                       lang=course.settings.language)
            click.secho(f"{item.pipeline_name} ({source.name})", bold=True)
            print_graph(package, width, lang=course.settings.language)
    except (LessonError, CompileError) as exc:
        raise click.ClickException(str(exc)) from exc


@click.command()
@click.argument("lesson")
@LANG_OPTION
@BACKEND_OPTION
def check(lesson: str, lang: str | None, backend: str | None) -> None:
    """Re-run a lesson's checks on its last run."""
    from workshop.core import service
    from workshop.core.lessons import LessonError

    course = open_course(lang)
    try:
        item = course.lesson(lesson)
    except LessonError as exc:
        raise click.ClickException(str(exc)) from exc
    be = open_backend(course, backend)
    try:
        attempt = service.check(course, be, item,
                                on_event=lambda e: print_event(e, 0, lang=course.settings.language))
    except LookupError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        be.close()
    print_checks(attempt, course.settings.language)
    sys.exit(0 if attempt.passed else 1)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@LANG_OPTION
def progress(as_json: bool, lang: str | None) -> None:
    """Show your progress through the course."""
    from workshop.core import service

    course = open_course(lang)
    rows: list[dict[str, Any]] = []
    for each in service.progress_rows(course):
        rows.append({
            "lesson": each.lesson.id,
            "title": each.lesson.title_in(course.settings.language),
            "state": each.state.value,
            "attempts": each.attempts,
            "passed_at": time.strftime("%Y-%m-%d %H:%M", time.localtime(each.passed_at)) if each.passed_at else None,
            "time_spent_s": round(each.time_spent),
            "last_failure": each.last_failure,
            "mode": "exercise" if each.exercising else "follow along",
            "your_file": str(each.your_file) if each.your_file else None,
        })
    if as_json:
        click.echo(json.dumps({"learner": course.settings.learner, "lessons": rows}, ensure_ascii=False, indent=2))
        return
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from workshop.ui_text import t

    language = course.settings.language
    words = PROGRESS_WORDS[language]
    # fits 80 columns: short columns, the title takes what is left, failures go below the table
    table = Table(title=words["title"].format(learner=course.settings.learner), box=box.SIMPLE_HEAD,
                  padding=(0, 1), title_justify="left")
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column(words["lesson"], ratio=1, overflow="fold")
    for column in ("state", "mode", "attempts", "passed"):
        table.add_column(words[column], no_wrap=True)
    for row in rows:
        passed = time.strftime("%m-%d %H:%M", time.strptime(row["passed_at"], "%Y-%m-%d %H:%M")) \
            if row["passed_at"] else ""
        table.add_row(str(row["lesson"]), row["title"], t(language, f"state_{row['state']}"),
                      words["exercise" if row["your_file"] else "follow"], str(row["attempts"]), passed)
    console = Console()
    console.print(table)
    for row in rows:
        if row["last_failure"]:
            console.print(words["failure"].format(id=row["lesson"], failure=row["last_failure"]), highlight=False)


PROGRESS_WORDS = by_language("cli_progress")


DOCTOR_WORDS = by_language("cli_doctor")


@click.command()
@LANG_OPTION
@BACKEND_OPTION
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def doctor(lang: str | None, backend: str | None, as_json: bool) -> None:
    """Check everything the course needs, with a fix for each problem (exit 1 if one fails)."""
    from workshop.core.errors import BackendError
    from workshop.core.ports import run_doctor

    course = open_course(lang)
    language = course.settings.language
    be = open_backend(course, backend)
    items: list[Any] = []
    try:
        words = DOCTOR_WORDS[language]
        if not as_json:
            from workshop.ui_text import t

            click.secho(words["title"].format(backend=t(language, f"backend_{be.name}")), bold=True)
        for item in run_doctor(be, language):  # each row as it is decided, where the backend can
            items.append(item)
            if not as_json:
                mark = {True: click.style("✓", fg="green"), False: click.style("✗", fg="red"), None: "–"}[item.ok]
                click.echo(words["row"].format(mark=mark, name=item.name, detail=item.detail))
                if item.ok is False and item.fix:
                    click.echo(words["fix"].format(fix=item.fix))
    except BackendError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        be.close()
    if as_json:
        click.echo(json.dumps([item.__dict__ for item in items], ensure_ascii=False, indent=2))
    sys.exit(1 if any(item.ok is False for item in items) else 0)
