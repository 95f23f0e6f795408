"""`workshop instructor ...`: the tutorial's admin steps, the class's progress, and preparing namespaces.

Registered on the main group in workshop/cli/__init__.py. Every command works on
the cluster backend with the instructor's own credentials (an admin kubeconfig).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from workshop.cli.common import GROUP_LANG_OPTION, LANG_OPTION, WorkshopGroup, confirm, lesson_or_fail, open_course
from workshop.cli.words import language as cli_language
from workshop.cli.words import say
from workshop.core.text import text

if TYPE_CHECKING:
    from workshop.backends.cluster.backend import ClusterBackend


def _make_backend() -> ClusterBackend:
    """The cluster backend as the instructor sees it: a namespace and a KFP host are not required."""
    from workshop.backends.cluster import ClusterBackend
    from workshop.backends.cluster.config import DEFAULT_KFP_HOST, load_config
    from workshop.core.settings import Settings

    env = dict(os.environ)
    env["WORKSHOP_NAMESPACE"] = env.get("WORKSHOP_NAMESPACE") or "kubeflow"
    env["WORKSHOP_KFP_HOST"] = env.get("WORKSHOP_KFP_HOST") or DEFAULT_KFP_HOST
    return ClusterBackend(load_config(Path(Settings.load().home), env))


def _backend() -> ClusterBackend:
    from workshop.core.errors import BackendError

    try:
        backend = _make_backend()
        backend.kube.rest  # noqa: B018  (raises with what to configure when there is no Kubernetes API)
    except BackendError as exc:
        raise click.ClickException(str(exc)) from None
    return backend


@click.group(cls=WorkshopGroup)
@GROUP_LANG_OPTION
def instructor() -> None:
    """For the instructor: tokens, the class's progress, preparing learners' namespaces."""


@instructor.command()
@click.option("--namespace", default="kubeflow", show_default=True, help="Namespace of the service account.")
@click.option("--duration", default="24h", show_default=True, help="How long the token is valid: 24h, 90m, 3600s.")
@click.option("--output", type=click.Path(dir_okay=False), default=None,
              help="Where to write the token (mode 0600); default <WORKSHOP_HOME>/kfp-token.")
@click.option("--print", "show", is_flag=True, help="Also print the token (it is never printed otherwise).")
@LANG_OPTION
def token(namespace: str, duration: str, output: str | None, show: bool, lang: str | None) -> None:
    """Create the kfp-api-user service account and binding if missing, and write a KFP token for it."""
    from workshop.core.errors import BackendError
    from workshop.core.settings import Settings
    from workshop.instructor.token import issue_token, parse_duration

    lang = cli_language(lang)
    try:
        seconds = parse_duration(duration, lang)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--duration") from None
    if output is None:
        home = Settings.load().home
        home.mkdir(parents=True, exist_ok=True)
        output = str(home / "kfp-token")
    be = _backend()
    try:
        result = issue_token(be.kube, namespace, seconds, output, lang)
    except BackendError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        be.close()
    for line in result.steps:
        click.echo(line)
    click.echo(say(lang, "token_expires", expires=result.expires, output=output))
    if show:
        click.echo(result.token)


@instructor.group("class", cls=WorkshopGroup, invoke_without_command=True)
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False, allow_dash=True), default=None,
              help="Write one row per learner and lesson to this CSV file (- for stdout).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--watch", is_flag=True, help="A live class screen: one row per learner, refreshed in place.")
@click.option("--interval", type=click.FloatRange(min=0.5), default=5.0, show_default=True,
              help="With --watch: seconds between readings (one list request each).")
@click.option("--idle-minutes", type=click.FloatRange(min=0), default=15.0, show_default=True,
              help="With --watch: mark a learner stuck after this long without progress (0: never).")
@LANG_OPTION
@click.pass_context
def class_(ctx: click.Context, csv_file: str | None, as_json: bool, watch: bool, interval: float,
           idle_minutes: float, lang: str | None) -> None:
    """Every learner's progress, from the workshop-progress ConfigMaps in their namespaces."""
    if ctx.invoked_subcommand is not None:
        return
    from workshop.core.errors import BackendError
    from workshop.instructor import classroom

    if watch:
        if as_json or csv_file:
            raise click.UsageError(say(lang, "watch_alone"))
        _watch(interval, idle_minutes, cli_language(lang))
        return
    be = _backend()
    try:
        view = classroom.read_class(be.kube)
    except BackendError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        be.close()
    if as_json:
        click.echo(json.dumps(classroom.to_json(view), ensure_ascii=False, indent=2))
    elif csv_file:
        with click.open_file(csv_file, "w", encoding="utf-8") as handle:
            handle.write(classroom.to_csv(view))
        if csv_file != "-":
            click.echo(say(lang, "wrote_rows", rows=len(classroom.rows(view)), learners=len(view.learners),
                           file=csv_file))
    else:
        _table(classroom, view, cli_language(lang))
    for problem in [] if as_json else view.problems:
        click.secho(say(lang, "problem_skipped", problem=problem), fg="yellow", err=True)


def _watch(interval: float, idle_minutes: float, lang: str) -> None:
    """The live class screen (screens/class_watch.py), one column per lesson of the course."""
    from workshop.instructor import classroom
    from workshop.screens.class_watch import ClassWatch

    course = open_course(lang)
    be = _backend()
    try:
        ClassWatch(lambda: classroom.read_class(be.kube), tuple(lesson.id for lesson in course.lessons),
                   interval, idle_minutes, lang).run()
    finally:
        be.close()


