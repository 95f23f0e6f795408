"""What every `workshop` command shares: the common options, opening the course and the backend, printers."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click
from click.exceptions import NoArgsIsHelpError

from workshop.cli.words import CHOSEN, HELP_ZH, OPTION_HELP_ZH, language, say
from workshop.core.settings import LANGUAGES, Settings, default_language
from workshop.core.text import zh_only, zh_pairs

if TYPE_CHECKING:
    from workshop.core.ports import Backend  # `workshop start` needs none on the way to its first screen


def _remember_language(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value:
        CHOSEN["lang"] = value  # so a usage error raised after this option is shown in this language too
    return value


LANG_OPTION = click.option("--lang", type=click.Choice(LANGUAGES), default=None, callback=_remember_language,
                           help="Language of the lessons and messages (default: from the locale, LANG=zh_CN).")
BACKEND_OPTION = click.option("--backend", type=click.Choice(["local", "cluster"]), default=None,
                              help="Where pipelines run (default: the cluster inside a Kubeflow notebook, else local).")


# click's own words (its gettext catalog has no Chinese), as the help and error output show them
CLICK_ZH = zh_only("click_words")


# click's own error messages, by the message id it passes to gettext (click 8.x: core.py, types.py, parser.py,
# exceptions.py, termui.py). click looks each up when it raises, so a Chinese command gets Chinese errors
# even for the options it parses before --lang (see prescan_language).
CLICK_MESSAGES_ZH = zh_only("click_messages")


# the type names click puts into those messages (set when each option was declared, in English)
CLICK_NAMES_ZH = zh_pairs("click_names")


def _click_gettext(message: str) -> str:
    return CLICK_MESSAGES_ZH.get(message, message) if language(None) == "zh" else message


def _click_ngettext(singular: str, plural: str, n: int) -> str:
    return _click_gettext(singular if n == 1 else plural)


def _speak_click_errors() -> None:
    """click's modules call the `_` and `ngettext` they imported from gettext (which has no Chinese for
    click): give them ours, which follows the command's language. English passes through unchanged."""
    import click.core
    import click.exceptions
    import click.parser
    import click.termui
    import click.types

    for module in (click.core, click.exceptions, click.parser, click.termui, click.types):
        if hasattr(module, "_"):
            module._ = _click_gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _click_ngettext  # type: ignore[attr-defined]


_speak_click_errors()


def _click_zh(text: str) -> str:
    if language(None) != "zh":
        return text
    for english in ("[required]", "[default: "):
        text = text.replace(english, CLICK_ZH[english])
    return CLICK_ZH.get(text, text)


class WorkshopFormatter(click.HelpFormatter):
    """click's help layout with its headings in the command's language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, _click_zh("Usage: ") if prefix is None else prefix)

    def section(self, name: str) -> Any:
        return super().section(_click_zh(name))

    def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(term, _click_zh(text)) for term, text in rows], col_max, col_spacing)


class WorkshopContext(click.Context):
    formatter_class = WorkshopFormatter


def _in_reader_language(exc: click.ClickException) -> click.ClickException:
    """A command that stops on a WorkshopError shows its message, which is English (str(err)); say it in the
    command's language instead (the backends' errors carry a catalog key: workshop.core.errors)."""
    from workshop.core.errors import said

    cause = exc.__cause__ or exc.__context__
    if type(exc) is click.ClickException and isinstance(cause, Exception) and exc.message == str(cause):
        return click.ClickException(said(cause, language(None)))
    return exc


def _show_zh(exc: click.ClickException) -> None:
    """click's error output, in Chinese: usage line, where to get help, what went wrong."""
    if isinstance(exc, NoArgsIsHelpError):  # its message is the help, already in Chinese
        exc.show()
        return
    message = CLICK_ZH.get(exc.format_message(), exc.format_message())
    if isinstance(exc, click.UsageError) and exc.ctx is not None:
        ctx = exc.ctx
        click.echo(ctx.get_usage(), err=True)
        names = ctx.command.get_help_option_names(ctx)
        if names:
            click.echo(_click_gettext("Try '{command} {option}' for help.").format(
                command=ctx.command_path, option=max(names, key=len)), err=True)
        click.echo(err=True)
        if isinstance(exc, click.MissingParameter) and exc.param is not None:
            message = CLICK_ZH["Missing parameter {hint}."].format(hint=exc.param.get_error_hint(ctx))
        elif isinstance(exc, click.NoSuchOption):
            message = _click_gettext("No such option: {name}").format(name=exc.option_name)
        elif isinstance(exc, click.BadParameter):
            hint = exc.param_hint if isinstance(exc.param_hint, str) else (
                exc.param.get_error_hint(ctx) if exc.param is not None else "")
            message = _click_gettext("Invalid value for {param_hint}: {message}").format(
                param_hint=hint, message=exc.message) if hint else \
                _click_gettext("Invalid value: {message}").format(message=exc.message)
    for english, chinese in CLICK_NAMES_ZH:  # names click fills in after looking its message up
        message = message.replace(english, chinese)
    click.echo(_click_gettext("Error: {message}").format(message=message), err=True)


