"""`workshop reset`, `workshop verify` and `workshop skip`: registered on the main group in workshop/cli/__init__.py."""

from __future__ import annotations

import sys
from types import SimpleNamespace
from typing import Any

import click

from workshop.cli.common import (
    BACKEND_OPTION,
    LANG_OPTION,
    confirm,
    lesson_or_fail,
    lesson_tasks,
    open_backend,
    open_course,
    print_checks,
    print_event,
)


@click.command()
@click.argument("lesson", required=False)
@click.option("--all", "reset_all", is_flag=True, help="Reset every lesson.")
@click.option("--dry-run", is_flag=True, help="List what would be removed; change nothing.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask before removing.")
@LANG_OPTION
@BACKEND_OPTION
def reset(lesson: str | None, reset_all: bool, dry_run: bool, yes: bool, lang: str | None,
          backend: str | None) -> None:
    """Put a lesson back to open and remove what it created: runs, volume outputs, objects, model servers.

    Only what the workshop created is removed; files and objects you put there yourself stay.
    """
    from workshop.core import reset as core_reset
    from workshop.core import service

    if reset_all == (lesson is not None):
        raise click.UsageError("name one lesson (for example `workshop reset 2`) or use --all")
    course = open_course(lang)
    ids = [item.id for item in course.lessons] if reset_all else [lesson_or_fail(course, lesson or "").id]
    be = open_backend(course, backend)
    try:
        plan = _plan(course, be, ids)
        if plan.empty:
            click.echo(f"Nothing left to reset for {core_reset.lessons_text(ids)}: nothing was changed.")
            return
        _show_plan(core_reset, course, plan, dry_run)
        if dry_run:
            return
        if not yes and not confirm("Remove these and reset the progress?"):
            raise click.ClickException("nothing was changed")
        try:
            lines = service.apply_reset(course, be, plan)
        except core_reset.ResetError as exc:
            for line in exc.lines:
                click.echo(line)
            raise click.ClickException("the reset did not finish: see above") from None
    finally:
        be.close()
    for line in lines:
        click.echo(line)
    click.secho(f"Reset {core_reset.lessons_text(ids)}.", fg="green", bold=True)


def _plan(course: Any, be: Any, ids: list[int]) -> Any:
    from workshop.backends.base import BackendError
    from workshop.core import service

    try:
        return service.plan_reset(course, be, ids)
    except BackendError as exc:
        raise click.ClickException(f"cannot tell what the lessons created: {exc}") from exc


def _show_plan(core_reset: Any, course: Any, reset_plan: Any, dry_run: bool) -> None:
    head = "Would remove:" if dry_run else "This removes:"
    plan = reset_plan.plan
    if plan:
        click.echo(head)
        for artifact in plan:
            click.echo(f"  lesson {artifact.lesson_id}: {core_reset.describe(artifact)}")
    else:
        click.echo("Nothing left to remove.")
    if plan.rows:
        verb = "would go" if dry_run else "goes"
        click.echo(f"The progress of {core_reset.lessons_text(plan.rows)} {verb} back to open.")
    locking = reset_plan.relocks
    if locking:
        verb = "would lock" if dry_run else "locks"
        click.echo(f"{core_reset.lessons_text(locking).capitalize()} {verb} again until "
                   f"{core_reset.lessons_text(plan.lesson_ids)} is passed again.")
    _mention_kept_files(course, plan.rows)


def _mention_kept_files(course: Any, lesson_ids: Any) -> None:
    """Reset never touches the learner's own code: say so, so nobody fears for it."""
    from workshop.core.exercise import exercise_file

    for lesson_id in lesson_ids:
        mine = exercise_file(course.settings, course.lesson(lesson_id))
        if mine.is_file():
            click.echo(f"Your own file for lesson {lesson_id} stays as it is: {mine}")


@click.command()
@LANG_OPTION
@BACKEND_OPTION
def verify(lang: str | None, backend: str | None) -> None:
    """Re-run the checks of every completed lesson against what exists now (exit 1 if one no longer holds).

    Nothing is recorded: attempts and progress stay as they are.
    """
    from workshop.core import service
    from workshop.core import verify as core_verify

    course = open_course(lang)
    be = open_backend(course, backend)
    try:
        results = service.verify(course, be)
    finally:
        be.close()
    if not results:
        click.echo("No completed lesson to verify yet.")
        return
    broken = 0
    language = course.settings.language
    for item, checks in results:
        state = course.states()[item.id].value
        title = f"Lesson {item.id} ({state}): {item.title_in(language)}"
        if core_verify.holds(checks):
            click.secho(f"✔ {title}: still holds", fg="green")
            continue
        broken += 1
        click.secho(f"✘ {title}: no longer holds", fg="red", bold=True)
        print_checks(SimpleNamespace(checks=[c for c in checks if not c.passed]))
    if broken:
        click.secho(f"{broken} of {len(results)} completed lessons no longer hold.", fg="red", bold=True)
        sys.exit(1)
    click.secho(f"All {len(results)} completed lessons still hold.", fg="green", bold=True)


@click.command()
@click.argument("lesson")
@LANG_OPTION
@BACKEND_OPTION
def skip(lesson: str, lang: str | None, backend: str | None) -> None:
    """Stuck? Run the lesson's reference solution and mark it skipped, so the next lesson opens."""
    from workshop.backends.base import BackendError
    from workshop.core import service
    from workshop.core import verify as core_verify
    from workshop.core.compile import CompileError
    from workshop.core.lessons import LessonError

    course = open_course(lang)
    item = lesson_or_fail(course, lesson)
    reason = core_verify.why_not_skippable(course, item)
    if reason:
        raise click.ClickException(reason)
    click.secho(f"\n== Skipping lesson {item.id}: running its reference solution ==", bold=True)
    width = max([len(t) + 2 for t in lesson_tasks(item)] + [12])
    be = open_backend(course, backend)
    run_ids: list[str] = []
    try:
        attempt = service.skip(course, be, item, on_event=lambda e: print_event(e, width),
                               on_run_id=run_ids.append)
    except (LessonError, CompileError, BackendError) as exc:
        raise click.ClickException(str(exc)) from exc
    except KeyboardInterrupt:
        if run_ids:
            be.cancel(run_ids[-1])
            course.progress.finish_run(run_ids[-1], "CANCELED", {}, "interrupted")
        raise click.Abort() from None
    finally:
        be.close()
    if not attempt.passed:
        print_checks(SimpleNamespace(checks=[c for c in attempt.checks if not c.passed]))
        raise click.ClickException(
            f"the reference solution of lesson {item.id} did not pass here, so the lesson is not marked skipped")
    click.secho(f"Lesson {item.id} is skipped: its reference solution ran, so what later lessons need exists.",
                fg="yellow", bold=True)
