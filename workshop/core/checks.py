"""Typed checks: each looks at what a run left behind and returns evidence.

A check never raises for something the learner did: a missing file, a failed run or a
service that is not up is a failed check that says what was seen and what to do next.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
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
from workshop.core.wiring import LeafTask, Source, leaf_tasks, traced

__all__ = ["REGISTRY", "CheckContext", "CheckFn", "CheckResult", "Outcome", "Status", "check", "failed", "passed",
           "run_checks", "run_one", "skipped"]
# Kinds that read the compiled pipeline or the run's state: right or wrong whether the run succeeded.
JUDGE_THE_SPEC = frozenset({"compiled_tasks", "compiled_wiring", "pvc_mounts", "task_resources", "run_succeeded",
                            "task_pod"})


def run_checks(ctx: CheckContext) -> list[CheckResult]:
    # The kinds beyond lesson 1 register themselves on import, one module per family.
    from workshop.core import checks_object_store, checks_resources, checks_serving, checks_volume  # noqa: F401

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
    hint = ""
    if outcome.status is Status.FAILED:
        if outcome.hint is not None:
            hint = outcome.hint
        elif ctx.not_the_code:
            # the run failed for a reason outside the learner's pipeline (a worker that died...)
            hint = say(ctx.lang, "hint.not_the_code") if spec.kind == "run_succeeded" else ""
        elif ctx.run.state != "SUCCEEDED" and spec.kind not in JUDGE_THE_SPEC:
            # a result the failed run never produced: its hints (sort order, object key...) would
            # send the learner after the wrong thing; the run's own failure is what to fix
            hint = say(ctx.lang, "hint.run_failed_first")
        else:
            hint = spec.hint(ctx.lang, ctx.attempt)
    return CheckResult(spec.id, spec.title_in(ctx.lang), outcome.status, outcome.summary, outcome.evidence, hint,
                       outcome.places)


# --- lesson 1 and the kinds every lesson uses ----------------------------------------
def _package(ctx: CheckContext) -> Path | None:
    path = Path(ctx.run.package_path)
    return path if path.is_file() else None


def _wiring_text(leaves: list[LeafTask]) -> str:
    def where(src: Source) -> str:
        return {"input": "input {}", "task": "{}.{}", "constant": "{}"}.get(src[0], "{}").format(*src[1:])

    return "\n".join(
        f"{leaf.path} ({leaf.component})"
        + "".join(f"\n  {k} <- {' | '.join(sorted(where(s) for s in v))}" for k, v in sorted(leaf.inputs.items()))
        for leaf in leaves
    )


@check("compiled_tasks")
def compiled_tasks(ctx: CheckContext, params: dict[str, Any]) -> Outcome:
    """The tasks the lesson needs are in the YAML, at any depth; more tasks are the learner's business."""
    lang = ctx.lang
    path = _package(ctx)
    if path is None:
        return failed(say(lang, "compiled_tasks.no_yaml"), yaml=ctx.run.package_path)
    pipeline, _ = ctx.spec_docs()
    leaves = leaf_tasks(pipeline)
    found = sorted({leaf.name for leaf in leaves})
    wanted = sorted(params.get("tasks", []))
    sep = say(lang, "sep.list")
    missing = [t for t in wanted if t not in found]
    # the task list, then the secrets any executor takes as environment variables (lesson 4's S3 keys)
    spec = ctx.pipeline()
    places = [spec.tasks_place(), *(spec.platform_place(label, "secretAsEnv")
                                    for label, platform in sorted(spec.executors.items()) if platform.secret_env)]
    if not missing:
        return passed(say(lang, "compiled_tasks.ok", count=len(wanted), tasks=sep.join(wanted)),
                      yaml=path, tasks=", ".join(leaf.path for leaf in leaves)).at(*places)
    detail = say(lang, "compiled_tasks.missing", tasks=sep.join(missing))
    return failed(say(lang, "compiled_tasks.differ", detail=detail), yaml=path,
                  tasks=", ".join(leaf.path for leaf in leaves) or "(none)").at(*places)


