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
