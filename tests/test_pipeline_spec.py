"""The one reader of a compiled pipeline (workshop/core/pipeline_spec.py), on packages kfp really compiles.

The order follows kfp's own idea (sdk/python/kfp/local/graph_utils.py, topological_sort, tag
2.17.3: sort once, by dependentTasks), in waves with ties by name, and a cycle is an error
instead of a silent order (kfp's own DFS has no cycle check). Executor labels come from each
task's component (executorLabel) and are global to the package, which is how the compiler keys
the kubernetes config (kfp/compiler/pipeline_spec_builder.py, platform_config_to_platform_spec
~1621, 2.17.3).
"""

# no `from __future__ import annotations`: kfp reads the components' annotations as types
from pathlib import Path

import pytest
from kfp import compiler, dsl, kubernetes

from tests.conftest import ROOT
from workshop.backends.cluster import spec as cluster_spec
from workshop.core.compile import compile_pipeline, task_names
from workshop.core.errors import BackendError, WorkshopError
from workshop.core.pipeline_spec import PipelineSpec, PipelineSpecError, dependency_order

FIXTURE = ROOT / "tests" / "fixtures" / "platform_depth.py"


@pytest.fixture(scope="module")
def depth(tmp_path_factory: pytest.TempPathFactory) -> PipelineSpec:
    package = compile_pipeline(FIXTURE, "depth_pipeline", tmp_path_factory.mktemp("spec") / "p.yaml")
    return PipelineSpec.load(package)


def test_every_task_at_every_depth_comes_after_what_it_depends_on(depth: PipelineSpec) -> None:
    paths = [t.qualified for t in depth.tasks]
    assert len(paths) == len(set(paths))
    position = {t.path: i for i, t in enumerate(depth.tasks)}
    for task in depth.tasks:
        if task.depth:  # a task inside a sub-DAG comes after the DAG task that holds it
            assert position[task.path[:-1]] < position[task.path]
        for upstream in task.dependencies:
            assert position[(*task.path[:-1], upstream)] < position[task.path], task.qualified
    # the exit task depends on the exit handler; three feeds the conditions inside it
    assert depth.root_tasks == ("show", "three", "exit-handler-1", "show-2")
    tags = {depth.task_spec(t).get("inputs", {}).get("parameters", {}).get("tag", {})
            .get("runtimeValue", {}).get("constant"): t for t in depth.executor_tasks()}
    assert tags["loop"].path[-2].startswith("for-loop-")
    assert tags["else"].depth == 4 and tags["if"].depth == 2
    assert tags["handler"].parent == "comp-exit-handler-1"
    nested = next(t for t in depth.tasks if t.parent == "comp-inner")
    assert nested.name == "show" and nested.path[-2] == "inner"


def test_executor_labels_are_the_components_at_every_depth(depth: PipelineSpec) -> None:
    executors = depth.spec["deploymentSpec"]["executors"]
    for task in depth.tasks:
        component = depth.spec["components"][task.component]
        assert task.executor_label == component.get("executorLabel")
        if task.executor_label:
            assert task.executor_label in executors
    # the same short name at two depths: root first, the nested one by its path
    assert depth.task("show") is not None and depth.task("show").depth == 0  # type: ignore[union-attr]
    assert [t.depth for t in depth.find("show")] == [0, 3]
    assert depth.task("exit-handler-1/condition-branches-3/inner/show").executor_label == "exec-show-2"  # type: ignore[union-attr]
    assert depth.root_executor_labels() == {"show": "exec-show", "three": "exec-three", "show-2": "exec-show-2-2"}


def test_a_pvc_name_from_a_parameter_is_traced_to_the_runs_arguments(depth: PipelineSpec) -> None:
    elif_task = depth.task("show-6")
    assert elif_task is not None and elif_task.depth == 3
    assert depth.pvc_mounts(elif_task) == [("depth-other", "/mnt/depth")]  # the pipeline's default
    assert depth.pvc_mounts(elif_task, {"other_pvc": "mine"}) == [("mine", "/mnt/depth")]
    assert depth.volumes({"other_pvc": "mine"}) == ["depth-vol", "mine"]
    assert depth.mount_paths() == ["/mnt/depth"]
    secret = depth.platform_of(elif_task.executor_label).secret_env
    assert [(str(s.secret), s.key, s.env_var) for s in secret] == [
        ("mlpipeline-minio-artifact", "accesskey", "DEPTH_SECRET")]


def test_a_loop_item_as_pvc_name_is_known_only_while_the_run_runs(tmp_path: Path) -> None:
    @dsl.component(base_image="python:3.11")
    def noop() -> None:
        pass

    @dsl.pipeline(name="loop-pvc")
    def loop_pvc() -> None:
        with dsl.ParallelFor(["a", "b"]) as name:
            kubernetes.mount_pvc(noop(), pvc_name=name, mount_path="/mnt/x")

    package = tmp_path / "loop.yaml"
    compiler.Compiler().compile(loop_pvc, str(package))
    spec = PipelineSpec.load(package)
    (task,) = spec.executor_tasks()
    assert spec.pvc_mounts(task) == [(None, "/mnt/x")]
    assert spec.platform_of(task.executor_label).pvc_mounts[0].pvc.component_input


