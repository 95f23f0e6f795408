"""The core and the backends never import the UI; start-up never imports the heavy ML stack."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import workshop

PACKAGE = Path(workshop.__file__).parent


def _modules(folder: str) -> list[str]:
    names = []
    for path in sorted((PACKAGE / folder).rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        names.append(".".join(parts))
    return names


def _imported_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys\nprint('\\n'.join(sys.modules))"],
                         capture_output=True, text=True, check=True)
    return {line.split(".")[0] for line in out.stdout.splitlines()}


def test_core_and_backends_never_import_textual() -> None:
    modules = _modules("core") + _modules("backends")
    assert "workshop.core.course" in modules and "workshop.backends.local.backend" in modules
    imported = _imported_after("\n".join(f"import {name}" for name in modules))
    assert "textual" not in imported


def test_starting_the_app_imports_no_ml_stack_and_no_kfp() -> None:
    code = (
        "import os, tempfile\n"
        "os.environ['WORKSHOP_HOME'] = tempfile.mkdtemp()\n"
        "from workshop.app import make_app\n"
        "from workshop.core.course import Course\n"
        "from workshop.core.settings import Settings\n"
        "make_app(Course(Settings.load('en')), 'local')\n"
    )
    imported = _imported_after(code)
    assert "textual" in imported
    for heavy in ("tensorflow", "keras", "kserve", "sklearn", "kfp", "kubernetes", "minio", "torch"):
        assert heavy not in imported, heavy
