"""The `workshop` command: start the app, or take lessons headless (scripts, CI).

The commands live by theme (lessons.py, progress.py, exercise.py, instructor.py) and share
their options and printers through common.py; they only present what the core returns.
`workshop.cli:main` is the entry point (pyproject [project.scripts]).
"""

from __future__ import annotations

import click

from workshop.cli import exercise, instructor, lessons, progress
from workshop.cli.common import GROUP_LANG_OPTION, WorkshopGroup, localise
from workshop.core.settings import default_language


@click.group(cls=WorkshopGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kubeflow-workshop")
@GROUP_LANG_OPTION
def main() -> None:
    """Kubeflow Workshop: learn Kubeflow Pipelines by doing."""


# By module, not by name: `progress` is both a command (lessons.py) and a module here.
for _command in (lessons.start, lessons.list_lessons, lessons.run, lessons.check, lessons.progress, lessons.doctor,
                 lessons.graph, progress.reset, progress.verify, progress.skip, exercise.exercise, exercise.solution,
                 instructor.instructor):
    main.add_command(_command)

# The help in the locale's language (LANG=zh_CN); `workshop --lang zh --help` switches it again.
localise(main, default_language())
