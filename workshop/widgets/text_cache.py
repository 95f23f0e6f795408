"""A lesson's text as drawn, kept on disk: the next start shows it without Markdown.

Drawing a lesson's text takes rich's Markdown (with markdown-it and, for its code, pygments):
some 60 ms of imports and 10-60 ms of drawing on a 2-core machine before the first useful
screen, and some 4 MiB that stay in the app. The lines it draws depend only on the text, the
width and the versions of the code that draws them, so they are kept under
`<home>/cache/text/` once drawn, one file per text and width, and read back (about 2 ms) the
next time the same text is drawn at the same width.

A file is named by a digest of all that decides the lines: the text, the console options
Markdown reads, this module's FORMAT, and the installed rich, Textual and workshop drawing code
(their files' sizes and times, so an upgrade or an edit draws afresh). A file that cannot be
read or does not parse is drawn afresh and written again; a folder that cannot be written is
left alone (the text is drawn every time, as without the cache). Nothing secret is in it: the
lesson's own text, as the learner sees it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from rich.segment import Segment
from rich.style import Style

from workshop.core.cachefile import write_whole

FORMAT = 1
KEEP = 200  # files at most; past that, the oldest half goes when one more is written


def _code_stamp() -> str:
    """What changes when the code that draws a text changes: rich, Textual and the workshop's
    drawing modules (a file's size and modification time, not its contents: a stat each)."""
    import rich
    import textual

    here = Path(__file__).parent
    files = [Path(rich.__file__ or "").parent, Path(textual.__file__ or "").parent,
             *(here / name for name in ("text_cache.py", "lesson_view.py", "code_view.py", "cjk_wrap.py"))]
    stamps = []
    for path in files:
        try:
            stat = path.stat()
        except OSError:
            return ""  # not a file we can stamp: draw every time
        stamps.append(f"{path}:{stat.st_mtime_ns}:{stat.st_size}")
    return "|".join(stamps)


_stamp: str | None = None


def _code() -> str:
    global _stamp
    if _stamp is None:
        _stamp = _code_stamp()
    return _stamp


def options_key(options: Any) -> tuple[Any, ...]:
    """The console options a rich Markdown reads (`height` it drops; `highlight` is only for plain
    strings, which Markdown never hands the console)."""
    return (options.max_width, options.min_width, options.justify, options.overflow, options.no_wrap,
            options.ascii_only, options.legacy_windows, options.markup)


class TextCache:
    """Drawn lines by (what was drawn, options), in `folder` (None: nothing is kept)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def _path(self, name: str, source: str, key: tuple[Any, ...]) -> Path | None:
        code = _code()
        if self.folder is None or not code:
            return None
        digest = hashlib.sha256(json.dumps([FORMAT, code, name, source, list(key)], ensure_ascii=False,
                                           default=str).encode()).hexdigest()[:32]
        return self.folder / f"{digest}.json"

    def load(self, name: str, source: str, key: tuple[Any, ...]) -> list[Segment] | None:
        path = self._path(name, source, key)
        if path is None:
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            styles = [Style.parse(s) if s is not None else None for s in data["styles"]]
            return [Segment(text, styles[index]) for text, index in data["segments"]]
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
            return None  # damaged or from elsewhere: drawn afresh, and written again

    def save(self, name: str, source: str, key: tuple[Any, ...], segments: Iterable[Segment]) -> None:
        path = self._path(name, source, key)
        if path is None:
            return
        encoded = _encode(segments)
        if encoded is None:
            return
        write_whole(path, encoded.encode("utf-8"), KEEP)  # a home that cannot be written: drawn each time


def _encode(segments: Iterable[Segment]) -> str | None:
    """The segments as JSON, each style once; None when one would not come back the same (a
    control code, a style with meta data, or one whose text form does not parse to itself)."""
    styles: dict[Style | None, int] = {}
    rows: list[list[Any]] = []
    for segment in segments:
        if segment.control:
            return None
        style = segment.style
        if style not in styles:
            if style is not None and (style._meta or Style.parse(str(style)) != style):
                return None
            styles[style] = len(styles)
        rows.append([segment.text, styles[style]])
    return json.dumps({"styles": [str(s) if s is not None else None for s in styles], "segments": rows},
                      ensure_ascii=False, separators=(",", ":"))


class Drawn:
    """A renderable drawn once per set of options: Textual renders a Static's content to measure
    its height, then to draw it, and again on each later layout (the other tabs mounting), and a
    lesson's text costs tens of milliseconds a time. Its segments are kept, in memory and, with a
    cache, on disk under `name` and `source` (what decides them besides the options).

    `make` builds the renderable only when it must be drawn: building a rich Markdown parses it."""

    def __init__(self, make: Callable[[], Any], cache: TextCache | None = None, name: str = "",
                 source: str = "") -> None:
        self.make = make
        self.cache = cache
        self.name = name
        self.source = source
        self._renderable: Any = None
        self._drawn: dict[tuple[Any, ...], list[Segment]] = {}
        self.from_disk = 0  # how many option sets were read back rather than drawn
        self.drawn_here = 0  # how many were drawn

    def cached(self, options: Any) -> list[Segment] | None:
        """The segments at these options without drawing, if kept (here or on disk)."""
        key = options_key(options)
        segments = self._drawn.get(key)
        if segments is None and self.cache is not None:
            segments = self.cache.load(self.name, self.source, key)
            if segments is not None:
                self._drawn[key] = segments
                self.from_disk += 1
        return segments

    def __rich_console__(self, console: Any, options: Any) -> Any:
        segments = self.cached(options)
        if segments is None:
            if self._renderable is None:
                self._renderable = self.make()
            key = options_key(options)
            segments = self._drawn[key] = list(console.render(self._renderable, options))
            self.drawn_here += 1
            if self.cache is not None:
                self.cache.save(self.name, self.source, key, segments)
        return segments

    def __rich_measure__(self, console: Any, options: Any) -> Any:
        from rich.measure import Measurement

        return Measurement(0, options.max_width)  # what rich gives a Markdown, which has no measure of its own
