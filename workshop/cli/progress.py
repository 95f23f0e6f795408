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
from workshop.cli.words import language as cli_language
from workshop.cli.words import say


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
    from workshop.core import service

    lang = cli_language(lang)
    if reset_all == (lesson is not None):
        raise click.UsageError(say(lang, "need_one"))
    course = open_course(lang)
    ids = [item.id for item in course.lessons] if reset_all else [lesson_or_fail(course, lesson or "").id]
    be = open_backend(course, backend)
    try:
        plan = _plan(course, be, ids)
        if plan.empty:
            click.echo(say(lang, "nothing_to_reset", lessons=service.lessons_text(ids, lang)))
            return
        _show_plan(course, plan, dry_run)
        if dry_run:
            return
        if not yes and not confirm(say(lang, "confirm_reset"), lang):
            raise click.ClickException(say(lang, "nothing_changed"))
        try:
            lines = service.apply_reset(course, be, plan)
        except service.ResetError as exc:
            for line in exc.lines:
                click.echo(line)
            raise click.ClickException(say(lang, "reset_unfinished")) from None
    finally:
        be.close()
    for line in lines:
        click.echo(line)
    click.secho(say(lang, "reset_done", lessons=service.lessons_text(ids, lang)), fg="green", bold=True)


def _plan(course: Any, be: Any, ids: list[int]) -> Any:
    from workshop.core import service
    from workshop.core.errors import BackendError

    try:
        return service.plan_reset(course, be, ids)
    except BackendError as exc:
        raise click.ClickException(say(course.settings.language, "cannot_plan", error=exc)) from exc


def _show_plan(course: Any, reset_plan: Any, dry_run: bool) -> None:
    from workshop.core.service import lessons_text

    lang = course.settings.language
    plan = reset_plan.plan
    if plan:
        click.echo(say(lang, "would_remove" if dry_run else "this_removes"))
        for lesson_id, what in reset_plan.artifact_lines(lang):
            click.echo(say(lang, "artifact", id=lesson_id, what=what))
    else:
        click.echo(say(lang, "nothing_to_remove"))
    if plan.rows:
        click.echo(say(lang, "back_to_open_dry" if dry_run else "back_to_open",
                       lessons=lessons_text(plan.rows, lang)))
    locking = reset_plan.relocks
    if locking:
        click.echo(say(lang, "relock_dry" if dry_run else "relock",
                       locked=lessons_text(locking, lang).capitalize(),
                       needed=lessons_text(plan.lesson_ids, lang)))
    # Reset never touches the learner's own code: say so, so nobody fears for it.
    for lesson_id, mine in reset_plan.files_kept.items():
        click.echo(say(lang, "kept_file", id=lesson_id, path=mine))


@click.command()
@LANG_OPTION
@BACKEND_OPTION
def verify(lang: str | None, backend: str | None) -> None:
    """Re-run the checks of every completed lesson against what exists now (exit 1 if one no longer holds).

    Nothing is recorded: attempts and progress stay as they are.
    """
    from workshop.core import service

    course = open_course(lang)
    be = open_backend(course, backend)
    try:
        results = service.verify(course, be)
    finally:
        be.close()
    language = course.settings.language
    if not results:
        click.echo(say(language, "none_to_verify"))
        return
    from workshop.ui_text import t

    broken = 0
    for item, checks in results:
        state = t(language, f"state_{course.states()[item.id].value}")
        title = say(language, "verify_title", id=item.id, state=state, title=item.title_in(language))
        if service.holds(checks):
            click.secho(say(language, "holds", title=title), fg="green")
            continue
        broken += 1
        click.secho(say(language, "broken", title=title), fg="red", bold=True)
        print_checks(SimpleNamespace(checks=[c for c in checks if not c.passed]), language)
    if broken:
        click.secho(say(language, "broken_count", broken=broken, total=len(results)), fg="red", bold=True)
        sys.exit(1)
    click.secho(say(language, "all_hold", total=len(results)), fg="green", bold=True)


@click.command()
@click.argument("lesson")
@LANG_OPTION
@BACKEND_OPTION
def skip(lesson: str, lang: str | None, backend: str | None) -> None:
    """Stuck? Run the lesson's reference solution and mark it skipped, so the next lesson opens."""
    from workshop.core import service
    from workshop.core.compile import CompileError
    from workshop.core.errors import BackendError
    from workshop.core.lessons import LessonError

    course = open_course(lang)
    item = lesson_or_fail(course, lesson)
    reason = service.why_not_skippable(course, item)
    if reason:
        raise click.ClickException(reason)
    language = course.settings.language
    click.secho(say(language, "skipping_head", id=item.id), bold=True)
    width = max([len(t) + 2 for t in lesson_tasks(item)] + [12])
    be = open_backend(course, backend)
    run_ids: list[str] = []
    try:
        attempt = service.skip(course, be, item, on_event=lambda e: print_event(e, width, lang=language),
                               on_run_id=run_ids.append)
    except (LessonError, CompileError, BackendError) as exc:
        raise click.ClickException(str(exc)) from exc
    except KeyboardInterrupt:
        if run_ids:
            service.interrupted(course, be, run_ids[-1])
        raise click.Abort() from None
    finally:
        be.close()
    if not attempt.passed:
        print_checks(SimpleNamespace(checks=[c for c in attempt.checks if not c.passed]), language)
        raise click.ClickException(say(language, "skip_failed", id=item.id))
    click.secho(say(language, "skipped", id=item.id), fg="yellow", bold=True)
