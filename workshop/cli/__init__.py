"""The `workshop` command: start the app, or take lessons headless (scripts, CI).

The commands live by theme (lessons.py, progress.py, exercise.py, instructor.py) and share
their options and printers through common.py; they only present what the core returns.
`workshop.cli:main` is the entry point (pyproject [project.scripts]).
"""

from __future__ import annotations

from typing import Any

import click

from workshop.cli import exercise, instructor, lessons, progress


class _Group(click.Group):
    """Lists each command with its whole first sentence: click cuts them at 45 characters with "..."."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=10_000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        from workshop.core.progress import ProgressError

        try:
            return super().invoke(ctx)
        except ProgressError as exc:  # a full or read-only disk under any command: say so, no traceback
            raise click.ClickException(str(exc)) from exc


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kubeflow-workshop")
def main() -> None:
    """Kubeflow Workshop: learn Kubeflow Pipelines by doing."""


# By module, not by name: `progress` is both a command (lessons.py) and a module here.
for _command in (lessons.start, lessons.list_lessons, lessons.run, lessons.check, lessons.progress, lessons.doctor,
                 lessons.graph, progress.reset, progress.verify, progress.skip, exercise.exercise, exercise.solution,
                 instructor.instructor):
    main.add_command(_command)
