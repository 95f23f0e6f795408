"""Every path the workshop uses, in one place.

`WORKSHOP_HOME` overrides all of them (tests point it at a temp dir); otherwise
the platform's user data directory is used.
"""

from __future__ import annotations

import locale
import os
from dataclasses import dataclass, field
from pathlib import Path

from workshop.core.home_text import LocalisedError

APP_NAME = "kubeflow-workshop"
LANGUAGES = ("en", "zh")


def course_root() -> Path:
    """Where lessons/, pipelines/ and assets/ live.

    An installed wheel carries them inside the package (workshop/_course); a source
    checkout has them at the repository root.
    """
    here = Path(__file__).resolve().parent.parent
    packaged = here / "_course"
    if (packaged / "lessons").is_dir():
        return packaged
    return here.parent


def docs_path(name: str) -> Path:
    """A guide under docs/, where it is on this machine: a wheel ships them as workshop/_course/docs."""
    return course_root() / "docs" / name


def default_language() -> str:
    for var in ("WORKSHOP_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:
        loc = ""
    return "zh" if loc.lower().startswith("zh") else "en"


@dataclass(frozen=True)
class Settings:
    home: Path
    course: Path = field(default_factory=course_root)
    language: str = "en"
    learner: str = "default"
    exercises: Path | None = None  # the learner's own pipeline files; None: <home>/exercises

    @classmethod
    def load(cls, language: str | None = None) -> Settings:
        env_home = os.environ.get("WORKSHOP_HOME")
        if env_home:
            home = Path(env_home).expanduser()
        else:
            from platformdirs import user_data_dir

            home = Path(user_data_dir(APP_NAME, appauthor=False))
        lang = language or default_language()
        if lang not in LANGUAGES:
            lang = "en"
        learner = os.environ.get("WORKSHOP_LEARNER") or os.environ.get("USER") or "default"
        # The files a learner edits must be easy to find: in a notebook, JupyterLab's file browser
        # hides ~/.local, so they go to ~/kubeflow-exercises unless told otherwise.
        env_exercises = os.environ.get("WORKSHOP_EXERCISES")
        if env_exercises:
            exercises: Path | None = Path(env_exercises).expanduser()
        elif env_home:
            exercises = None
        else:
            exercises = Path.home() / "kubeflow-exercises"
        return cls(home=home, language=lang, learner=learner, exercises=exercises)

    @property
    def lessons_dir(self) -> Path:
        return self.course / "lessons"

    @property
    def pipelines_dir(self) -> Path:
        return self.course / "pipelines"

    @property
    def starters_dir(self) -> Path:
        """The course's exercise starters: each lesson's pipeline with gaps to fill."""
        return self.course / "exercises"

    @property
    def exercise_root(self) -> Path:
        """Where the learner's own copies of the pipelines live (one folder per lesson)."""
        return self.exercises or self.home / "exercises"

    @property
    def assets_dir(self) -> Path:
        return self.course / "assets"

    @property
    def workspace(self) -> Path:
        """Where the learner's compiled pipeline YAML files go."""
        return self.home / "workspace"

    @property
    def progress_db(self) -> Path:
        return self.home / "progress.db"

    @property
    def local_dir(self) -> Path:
        """The local backend's state: pipeline roots, volumes, object store, model servers."""
        return self.home / "local"

    def ensure(self) -> None:
        for path in (self.home, self.workspace, self.local_dir):
            try:
                path.mkdir(parents=True, exist_ok=True)
            except FileExistsError as exc:  # mkdir(exist_ok) still raises when a file holds the name
                raise HomeError("home.is_a_file", self.language, path=path) from exc
            except OSError as exc:
                raise HomeError("home.cannot_make", self.language, path=path, error=exc.strerror or exc) from exc


class HomeError(LocalisedError):
    """The workshop's own folder is unusable; the message says why and what to do."""

    default_key = "home.unusable"
