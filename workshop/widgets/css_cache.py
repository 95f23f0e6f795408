"""Textual's parsed CSS, kept on disk: the next start reads it back instead of parsing it again.

When the app starts, Textual parses every source of CSS it uses: app.tcss and the DEFAULT_CSS of each
widget class, some several times (the same CSS at another depth of a class's ancestry is another
entry). On a 2-core machine that was some 19 ms of the 140 ms between `workshop start`'s imports and
its first frame, twice the bare Textual app's (bench/bench_startup.py); reading the parsed rules back
takes under 2 ms.

Textual keeps what it parsed in its stylesheet's own cache (textual 8.2.8, css/stylesheet.py:
`Stylesheet._parse_cache`, filled by `_parse_rules`, keyed by the CSS, where it was read from,
whether it is a widget's default, its tie breaker and its scope; `set_variables` clears it, since
the theme's variables are substituted while parsing). `fill` puts in that cache what an earlier
start parsed, before the app parses anything; `keep` writes it to `<home>/cache/css/` once the
app's widgets are all mounted, if it holds something the file did not. The rules are the same
objects Textual would have made: the same CSS parsed by the same code under the same variables.

A file is named by a digest of the CSS variables (the theme) and the code stamp of text_cache.py
(rich's and Textual's installed files, their sizes and times): another theme or another Textual
parses afresh. Textual's rules are Python objects, so the file is a pickle; it is read only if it
belongs to this user and nobody else may write to it (the home also holds the learner's pipelines,
which the app runs). A file that cannot be read, or does not hold rules, is ignored and written
again; a home that cannot be written means parsing at each start, as without this module.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import stat
from pathlib import Path
from typing import Any

from workshop.core.cachefile import write_whole
from workshop.widgets.text_cache import _code

FORMAT = 1
KEEP = 8  # files at most (one per theme and Textual); past that, the oldest half go


def _path(stylesheet: Any, folder: Path) -> Path | None:
    variables = getattr(stylesheet, "_variables", None)
    code = _code()
    if not isinstance(variables, dict) or not code or not hasattr(stylesheet, "_parse_cache"):
        return None  # another Textual than the one this was written for: parse as it does
    digest = hashlib.sha256(json.dumps([FORMAT, code, sorted(variables.items())], default=str).encode())
    return folder / f"{digest.hexdigest()[:32]}.pickle"


def _read_ours(path: Path) -> bytes | None:
    """The file's bytes if it is a file of this user's that no one else may write to (checked on the
    open file itself, so the file read is the file checked; never a link, and a pipe does not block)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as file:
            info = os.fstat(file.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o022:
                return None
            return file.read()
    except OSError:
        return None


def _rules(value: Any) -> bool:
    from textual.css.model import RuleSet

    return isinstance(value, list) and all(isinstance(rule, RuleSet) and not rule.errors for rule in value)


def fill(stylesheet: Any, folder: Path | None) -> set[Any]:
    """Put what an earlier start parsed into `stylesheet`'s cache; returns the keys put there."""
    path = _path(stylesheet, folder) if folder is not None else None
    data = _read_ours(path) if path is not None else None
    if data is None:
        return set()
    try:
        entries = pickle.loads(data)
        filled = {key: rules for key, rules in entries if isinstance(key, tuple) and _rules(rules)}
    except Exception:  # noqa: BLE001  damaged, cut short or from elsewhere: Textual parses, and it is written again
        return set()
    cache = stylesheet._parse_cache
    for key, rules in filled.items():
        cache.set(key, rules)
    return set(filled)


def keep(stylesheet: Any, folder: Path | None, filled: set[Any]) -> bool:
    """Write `stylesheet`'s parsed CSS under `folder` if it holds what `filled` did not; True if written."""
    path = _path(stylesheet, folder) if folder is not None else None
    if path is None:
        return False
    cache = stylesheet._parse_cache
    entries = [(key, rules) for key in list(cache.keys()) if _rules(rules := cache.get(key))]
    if {key for key, _ in entries} <= filled:
        return False  # nothing new since the file was read
    try:
        data = pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001  a rule Textual made that does not pickle: parse each time
        return False
    return write_whole(path, data, KEEP)  # False: a home that cannot be written, Textual parses at each start
