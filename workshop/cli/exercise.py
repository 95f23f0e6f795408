"""`workshop exercise` and `workshop solution`: registered on the main group in workshop/cli/__init__.py."""

from __future__ import annotations

import re

import click

from workshop.cli.common import LANG_OPTION, lesson_or_fail, open_course
from workshop.cli.words import language as cli_language
from workshop.cli.words import say


@click.command()
@click.argument("lesson")
@click.option("--fresh", is_flag=True, help="Start over from a new copy of the starter (your file is kept as a .bak).")
@click.option("--off", is_flag=True, help="Go back to following along: runs use the reference; your file stays.")
@LANG_OPTION
def exercise(lesson: str, fresh: bool, off: bool, lang: str | None) -> None:
    """Write the lesson's pipeline yourself: copy its starter, with TODOs to fill, to your folder.

    From then on `workshop run` and the app's Run tab run your file, and the reference
    solution stays hidden until you pass, or after three failed attempts (`workshop solution`).
    """
    from workshop.core import service
    from workshop.core.lessons import LessonError

    lang = cli_language(lang)
    if fresh and off:
        raise click.UsageError(say(lang, "fresh_off"))
    course = open_course(lang)
    item = lesson_or_fail(course, lesson)
    if off:
        if not service.in_exercise(course, item):
            click.echo(say(lang, "not_exercise", id=item.id))
            return
        kept = service.stop_exercise(course, item)
        click.echo(say(lang, "following", id=item.id))
        if kept is not None:
            click.echo(say(lang, "file_stays", path=kept, id=item.id))
        return
    try:
        started = service.start_exercise(course, item, fresh=fresh)
    except (LessonError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    path, backup = started.path, started.backup
    if started.existed and not fresh:
        click.echo(say(lang, "already", id=item.id, path=path))
        click.echo(say(lang, "fresh_tip"))
        return
    if backup is not None:
        click.echo(say(lang, "backup", path=backup))
    todos = len(set(re.findall(r"TODO (\d+)", path.read_text(encoding="utf-8"))))
    click.echo(say(lang, "your_file", id=item.id, path=path))
    if course.states()[item.id].value == "locked":
        click.echo(say(lang, "locked_prepare", id=item.id, req=", ".join(map(str, item.requires))))
    click.echo(say(lang, "fill_todos", todos=todos, id=item.id))
    if service.solution_gate(course, item).unlocked:
        click.echo(say(lang, "solution_open", id=item.id))
    else:
        click.echo(say(lang, "solution_later", total=service.FAILED_ATTEMPTS_TO_REVEAL, id=item.id))


@click.command()
@click.argument("lesson")
@LANG_OPTION
def solution(lesson: str, lang: str | None) -> None:
    """Print the lesson's reference solution (in exercise mode: once you passed, skipped or failed three times)."""
    from workshop.core import service

    course = open_course(lang)
    lang = course.settings.language
    item = lesson_or_fail(course, lesson)
    gate = service.solution_gate(course, item)
    if not gate.unlocked:
        raise click.ClickException(say(
            lang, "solution_locked", id=item.id, total=gate.failed_attempts + gate.attempts_left,
            failed=gate.failed_attempts, tries=say(lang, "attempt" if gate.failed_attempts == 1 else "attempts"),
            left=gate.attempts_left))
    click.secho(say(lang, "solution_head", id=item.id, file=item.pipeline_file), fg="cyan", err=True)
    click.echo(item.code(), nl=False)