def test_resources_and_node_selector_at_depth(tmp_path: Path) -> None:
    @dsl.component(base_image="python:3.11")
    def train() -> None:
        pass

    @dsl.pipeline(name="resources")
    def resources(flag: bool = True) -> None:
        with dsl.If(flag == True):  # noqa: E712 - kfp's condition syntax
            task = train().set_cpu_limit("1").set_memory_limit("4G").set_memory_request("1G")
            task.set_accelerator_type("nvidia.com/gpu").set_accelerator_limit(2)
            kubernetes.add_node_selector(task, "nvidia.com/gpu.product", "RTX-3090")

    package = tmp_path / "r.yaml"
    compiler.Compiler().compile(resources, str(package))
    spec = PipelineSpec.load(package)
    task = spec.task("train")
    assert task is not None and task.depth == 1
    res = spec.resources(task.executor_label)
    assert (res.cpu_limit, res.memory_limit, res.memory_request) == ("1", "4G", "1G")
    assert (res.accelerator_type, res.accelerator_count) == ("nvidia.com/gpu", "2")
    assert spec.node_selector(task.executor_label) == {"nvidia.com/gpu.product": "RTX-3090"}


def test_a_cycle_is_an_error_that_names_its_tasks() -> None:
    assert dependency_order({"b": ["a"], "a": [], "c": ["a", "outside"]}) == ["a", "b", "c"]
    with pytest.raises(PipelineSpecError, match="circle: a, b"):
        dependency_order({"a": ["b"], "b": ["a"], "c": []})
    spec = {"root": {"dag": {"tasks": {"x": {"componentRef": {"name": "comp-d"}}}}},
            "components": {"comp-d": {"dag": {"tasks": {
                "p": {"componentRef": {"name": "comp-e"}, "dependentTasks": ["q"]},
                "q": {"componentRef": {"name": "comp-e"}, "dependentTasks": ["p"]}}}},
                "comp-e": {"executorLabel": "exec-e"}}}
    with pytest.raises(PipelineSpecError, match="circle: p, q"):  # a cycle inside a sub-DAG, too
        PipelineSpec(spec)
    with pytest.raises(BackendError, match="circle"):
        cluster_spec.task_names(spec)


def test_a_component_that_holds_itself_is_an_error() -> None:
    spec = {"root": {"dag": {"tasks": {"x": {"componentRef": {"name": "comp-d"}}}}},
            "components": {"comp-d": {"dag": {"tasks": {"y": {"componentRef": {"name": "comp-d"}}}}}}}
    with pytest.raises(PipelineSpecError, match="contains itself"):
        PipelineSpec(spec)


@pytest.mark.parametrize(("text", "match"), [("", "holds no pipeline"), ("- a\n- b\n", "holds no pipeline"),
                                            ("root: [unclosed\n", "bad YAML")])
def test_a_package_without_a_pipeline_is_a_clear_error(tmp_path: Path, text: str, match: str) -> None:
    package = tmp_path / "p.yaml"
    package.write_text(text)
    with pytest.raises(PipelineSpecError, match=match) as caught:
        PipelineSpec.load(package)
    assert isinstance(caught.value, WorkshopError)
    with pytest.raises(BackendError, match=match):  # the cluster backend's own error, as before
        cluster_spec.load_documents(package)


def test_a_missing_package_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(PipelineSpecError, match="cannot read the compiled pipeline .*nothing.yaml"):
        PipelineSpec.load(tmp_path / "nothing.yaml")


def test_the_readers_agree_on_the_root_order(depth: PipelineSpec, tmp_path: Path) -> None:
    package = compile_pipeline(FIXTURE, "depth_pipeline", tmp_path / "p.yaml")
    assert task_names(package) == list(depth.root_tasks)
    assert cluster_spec.task_names(depth.spec) == depth.root_tasks
    assert cluster_spec.task_names({}) == ()
    docs = cluster_spec.load_documents(package)
    assert docs[0]["pipelineInfo"]["name"] == "platform-depth" and "platforms" in docs[1]
    # the API's wrapped form (pipeline_spec + platform_spec) reads the same
    wrapped = PipelineSpec.from_documents([{"pipeline_spec": depth.spec, "platform_spec": depth.platform}])
    assert wrapped.tasks == depth.tasks and wrapped.executors == depth.executors


def test_caching_off_still_reaches_every_sub_dag(tmp_path: Path) -> None:
    package = compile_pipeline(FIXTURE, "depth_pipeline", tmp_path / "p.yaml")
    target = cluster_spec.caching_off(package, tmp_path / "off.yaml")
    spec = PipelineSpec.load(target)
    assert spec.platform  # the platform spec survives the rewrite
    assert all(spec.task_spec(t).get("cachingOptions") == {"enableCache": False} for t in spec.tasks)
