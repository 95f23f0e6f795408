"""Exercise mode: the learner writes the lesson's pipeline in their own file.

Every lesson can be followed along (the app shows and runs the reference pipeline, as the
tutorial gives it) or taken as an exercise: `start_exercise` copies the lesson's starter
(exercises/<file>.py: the reference with gaps marked TODO) to the learner's folder, and from
then on the lesson runs the learner's file. The reference solution stays hidden while the
learner works on it, and is revealed after a pass, a skip, or three failed attempts.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from workshop.core.lessons import Lesson, LessonError
from workshop.core.progress import PASSED, SKIPPED, ProgressStore
from workshop.core.settings import Settings

FAILED_ATTEMPTS_TO_REVEAL = 3
MARKER = ".exercise.json"  # beside the learner's file: this lesson is taken as an exercise


def exercise_file(settings: Settings, lesson: Lesson) -> Path:
    """The learner's own copy of the lesson's pipeline (it may not exist yet)."""
    return settings.exercise_root / lesson.key / lesson.pipeline_file.name


def _marker(settings: Settings, lesson: Lesson) -> Path:
    return exercise_file(settings, lesson).parent / MARKER


def in_exercise(settings: Settings, lesson: Lesson) -> bool:
    """The learner chose to write this lesson themselves (and has not gone back to following along)."""
    return _marker(settings, lesson).is_file()


def pipeline_file_for(settings: Settings, lesson: Lesson) -> Path:
    """What a run of the lesson compiles: the learner's file in exercise mode, else the reference.

    In exercise mode a missing file is an error, never a silent fall back to the reference.
    """
    if not in_exercise(settings, lesson):
        return lesson.pipeline_file
    mine = exercise_file(settings, lesson)
    if not mine.is_file():
        raise LessonError(
            f"your file for lesson {lesson.id} is gone: {mine}. Put it back (renamed or moved?), start over "
            f"from the starter with `workshop exercise {lesson.id} --fresh`, or follow along with the reference "
            f"with `workshop exercise {lesson.id} --off`.")
    return mine


def _backup_name(target: Path) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for n in range(1000):
        candidate = target.with_name(f"{target.stem}.{stamp}{f'-{n}' if n else ''}{target.suffix}.bak")
        if not candidate.exists():
            return candidate
    raise OSError(f"too many backups of {target} this second")


def start_exercise(settings: Settings, lesson: Lesson, fresh: bool = False) -> tuple[Path, Path | None]:
    """Take the lesson as an exercise; returns (the learner's file, the backup of an older one).

    The starter is copied only where there is no file yet: an existing file is the learner's
    work and is kept as it is, unless `fresh` asks for a new copy of the starter; then the old
    file is first moved aside to a new .bak name, never overwritten.
    """
    if lesson.starter_file is None:
        raise LessonError(f"lesson {lesson.id} has no exercise: follow along with the reference pipeline")
    target = exercise_file(settings, lesson)
    target.parent.mkdir(parents=True, exist_ok=True)
    backup: Path | None = None
    if target.is_file() and fresh:
        backup = _backup_name(target)
        target.replace(backup)
    if not target.is_file():
        shutil.copyfile(lesson.starter_file, target)
    _marker(settings, lesson).write_text(json.dumps(
        {"lesson": lesson.key, "file": target.name, "started_at": time.time()}) + "\n", encoding="utf-8")
    return target, backup


def stop_exercise(settings: Settings, lesson: Lesson) -> Path | None:
    """Back to following along: runs use the reference again. The learner's file stays where it is."""
    marker = _marker(settings, lesson)
    if not marker.is_file():
        return None
    marker.unlink()
    mine = exercise_file(settings, lesson)
    return mine if mine.is_file() else None


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def own_code(lesson: Lesson, source_sha: str) -> bool:
    """Is code with this hash the learner's own, neither the reference nor the untouched starter?"""
    given = {lesson.pipeline_file, lesson.starter_file}
    for path in given:
        try:
            if path is not None and sha256(path.read_bytes()) == source_sha:
                return False
        except OSError:
            continue
    return bool(source_sha)


@dataclass(frozen=True)
class SolutionGate:
    """Whether the reference solution may be shown, and why (not)."""

    unlocked: bool
    failed_attempts: int  # distinct versions of the learner's own code that failed
    reason: str  # "following", "passed", "skipped", "attempts" or "locked"

    @property
    def attempts_left(self) -> int:
        return max(FAILED_ATTEMPTS_TO_REVEAL - self.failed_attempts, 0)


def solution_gate(settings: Settings, progress: ProgressStore, lesson: Lesson) -> SolutionGate:
    """Following along, the reference is the lesson's code. In exercise mode it shows after a pass,
    a skip, or three failed attempts, each with a different version of the learner's own code
    (pressing Run three times on the untouched starter reveals nothing)."""
    record = progress.lesson(lesson.id)
    failed = len(record.tried)
    if not in_exercise(settings, lesson):
        return SolutionGate(True, failed, "following")
    if record.state == PASSED:
        return SolutionGate(True, failed, "passed")
    if record.state == SKIPPED:  # skipping ran the reference: nothing left to hide
        return SolutionGate(True, failed, "skipped")
    if failed >= FAILED_ATTEMPTS_TO_REVEAL:
        return SolutionGate(True, failed, "attempts")
    return SolutionGate(False, failed, "locked")
