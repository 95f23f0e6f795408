"""Lesson 3 on a cluster: the executor pod as placed, GPU nodes, and a pod stuck Pending for GPUs explained."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cluster.conftest import collect
from tests.cluster.fake import FakeServer
from tests.cluster.sim import NS, Frame, Sim, event_json, node_json, pod_json, run_json
from tests.cluster.test_contract_runs import start
from workshop.core.events import LogLine

GPU = {"cpu": "1", "memory": "4G", "nvidia.com/gpu": "2"}
SELECTOR = {"nvidia.com/gpu.product": "NVIDIA-GeForce-RTX-3090"}
SCHEDULER = ("0/2 nodes are available: 1 Insufficient nvidia.com/gpu, 1 node(s) didn't match Pod's node "
             "affinity/selector. preemption: 0/2 nodes are available.")


def _pending(sim: Sim, run_id: str, polls: int = 6) -> None:
    pending = pod_json("p-train", "train-model", run_id, limits=GPU, node_selector=SELECTOR, unschedulable=SCHEDULER)
    sim.events["p-train"] = [event_json("p-train", "FailedScheduling", SCHEDULER)]
    frames = [Frame(run_json(run_id, "RUNNING", {"load-data": "SUCCEEDED", "train-model": "PENDING"}), [pending])
              for _ in range(polls)]
    sim.scenario(*frames, Frame(run_json(run_id, "CANCELED", {"load-data": "SUCCEEDED", "train-model": "CANCELED"}),
                                [pending]))


@pytest.mark.parametrize("identity", ["learner", "instructor"])
def test_a_pod_pending_for_gpus_is_explained_once_on_its_task(make_backend, sim: Sim, fake: FakeServer,
                                                              tmp_path: Path, identity: str) -> None:
    """Only an instructor may list nodes (kubeflow-edit grants nothing cluster-scoped): a learner is told so."""
    backend = make_backend(identity)
    run_id = start(backend, tmp_path, "cgpu_setting_node_selector_pipeline")
    sim.nodes = [node_json("cpu-1", labels={"kubernetes.io/hostname": "cpu-1"}),
                 node_json("gpu-1", gpus=1, labels={"nvidia.com/gpu.product": "NVIDIA-A10"})]
    _pending(sim, run_id, polls=40)
    events = collect(backend, run_id)
    said = [e.line for e in events if isinstance(e, LogLine) and e.task == "train-model"]
    assert said == [
        f"[workshop] train-model is waiting for a node: {SCHEDULER}",
        "[workshop] train-model asks for 2 nvidia.com/gpu on nodes labelled "
        "nvidia.com/gpu.product=NVIDIA-GeForce-RTX-3090",
    ] + ([
        "[workshop] nodes with that label: none",
        "[workshop] nodes with GPUs: gpu-1 (1 GPUs, nvidia.com/gpu.product=NVIDIA-A10)",
    ] if identity == "instructor" else [
        "[workshop] this account may not list nodes; an admin can check with kubectl get nodes -L "
        "nvidia.com/gpu.product (and kubectl describe node | grep nvidia.com/gpu)"])
    queried = fake.calls("GET", f"/api/v1/namespaces/{NS}/events")
    assert queried and queried[0].q("fieldSelector") == "involvedObject.kind=Pod,involvedObject.name=p-train"
    assert len(fake.calls("GET", "/api/v1/nodes")) == 1


def test_without_permission_to_list_nodes_the_explanation_says_who_can_check(make_backend, sim: Sim,
                                                                             tmp_path: Path) -> None:
    backend = make_backend()
    run_id = start(backend, tmp_path, "cgpu_setting_node_selector_pipeline")
    sim.nodes = None  # 403, as for a profile user
    _pending(sim, run_id)
    said = [e.line for e in collect(backend, run_id) if isinstance(e, LogLine)]
    assert any("may not list nodes" in line and "kubectl get nodes -L nvidia.com/gpu.product" in line
               for line in said)
    assert backend.gpu_lines() is None


def test_task_pod_gives_limits_selector_node_and_its_labels(make_backend, sim: Sim, tmp_path: Path) -> None:
    backend = make_backend(identity="instructor")  # nodes: a learner may not read them (kubeflow-edit has none)
    run_id = start(backend, tmp_path, "cgpu_setting_node_selector_pipeline")
    labels = {"nvidia.com/gpu.product": "NVIDIA-GeForce-RTX-3090", "kubernetes.io/hostname": "gpu-2"}
    sim.nodes = [node_json("gpu-2", gpus=4, labels=labels)]
    sim.scenario(Frame(run_json(run_id, "SUCCEEDED"), [
        pod_json("p-train-driver", "train-model", run_id, driver=True, main="terminated"),
        pod_json("p-train", "train-model", run_id, main="terminated", limits=GPU, node_selector=SELECTOR,
                 node_name="gpu-2")]))
    pod = backend.task_pod(run_id, "train-model")
    assert pod == {"name": "p-train", "namespace": NS, "phase": "Succeeded", "container": "main", "limits": GPU,
                   "requests": {}, "node_selector": SELECTOR, "node_name": "gpu-2", "node_labels": labels}
    assert backend.task_pod(run_id, "load-data") is None
    assert backend.gpu_lines() == ["node gpu-2: 4 GPU(s), nvidia.com/gpu.product=NVIDIA-GeForce-RTX-3090"]
    sim.nodes = [node_json("cpu-1")]
    assert backend.gpu_lines() is None
