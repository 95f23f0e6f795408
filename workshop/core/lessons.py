"""The Lesson model and its loader: lessons/NN-slug/lesson.toml plus lesson.<lang>.md."""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workshop.core.errors import LessonError
from workshop.core.text import text as catalog_text

if TYPE_CHECKING:
    from workshop.core.ports import Backend

ARG_TYPES = {"float": float, "int": int, "str": str, "bool": bool}


def _text(value: Any, lang: str) -> str:
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("en") or next(iter(value.values()), ""))
    return "" if value is None else str(value)


@dataclass(frozen=True)
class Argument:
    name: str
    type: str
    default: Any
    label: dict[str, str]
    default_from: str | None = None

    def label_in(self, lang: str) -> str:
        return _text(self.label, lang) or self.name

    def parse(self, raw: Any, lang: str = "en", by_label: bool = False) -> Any:
        """Turn what a learner typed into the argument's type, or say what is wrong: in `lang`,
        naming the field by its label (a form) or by its name (`--arg NAME=VALUE`)."""
        from workshop.core.check_text import say

        name = self.label_in(lang) if by_label else self.name
        if self.type == "bool":
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in ("true", "1", "yes", "y"):
                return True
            if text in ("false", "0", "no", "n"):
                return False
            raise LessonError(say(lang, "arg.not_bool", name=name, raw=repr(raw)))
        caster = ARG_TYPES[self.type]
        try:
            value = caster(str(raw).strip()) if self.type != "str" else str(raw)
        except ValueError:
            if self.type in ("float", "int"):
                raise LessonError(say(lang, "arg.not_number", name=name, raw=repr(raw))) from None
            raise LessonError(say(lang, "arg.not_type", name=name, kind=self.type, raw=repr(raw))) from None
        if isinstance(value, float) and not math.isfinite(value):  # nor can a pipeline parameter hold it
            raise LessonError(say(lang, "arg.not_finite", name=name, raw=repr(raw)))
        return value


@dataclass(frozen=True)
class CheckSpec:
    id: str
    kind: str
    title: dict[str, str]
    hints: dict[str, list[str]]
    params: dict[str, Any]

    def title_in(self, lang: str) -> str:
        return _text(self.title, lang) or self.id

    def hint(self, lang: str, attempt: int = 1) -> str:
        """One more hint with each failed attempt; the last one repeats."""
        hints = self.hints.get(lang) or self.hints.get("en") or []
        if not hints:
            return ""
        return hints[min(max(attempt, 1), len(hints)) - 1]


@dataclass(frozen=True)
class Lesson:
    id: int
    slug: str
    folder: Path
    title: dict[str, str]
    available: bool
    requires: tuple[int, ...]
    pipeline_file: Path
    pipeline_function: str
    pipeline_name: str
    pipeline_description: dict[str, str]
    arguments: tuple[Argument, ...]
    checks: tuple[CheckSpec, ...]
    extra: dict[str, Any] = field(default_factory=dict)
    gaps_file: Path | None = None  # exercises/<pipeline stem>.toml: the gaps cut out of the pipeline

    @property
    def key(self) -> str:
        return f"{self.id:02d}-{self.slug}"

    def title_in(self, lang: str) -> str:
        return _text(self.title, lang)

    def description_in(self, lang: str) -> str:
        return _text(self.pipeline_description, lang)

    def text(self, lang: str) -> str:
        for candidate in (lang, "en", "zh"):
            path = self.folder / f"lesson.{candidate}.md"
            if path.is_file():
                text = path.read_text(encoding="utf-8")
                return join_soft_breaks(text) if candidate == "zh" else text
        return f"# {self.title_in(lang)}\n"

    def code(self) -> str:
        return self.pipeline_file.read_text(encoding="utf-8")

    def defaults(self, backend_defaults: dict[str, Any] | None = None) -> dict[str, Any]:
        backend_defaults = backend_defaults or {}
        values = {}
        for arg in self.arguments:
            if arg.default_from and arg.default_from in backend_defaults:
                values[arg.name] = backend_defaults[arg.default_from]
            else:
                values[arg.name] = arg.default
        return values

    def parse_arguments(
        self, raw: dict[str, Any], backend_defaults: dict[str, Any] | None = None, lang: str = "en",
        by_label: bool = False,
    ) -> dict[str, Any]:
        """Defaults overlaid with what the learner gave, each parsed to its type."""
        known = {arg.name: arg for arg in self.arguments}
        unknown = sorted(set(raw) - set(known))
        if unknown:
            names = ", ".join(known) or catalog_text(lang, "learner:no_arguments")
            raise LessonError(catalog_text(lang, "learner:no_argument", id=self.id, name=unknown[0], names=names))
        values = self.defaults(backend_defaults)
        for name, value in raw.items():
            values[name] = known[name].parse(value, lang, by_label)
        return values


