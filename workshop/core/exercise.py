"""Exercise mode: the learner writes the lesson's pipeline in their own file.

Every lesson can be followed along (the app shows and runs the reference pipeline, as the
tutorial gives it) or taken as an exercise: `start_exercise` writes the lesson's starter to the
learner's folder, and from then on the lesson runs the learner's file. The starter is rendered
from the reference itself and exercises/<module>.toml, which lists the gaps (each a `find` in
the reference and the `replace` with a TODO that takes its place), so it can never drift from
the reference: a gap that no longer matches is an error, caught by the tests. The reference
solution stays hidden while the learner works on it, and is revealed after a pass, a skip, or
three failed attempts.
"""

from __future__ import annotations

import ast
import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

from workshop.core.lessons import Lesson, LessonError
from workshop.core.progress import PASSED, SKIPPED, ProgressStore
from workshop.core.settings import Settings
from workshop.core.text import text as catalog_text

FAILED_ATTEMPTS_TO_REVEAL = 3


def exercise_file(settings: Settings, lesson: Lesson) -> Path:
    """The learner's own copy of the lesson's pipeline (it may not exist yet)."""
    return settings.exercise_root / lesson.key / lesson.pipeline_file.name


def in_exercise(progress: ProgressStore, lesson: Lesson) -> bool:
    """The learner chose to write this lesson themselves (and has not gone back to following along).

    The choice lives in the progress store, not beside the file: a file (or its folder) renamed,
    moved or deleted is then an error, never a quiet switch back to the reference.
    """
    return lesson.id in progress.exercises()


def pipeline_file_for(settings: Settings, progress: ProgressStore, lesson: Lesson) -> Path:
    """What a run of the lesson compiles: the learner's file in exercise mode, else the reference.

    In exercise mode a missing file is an error, never a silent fall back to the reference.
    """
    if not in_exercise(progress, lesson):
        return lesson.pipeline_file
    mine = exercise_file(settings, lesson)
    if not mine.is_file():
        raise LessonError(catalog_text(settings.language, "learner:file_gone", id=lesson.id, path=mine))
    return mine


STARTER_HEADER = '''"""Exercise: lesson {id}, {title_en} / 第 {id} 课 {title_zh}

Fill in every TODO, then run the lesson (the app's Run tab, or `workshop run {id}`).
The lesson's checks say what is still missing, with a hint for each.
练习：补全每一个 TODO，然后运行本课（应用中的“运行”页，或 `workshop run {id}`）。
"""
'''


def patched_pipeline(reference: Path, patch_file: Path) -> tuple[str, dict[str, object]]:
    """The reference pipeline with each [[gaps]] of `patch_file` applied and the reference's own
    docstring cut, and the patch file's whole table (for its other keys).

    Each gap's `find` must occur exactly once in the reference: one that no longer does is an
    error that names the gap, so a patch can never silently drift from the pipeline it edits.
    The exercises' starters and the tests' broken variants (tests/variants/*.toml) are both made so.
    """
    import tomllib  # a gaps file is read when an exercise is made, not to show the course

    where = patch_file.name
    try:
        table = tomllib.loads(patch_file.read_text(encoding="utf-8"))
        text = reference.read_text(encoding="utf-8")
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise LessonError(f"{where}: {exc}") from exc
    gaps = table.get("gaps", [])
    if not gaps or not isinstance(gaps, list) or not all(
            isinstance(g, dict) and isinstance(g.get("find"), str) and isinstance(g.get("replace"), str)
            for g in gaps):
        raise LessonError(f"{where}: each [[gaps]] needs a `find` and a `replace` string")
    for number, gap in enumerate(gaps, 1):
        found = text.count(gap["find"])
        if found != 1:
            raise LessonError(f"{where}: gap {number} is found {found} times in {reference.name}, "
                              "not once: the pipeline changed, so the gap must follow it")
        text = text.replace(gap["find"], gap["replace"])
    if text.startswith('"""'):  # the reference's own docstring gives way to the patch's
        text = text[text.index('"""', 3) + 3:]
    return text, table


