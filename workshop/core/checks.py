"""Typed checks: each looks at what a run left behind and returns evidence.

A check never raises for something the learner did: a missing file, a failed run or a
service that is not up is a failed check that says what was seen and what to do next.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from workshop.core import expr
from workshop.core.check_base import (
    REGISTRY,
    CheckContext,
    CheckFn,
    CheckResult,
    Outcome,
    Status,
    check,
    failed,
    passed,
    skipped,
)
from workshop.core.check_text import say
from workshop.core.lessons import CheckSpec

__all__ = ["REGISTRY", "CheckContext", "CheckFn", "CheckResult", "Outcome", "Status", "check", "failed", "passed",
           "run_checks", "run_one", "skipped"]


def run_checks(ctx: CheckContext) -> list[CheckResult]:
    # The kinds beyond lesson 1 register themselves on import.
    from workshop.core import checks_more  # noqa: F401

    results = []
    for spec in ctx.lesson.checks:
        results.append(run_one(ctx, spec))
    return results


def run_one(ctx: CheckContext, spec: CheckSpec) -> CheckResult:
    fn = REGISTRY.get(spec.kind)
    if fn is None:
        outcome = failed(say(ctx.lang, "run.unknown_kind", kind=spec.kind))
    else:
        try:
            outcome = fn(ctx, spec.params)
        except Exception as exc:  # a check that breaks is reported, never a traceback
            outcome = failed(say(ctx.lang, "run.crashed", error=f"{type(exc).__name__}: {exc}"))
    hint = spec.hint(ctx.lang, ctx.attempt) if outcome.status is Status.FAILED else ""
    if hint and ctx.not_the_code:
        hint = say(ctx.lang, "hint.not_the_code") if spec.kind == "run_succeeded" else ""
    return CheckResult(spec.id, spec.title_in(ctx.lang), outcome.status, outcome.summary, outcome.evidence, hint)


# --- lesson 1 and the kinds every lesson uses ----------------------------------------
@check("compiled_tasks")
def compiled_tasks(ctx: CheckContext, params: dict[str, Any]) -> Outcome:
    lang = ctx.lang
    path = Path(ctx.run.package_path)
    if not path.is_file():
        return failed(say(lang, "compiled_tasks.no_yaml"), yaml=path)
    pipeline, _ = ctx.spec_docs()
    found = sorted(pipeline.get("root", {}).get("dag", {}).get("tasks", {}))
    wanted = sorted(params.get("tasks", []))
    sep = say(lang, "sep.list")
    if found == wanted:
        return passed(say(lang, "compiled_tasks.ok", count=len(found), tasks=sep.join(found)),
                      yaml=path, tasks=", ".join(found))
    missing = sorted(set(wanted) - set(found))
    extra = sorted(set(found) - set(wanted))
    detail = say(lang, "sep.clause").join(
        part for part in (say(lang, "compiled_tasks.missing", tasks=sep.join(missing)) if missing else "",
                          say(lang, "compiled_tasks.unexpected", tasks=sep.join(extra)) if extra else "") if part
    )
    return failed(say(lang, "compiled_tasks.differ", detail=detail), yaml=path, tasks=", ".join(found) or "(none)")


@check("run_succeeded")
def run_succeeded(ctx: CheckContext, params: dict[str, Any]) -> Outcome:
    state = ctx.run.state
    if state == "SUCCEEDED":
        return passed(say(ctx.lang, "run_succeeded.ok"), run=ctx.run.run_id, state=state)
    why = ctx.run.error or say(ctx.lang, "run_succeeded.see_log")
    return failed(say(ctx.lang, "run_succeeded.failed", state=state, why=why), run=ctx.run.run_id, state=state)


@check("run_output")
def run_output(ctx: CheckContext, params: dict[str, Any]) -> Outcome:
    name = params.get("output", "Output")
    args = {k: v for k, v in ctx.run.arguments.items() if isinstance(v, int | float)}
    expected = expr.evaluate(params["expected"], args)
    got = ctx.run.outputs.get(name)
    arg_text = ", ".join(f"{k}={v}" for k, v in ctx.run.arguments.items())
    if got is None:
        # a backend that keeps outputs elsewhere (the cluster's ML Metadata) says why it could not read them
        problem_of = getattr(ctx.backend, "outputs_problem", None)
        problem = str(problem_of(ctx.run.run_id) or "") if callable(problem_of) else ""
        if problem:
            return failed(say(ctx.lang, "run_output.unreadable", name=name, problem=problem),
                          run_state=ctx.run.state, arguments=arg_text)
        return failed(say(ctx.lang, "run_output.missing", name=name), run_state=ctx.run.state, arguments=arg_text)
    try:
        value = float(got)
    except (TypeError, ValueError):
        return failed(say(ctx.lang, "run_output.not_number", name=name, got=got), expected=expected)
    tolerance = float(params.get("tolerance", 1e-9))
    if math.isclose(value, expected, rel_tol=tolerance, abs_tol=tolerance):
        return passed(say(ctx.lang, "run_output.ok", name=name, value=value),
                      output=value, expected=expected, arguments=arg_text)
    return failed(say(ctx.lang, "run_output.wrong", name=name, value=value, expected=expected),
                  output=value, expected=expected, arguments=arg_text)
