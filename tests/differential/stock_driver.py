"""Run one pipeline on stock kfp.local (SubprocessRunner(use_venv=False)), print what it did as JSON.

Usage: python stock_driver.py MODULE_PATH FUNCTION ARGS_JSON PIPELINE_ROOT
Only a pass-through wrapper around kfp.local's execute_single_task records each task's state
and outputs; nothing of the workshop is imported or changes how the run goes.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from normalize import record  # noqa: E402


def main() -> None:
    module_path, function, args_json, root = sys.argv[1:5]
    spec = importlib.util.spec_from_file_location("differential_pipelines", module_path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    from kfp import local
    from kfp.local import status
    from kfp.local.orchestrator import task_executor

    tasks: list[tuple[str, str, dict[str, Any]]] = []
    original = task_executor.execute_single_task

    def execute_single_task(**kwargs: Any) -> Any:
        outputs, task_status = original(**kwargs)
        state = "SUCCEEDED" if task_status == status.Status.SUCCESS else "FAILED"
        tasks.append((kwargs["task_name"], state, dict(outputs)))
        return outputs, task_status

    task_executor.execute_single_task = execute_single_task
    local.init(runner=local.SubprocessRunner(use_venv=False), pipeline_root=root, raise_on_error=True)
    try:
        result = getattr(module, function)(**json.loads(args_json))
    except Exception as exc:  # raise_on_error: how stock kfp.local says a run failed (or breaks)
        print(f"STOCK-ERROR {type(exc).__name__}: {exc}", file=sys.stderr)
        outputs, state = {}, "FAILED"
    else:
        outputs, state = dict(getattr(result, "outputs", {}) or {}), "SUCCEEDED"
    print("STOCK-RESULT " + json.dumps(record(tasks, outputs, state), sort_keys=True))


if __name__ == "__main__":
    main()
