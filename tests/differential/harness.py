"""One pipeline, two runs: the workshop's local backend and stock kfp.local, reduced alike."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tests.differential.normalize import record
from workshop.core.events import RunFinished, TaskFinished

HERE = Path(__file__).resolve().parent
PIPELINES = HERE / "pipelines.py"


def compile_pipeline(function: str, target: Path) -> Path:
    import importlib.util

    from kfp import compiler

    spec = importlib.util.spec_from_file_location("differential_pipelines", PIPELINES)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    compiler.Compiler().compile(getattr(module, function), str(target))
    return target


def run_local(backend: Any, function: str, arguments: dict[str, Any], tmp: Path) -> tuple[dict[str, Any], float]:
    package = compile_pipeline(function, tmp / f"{function}.yaml")
    started = time.perf_counter()
    ref = backend.upload_pipeline(package, function.replace("_", "-"), "differential")
    run_id = backend.submit(package, ref, arguments, f"diff-{function}")
    tasks: list[tuple[str, str, dict[str, Any]]] = []
    finished: RunFinished | None = None
    for event in backend.events(run_id):
        if isinstance(event, TaskFinished):
            # the local backend names a loop's iterations task[i] (task[i,j] nested) to keep their
            # logs apart; stock kfp.local repeats the task's name: compare by the name
            tasks.append((re.sub(r"\[[\d,]+\]$", "", event.task), event.state.value, dict(event.outputs)))
        elif isinstance(event, RunFinished):
            finished = event
    assert finished is not None
    return record(tasks, dict(finished.outputs), finished.state.value), time.perf_counter() - started


def run_stock(function: str, arguments: dict[str, Any], tmp: Path) -> tuple[dict[str, Any], float]:
    root = tmp / "stock-root"
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(HERE / "stock_driver.py"), str(PIPELINES), function, json.dumps(arguments), str(root)],
        capture_output=True, text=True, timeout=600, cwd=tmp,
    )
    elapsed = time.perf_counter() - started
    # inside a loop kfp.local indents what the process prints: strip before looking
    lines = [line.strip() for line in done.stdout.splitlines() if line.strip().startswith("STOCK-RESULT ")]
    assert lines, f"stock kfp.local did not finish (exit {done.returncode}):\n{done.stderr[-3000:]}"
    return json.loads(lines[-1].removeprefix("STOCK-RESULT ")), elapsed
