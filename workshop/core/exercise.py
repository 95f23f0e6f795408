"""Exercise mode: the learner writes the lesson's pipeline in their own file.

Every lesson can be followed along (the app shows and runs the reference pipeline, as the
tutorial gives it) or taken as an exercise: `start_exercise` copies the lesson's starter
(exercises/<file>.py: the reference with gaps marked TODO) to the learner's folder, and from
then on the lesson runs the learner's file. The reference solution stays hidden while the
learner works on it, and is revealed after a pass, a skip, or three failed attempts.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from workshop.core.lessons import Lesson, LessonError
from workshop.core.progress import PASSED, SKIPPED, ProgressStore
from workshop.core.settings import Settings

FAILED_ATTEMPTS_TO_REVEAL = 3


def exercise_file(settings: Settings, lesson: Lesson) -> Path:
    """The learner's own copy of the lesson's pipeline (it may not exist yet)."""
    return settings.exercise_root / lesson.key / lesson.pipeline_file.name


def in_exercise(settings: Settings, lesson: Lesson) -> bool:
    return exercise_file(settings, lesson).is_file()


def pipeline_file_for(settings: Settings, lesson: Lesson) -> Path:
    """What a run of the lesson compiles: the learner's file in exercise mode, else the reference."""
    mine = exercise_file(settings, lesson)
    return mine if mine.is_file() else lesson.pipeline_file


def start_exercise(settings: Settings, lesson: Lesson, fresh: bool = False) -> tuple[Path, Path | None]:
    """Copy the starter to the learner's folder; returns (their file, the backup of an older one).

    An existing file is the learner's work and is kept as it is, unless `fresh` asks for a new
    copy of the starter: then the old file is first moved aside with a timestamp, never lost.
    """
    if lesson.starter_file is None:
        raise LessonError(f"lesson {lesson.id} has no exercise: follow along with the reference pipeline")
    target = exercise_file(settings, lesson)
    backup: Path | None = None
    if target.is_file():
        if not fresh:
            return target, None
        backup = target.with_name(f"{target.stem}.{time.strftime('%Y%m%d-%H%M%S')}{target.suffix}.bak")
        target.replace(backup)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(lesson.starter_file, target)
    return target, backup


@dataclass(frozen=True)
class SolutionGate:
    """Whether the reference solution may be shown, and why (not)."""

    unlocked: bool
    failed_attempts: int
    reason: str  # "passed", "skipped", "attempts" or "locked"

    @property
    def attempts_left(self) -> int:
        return max(FAILED_ATTEMPTS_TO_REVEAL - self.failed_attempts, 0)


def solution_gate(progress: ProgressStore, lesson: Lesson) -> SolutionGate:
    record = progress.lesson(lesson.id)
    if record.state == PASSED:
        return SolutionGate(True, 0, "passed")
    if record.state == SKIPPED:  # skipping ran the reference: nothing left to hide
        return SolutionGate(True, record.attempts, "skipped")
    failed = record.attempts  # a lesson not passed has only failed attempts
    if failed >= FAILED_ATTEMPTS_TO_REVEAL:
        return SolutionGate(True, failed, "attempts")
    return SolutionGate(False, failed, "locked")