def starter_text(lesson: Lesson, lang: str = "en") -> str:
    """The lesson's pipeline with its gaps cut out, under a header that says what to do."""
    if lesson.gaps_file is None:
        raise LessonError(catalog_text(lang, "learner:no_exercise", id=lesson.id))
    text, _ = patched_pipeline(lesson.pipeline_file, lesson.gaps_file)
    header = STARTER_HEADER.format(id=lesson.id, title_en=lesson.title_in("en"), title_zh=lesson.title_in("zh"))
    return header + "\n" + text.lstrip("\n")


def _backup_name(target: Path) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for n in range(1000):
        candidate = target.with_name(f"{target.stem}.{stamp}{f'-{n}' if n else ''}{target.suffix}.bak")
        if not candidate.exists():
            return candidate
    raise OSError(f"too many backups of {target} this second")


def start_exercise(settings: Settings, progress: ProgressStore, lesson: Lesson,
                   fresh: bool = False) -> tuple[Path, Path | None]:
    """Take the lesson as an exercise; returns (the learner's file, the backup of an older one).

    The starter is copied only where there is no file yet: an existing file is the learner's
    work and is kept as it is, unless `fresh` asks for a new copy of the starter; then the old
    file is first moved aside to a new .bak name, never overwritten.
    """
    starter = starter_text(lesson, settings.language)  # first: a broken exercise changes nothing on disk
    target = exercise_file(settings, lesson)
    target.parent.mkdir(parents=True, exist_ok=True)
    backup: Path | None = None
    if target.is_file() and fresh:
        backup = _backup_name(target)
        target.replace(backup)
    if not target.is_file():
        target.write_text(starter, encoding="utf-8")
    progress.set_exercise(lesson.id, True)
    return target, backup


def stop_exercise(settings: Settings, progress: ProgressStore, lesson: Lesson) -> Path | None:
    """Back to following along: runs use the reference again. The learner's file stays where it is."""
    progress.set_exercise(lesson.id, False)
    mine = exercise_file(settings, lesson)
    return mine if mine.is_file() else None


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def code_version(source: bytes) -> str:
    """A name for what the code does: the sha256 of its syntax tree, so comments, blank lines and
    layout make no new version (a file that does not parse is named by its bytes)."""
    try:
        tree = ast.dump(ast.parse(source))
    except (SyntaxError, ValueError):
        return sha256(source)
    return sha256(tree.encode("utf-8"))


def own_code(lesson: Lesson, version: str) -> bool:
    """Is this version of the code (code_version) the learner's own, neither the reference nor
    the untouched starter?"""
    given: list[bytes] = []
    try:
        given.append(lesson.pipeline_file.read_bytes())
        if lesson.gaps_file is not None:
            given.append(starter_text(lesson).encode("utf-8"))
    except (OSError, LessonError):
        pass
    return bool(version) and all(code_version(data) != version for data in given)


@dataclass(frozen=True)
class SolutionGate:
    """Whether the reference solution may be shown, and why (not)."""

    unlocked: bool
    failed_attempts: int  # distinct versions of the learner's own code that failed
    reason: str  # "following", "passed", "skipped", "attempts" or "locked"

    @property
    def attempts_left(self) -> int:
        return max(FAILED_ATTEMPTS_TO_REVEAL - self.failed_attempts, 0)


def solution_gate(progress: ProgressStore, lesson: Lesson) -> SolutionGate:
    """Following along, the reference is the lesson's code. In exercise mode it shows after a pass,
    a skip, or three failed attempts, each with a different version of the learner's own code
    (pressing Run three times on the untouched starter reveals nothing)."""
    record = progress.lesson(lesson.id)
    failed = len(record.tried)
    if not in_exercise(progress, lesson):
        return SolutionGate(True, failed, "following")
    if record.state == PASSED:
        return SolutionGate(True, failed, "passed")
    if record.state == SKIPPED:  # skipping ran the reference: nothing left to hide
        return SolutionGate(True, failed, "skipped")
    if failed >= FAILED_ATTEMPTS_TO_REVEAL:
        return SolutionGate(True, failed, "attempts")
    return SolutionGate(False, failed, "locked")
