"""Load a lesson's pipeline module and compile it to YAML, as the tutorial's step 2 does."""

from __future__ import annotations

import hashlib
import linecache
import sys
import threading
import types
from pathlib import Path
from typing import Any

from workshop.core.errors import CompileError
from workshop.core.text import text as catalog_text

# kfp builds a pipeline in a process-wide default context, and a module being executed is in
# sys.modules before its functions are: two compiles at once (a run and the run graph's
# preview) must take turns, or one sees the other's half-built pipeline or module.
_COMPILING = threading.RLock()


def load_pipeline(path: Path, function: str, source: bytes | None = None, lang: str = "en") -> Any:
    """The pipeline function from `path`, executed from `source` (the file's bytes, read once).

    The module is compiled from those bytes, not imported: no __pycache__ lands beside a learner's
    file, and a file saved twice within a second is never served from a stale cache. linecache
    gets the same bytes, so kfp's inspect.getsource sees exactly the code that was executed.
    """
    with _COMPILING:
        return _load_pipeline(path, function, source, lang)


def _load_pipeline(path: Path, function: str, source: bytes | None, lang: str = "en") -> Any:
    if source is None:
        try:
            source = path.read_bytes()
        except OSError as exc:
            raise CompileError(catalog_text(lang, "learner:cannot_read", path=path,
                                            reason=exc.strerror or exc)) from exc
    # A unique module name per file content, so an edited file is really reloaded.
    digest = hashlib.sha1(source).hexdigest()[:10]
    name = f"workshop_pipeline_{path.stem}_{digest}"
    filename = str(path)
    text = source.decode("utf-8", errors="replace")
    linecache.cache[filename] = (len(text), None, text.splitlines(keepends=True), filename)
    if name in sys.modules:
        module = sys.modules[name]
    else:
        module = types.ModuleType(name)
        module.__file__ = filename
        sys.modules[name] = module
        try:
            code = compile(source, filename, "exec", dont_inherit=True)
            exec(code, module.__dict__)  # noqa: S102 - the lesson's own pipeline file, as `python file.py` would
        except Exception as exc:
            del sys.modules[name]
            where = _line_in(exc, filename, lang)
            raise CompileError(catalog_text(lang, "learner:no_import", file=path.name, where=where,
                                    error=f"{type(exc).__name__}: {exc}")) from exc
    try:
        return getattr(module, function)
    except AttributeError:
        raise CompileError(catalog_text(lang, "learner:no_function", file=path.name, function=function)) from None


def _line_in(exc: BaseException, filename: str, lang: str = "en") -> str:
    """", line N": where in the learner's file the error is (a SyntaxError knows; others: the traceback)."""
    if isinstance(exc, SyntaxError) and exc.filename == filename and exc.lineno:
        return ""  # its message already names the line
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return catalog_text(lang, "learner:where", line=line) if line else ""


def compile_pipeline(path: Path, function: str, package: Path, source: bytes | None = None,
                     lang: str = "en") -> Path:
    """Compile `function` from `path` (or from `source`, its bytes) into `package` (YAML); returns the path."""
    from kfp import compiler  # heavy: only when a lesson runs

    with _COMPILING:
        pipeline = load_pipeline(path, function, source, lang)
        package.parent.mkdir(parents=True, exist_ok=True)
        try:
            compiler.Compiler().compile(pipeline, str(package))
        except Exception as exc:
            raise CompileError(catalog_text(lang, "learner:no_compile", file=path.name,
                                    error=f"{type(exc).__name__}: {exc}")) from exc
    return package


def task_names(package: Path) -> list[str]:
    """The root DAG's tasks, in dependency order."""
    from workshop.core.pipeline_spec import PipelineSpec

    return list(PipelineSpec.load(package).root_tasks)
