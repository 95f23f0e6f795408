"""A task's outputs and a run's pipeline outputs, from the most reliable source there is.

1. ML Metadata (what the KFP UI shows): the run's MLMD context id comes with the run
   (run_details.pipeline_run_context_id); the task's execution holds its output parameters,
   its OUTPUT events lead to its artifacts and their URIs.
2. The task's own log, when MLMD cannot be reached: KFP's Python executor logs its
   executor_input, which names every output artifact's URI. It never logs the output values
   (kfp sdk/python/kfp/dsl/executor_main.py line 96 at 2.17.0; executor.py prints nothing), so a parameter
   output such as lesson 1's number comes from MLMD only; when MLMD cannot be reached the reader
   keeps why (`problem`), and the check says so and what to do.
3. The run details' artifact ids, so that a check can at least tell an artifact was written.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from workshop.core.errors import BackendError

if TYPE_CHECKING:
    from workshop.backends.cluster.mlmd import Mlmd

MLMD_FIX = ("the task's output values are kept in ML Metadata, and kfp's executor does not print them in the "
            "log. Run the workshop in a Kubeflow notebook (profile namespaces may reach "
            "metadata-grpc-service.kubeflow:8080), or port-forward it: kubectl -n kubeflow port-forward "
            "svc/metadata-grpc-service 8080:8080 and set WORKSHOP_MLMD_ENDPOINT=127.0.0.1:8080")
_EXECUTOR_INPUT = "Got executor_input:"


def producers(pipeline_spec: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Pipeline output name -> (producing task, its output key), from root.dag.outputs."""
    outputs = (pipeline_spec.get("root", {}).get("dag", {}).get("outputs")) or {}
    found: dict[str, tuple[str, str]] = {}
    for name, spec in (outputs.get("parameters") or {}).items():
        source = spec.get("valueFromParameter") or {}
        if source.get("producerSubtask"):
            found[name] = (source["producerSubtask"], source.get("outputParameterKey", name))
    for name, spec in (outputs.get("artifacts") or {}).items():
        selectors = spec.get("artifactSelectors") or []
        if selectors and selectors[0].get("producerSubtask"):
            found[name] = (selectors[0]["producerSubtask"], selectors[0].get("outputArtifactKey", name))
    return found


def executor_input(lines: list[str]) -> dict[str, Any] | None:
    """The executor_input JSON KFP's Python executor logs (indented over many lines), if the log has it."""
    for i, line in enumerate(lines):
        if _EXECUTOR_INPUT not in line:
            continue
        text = ""
        for part in [line.split(_EXECUTOR_INPUT, 1)[1], *lines[i + 1:i + 5000]]:
            text += part + "\n"
            if text.rstrip().endswith("}"):
                try:
                    data = json.loads(text)
                except ValueError:
                    continue
                return data if isinstance(data, dict) else None
        return None
    return None


def outputs_from_log(lines: list[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    data = executor_input(lines)
    if data:
        for name, spec in ((data.get("outputs") or {}).get("artifacts") or {}).items():
            artifacts = spec.get("artifacts") or []
            if artifacts and artifacts[0].get("uri"):
                found[name] = {"uri": artifacts[0]["uri"], "metadata": artifacts[0].get("metadata") or {},
                               "source": "log"}
    return found


class OutputReader:
    """task_outputs for the backend: MLMD first, then the log, then the run details."""

    def __init__(self, mlmd: Mlmd, get_run: Callable[[str], dict[str, Any]],
                 task_log: Callable[[str, str], list[str]],
                 record: Callable[[str, str], None] = lambda run_id, problem: None) -> None:
        self.mlmd = mlmd
        self.get_run = get_run
        self.task_log = task_log
        self.record = record  # keeps why MLMD could not be read for a run, for a later check
        self.last_error = ""
        self._contexts: dict[str, int] = {}

    def _context(self, run_id: str, run: dict[str, Any] | None) -> int | None:
        if run_id in self._contexts:
            return self._contexts[run_id]
        details = (run or {}).get("run_details") or {}
        context = details.get("pipeline_run_context_id")
        context_id = int(context) if context not in (None, "", "0", 0) else self.mlmd.run_context_id(run_id)
        if context_id:
            self._contexts[run_id] = context_id
        return context_id

    def task_outputs(self, run_id: str, task: str, run: dict[str, Any] | None = None) -> dict[str, Any]:
        run = run if run is not None else self.get_run(run_id)
        try:
            context = self._context(run_id, run)
            found = self.mlmd.task_outputs(context, task) if context else None
        except (BackendError, ValueError, TypeError, KeyError) as exc:  # unreachable, or an answer we cannot read
            self.last_error = str(exc)
            self.record(run_id, f"{exc}: {MLMD_FIX}")
            found = None
        if found:
            return found
        found = outputs_from_log(self.task_log(run_id, task))
        if found:
            return found
        for detail in (run.get("run_details") or {}).get("task_details") or []:
            if detail.get("display_name") == task and detail.get("outputs"):
                return {name: {"uri": "", "artifact_ids": spec.get("artifact_ids") or []}
                        for name, spec in detail["outputs"].items()}
        return {}

    def pipeline_outputs(self, run_id: str, pipeline_spec: dict[str, Any], run: dict[str, Any]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        cache: dict[str, dict[str, Any]] = {}
        for name, (task, key) in producers(pipeline_spec).items():
            if task not in cache:
                cache[task] = self.task_outputs(run_id, task, run)
            if key in cache[task]:
                values[name] = cache[task][key]
        return values