def _table(classroom: Any, view: Any, lang: str) -> None:
    from rich.console import Console
    from rich.table import Table

    ids = sorted({int(i) for learner in view.learners for i in learner.lessons})

    def cell(learner: Any, i: int) -> str:
        return str(classroom.cell(learner.lessons.get(str(i)) or {}))

    if not sys.stdout.isatty():  # scripts and logs: one plain line per learner, easy to grep
        for learner in view.learners:
            lessons = "  ".join(f"{i}: {cell(learner, i)}" for i in ids if cell(learner, i))
            click.echo(f"{learner.namespace}  {learner.learner}  {lessons}  {learner.last_failure}".rstrip())
        return
    table = Table(title=say(lang, "learners", n=len(view.learners)))
    for column in [say(lang, "col_namespace"), say(lang, "col_learner"), *(say(lang, "col_lesson", id=i) for i in ids),
                   say(lang, "col_last_failure")]:
        table.add_column(column, overflow="fold")
    for learner in view.learners:
        table.add_row(learner.namespace, learner.learner, *(cell(learner, i) for i in ids), learner.last_failure)
    Console(soft_wrap=False).print(table)
    click.echo(say(lang, "class_legend", mark=classroom.OWN_CODE_MARK))


@class_.command("reset")
@click.argument("lesson", required=False)
@click.option("--namespace", required=True, help="The learner's namespace.")
@click.option("--dry-run", is_flag=True, help="List what would be removed; change nothing.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask before removing.")
@LANG_OPTION
def class_reset(lesson: str | None, namespace: str, dry_run: bool, yes: bool, lang: str | None) -> None:
    """Reset one learner: remove a lesson's (or every lesson's) artifacts in their namespace, reopen it."""
    from workshop.core.errors import BackendError
    from workshop.instructor import classroom

    course = open_course(lang)
    lang = course.settings.language
    lessons = [lesson_or_fail(course, lesson)] if lesson else list(course.lessons)
    base = _backend()
    be = base.for_namespace(namespace)
    try:
        plan = classroom.plan_reset(be, lessons)
        click.echo(say(lang, ("would_remove" if dry_run else "this_removes") if plan else "nothing_to_remove"))
        for lesson_id, what in classroom.artifact_lines(plan, lang):
            click.echo(say(lang, "artifact", id=lesson_id, what=what))
        ids = ", ".join(str(item.id) for item in lessons)
        click.echo(say(lang, "learner_back_dry" if dry_run else "learner_back", ids=ids, namespace=namespace))
        if dry_run:
            return
        if not yes and not confirm(say(lang, "confirm_learner"), lang):
            raise click.ClickException(say(lang, "nothing_changed"))
        lines, ok = classroom.apply_reset(be, plan, [item.id for item in lessons], lang)
    except BackendError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        be.close()
        base.close()
    for line in lines:
        click.echo(line)
    if not ok:
        raise click.ClickException(say(lang, "reset_unfinished"))


@instructor.command()
@click.option("--namespace", "namespaces", multiple=True, help="A learner namespace (repeatable).")
@click.option("--all-profiles", is_flag=True, help="Every Kubeflow profile namespace.")
@click.option("--no-doctor", is_flag=True, help="Skip the cluster checks.")
@LANG_OPTION
def prepare(namespaces: tuple[str, ...], all_profiles: bool, no_doctor: bool, lang: str | None) -> None:
    """Before class: check the cluster and create what lessons need in each learner namespace."""
    from workshop.core.errors import BackendError
    from workshop.core.settings import course_root
    from workshop.instructor.prepare import learner_namespaces, prepare_namespace

    lang = cli_language(lang)
    if not namespaces and not all_profiles:
        raise click.UsageError(say(lang, "need_namespaces"))
    csv_text = (course_root() / "assets" / "input_numbers.csv").read_text(encoding="utf-8")
    base = _backend()
    ok = True
    try:
        targets = learner_namespaces(base.kube, namespaces, all_profiles)
        if not targets:
            raise click.ClickException(say(lang, "no_profiles"))
        if not no_doctor:  # the cluster-wide checks, once, as seen from the first learner namespace
            be = base.for_namespace(targets[0])
            try:
                click.secho(say(lang, "cluster_checks"), bold=True)
                ok = _doctor(be, lang)
            finally:
                be.close()
        for namespace in targets:
            be = base.for_namespace(namespace)
            try:
                click.secho(f"== {namespace} ==", bold=True)
                lines, done = prepare_namespace(be, csv_text, lang=lang)
                ok = ok and done
                for line in lines:
                    click.echo(f"  {line}")
            finally:
                be.close()
    except BackendError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        base.close()
    sys.exit(0 if ok else 1)


def _doctor(be: Any, lang: str) -> bool:
    items = be.doctor(lang)
    for item in items:
        mark = {True: "✓", False: "✗", None: "–"}[item.ok]
        click.echo(" " + text(lang, "cli_doctor:row", mark=mark, name=item.name, detail=item.detail))
        if item.ok is False and item.fix:
            click.echo(" " + text(lang, "cli_doctor:fix", fix=item.fix))
    return not any(item.ok is False and item.key in ("kfp-api", "kserve") for item in items)
