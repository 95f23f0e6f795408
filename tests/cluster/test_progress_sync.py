"""Progress mirrored to the ConfigMap workshop-progress: push, then pull into an empty store."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cluster.fake import FakeServer
from tests.cluster.sim import NS, Objects
from workshop.core import progress_mirror
from workshop.core.progress import ProgressStore

CM = f"/api/v1/namespaces/{NS}/configmaps"


def test_push_then_pull_restores_an_empty_store(make_backend, fake: FakeServer, tmp_path: Path) -> None:
    objects = Objects(fake)
    backend = make_backend()
    store = ProgressStore(tmp_path / "a.db", "ada")
    store.record_attempt(1, True, {"run_id": "r1", "source": {"own_code": True}})
    store.record_attempt(2, False, {}, "sorted: not descending")
    progress_mirror.push(backend, store)
    assert [(r.method, r.path) for r in fake.calls()] == [("POST", CM)]
    saved = objects.get("configmaps", NS, "workshop-progress")
    assert saved is not None
    assert saved["metadata"]["labels"] == {"app.kubernetes.io/part-of": "kubeflow-workshop"}
    data = json.loads(saved["data"]["progress.json"])
    assert data["learner"] == "ada" and set(data["lessons"]) == {"1", "2"}
    assert data["lessons"]["2"]["last_failure"] == "sorted: not descending"
    assert data["lessons"]["1"]["own_code"] is True and data["lessons"]["2"]["own_code"] is None

    store.record_attempt(2, True, {})
    progress_mirror.push(backend, store)  # exists now: created-or-patched
    assert [(r.method, r.path) for r in fake.calls()][1:] == [("POST", CM), ("PATCH", f"{CM}/workshop-progress")]

    fresh = ProgressStore(tmp_path / "b.db", "ada")
    assert progress_mirror.pull(backend, fresh) is True
    restored, original = fresh.all_lessons(), store.all_lessons()
    assert {i: (r.state, r.attempts, r.passed_at, r.last_failure) for i, r in restored.items()} == {
        i: (r.state, r.attempts, r.passed_at, r.last_failure) for i, r in original.items()}
    assert progress_mirror.pull(backend, fresh) is False  # not empty any more: the local store wins


def test_pull_without_a_configmap_changes_nothing(make_backend, fake: FakeServer, tmp_path: Path) -> None:
    Objects(fake)
    store = ProgressStore(tmp_path / "a.db", "ada")
    assert progress_mirror.pull(make_backend(), store) is False
    assert store.all_lessons() == {}
    assert [(r.method, r.path) for r in fake.calls()] == [("GET", f"{CM}/workshop-progress")]


def test_a_backend_without_save_progress_is_left_alone(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path / "a.db", "ada")
    progress_mirror.push(object(), store)
    assert progress_mirror.pull(object(), store) is False
