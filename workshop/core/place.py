"""Where the learner was in the app (lesson and tab), so it reopens there."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def place_file(home: Path) -> Path:
    return home / "place.json"


def load_place(home: Path) -> dict[str, Any]:
    """{"lesson": int, "tab": str}, or {} when nothing (or nothing readable) was kept."""
    try:
        data = json.loads(place_file(home).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # a missing or corrupt file only means starting at the first open lesson
    if not isinstance(data, dict):
        return {}
    place: dict[str, Any] = {}
    if isinstance(data.get("lesson"), int):
        place["lesson"] = data["lesson"]
    if isinstance(data.get("tab"), str):
        place["tab"] = data["tab"]
    return place


def save_place(home: Path, lesson: int, tab: str) -> None:
    path = place_file(home)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        tmp.write_text(json.dumps({"lesson": lesson, "tab": tab}), encoding="utf-8")
        os.replace(tmp, path)  # atomic: a crash never leaves half a file
    except OSError:
        pass  # not being able to remember the place is no reason to stop the learner
