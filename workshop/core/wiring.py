"""Each container task of a compiled pipeline, wherever it sits, with its inputs traced back.

core/pipeline_spec.py walks the DAG; this follows values along it: an input that reaches a task
through condition, loop or sub-pipeline DAGs back to the pipeline input, constant or task output
it comes from, and a sub-DAG's output down to the task that produces it (each branch of a
dsl.OneOf). The checks use it to judge how a pipeline is wired, not how it is laid out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from workshop.core.check_base import CheckContext

Source = tuple[str, ...]  # ("input", name) | ("task", path, key) | ("constant", repr) | ("other", text)


@dataclass(frozen=True)
class LeafTask:
    """A task that runs a container, wherever it sits (If/Else, ParallelFor, ExitHandler, sub-pipeline)."""

    path: str  # parent DAG tasks and its own name, joined by "/"
    name: str
    component: str  # the component's Python function, dashed: square_root -> square-root
    inputs: dict[str, frozenset[Source]]  # each input and what may feed it (OneOf: several)


def leaf_tasks(pipeline: dict[str, Any]) -> list[LeafTask]:
    return traced(pipeline)[0]


def traced(pipeline: dict[str, Any]) -> tuple[list[LeafTask], dict[str, frozenset[Source]]]:
    """Every container task of a compiled pipeline, with its inputs traced back to their producers.

    An input that reaches a task through condition, loop or sub-pipeline DAGs is followed up to
    the pipeline input, constant or task output it comes from; an output of a sub-DAG is followed
    down to the task that produces it (both choices of a dsl.OneOf). The second part: what feeds
    each of the pipeline's own outputs.
    """
    components = pipeline.get("components", {})
    executors = pipeline.get("deploymentSpec", {}).get("executors", {})
    leaves: list[LeafTask] = []

    def component_of(task: dict[str, Any]) -> dict[str, Any]:
        return components.get(task.get("componentRef", {}).get("name", ""), {}) or {}

    def function_name(comp_name: str, comp: dict[str, Any]) -> str:
        args = executors.get(comp.get("executorLabel", ""), {}).get("container", {}).get("args", [])
        if "--function_to_execute" in args[:-1]:
            return str(args[args.index("--function_to_execute") + 1]).replace("_", "-")
        name = comp_name.removeprefix("comp-")
        return re.sub(r"-\d+$", "", name)  # the compiler adds -2, -3 to tell same-named components apart

    def produced(dag: dict[str, Any], path: str, task_name: str, key: str, depth: int) -> frozenset[Source]:
        task = dag.get("tasks", {}).get(task_name)
        if task is None or depth > 50:
            return frozenset({("other", f"{task_name}.{key}")})
        comp = component_of(task)
        if "dag" not in comp:
            return frozenset({("task", f"{path}{task_name}", key)})
        sub = comp["dag"]
        out = sub.get("outputs", {})
        spec = out.get("parameters", {}).get(key) or out.get("artifacts", {}).get(key) or {}
        found: set[Source] = set()
        for sel in _selectors(spec):
            found |= produced(sub, f"{path}{task_name}/", sel.get("producerSubtask", ""),
                              sel.get("outputParameterKey") or sel.get("outputArtifactKey", ""), depth + 1)
        return frozenset(found) or frozenset({("other", f"{task_name}.{key}")})

    def source(binding: dict[str, Any], dag: dict[str, Any], path: str,
               outer: dict[str, frozenset[Source]] | None, depth: int) -> frozenset[Source]:
        name = binding.get("componentInputParameter") or binding.get("componentInputArtifact")
        if name:
            if outer is None:
                return frozenset({("input", str(name))})
            return outer.get(name, frozenset({("other", str(name))}))
        producer = binding.get("taskOutputParameter") or binding.get("taskOutputArtifact")
        if producer:
            key = producer.get("outputParameterKey") or producer.get("outputArtifactKey", "")
            return produced(dag, path, producer.get("producerTask", ""), key, depth)
        if "runtimeValue" in binding:
            return frozenset({("constant", str(binding["runtimeValue"].get("constant")))})
        return frozenset({("other", _short(binding))})

    def walk(dag: dict[str, Any], path: str, outer: dict[str, frozenset[Source]] | None, depth: int) -> None:
        for name, task in sorted(dag.get("tasks", {}).items()):
            ins = task.get("inputs", {})
            bound = {k: source(v, dag, path, outer, depth)
                     for kind in ("parameters", "artifacts") for k, v in (ins.get(kind) or {}).items()}
            comp_name = task.get("componentRef", {}).get("name", "")
            comp = component_of(task)
            if "dag" in comp and depth < 50:
                walk(comp["dag"], f"{path}{name}/", bound, depth + 1)
            else:
                leaves.append(LeafTask(f"{path}{name}", name, function_name(comp_name, comp), bound))

    root = pipeline.get("root", {}).get("dag", {})
    walk(root, "", None, 0)
    outputs: dict[str, frozenset[Source]] = {}
    for key, spec in {**root.get("outputs", {}).get("parameters", {}),
                      **root.get("outputs", {}).get("artifacts", {})}.items():
        found: set[Source] = set()
        for sel in _selectors(spec):
            found |= produced(root, "", sel.get("producerSubtask", ""),
                              sel.get("outputParameterKey") or sel.get("outputArtifactKey", ""), 0)
        outputs[key] = frozenset(found)
    return leaves, outputs


def _selectors(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Where a DAG output comes from: one producer, or each branch of a dsl.OneOf."""
    return list(spec.get("valueFromOneof", {}).get("parameterSelectors")
                or spec.get("artifactSelectors")
                or ([spec["valueFromParameter"]] if "valueFromParameter" in spec else []))


def task_input_value(ctx: CheckContext, task: str, name: str) -> str | None:
    """The value a task of this run got for an input, read from the compiled spec: a constant the
    pipeline wrote, or the pipeline input that feeds it (the run's argument, else its default).
    None when it comes from another task or the task is not in the spec."""
    pipeline, _ = ctx.spec_docs()
    for leaf in leaf_tasks(pipeline):
        if leaf.name != task or len(leaf.inputs.get(name, ())) != 1:
            continue
        kind, *rest = next(iter(leaf.inputs[name]))
        if kind == "constant":
            return rest[0]
        if kind == "input":
            if rest[0] in ctx.run.arguments:
                return str(ctx.run.arguments[rest[0]])
            default = (pipeline.get("root", {}).get("inputDefinitions", {}).get("parameters", {})
                       .get(rest[0], {}).get("defaultValue"))
            return None if default is None else str(default)
    return None


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) < 60 else text[:57] + "..."
