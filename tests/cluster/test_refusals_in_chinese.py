"""A cluster that refuses the learner is said in the reader's language (tests/test_error_words.py: the scan)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner


def test_a_cluster_that_refuses_the_learner_is_said_in_chinese(
        fake, sim, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The KFP API refuses the upload (403, no RBAC for it): `workshop --lang zh run 1 --backend cluster` says why in
    Chinese; tests/cluster/fake.py answers as the KFP API server does (kubeflow/pipelines 2.x, the v2beta1 API)."""
    from tests.cluster.conftest import point_at_fake
    from tests.cluster.fake import Reply, kfp_error
    from tests.cluster.sim import API
    from workshop.cli import main

    point_at_fake(monkeypatch, tmp_path, fake.url)
    monkeypatch.setenv("WORKSHOP_CONFIG", str(tmp_path / "none.toml"))
    fake.on("POST", f"{API}/pipelines/upload", Reply(403, kfp_error(7, "PermissionDenied: User 'me' is not "
                                                                        "authorized with reason: no create access")))
    result = CliRunner().invoke(main, ["--lang", "zh", "run", "1", "--backend", "cluster"])
    assert result.exit_code == 1, result.output
    assert "KFP API 拒绝了 POST /apis/v2beta1/pipelines/upload（403 Forbidden）：令牌背后的账号没有" in result.output
    assert "lacks permission" not in result.output
    assert "PermissionDenied" in result.output  # what the server said stays as it said it
