"""The `workshop` command: start the app, or take lessons headless (scripts, CI).

The commands live by theme (lessons.py, progress.py, exercise.py, instructor.py) and share
their options and printers through common.py; they only present what the core returns.
`workshop.cli:main` is the entry point (pyproject [project.scripts]).
"""

from __future__ import annotations

import gc
import os
import sys


def _starting_the_app(argv: list[str]) -> bool:
    """`workshop start` (with any --lang before it): the words that open the app."""
    if not argv or os.path.basename(argv[0]) not in ("workshop", "__main__.py"):
        return False
    words = iter(argv[1:])
    for word in words:
        if word == "--lang":
            next(words, None)
        elif not word.startswith("-"):
            return word == "start"
    return False


# Opening the app imports Click, Textual, Rich and the course: some 40,000 objects that all live until
# it closes, and the collector went through them again and again on the way (about 10% of the time to the
# first screen). It is off until the first lesson's view is up (widgets.lesson_view.freeze_the_heap),
# for `workshop start` only; every other command turns it back on in `main`.
if _starting_the_app(sys.argv):
    gc.disable()

import click  # noqa: E402

from workshop.cli import exercise, instructor, lessons, progress  # noqa: E402
from workshop.cli.common import GROUP_LANG_OPTION, WorkshopGroup, localise  # noqa: E402
from workshop.core.settings import default_language  # noqa: E402


@click.group(cls=WorkshopGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kubeflow-workshop")
@GROUP_LANG_OPTION
@click.pass_context
def main(ctx: click.Context) -> None:
    """Kubeflow Workshop: learn Kubeflow Pipelines by doing."""
    if ctx.invoked_subcommand != "start" and not gc.isenabled():
        gc.enable()


# By module, not by name: `progress` is both a command (lessons.py) and a module here.
for _command in (lessons.start, lessons.list_lessons, lessons.run, lessons.check, lessons.progress, lessons.doctor,
                 lessons.graph, progress.reset, progress.verify, progress.skip, exercise.exercise, exercise.solution,
                 instructor.instructor):
    main.add_command(_command)

# The help in the locale's language (LANG=zh_CN); `workshop --lang zh --help` switches it again.
localise(main, default_language())