def lesson_arguments(lesson: Lesson, backend: Backend, raw: dict[str, Any] | None = None, lang: str = "en",
                     by_label: bool = False) -> dict[str, Any]:
    """The run's arguments: what the learner typed, else the backend's value (`default_from`), else the default.

    The backend is asked only for the values the learner left out. LessonError when a value does not fit.
    """
    raw = raw or {}
    wanted = {a.default_from for a in lesson.arguments if a.default_from and a.name not in raw}
    return lesson.parse_arguments(raw, backend.defaults(wanted) if wanted else {}, lang=lang, by_label=by_label)


_BLOCK_START = re.compile(r"\s*([-*+>|#]|\d+[.)]\s|```|~~~)")


_MARKUP = "*_~"  # emphasis marks: the letter that counts is inside them


def _soft_break_space(previous: str, text: str) -> str:
    """The space a joined line break leaves: none between two Chinese characters, nor next to
    Chinese punctuation; one wherever a Latin word (or `code`) meets a Chinese one or another
    Latin word, as the lessons write it elsewhere (名为 `aidatasource` 的)."""
    before, after = previous.rstrip(_MARKUP)[-1:], text.lstrip(_MARKUP)[:1]
    if not before or not after:
        return ""
    if not before.isascii() and not after.isascii():
        return ""  # Chinese on both sides, or Chinese punctuation
    if before in "（「『【《〈“‘" or after in "，。、；：？！）」』】》〉”’…":
        return ""
    if before.isascii() and after.isascii():
        return " " if before.isalnum() and after.isalnum() else ""
    return " " if (before if before.isascii() else after).isalnum() or "`" in (before, after) else ""


def join_soft_breaks(markdown: str) -> str:
    """Join the lines of each paragraph, for Chinese: a line break inside a paragraph is rendered
    as a space, which Chinese text must not have (定义步骤、 编译成), and the space also lets
    the renderer break a line early. Code blocks, lists, quotes, tables and headings keep their
    lines; a space stays only between two Latin letters or digits."""
    out: list[str] = []
    fenced = False
    joinable = False  # the previous line is paragraph text that the next one may continue
    for line in markdown.splitlines():
        starts_block = bool(_BLOCK_START.match(line))
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            out.append(line)
            joinable = False
            continue
        if fenced or not line.strip():
            out.append(line)
            joinable = False
            continue
        if joinable and not starts_block and not out[-1].endswith("  "):
            previous = out[-1].rstrip()
            text = line.strip()
            out[-1] = previous + _soft_break_space(previous, text) + text
        else:
            out.append(line)
        joinable = not line.lstrip().startswith(("#", "|"))
    return "\n".join(out) + ("\n" if markdown.endswith("\n") else "")


