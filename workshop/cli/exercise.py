"""`workshop exercise` and `workshop solution`: registered on the main group in workshop/cli/__init__.py."""

from __future__ import annotations

import re

import click

from workshop.cli.common import LANG_OPTION, lesson_or_fail, open_course


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
    from workshop.core.exercise import (
        FAILED_ATTEMPTS_TO_REVEAL,
        exercise_file,
        in_exercise,
        start_exercise,
        stop_exercise,
    )
    from workshop.core.lessons import LessonError

    if fresh and off:
        raise click.UsageError("--fresh and --off do not go together")
    course = open_course(lang)
    item = lesson_or_fail(course, lesson)
    if off:
        if not in_exercise(course.progress, item):
            click.echo(f"Lesson {item.id} is not an exercise: it follows along with the reference already.")
            return
        kept = stop_exercise(course.settings, course.progress, item)
        click.echo(f"Lesson {item.id}: following along; runs use the reference pipeline again.")
        if kept is not None:
            click.echo(f"Your file stays at {kept}; `workshop exercise {item.id}` takes it up again.")
        return
    existed = in_exercise(course.progress, item) and exercise_file(course.settings, item).is_file()
    try:
        path, backup = start_exercise(course.settings, course.progress, item, fresh=fresh)
    except (LessonError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    if existed and not fresh:
        click.echo(f"You are already writing lesson {item.id} yourself; your file is:\n  {path}")
        click.echo("(`--fresh` starts over from the starter and keeps your file as a .bak)")
        return
    if backup is not None:
        click.echo(f"Your previous file is kept as {backup}")
    todos = len(set(re.findall(r"TODO (\d+)", path.read_text(encoding="utf-8"))))
    click.echo(f"Lesson {item.id}: your file is\n  {path}")
    if course.states()[item.id].value == "locked":
        click.echo(f"(lesson {item.id} is locked until you pass lesson {', '.join(map(str, item.requires))}; "
                   "you can prepare your file meanwhile)")
    click.echo(f"Fill in its {todos} TODOs in any editor, then run it: workshop run {item.id}")
    if course.solution_gate(item).unlocked:
        click.echo(f"The reference solution is yours to compare: workshop solution {item.id}")
    else:
        click.echo(f"The reference solution unlocks when you pass, or after {FAILED_ATTEMPTS_TO_REVEAL} failed "
                   f"attempts with your own changes: workshop solution {item.id}")


@click.command()
@click.argument("lesson")
@LANG_OPTION
def solution(lesson: str, lang: str | None) -> None:
    """Print the lesson's reference solution (in exercise mode: once you passed, skipped or failed three times)."""

    course = open_course(lang)
    item = lesson_or_fail(course, lesson)
    gate = course.solution_gate(item)
    if not gate.unlocked:
        tries = "attempt" if gate.failed_attempts == 1 else "attempts"
        raise click.ClickException(
            f"the solution of lesson {item.id} unlocks when you pass it, or after "
            f"{gate.failed_attempts + gate.attempts_left} failed attempts with your own changes (you have "
            f"{gate.failed_attempts} failed {tries}, {gate.attempts_left} to go). Meanwhile, the hint beside "
            f"each failed check says more with each attempt.")
    click.secho(f"# Lesson {item.id} reference solution: {item.pipeline_file}", fg="cyan", err=True)
    click.echo(item.code(), nl=False)
