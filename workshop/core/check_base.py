"""What every check kind is built from: its context, its outcome, its result, and the registry.

Check kinds register themselves with `@check("kind")`: checks.py for lesson 1 and the kinds
every lesson uses, and one module per family of the later lessons, named for what it looks at
(checks_volume.py, checks_resources.py, checks_object_store.py, checks_serving.py). checks.py
runs them. Each imports this module, never another's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from workshop.core.errors import Words
from workshop.core.lessons import Lesson
from workshop.core.pipeline_spec import PipelineSpec, Task
from workshop.core.ports import Backend, ClockSkew
from workshop.core.progress import RunRecord


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class CheckResult:
    id: str
    title: str
    status: Status
    summary: str
    evidence: dict[str, str] = field(default_factory=dict)
    hint: str = ""
    # Where in the compiled YAML the check read what it judged (core/spec_place.py paths), first the main one
    places: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return self.status is not Status.FAILED

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "status": self.status.value,
            "summary": self.summary, "evidence": self.evidence, "hint": self.hint, "places": list(self.places),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CheckResult:
        """A result as a run record stored it (to_dict); unknown statuses read as failed."""
        try:
            status = Status(str(data.get("status")))
        except ValueError:
            status = Status.FAILED
        evidence = data.get("evidence") if isinstance(data.get("evidence"), dict) else {}
        places = data.get("places") if isinstance(data.get("places"), list) else []
        return cls(str(data.get("id", "")), str(data.get("title", "")), status, str(data.get("summary", "")),
                   {str(k): str(v) for k, v in (evidence or {}).items()}, str(data.get("hint", "")),
                   tuple(str(p) for p in places or []))


@dataclass
class CheckContext:
    lesson: Lesson
    run: RunRecord
    backend: Backend
    lang: str = "en"
    attempt: int = 1
    cache: dict[str, Any] = field(default_factory=dict)
    not_the_code: bool = False  # the run failed with no task failing: no hint may blame the code
    on_wait: Callable[[str, str | Words], object] = lambda what, detail: None  # what a check waits for, as it changes

    def pipeline(self) -> PipelineSpec:
        """The run's compiled pipeline, read once for all the checks of this attempt."""
        if "pipeline" not in self.cache:
            self.cache["pipeline"] = PipelineSpec.load(Path(self.run.package_path))
        return self.cache["pipeline"]

    def spec_docs(self) -> tuple[dict[str, Any], dict[str, Any]]:
        pipeline = self.pipeline()
        return pipeline.spec, pipeline.platform


@dataclass(frozen=True)
class Outcome:
    """What a check function returns; the runner adds the title and the hint."""

    status: Status
    summary: str
    evidence: dict[str, str] = field(default_factory=dict)
    # Set where the lesson's hints (which point at the learner's code) do not apply,
    # e.g. when the learner's input, not the code, made the run fail.
    hint: str | None = None
    places: tuple[str, ...] = ()  # where in the compiled YAML it looked (core/spec_place.py)

    def at(self, *places: str) -> Outcome:
        """The same outcome, pointing at these places of the compiled YAML (empty ones left out)."""
        import dataclasses

        return dataclasses.replace(self, places=tuple(dict.fromkeys(p for p in places if p)))


CheckFn = Callable[[CheckContext, dict[str, Any]], Outcome]
REGISTRY: dict[str, CheckFn] = {}


def check(kind: str) -> Callable[[CheckFn], CheckFn]:
    def register(fn: CheckFn) -> CheckFn:
        REGISTRY[kind] = fn
        return fn

    return register


def passed(summary: str, **evidence: Any) -> Outcome:
    return Outcome(Status.PASSED, summary, {k: str(v) for k, v in evidence.items()})


def failed(summary: str, hint: str | None = None, **evidence: Any) -> Outcome:
    return Outcome(Status.FAILED, summary, {k: str(v) for k, v in evidence.items()}, hint)


def skipped(summary: str, **evidence: Any) -> Outcome:
    return Outcome(Status.SKIPPED, summary, {k: str(v) for k, v in evidence.items()})


# --- what several check families use ----------------------------------------------------
def clock_skew(ctx: CheckContext) -> float:
    """How far the backend's clock may be off ours: none locally, a little on a cluster."""
    return float(ctx.backend.clock_skew) if isinstance(ctx.backend, ClockSkew) else 0.0


def clock_time(ts: float) -> str:
    import time

    return time.strftime("%H:%M:%S", time.localtime(ts))


def spec_task(ctx: CheckContext, name: str) -> Task | None:
    """The task called `name` at any depth of the DAG (inside dsl.If, ParallelFor, ...): root first."""
    return ctx.pipeline().task(name)


def as_yaml(data: Any) -> str:
    import yaml

    return yaml.safe_dump(data, sort_keys=True, default_flow_style=False).strip()
