"""What every `workshop` command shares: the common options, opening the course and the backend, printers."""

from __future__ import annotations

import sys
from typing import Any

import click

from workshop.core.ports import Backend
from workshop.core.settings import LANGUAGES, Settings

LANG_OPTION = click.option("--lang", type=click.Choice(LANGUAGES), default=None,
                           help="Language of the lessons (default: from the locale).")
BACKEND_OPTION = click.option("--backend", type=click.Choice(["local", "cluster"]), default=None,
                              help="Where pipelines run (default: the cluster inside a Kubeflow notebook, else local).")


def open_course(lang: str | None) -> Any:
    from workshop.core.course import Course
    from workshop.core.lessons import LessonError

    try:
        course = Course(Settings.load(lang))
    except (LessonError, OSError) as exc:  # OSError: the home or the progress file is unusable (a full disk)
        raise click.ClickException(str(exc)) from exc
    if course.progress.notice:
        click.secho(course.progress.notice, fg="yellow", err=True)
    return course


def open_backend(course: Any, name: str | None) -> Backend:
    from workshop.backends import make_backend
    from workshop.backends.base import BackendError

    try:
        backend = make_backend(course.settings, name)
    except BackendError as exc:
        raise click.ClickException(str(exc)) from exc
    if course.restore_progress(backend):
        click.secho("Your progress was restored from the cluster (ConfigMap workshop-progress).", err=True)
    return backend


def lesson_or_fail(course: Any, ref: str) -> Any:
    from workshop.core.lessons import LessonError

    try:
        return course.lesson(ref)
    except LessonError as exc:
        raise click.ClickException(str(exc)) from exc


def confirm(question: str) -> bool:
    try:
        return click.confirm(question, default=False, err=True)
    except click.Abort:  # no stdin to answer on (a script, CI): refuse, never guess
        click.echo(err=True)
        raise click.ClickException("reset removes things and needs a yes: pass --yes to reset without asking") from None


def parse_args(pairs: tuple[str, ...]) -> dict[str, str]:
    result = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{pair!r} is not NAME=VALUE", param_hint="--arg")
        result[name.strip()] = value
    return result


def print_event(event: Any, width: int, noise: Any = None) -> None:
    from workshop.core.events import LogLine, RunFinished, TaskFinished, TaskStarted

    if isinstance(event, LogLine):
        if noise is not None and noise.is_noise(event.task, event.line):
            return
        click.echo(f"{click.style(f'[{event.task}]'.ljust(width), fg='cyan')} {event.line}")
    elif isinstance(event, TaskStarted):
        click.secho(f"▶ {event.task} started", fg="blue")
    elif isinstance(event, TaskFinished):
        click.secho(f"■ {event.task} {event.state.value.lower()}",
                    fg="green" if event.state.value == "SUCCEEDED" else "red")
    elif isinstance(event, RunFinished):
        click.secho(f"run {event.state.value.lower()}" + (f": {event.error}" if event.error else ""), bold=True)


def print_checks(attempt: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    marks = {"passed": "✅", "failed": "❌", "skipped": "⏭️ "}
    if not sys.stdout.isatty():  # scripts and CI logs: one plain line per fact, easy to grep
        for result in attempt.checks:
            click.echo(f"{marks[result.status.value]} {result.title}: {result.summary}")
            for key, value in result.evidence.items():
                click.echo(f"     {key}: " + value.replace("\n", "\n       "))
            if result.hint:
                click.echo(f"     hint: {result.hint}")
        return
    table = Table(show_lines=True)
    for column in ("", "check", "seen", "hint"):
        table.add_column(column, overflow="fold")
    for result in attempt.checks:
        evidence = "\n".join(f"{k}: {v}" for k, v in result.evidence.items())
        table.add_row(marks[result.status.value], result.title,
                      result.summary + ("\n" + evidence if evidence else ""), result.hint)
    Console(soft_wrap=False).print(table)


def lesson_tasks(lesson: Any) -> list[str]:
    for spec in lesson.checks:
        if spec.kind == "compiled_tasks":
            return list(spec.params.get("tasks", []))
        if spec.kind == "compiled_wiring":  # the compiler names a second square task square-2
            return [f"{str(step['component']).replace('_', '-')}-2" for step in spec.params.get("steps", [])]
    return []


def print_graph(package: Any, width: int | None = None) -> None:
    """The run graph of a compiled package, in the KFP UI's colours on a terminal, plain text otherwise."""
    import shutil

    from rich.console import Console
    from rich.text import Text

    from workshop.core import graph
    from workshop.core.pipeline_spec import PipelineSpec, PipelineSpecError

    try:
        run_graph = graph.build(PipelineSpec.load(package))
    except PipelineSpecError as exc:
        click.secho(f"(no graph: {exc})", fg="yellow", err=True)
        return
    tty = sys.stdout.isatty()
    width = width or (shutil.get_terminal_size((100, 24)).columns if tty else 100)
    live = graph.Live()
    states = graph.tag_states(run_graph, live)
    console = Console(no_color=not tty, highlight=False, soft_wrap=True, width=max(width, 20))
    for row in graph.render(run_graph, width, live):
        text = Text()
        for ch, tag in row:
            if tag is None or tag == graph.EDGE or not tty:
                text.append(ch, style="dim" if tag == graph.EDGE and tty else "")
            else:
                text.append(ch, style=graph.KFP_COLORS.get(states.get(tag, ""), ("", ""))[0])
        text.rstrip()
        console.print(text)