class _Parsed:
    """Each lesson.toml as tomllib parsed it, kept as JSON in `path` by a digest of its text: the next
    start reads them back (JSON is parsed in C) instead of parsing TOML in Python again, some 9 ms of
    the way to the first screen with tomllib's import (bench/bench_startup.py). A file whose text
    changed has another digest and is parsed afresh; one whose table JSON cannot hold the same
    (dates) is parsed each time. A kept file that is damaged is ignored and written again."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.kept: dict[str, Any] = {}
        self.used: dict[str, Any] = {}
        self.changed = False
        if path is not None:
            try:
                kept = json.loads(path.read_bytes())
                self.kept = kept if isinstance(kept, dict) else {}
            except (OSError, ValueError):
                pass

    def table(self, toml_path: Path) -> dict[str, Any]:
        try:
            source = toml_path.read_text(encoding="utf-8")
        except OSError as exc:
            raise LessonError(f"{toml_path}: {exc}") from exc
        digest = hashlib.sha256(source.encode()).hexdigest()
        data = self.kept.get(digest)
        if isinstance(data, dict):
            self.used[digest] = data
            return data
        import tomllib  # only for a lesson file not parsed before

        try:
            data = tomllib.loads(source)
        except tomllib.TOMLDecodeError as exc:
            raise LessonError(f"{toml_path}: {exc}") from exc
        try:
            if json.loads(json.dumps(data)) == data:
                self.used[digest] = data
                self.changed = True
        except (TypeError, ValueError):
            pass  # a value JSON has no type for: parsed each time
        return data

    def keep(self) -> None:
        """Write what this load used (and only that), if anything was parsed."""
        if self.path is not None and (self.changed or self.used.keys() != self.kept.keys()):
            from workshop.core.cachefile import write_whole

            write_whole(self.path, json.dumps(self.used, ensure_ascii=False).encode("utf-8"), keep=16)


def _load_one(folder: Path, pipelines_dir: Path, starters_dir: Path, parsed: _Parsed) -> Lesson:
    toml_path = folder / "lesson.toml"
    data = parsed.table(toml_path)
    try:
        pipe = data["pipeline"]
        lesson_id = int(data["id"])
        arguments = tuple(
            Argument(
                name=a["name"],
                type=a.get("type", "str"),
                default=a.get("default"),
                label=a.get("label", {}),
                default_from=a.get("default_from"),
            )
            for a in data.get("arguments", [])
        )
        for arg in arguments:
            if arg.type not in ARG_TYPES:
                raise LessonError(f"{toml_path}: argument {arg.name} has unknown type {arg.type}")
        checks = []
        for c in data.get("checks", []):
            params = {k: v for k, v in c.items() if k not in ("id", "kind", "title", "hints")}
            hints = {lang: list(v) if isinstance(v, list) else [v] for lang, v in c.get("hints", {}).items()}
            checks.append(CheckSpec(c["id"], c["kind"], c.get("title", {}), hints, params))
        requires = data.get("requires")
        gaps = starters_dir / f"{Path(pipe['file']).stem}.toml"
        return Lesson(
            id=lesson_id,
            slug=data["slug"],
            folder=folder,
            title=data["title"],
            available=bool(data.get("available", True)),
            requires=tuple(requires) if requires is not None else ((lesson_id - 1,) if lesson_id > 1 else ()),
            pipeline_file=pipelines_dir / pipe["file"],
            pipeline_function=pipe["function"],
            pipeline_name=pipe.get("name", data["slug"]),
            pipeline_description=pipe.get("description", {}),
            arguments=arguments,
            checks=tuple(checks),
            extra={k: v for k, v in data.items() if k not in ("pipeline", "arguments", "checks")},
            gaps_file=gaps if gaps.is_file() else None,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise LessonError(f"{toml_path}: missing or malformed {exc}") from exc


def load_lessons(lessons_dir: Path, pipelines_dir: Path, starters_dir: Path | None = None,
                 kept: Path | None = None) -> list[Lesson]:
    """Every lesson folder, ordered by id. A lesson whose pipeline is missing is not available.
    With `kept`, the lesson files' parsed tables are kept there and read back (_Parsed).

    A lesson with a gaps file under `starters_dir` (default: exercises/ beside pipelines/, named
    after the pipeline module) can be taken as an exercise: the learner fills the gaps in a copy
    of the pipeline that has them cut out (workshop.core.exercise renders it).
    """
    starters = starters_dir or pipelines_dir.parent / "exercises"
    lessons = []
    parsed = _Parsed(kept)
    for folder in sorted(p for p in lessons_dir.iterdir() if (p / "lesson.toml").is_file()):
        lesson = _load_one(folder, pipelines_dir, starters, parsed)
        if not lesson.pipeline_file.is_file():
            lesson = Lesson(**{**lesson.__dict__, "available": False})
        lessons.append(lesson)
    ids = [lesson.id for lesson in lessons]
    if len(ids) != len(set(ids)):
        raise LessonError(f"two lessons share an id in {lessons_dir}: {sorted(ids)}")
    parsed.keep()
    return sorted(lessons, key=lambda lesson: lesson.id)


def find_lesson(lessons: list[Lesson], ref: str | int, lang: str = "en") -> Lesson:
    """A lesson by id ("1"), key ("01-pythagorean") or slug ("pythagorean")."""
    text = str(ref).strip()
    for lesson in lessons:
        if text in (str(lesson.id), lesson.key, lesson.slug, f"{lesson.id:02d}"):
            return lesson
    names = ", ".join(f"{lesson.id} ({lesson.slug})" for lesson in lessons)
    raise LessonError(catalog_text(lang, "course:no_lesson", text=text, names=names))
