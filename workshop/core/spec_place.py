"""Where a place in the compiled pipeline is in its YAML text: so a check can point at the spot it read.

A place is a path of mapping keys, dot-separated, from the top of one of the package's
documents: `deploymentSpec.executors.exec-sort.container.resources` in the pipeline spec,
`platforms.kubernetes.deploymentSpec.executors.exec-sort.pvcMount` in the platform spec,
`root.dag.tasks` for the task list. kfp's names (executor labels, components, tasks) hold no
dots, so the path needs no quoting. The document is the first one whose top holds the path's
first key.

Lines come from the YAML parser's own marks (yaml.compose_all), so what is highlighted is
exactly the key and its value as written in the file, whatever the compiler's layout.

Pure core: no UI, no kfp import.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml


@dataclass(frozen=True)
class Spot:
    """Lines `start`..`end` (1-based, inclusive) of the YAML text hold `found`, the part of `place`
    the file has: all of it (`exact`), or the deepest key that is there when the rest is not
    (a check that found no pvcMount points at the executor that lacks it)."""

    place: str
    found: str
    start: int
    end: int

    @property
    def exact(self) -> bool:
        return self.found == self.place


def place_keys(place: str) -> list[str]:
    return [key for key in place.split(".") if key]


def _lookup(node: yaml.Node, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            return k, v
    return None


def _last_line(lines: list[str], start: int, end: int) -> int:
    """The value's last line: the parser's end mark sits at the start of the next key's line, and
    blank lines, comments and a document marker before it belong to no key."""
    while end > start and (not lines[end].strip() or lines[end].lstrip().startswith(("#", "---"))):
        end -= 1
    return end


def locate(text: str, place: str) -> Spot | None:
    """The lines of `place` in the compiled YAML `text`; None when not even its first key is there
    (or the text is not YAML)."""
    keys = place_keys(place)
    if not keys:
        return None
    try:
        documents = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        return None
    lines = text.splitlines() or [""]
    for document in documents:
        if document is None or _lookup(document, keys[0]) is None:
            continue
        node: yaml.Node = document
        span: tuple[yaml.Node, yaml.Node] | None = None
        depth = 0
        for key in keys:
            found = _lookup(node, key)
            if found is None:
                break
            span, node, depth = found, found[1], depth + 1
        assert span is not None  # the first key is there
        key_node, value = span
        start = key_node.start_mark.line
        end = value.end_mark.line
        if end >= len(lines):
            end = len(lines) - 1  # the value runs to the end of the file
        elif end > start and not lines[end][:value.end_mark.column].strip():
            end -= 1  # a block value ends where the next key (or the end) begins: that line is not its own
        end = _last_line(lines, start, end)
        return Spot(place, ".".join(keys[:depth]), start + 1, end + 1)
    return None


def locate_all(text: str, places: list[str] | tuple[str, ...]) -> list[Spot]:
    """Each place's spot, in the order given; places the text lacks entirely are left out."""
    return [spot for spot in (locate(text, place) for place in places) if spot is not None]