@check("compiled_wiring")
def compiled_wiring(ctx: CheckContext, params: dict[str, Any]) -> Outcome:
    """The computing steps are there and fed as the lesson says, at any depth of the DAG.

    params["steps"]: [{id, component, from: ["input:a" | step id, ...]}], in an order where each
    step comes after the steps it reads; params["returns"]: the step whose output the pipeline
    returns. A step's `from` is matched against distinct inputs of one task, in any order, so
    the learner's names for inputs, extra tasks and extra inputs do not matter.
    """
    lang = ctx.lang
    path = _package(ctx)
    if path is None:
        return failed(say(lang, "compiled_tasks.no_yaml"), yaml=ctx.run.package_path)
    pipeline, _ = ctx.spec_docs()
    leaves, outputs = traced(pipeline)
    steps: list[dict[str, Any]] = list(params.get("steps", []))
    by_id = {str(step["id"]): step for step in steps}
    wiring = _wiring_text(leaves)

    def wanted_sources(step: dict[str, Any], chosen: dict[str, LeafTask]) -> list[Callable[[Source], bool]]:
        tests: list[Callable[[Source], bool]] = []
        for item in map(str, step.get("from", [])):
            if item.startswith("input:"):
                tests.append(_is_input(item.removeprefix("input:")))
            else:
                tests.append(_is_output_of(chosen[item].path))
        return tests

    def fed(leaf: LeafTask, tests: list[Callable[[Source], bool]]) -> bool:
        inputs = list(leaf.inputs.values())

        def assign(i: int, used: frozenset[int]) -> bool:
            if i == len(tests):
                return True
            return any(j not in used and any(tests[i](s) for s in inputs[j]) and assign(i + 1, used | {j})
                       for j in range(len(inputs)))

        return assign(0, frozenset())

    deepest = [0]

    def place(i: int, chosen: dict[str, LeafTask]) -> dict[str, LeafTask] | None:
        deepest[0] = max(deepest[0], i)
        if i == len(steps):
            return chosen
        step = steps[i]
        tests = wanted_sources(step, chosen)
        taken = {leaf.path for leaf in chosen.values()}
        for leaf in leaves:
            if leaf.path in taken or leaf.component != str(step["component"]).replace("_", "-"):
                continue
            if fed(leaf, tests):
                done = place(i + 1, {**chosen, str(step["id"]): leaf})
                if done is not None:
                    return done
        return None

    chosen = place(0, {})
    if chosen is None:
        step = steps[min(deepest[0], len(steps) - 1)]
        return failed(say(lang, "compiled_wiring.missing", step=_describe_step(lang, step, by_id)),
                      yaml=path, tasks=wiring or "(none)").at(ctx.pipeline().tasks_place())
    returns = params.get("returns")
    if returns:
        sources = outputs.get(str(params.get("output", "Output")), frozenset())
        if not any(s[0] == "task" and s[1] == chosen[str(returns)].path for s in sources):
            return failed(say(lang, "compiled_wiring.not_returned",
                              step=_describe_step(lang, by_id[str(returns)], by_id)), yaml=path, tasks=wiring)
    names = say(lang, "sep.list").join(leaf.path for leaf in chosen.values())
    return passed(say(lang, "compiled_wiring.ok", count=len(chosen), tasks=names), yaml=path,
                  tasks=wiring).at(ctx.pipeline().tasks_place())


def _is_input(name: str) -> Callable[[Source], bool]:
    return lambda s: s[:2] == ("input", name)


def _is_output_of(path: str) -> Callable[[Source], bool]:
    return lambda s: s[0] == "task" and s[1] == path


