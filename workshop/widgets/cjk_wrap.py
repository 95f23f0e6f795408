"""Line breaking for Chinese in rich (which draws every text in the app).

rich breaks lines only at spaces; a run of Chinese has none, so it was folded at the width,
cutting any identifier inside it (kubernetes.mount_pvc, InferenceService) mid-word. Here a line
may break between two Chinese characters, never inside a Latin word, never before closing
punctuation nor after an opening one; the spaces between Chinese and Latin words stay."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

import rich._wrap

_CJK = "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_NO_START = "，。、；：？！）」』】》〉”’…%·,.;:!?)"  # never at the start of a line
_NO_END = "（「『【《〈“‘("  # never at the end of one
_RICH_WORDS = rich._wrap.words  # rich's own, for a text with no Chinese in it
_FIRST, _LAST = "\u2e80", "\uffef"  # every range of _CJK lies between these two


@functools.cache
def _token() -> re.Pattern[str]:
    """Compiled on the first text with a character in _CJK's span: its ranges take some 10 ms to
    compile, on the way to the first screen of an English lesson that has none (its marks, ▶ ✔ 🔒,
    lie outside it)."""
    return re.compile(
        rf"\s*[{_NO_END}]*(?:[{_CJK}]|[^\s{_CJK}]+?(?=[\s{_CJK}]|$)|[^\s{_CJK}]+)[{re.escape(_NO_START)}]*\s*"
    )


def words(text: str) -> Iterable[tuple[int, int, str]]:
    """rich._wrap.words, with each Chinese character a word of its own. In a text with no character
    in _CJK's span the pattern below is rich's `\\s*\\S+\\s*` (its Chinese punctuation only
    matters next to Chinese), so rich's own splits it, and alike."""
    if text.isascii() or not any(_FIRST <= ch <= _LAST for ch in text):
        return _RICH_WORDS(text)
    return _cjk_words(text)


def _cjk_words(text: str) -> Iterable[tuple[int, int, str]]:
    token = _token()
    position = 0
    match = token.match(text, position)
    while match is not None and match.end() > position:
        yield match.start(), match.end(), match.group(0)
        position = match.end()
        match = token.match(text, position)


def install() -> None:
    """rich's divide_line looks `words` up in its module: give it this one (idempotent)."""
    rich._wrap.words = words