def prescan_language(args: list[str]) -> str | None:
    """The --lang (or --lang=) anywhere on the command line, read before click parses it; None when absent.

    The last one wins, as click's own parsing would have it; `--` ends the options."""
    found = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        value = args[i + 1] if arg == "--lang" and i + 1 < len(args) else \
            arg.partition("=")[2] if arg.startswith("--lang=") else None
        if value in LANGUAGES:
            found = value
    return found


class WorkshopGroup(click.Group):
    """Lists each command with its whole first sentence: click cuts them at 45 characters with "...".

    Its help and errors speak the command's language (click's own words included).
    """

    context_class = WorkshopContext

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        CHOSEN["lang"] = None
        chosen = prescan_language(sys.argv[1:] if args is None else list(args))
        if chosen:  # an error click raises while parsing, before --lang's own callback runs, speaks it too
            CHOSEN["lang"] = chosen
            localise(self, chosen)
        try:
            result = super().main(args, prog_name, complete_var, False, **extra)
        except click.ClickException as exc:
            exc = _in_reader_language(exc)
            if language(None) == "zh":
                _show_zh(exc)
            else:
                exc.show()
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo(_click_gettext("Aborted!"), err=True)
            sys.exit(1)
        finally:
            if CHOSEN["lang"] is not None:  # an in-process caller's next invocation starts from the locale
                CHOSEN["lang"] = None
                localise(self, default_language())
        sys.exit(result if isinstance(result, int) else 0)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=10_000)))
        if rows:
            with formatter.section(say(None, "commands")):
                formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        from workshop.core.progress import ProgressError

        try:
            return super().invoke(ctx)
        except ProgressError as exc:  # a full or read-only disk under any command: say so, no traceback
            raise click.ClickException(str(exc)) from exc