def _describe_step(lang: str, step: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> str:
    parts = []
    for item in step.get("from", []):
        item = str(item)
        if item.startswith("input:"):
            parts.append(say(lang, "compiled_wiring.from_input", name=item.removeprefix("input:")))
        else:
            parts.append(say(lang, "compiled_wiring.from_step", component=by_id.get(item, {}).get("component", item)))
    return say(lang, "compiled_wiring.step", component=step["component"], sources=say(lang, "sep.list").join(parts))


def _numeric_arguments(ctx: CheckContext) -> dict[str, float]:
    return {k: v for k, v in ctx.run.arguments.items() if isinstance(v, int | float) and not isinstance(v, bool)}


def _out_of_range(ctx: CheckContext, expression: str) -> str | None:
    """The run's arguments as text when `expression` cannot be computed in floats for them
    (an overflow): then a failure is the input's doing, not the learner's code."""
    if not expression:
        return None
    try:
        value = expr.evaluate(expression, _numeric_arguments(ctx))
    except OverflowError:
        value = math.inf
    except (ArithmeticError, ValueError):
        return None
    if math.isfinite(value):
        return None
    return ", ".join(f"{k}={v:g}" for k, v in _numeric_arguments(ctx).items())


def _known_error(ctx: CheckContext, known: list[dict[str, Any]]) -> tuple[str, str, str] | None:
    """The first task log line that matches a `known_errors` entry: (task, line, message)."""
    if not known:
        return None
    pipeline, _ = ctx.spec_docs() if _package(ctx) else ({}, {})
    tasks = sorted({leaf.name for leaf in leaf_tasks(pipeline)})
    for task in tasks:
        lines = ctx.backend.task_log(ctx.run.run_id, task)
        for entry in known:
            pattern = re.compile(str(entry["match"]))
            for line in lines:
                if pattern.search(line):
                    message = entry.get(ctx.lang) or entry.get("en", "")
                    return task, line.strip(), str(message)
    return None


@check("run_succeeded")
def run_succeeded(ctx: CheckContext, params: dict[str, Any]) -> Outcome:
    state = ctx.run.state
    if state == "SUCCEEDED":
        return passed(say(ctx.lang, "run_succeeded.ok"), run=ctx.run.run_id, state=state)
    why = ctx.run.error or say(ctx.lang, "run_succeeded.see_log")
    known = _known_error(ctx, params.get("known_errors", []))
    if known is not None:  # a mistake the lesson knows (the tutorial's own, some of them): say it plainly
        task, line, message = known
        return failed(say(ctx.lang, "run_succeeded.known", state=state, task=task, message=message),
                      hint="", run=ctx.run.run_id, state=state, log_line=line)
    arguments = _out_of_range(ctx, str(params.get("computable", "")))
    if arguments is not None:  # `computable`: what the lesson's pipeline computes along the way
        return failed(say(ctx.lang, "run_succeeded.input_overflow", state=state, why=why, arguments=arguments,
                          expression=params["computable"]),
                      hint=say(ctx.lang, "hint.input_too_large"), run=ctx.run.run_id, state=state)
    return failed(say(ctx.lang, "run_succeeded.failed", state=state, why=why), run=ctx.run.run_id, state=state)


@check("run_output")
def run_output(ctx: CheckContext, params: dict[str, Any]) -> Outcome:
    name = params.get("output", "Output")
    arg_text = ", ".join(f"{k}={v}" for k, v in ctx.run.arguments.items())
    if _out_of_range(ctx, str(params["expected"])) is not None:
        return failed(say(ctx.lang, "run_output.input_overflow", expression=params["expected"], arguments=arg_text),
                      hint=say(ctx.lang, "hint.input_too_large"), arguments=arg_text)
    expected = expr.evaluate(params["expected"], _numeric_arguments(ctx))
    got = ctx.run.outputs.get(name)
    if got is None:
        if ctx.run.state != "SUCCEEDED":  # the run's failure is the news, told by run_succeeded
            return failed(say(ctx.lang, "run_output.run_failed", name=name, state=ctx.run.state), hint="",
                          run_state=ctx.run.state, arguments=arg_text)
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
