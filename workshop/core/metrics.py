"""The training curve: figures a run reports per epoch, and the KFP Metrics its tasks log.

Two sources, read from the run's events alone (the same on both backends):
- a line `epoch N/M name=value name=value` that a training component prints as each epoch
  ends (lesson 4's train task does): one point per epoch, while the run runs;
- a task's KFP Metrics output (`metrics: Output[Metrics]`, `metrics.log_metric(name, value)`):
  kfp writes its metadata when the task ends, so those are final figures, one per name.

The last curve of a lesson is kept beside its compiled package, so the Checks tab shows the
final figures after the app restarts. Pure core: no UI, no kfp.
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

EPOCH = re.compile(r"^epoch (\d+)/(\d+)\b(.*)")
FIGURE = re.compile(r"([A-Za-z_][\w.-]*)=(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)")


@dataclass(frozen=True)
class EpochPoint:
    epoch: int
    total: int
    values: dict[str, float]
    rest: str = ""  # the line after "epoch N/M", as printed


def parse_epoch(line: str) -> EpochPoint | None:
    match = EPOCH.match(line.strip())
    if not match:
        return None
    values = {name: float(value) for name, value in FIGURE.findall(match[3])}
    return EpochPoint(int(match[1]), int(match[2]), values, match[3].strip())


def logged_metrics(outputs: dict[str, Any]) -> dict[str, float]:
    """The figures of every KFP Metrics artifact in a task's outputs (its metadata, numbers only)."""
    found: dict[str, float] = {}
    for value in outputs.values():
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, dict) and item.get("artifact") == "Metrics":
                for name, figure in (item.get("metadata") or {}).items():
                    if isinstance(figure, int | float) and not isinstance(figure, bool) and math.isfinite(figure):
                        found[str(name)] = float(figure)
    return found


@dataclass
class Curve:
    """One run's curve: per task, the epochs' figures in order, and the Metrics each task logged."""

    run_id: str = ""
    epochs: dict[str, list[EpochPoint]] = field(default_factory=dict)
    metrics: dict[str, dict[str, float]] = field(default_factory=dict)

    def add_line(self, task: str, line: str) -> EpochPoint | None:
        point = parse_epoch(line)
        if point is not None:
            points = self.epochs.setdefault(task, [])
            if points and point.epoch <= points[-1].epoch:  # a retried task starts its curve again
                points.clear()
            points.append(point)
        return point

    def add_outputs(self, task: str, outputs: dict[str, Any]) -> bool:
        figures = logged_metrics(outputs)
        if figures:
            self.metrics[task] = figures
        return bool(figures)

    @property
    def empty(self) -> bool:
        return not self.epochs and not self.metrics

    def series(self, task: str) -> dict[str, tuple[list[int], list[float]]]:
        """name -> (epochs, values) for one task's curve."""
        out: dict[str, tuple[list[int], list[float]]] = {}
        for point in self.epochs.get(task, []):
            for name, value in point.values.items():
                xs, ys = out.setdefault(name, ([], []))
                xs.append(point.epoch)
                ys.append(value)
        return out

    def summary(self) -> list[str]:
        """The final figures, a line per task: what the Checks tab keeps as evidence."""
        lines = []
        for task, points in self.epochs.items():
            last = points[-1]
            lines.append(f"{task}: epoch {last.epoch}/{last.total} {last.rest}".rstrip())
        for task, figures in self.metrics.items():
            shown = " ".join(f"{k}={v:g}" for k, v in figures.items())
            lines.append(f"{task}: Metrics {shown}")
        return lines

    # --- kept between sessions ----------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "epochs": {task: [[p.epoch, p.total, p.values, p.rest] for p in pts] for task, pts in self.epochs.items()},
            "metrics": self.metrics,
        }

    @classmethod
    def from_dict(cls, data: Any) -> Curve:
        if not isinstance(data, dict):
            return cls()
        curve = cls(str(data.get("run_id", "")))
        try:
            for task, points in (data.get("epochs") or {}).items():
                curve.epochs[str(task)] = [EpochPoint(int(e), int(t), {str(k): float(v) for k, v in vals.items()},
                                                      str(rest)) for e, t, vals, rest in points]
            for task, figures in (data.get("metrics") or {}).items():
                curve.metrics[str(task)] = {str(k): float(v) for k, v in figures.items()}
        except (TypeError, ValueError, AttributeError):
            return cls()  # a damaged file shows no curve; the next run writes a good one
        return curve

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(json.dumps(self.to_dict(), ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)  # whole or not at all: a crash mid-write leaves the old curve

    @classmethod
    def load(cls, path: Path) -> Curve:
        try:
            return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return cls()


def curve_path(workspace: Path, lesson_key: str) -> Path:
    return workspace / f"{lesson_key}.curve.json"
