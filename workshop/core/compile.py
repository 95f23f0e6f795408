"""Load a lesson's pipeline module and compile it to YAML, as the tutorial's step 2 does."""

from __future__ import annotations

import hashlib
import importlib
import linecache
import os
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


# What kfp/__init__.py imports only outside a task's container (_KFP_RUNTIME unset), by the
# attribute it binds: kfp.client pulls in the kubernetes client, requests and google.auth, about
# 55 MiB and three quarters of kfp's import time, and compiling needs none of it.
_KFP_LAZY = {"Client": ("kfp.client", "Client"), "client": ("kfp.client", None),
             "components": ("kfp.components", None), "dsl": ("kfp.dsl", None)}


def _kfp_getattr(name: str) -> Any:
    """kfp's module __getattr__ (PEP 562): `kfp.Client`, `kfp.components`... imported on first use."""
    if name not in _KFP_LAZY:
        raise AttributeError(f"module 'kfp' has no attribute {name!r}")
    module_name, attribute = _KFP_LAZY[name]
    module = importlib.import_module(module_name)
    value = getattr(module, attribute) if attribute else module
    setattr(sys.modules["kfp"], name, value)
    return value


def import_compiler() -> Any:
    """`kfp.compiler`, with kfp's package imported as a task's container imports it (_KFP_RUNTIME=true).

    kfp.dsl and kfp.compiler are then imported with the variable unset again, so they are whole
    (dsl.component, dsl.pipeline...). What kfp/__init__ left out comes on first use through the
    package's __getattr__: a pipeline file that says `kfp.Client` or `from kfp import components`
    gets them as with a plain `import kfp`. Only the first import of kfp in the process takes
    this path; the variable is set for the few lines that import the package itself.
    """
    with _COMPILING:
        if "kfp" not in sys.modules:
            before = os.environ.get("_KFP_RUNTIME")
            os.environ["_KFP_RUNTIME"] = "true"
            try:
                kfp = importlib.import_module("kfp")
            finally:
                if before is None:
                    del os.environ["_KFP_RUNTIME"]
                else:
                    os.environ["_KFP_RUNTIME"] = before
            if before != "true" and not hasattr(kfp, "Client"):
                kfp.__dict__["__getattr__"] = _kfp_getattr
        return importlib.import_module("kfp.compiler")


def compile_pipeline(path: Path, function: str, package: Path, source: bytes | None = None,
                     lang: str = "en") -> Path:
    """Compile `function` from `path` (or from `source`, its bytes) into `package` (YAML); returns the path."""
    compiler = import_compiler()  # heavy: only when a lesson runs

    with _COMPILING:
        pipeline = load_pipeline(path, function, source, lang)
        package.parent.mkdir(parents=True, exist_ok=True)
        try:
            compiler.Compiler().compile(pipeline, str(package))
        except Exception as exc:
            raise CompileError(catalog_text(lang, "learner:no_compile", file=path.name,
                                    error=f"{type(exc).__name__}: {exc}")) from exc
    return package


# The child's program: the package root first on its path, so it imports this very workshop.
_CHILD = "import sys; sys.path.insert(0, sys.argv.pop(1)); from workshop.core.compile import _child; _child()"
_CHILD_FAILED = 3  # its exit status when compile_pipeline raised a CompileError
_CHILD_MARK = "\x00workshop: compile error\x00"  # on stderr, before that message (the file may print too)
APART_TIMEOUT = 60.0  # seconds a preview's child may take; a file that never finishes importing ends there


def compile_apart(path: Path, function: str, package: Path, source: bytes | None = None,
                  timeout: float = APART_TIMEOUT, documents: bool = False) -> Path:
    """compile_pipeline in a child interpreter: the same package, the same CompileError messages.

    For a compile nobody waits on (the app's run graph before a run): kfp is imported there,
    not in the caller, which keeps its memory and its CPU (the child takes the other core,
    where a thread would hold the interpreter's lock while the screen paints). With `documents`,
    the child also writes the package's YAML documents as JSON beside it (`documents_path`): the
    caller reads them without loading a YAML parser (the idle app's run graph).
    """
    import subprocess

    if source is None:
        try:
            source = path.read_bytes()
        except OSError as exc:
            raise CompileError(f"cannot read {path}: {exc.strerror or exc}") from exc
    root = str(Path(__file__).resolve().parents[2])
    try:
        done = subprocess.run([sys.executable, "-c", _CHILD, root, str(path), function, str(package),
                               *(["--documents"] if documents else [])],
                              input=source, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise CompileError(f"{path.name} did not compile within {timeout:.0f} s (does it wait for something "
                           "when imported?)") from None
    err = done.stderr.decode("utf-8", "replace").strip()
    if done.returncode == _CHILD_FAILED and _CHILD_MARK in err:
        raise CompileError(err.rsplit(_CHILD_MARK, 1)[1])
    if done.returncode != 0 or not package.is_file() or (documents and not documents_path(package).is_file()):
        last = err.splitlines()[-1] if err else f"exit status {done.returncode}"
        raise CompileError(f"{path.name} does not compile: {last}")
    return package


def documents_path(package: Path) -> Path:
    """Where compile_apart(documents=True) writes the package's documents as JSON."""
    return package.with_name(package.name + ".json")


def _child() -> None:
    """The child's side of compile_apart: argv is (file, function, package), stdin the file's bytes."""
    path, function, package = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
    source = sys.stdin.buffer.read()
    try:
        compile_pipeline(path, function, package, source)
    except CompileError as exc:
        sys.stderr.write(_CHILD_MARK + str(exc))
        sys.stderr.flush()
        os._exit(_CHILD_FAILED)
    if sys.argv[4:5] == ["--documents"]:
        import json

        from workshop.core.pipeline_spec import read_documents

        # the documents the caller's PipelineSpec.parse would read, parsed here (kfp has loaded yaml already)
        documents_path(package).write_text(json.dumps(read_documents(package.read_text(encoding="utf-8"))),
                                           encoding="utf-8")


def task_names(package: Path) -> list[str]:
    """The root DAG's tasks, in dependency order."""
    from workshop.core.pipeline_spec import PipelineSpec

    return list(PipelineSpec.load(package).root_tasks)
