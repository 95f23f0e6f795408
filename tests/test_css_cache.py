"""The app's parsed CSS, kept under the home (widgets/css_cache.py): the next start parses none of
what the first did, and every widget is styled and drawn exactly as when Textual parsed it all; a
file that is damaged, holds something else, or that another user could have written is ignored and
written again."""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

import pytest
import textual.css.stylesheet

from tests.test_app import settle
from workshop.app import make_app
from workshop.core.course import Course
from workshop.core.settings import Settings
from workshop.widgets import css_cache


def _files(home: Path) -> list[Path]:
    return sorted((home / "cache" / "css").glob("*.pickle"))


async def _start(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """One start of the app, to the point its first lesson's tabs have all mounted: how many sources of
    CSS Textual's parser read, what the cache gave, and what every node's styles and the screen were."""
    parsed: list[str] = []
    parse = textual.css.stylesheet.parse  # what Stylesheet._parse_rules calls on a miss (textual 8.2.8)

    def counting(scope: str, css: str, read_from: Any, **kwargs: Any) -> Any:
        parsed.append(str(read_from))
        return parse(scope, css, read_from, **kwargs)

    monkeypatch.setattr(textual.css.stylesheet, "parse", counting)
    app = make_app(Course(Settings.load("en")), backend_name="local")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: app._css_kept)
        await pilot.pause()
        # repr: a layout (VerticalLayout, ...) is equal only to itself
        styles = [repr((node, sorted(node.styles.base.get_rules().items())))
                  for node in app.screen.walk_children(with_self=True)]
        rules = [repr((rule.selectors, sorted(rule.styles.get_rules().items()), rule.is_default_rules,
                       rule.tie_breaker)) for rule in app.stylesheet.rules]
        return {"parsed": parsed, "filled": len(app._css_filled), "styles": styles, "rules": rules,
                "screen": app.export_screenshot(simplify=True)}


async def test_a_second_start_parses_no_css_and_styles_every_widget_alike(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = await _start(monkeypatch)
    assert first["filled"] == 0 and len(first["parsed"]) > 20  # app.tcss and each widget's DEFAULT_CSS
    assert any("app.tcss" in source for source in first["parsed"])
    (kept,) = _files(home)
    assert kept.stat().st_mode & 0o777 == 0o600
    again = await _start(monkeypatch)
    assert again["filled"] > 20
    assert again["parsed"] == []  # everything the first start parsed was read back
    assert again["rules"] == first["rules"]
    assert again["styles"] == first["styles"]
    assert again["screen"] == first["screen"]
    assert _files(home) == [kept]


@pytest.mark.parametrize("damage", ["garbage", "cut", "not rules", "others may write", "a link"])
async def test_a_file_that_cannot_be_trusted_is_ignored_and_written_again(
        home: Path, monkeypatch: pytest.MonkeyPatch, damage: str) -> None:
    await _start(monkeypatch)
    (kept,) = _files(home)
    whole = kept.read_bytes()
    if damage == "garbage":
        kept.write_bytes(os.urandom(4096))
    elif damage == "cut":
        kept.write_bytes(whole[: len(whole) // 2])
    elif damage == "not rules":
        kept.write_bytes(pickle.dumps([(("css", "here", False, 0, ""), [1, 2, 3])]))
    elif damage == "others may write":
        kept.chmod(0o666)
    else:
        elsewhere = home / "elsewhere.pickle"
        kept.rename(elsewhere)
        kept.symlink_to(elsewhere)
    again = await _start(monkeypatch)
    assert again["filled"] == 0 and len(again["parsed"]) > 20  # Textual parsed it all, as with no file
    assert kept.stat().st_mode & 0o777 == 0o600 and pickle.loads(kept.read_bytes())  # written again, whole
    third = await _start(monkeypatch)
    assert third["parsed"] == []


def test_another_theme_or_no_stylesheet_cache_reads_no_file(tmp_path: Path) -> None:
    class Sheet:
        def __init__(self, variables: dict[str, str]) -> None:
            self._variables = variables
            self._parse_cache: dict[Any, Any] = {}

    dark, light = css_cache._path(Sheet({"primary": "#004578"}), tmp_path), css_cache._path(
        Sheet({"primary": "#ffffff"}), tmp_path)
    assert dark is not None and light is not None and dark != light
    assert css_cache._path(object(), tmp_path) is None  # a Textual without the cache this fills
    assert css_cache.fill(object(), tmp_path) == set()
