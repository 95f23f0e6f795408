"""What a spare worker has imported while it waits for a run."""

from __future__ import annotations

from tests.conftest import ROOT


def test_a_spare_worker_waits_with_kfps_runtime_imports_only_not_the_kubernetes_client() -> None:
    """kfp 2.17.3 kfp/__init__.py lines 39-45: with _KFP_RUNTIME=true (what a lightweight
    component's container command sets) kfp.client, and with it kubernetes, is not imported."""
    import os
    import subprocess
    import sys

    names = "('kubernetes', 'kfp.client', 'yaml', 'kfp.dsl.executor_main')"
    code = ("import sys; from workshop.backends.local.worker import preload; preload(); "
            f"print(sorted(m for m in {names} if m in sys.modules))")
    env = {k: v for k, v in os.environ.items() if k != "_KFP_RUNTIME"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    assert done.stdout.split("\n")[0] == "['kfp.dsl.executor_main']", done.stdout


def test_a_spare_worker_waits_without_packaging_the_catalogs_or_ctypes() -> None:
    """What the idle worker (its module, preload and the fork server's module) leaves for later:
    packaging and importlib.metadata (a task asking for packages the app lacks), the text catalogs
    (a task's error lines), the app's ports and settings, ctypes (a task with mounts)."""
    import subprocess
    import sys

    later = ("packaging", "importlib.metadata", "workshop.core.text", "workshop.core.ports", "workshop.core.settings",
             "ctypes", "yaml")
    code = ("import sys; from workshop.backends.local import worker; worker.preload(); "
            "from workshop.backends.local import fastpath; "
            f"print(sorted(m for m in {later!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]", done.stdout
