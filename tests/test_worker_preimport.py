"""The worker imports, once before it forks, what two or more of a run's tasks install and import."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ROOT
from workshop.backends.local.worker import shared_imports
from workshop.core.compile import compile_pipeline
from workshop.core.pipeline_spec import PipelineSpec


def test_two_tasks_that_install_scikit_learn_share_one_import_and_a_single_one_keeps_its_own(tmp_path: Path) -> None:
    iris = compile_pipeline(ROOT / "pipelines" / "kserve_iris.py", "kserver_pipeline", tmp_path / "5.yaml")
    assert shared_imports(PipelineSpec.load(iris)) == ["sklearn.datasets", "sklearn.model_selection"]
    digits = compile_pipeline(ROOT / "pipelines" / "minio_model.py", "digits_pipeline", tmp_path / "4.yaml")
    assert shared_imports(PipelineSpec.load(digits)) == []  # TensorFlow's task alone: nothing shared


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
