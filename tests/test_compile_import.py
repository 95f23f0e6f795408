"""Compiling imports kfp without its client (core/compile.import_compiler), and that changes nothing
a pipeline file or its package can see.

Each case runs in a fresh interpreter, because which of kfp's modules a process has imported is
the thing looked at.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PIPELINES = {  # the five lessons' reference pipelines, by function
    "pythagorean.py": "pythagorean",
    "pvc_sort.py": "demo_sort_pipeline",
    "resources.py": "cgpu_setting_node_selector_pipeline",
    "minio_model.py": "digits_pipeline",
    "kserve_iris.py": "kserver_pipeline",
}


def _python(code: str, *args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


COMPILE = """
import sys
from pathlib import Path
if sys.argv[3] == "whole":
    import kfp  # a plain import first: kfp/__init__ imports everything
from workshop.core.compile import compile_pipeline
compile_pipeline(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[4]))
print("kubernetes" in sys.modules, "kfp.client" in sys.modules)
"""


@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_the_package_is_the_one_a_whole_kfp_import_compiles(name: str, tmp_path: Path) -> None:
    source = str(ROOT / "pipelines" / name)
    ours = _python(COMPILE, source, PIPELINES[name], "ours", str(tmp_path / "ours.yaml"))
    whole = _python(COMPILE, source, PIPELINES[name], "whole", str(tmp_path / "whole.yaml"))
    assert (tmp_path / "ours.yaml").read_bytes() == (tmp_path / "whole.yaml").read_bytes()
    # kfp's client was never imported (nor the kubernetes client, unless the file's own imports need it)
    assert ours.split()[1] == "False"
    assert whole.split() == ["True", "True"]
    if name == "pythagorean.py":
        assert ours.split() == ["False", "False"]


def test_what_kfp_left_out_comes_on_first_use(tmp_path: Path) -> None:
    """A pipeline file that uses kfp.Client, kfp.components and `from kfp import Client` still works."""
    pipeline = tmp_path / "uses_client.py"
    pipeline.write_text(
        "import kfp\n"
        "from kfp import Client, dsl\n"
        "from kfp import components\n"
        "assert kfp.Client is Client and kfp.components is components\n"
        "CLIENT = kfp.client.Client.__name__\n"
        "@dsl.component\n"
        "def one() -> int:\n"
        "    return 1\n"
        "@dsl.pipeline\n"
        "def p():\n"
        "    one()\n")
    out = _python("import sys\nfrom pathlib import Path\nfrom workshop.core.compile import compile_pipeline\n"
                  "compile_pipeline(Path(sys.argv[1]), 'p', Path(sys.argv[2]))\n"
                  "import kfp, os\n"
                  "print(sys.modules['workshop_pipeline_uses_client_' + __import__('hashlib').sha1("
                  "Path(sys.argv[1]).read_bytes()).hexdigest()[:10]].CLIENT)\n"
                  "print(os.environ.get('_KFP_RUNTIME', 'unset'))\n"
                  "try:\n    kfp.no_such_thing\nexcept AttributeError as exc:\n    print(exc)\n",
                  str(pipeline), str(tmp_path / "p.yaml"))
    assert out.splitlines() == ["Client", "unset", "module 'kfp' has no attribute 'no_such_thing'"]



APART = """
import sys
from pathlib import Path
from workshop.core.compile import CompileError, compile_apart
try:
    compile_apart(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), timeout=float(sys.argv[4]))
    print("compiled")
except CompileError as exc:
    print("CompileError:", exc)
print("kfp imported here:", "kfp" in sys.modules)
"""


def test_a_compile_apart_gives_the_same_package_and_keeps_kfp_out_of_the_caller(tmp_path: Path) -> None:
    source = str(ROOT / "pipelines" / "pythagorean.py")
    out = _python(APART, source, "pythagorean", str(tmp_path / "apart.yaml"), "60")
    _python(COMPILE, source, "pythagorean", "ours", str(tmp_path / "here.yaml"))
    assert out.splitlines() == ["compiled", "kfp imported here: False"]
    assert (tmp_path / "apart.yaml").read_bytes() == (tmp_path / "here.yaml").read_bytes()


def test_a_compile_apart_says_what_compile_pipeline_says(tmp_path: Path) -> None:
    """The learner's mistake comes back as the same CompileError message, whatever the file printed."""
    from workshop.core.compile import CompileError, compile_pipeline

    broken = tmp_path / "broken.py"
    broken.write_text("import sys\nprint('hello', file=sys.stderr)\nfrom kfp import dsl\nx = 1 / 0\n")
    with pytest.raises(CompileError) as here:
        compile_pipeline(broken, "p", tmp_path / "b.yaml")
    out = _python(APART, str(broken), "p", str(tmp_path / "b.yaml"), "60")
    assert out.splitlines()[0] == f"CompileError: {here.value}"
    assert "ZeroDivisionError" in out and "line 4" in out


def test_a_file_that_never_finishes_importing_ends_with_a_message(tmp_path: Path) -> None:
    hangs = tmp_path / "hangs.py"
    hangs.write_text("import threading\nthreading.Event().wait()\n")
    out = _python(APART, str(hangs), "p", str(tmp_path / "h.yaml"), "3")
    assert out.splitlines()[0] == ("CompileError: hangs.py did not compile within 3 s "
                                   "(does it wait for something when imported?)")


DOCUMENTS = """
import sys
from pathlib import Path
from workshop.core.compile import compile_apart, documents_path
from workshop.core.pipeline_spec import PipelineSpec
package = compile_apart(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), documents=True)
spec = PipelineSpec.load_documents(documents_path(package))
print("yaml imported here:", "yaml" in sys.modules)
print([t.qualified for t in spec.tasks])
print(spec.documents == PipelineSpec.load(package).documents)
"""


@pytest.mark.parametrize(("file", "function"), [
    ("pythagorean.py", "pythagorean"), ("pvc_sort.py", "demo_sort_pipeline"),
    ("resources.py", "cgpu_setting_node_selector_pipeline"), ("minio_model.py", "digits_pipeline"),
    ("kserve_iris.py", "kserver_pipeline"),  # every lesson's pipeline (lessons/*/lesson.toml)
])
def test_a_compile_apart_gives_the_documents_as_json_the_yaml_parser_reads(
        tmp_path: Path, file: str, function: str) -> None:
    """The idle app's run graph reads the package's documents as JSON written by the child: the same
    documents PipelineSpec.load parses from the YAML (compared after the caller's YAML check, below the
    first print), and the caller never loads a YAML parser for them."""
    out = _python(DOCUMENTS, str(ROOT / "pipelines" / file), function, str(tmp_path / "p.yaml")).splitlines()
    assert out[0] == "yaml imported here: False"
    assert out[1].startswith("[") and out[1] != "[]"
    assert out[2] == "True"