def _choose_language(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """`workshop --lang zh ...`: eager, so `workshop --lang zh --help` is already in Chinese."""
    if value:
        CHOSEN["lang"] = value  # the subcommands' language() follows it
        localise(ctx.find_root().command, value)


GROUP_LANG_OPTION = click.option(
    "--lang", type=click.Choice(LANGUAGES), default=None, is_eager=True, expose_value=False,
    callback=_choose_language, help="Language of every command below (default: from the locale, LANG=zh_CN).")

_ENGLISH: dict[int, str | None] = {}


def localise(command: click.Command, lang: str, path: str = "") -> None:
    """Give the command tree its help in `lang`: Chinese from words.HELP_ZH, English from the docstrings."""
    for item in (command, *command.params):
        _ENGLISH.setdefault(id(item), item.help if isinstance(item, click.Command) else getattr(item, "help", None))
    zh = HELP_ZH.get(path) if lang == "zh" else None
    command.help = zh or _ENGLISH[id(command)]
    command.short_help = zh.split("\n")[0] if zh else None
    command.context_class = WorkshopContext
    for param in command.params:
        if isinstance(param, click.Option):
            zh_help = OPTION_HELP_ZH.get(f"{path}:{param.name}") or OPTION_HELP_ZH.get(param.name or "")
            param.help = (zh_help if lang == "zh" else None) or _ENGLISH[id(param)]
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            localise(sub, lang, f"{path} {name}".strip())


def open_course(lang: str | None) -> Any:
    from workshop.core.course import Course
    from workshop.core.lessons import LessonError

    try:
        course = Course(Settings.load(language(lang)))
    except (LessonError, OSError) as exc:  # OSError: the home or the progress file is unusable (a full disk)
        raise click.ClickException(str(exc)) from exc
    if course.progress.notice:
        click.secho(course.progress.notice, fg="yellow", err=True)
    return course


def open_backend(course: Any, name: str | None) -> Backend:
    from workshop.backends import make_backend
    from workshop.core.errors import BackendError

    try:
        backend = make_backend(course.settings, name)
    except BackendError as exc:
        raise click.ClickException(str(exc)) from exc
    if course.restore_progress(backend):
        click.secho(say(course.settings.language, "restored"), err=True)
    return backend


def lesson_or_fail(course: Any, ref: str) -> Any:
    from workshop.core.lessons import LessonError

    try:
        return course.lesson(ref)
    except LessonError as exc:
        raise click.ClickException(str(exc)) from exc


def confirm(question: str, lang: str | None = None) -> bool:
    try:
        return click.confirm(question, default=False, err=True)
    except click.Abort:  # no stdin to answer on (a script, CI): refuse, never guess
        click.echo(err=True)
        raise click.ClickException(say(lang, "needs_yes")) from None


def parse_args(pairs: tuple[str, ...], lang: str | None = None) -> dict[str, str]:
    result = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise click.BadParameter(say(lang, "not_name_value", pair=pair), param_hint="--arg")
        result[name.strip()] = value
    return result


def print_event(event: Any, width: int, noise: Any = None, lang: str = "en") -> None:
    from workshop.core.events import LogLine, RunFinished, TaskFinished, TaskStarted, Waiting

    if isinstance(event, LogLine):
        if noise is not None and noise.is_noise(event.task, event.line):
            return
        click.echo(f"{click.style(f'[{event.task}]'.ljust(width), fg='cyan')} {event.line}")
    elif isinstance(event, TaskStarted):
        click.secho(say(lang, "task_started", task=event.task), fg="blue")
    elif isinstance(event, TaskFinished):
        click.secho(f"■ {event.task} {_state(lang, event.state.value)}",
                    fg="green" if event.state.value == "SUCCEEDED" else "red")
    elif isinstance(event, RunFinished):
        click.secho(say(lang, "run_finished", state=_state(lang, event.state.value))
                    + (f": {event.error}" if event.error else ""), bold=True)
    elif isinstance(event, Waiting):
        click.secho(say(lang, "waiting_for", what=event.what, detail=event.detail_in(lang)), fg="yellow")


def _state(lang: str, state: str) -> str:
    from workshop.ui_text import t

    return t(lang, f"task_{state}") if lang == "zh" else state.lower()


def _evidence_label(lang: str, key: str) -> str:
    from workshop.ui_text import TEXT, t

    return t(lang, f"evidence_{key}") if lang == "zh" and f"evidence_{key}" in TEXT["en"] else key


def print_checks(attempt: Any, lang: str = "en") -> None:
    from rich.console import Console
    from rich.table import Table

    marks = {"passed": "✅", "failed": "❌", "skipped": "⏭️ "}
    if not sys.stdout.isatty():  # scripts and CI logs: one plain line per fact, easy to grep
        for result in attempt.checks:
            click.echo(f"{marks[result.status.value]} {result.title}: {result.summary}")
            for key, value in result.evidence.items():
                click.echo(f"     {_evidence_label(lang, key)}: " + value.replace("\n", "\n       "))
            if result.hint:
                click.echo(f"     {say(lang, 'hint')}: {result.hint}")
        return
    table = Table(show_lines=True)
    for column in ("", say(lang, "col_check"), say(lang, "col_seen"), say(lang, "col_hint")):
        table.add_column(column, overflow="fold")
    for result in attempt.checks:
        evidence = "\n".join(f"{_evidence_label(lang, k)}: {v}" for k, v in result.evidence.items())
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


def print_graph(package: Any, width: int | None = None, lang: str | None = None) -> None:
    """The run graph of a compiled package, in the KFP UI's colours on a terminal, plain text otherwise."""
    import shutil

    from rich.console import Console
    from rich.text import Text

    from workshop.core import graph
    from workshop.core.pipeline_spec import PipelineSpec, PipelineSpecError

    try:
        run_graph = graph.build(PipelineSpec.load(package))
    except PipelineSpecError as exc:
        click.secho(say(lang, "no_graph", error=exc), fg="yellow", err=True)
        return
    tty = sys.stdout.isatty()
    width = width or (shutil.get_terminal_size((100, 24)).columns if tty else 100)
    live = graph.Live(lang=language(lang))
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
