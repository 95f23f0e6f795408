"""Load a lesson's pipeline module and compile it to YAML, as the tutorial's step 2 does."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path
from typing import Any

import yaml


class CompileError(Exception):
    """The pipeline file does not import or does not compile; the message says where."""


def load_pipeline(path: Path, function: str) -> Any:
    # A unique module name per file content, so an edited file is really reloaded.
    digest = hashlib.sha1(path.read_bytes()).hexdigest()[:10]
    name = f"workshop_pipeline_{path.stem}_{digest}"
    if name in sys.modules:
        module = sys.modules[name]
    else:
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise CompileError(f"cannot load {path}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except Exception as exc:
            del sys.modules[name]
            raise CompileError(f"{path.name} does not import: {type(exc).__name__}: {exc}") from exc
    try:
        return getattr(module, function)
    except AttributeError:
        raise CompileError(f"{path.name} has no pipeline function {function!r}") from None


def compile_pipeline(path: Path, function: str, package: Path) -> Path:
    """Compile `function` from `path` into `package` (a .yaml file); returns the path."""
    from kfp import compiler  # heavy: only when a lesson runs

    pipeline = load_pipeline(path, function)
    package.parent.mkdir(parents=True, exist_ok=True)
    try:
        compiler.Compiler().compile(pipeline, str(package))
    except Exception as exc:
        raise CompileError(f"{path.name} does not compile: {type(exc).__name__}: {exc}") from exc
    return package


def task_names(package: Path) -> list[str]:
    doc: dict[str, Any] = next(iter(yaml.safe_load_all(package.read_text(encoding="utf-8"))), {}) or {}
    return list(doc.get("root", {}).get("dag", {}).get("tasks", {}))
