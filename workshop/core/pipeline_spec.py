"""The one reader of a compiled pipeline package (the YAML `kfp.compiler` writes).

A package holds the pipeline spec and, when the pipeline uses kfp-kubernetes, a platform
spec. Everything the workshop needs from it is read here, once: the tasks at every depth of
the DAG (the root and the sub-DAGs that dsl.If/Elif/Else, ParallelFor, ExitHandler and nested
pipelines compile to), in dependency order, and each executor's platform config (PVC mounts,
secrets as environment variables, node selector) and resources. The local backend, the
cluster backend and the checks all use it, so they cannot disagree about what a pipeline asks.

kfp-kubernetes keys its config by executor label (platforms.kubernetes.deploymentSpec.
executors), and executor labels are global to the package, like deploymentSpec.executors:
a task at any depth finds its config through its component's executorLabel.

Pure core: no kfp import (protobuf is not needed to read YAML), no backend import.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workshop.core.errors import WorkshopError


class PipelineSpecError(WorkshopError):
    """The package cannot be read, holds no pipeline, or its DAG cannot run (a cycle)."""


@dataclass(frozen=True)
class Param:
    """A value kfp-kubernetes takes as a parameter (a PVC name, a secret name).

    Exactly one is set: a constant, an input of the DAG that holds the task, or an output of
    another task in that DAG.
    """

    constant: str | None = None
    component_input: str | None = None
    task_output: tuple[str, str] | None = None  # (producer task, output key)

    def __str__(self) -> str:
        if self.constant is not None:
            return self.constant
        if self.component_input is not None:
            return f"{{{{inputs.{self.component_input}}}}}"
        if self.task_output is not None:
            return f"{{{{tasks.{self.task_output[0]}.{self.task_output[1]}}}}}"
        return ""


@dataclass(frozen=True)
class PvcMount:
    pvc: Param
    mount_path: str
    sub_path: str = ""


@dataclass(frozen=True)
class SecretEnv:
    secret: Param
    key: str
    env_var: str
    optional: bool = False


@dataclass(frozen=True)
class Resources:
    """A container's resources as the IR holds them; "" where not set."""

    cpu_limit: str = ""
    memory_limit: str = ""
    cpu_request: str = ""
    memory_request: str = ""
    accelerator_type: str = ""
    accelerator_count: str = ""


@dataclass(frozen=True)
class ExecutorPlatform:
    """One executor's kfp-kubernetes config; `raw` is the document's own mapping, for evidence."""

    pvc_mounts: tuple[PvcMount, ...] = ()
    secret_env: tuple[SecretEnv, ...] = ()
    node_selector: dict[str, str] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Task:
    """A task at some depth of the DAG.

    path: the DAG task names from the root down to this task (("exit-handler-1", "for-loop-2",
    "train") for a task inside a loop inside an exit handler). parent: the component whose DAG
    holds it ("root" at the root). executor_label: None for a task that is itself a DAG.
    """

    name: str
    path: tuple[str, ...]
    parent: str
    component: str
    executor_label: str | None
    dependencies: tuple[str, ...] = ()

    @property
    def depth(self) -> int:
        return len(self.path) - 1

    @property
    def qualified(self) -> str:
        return "/".join(self.path)


ROOT = "root"


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _param(raw: Any) -> Param:
    """An InputParameterSpec as JSON (pvcNameParameter, secretNameParameter)."""
    raw = _mapping(raw)
    runtime = _mapping(raw.get("runtimeValue"))
    if "constant" in runtime:
        return Param(constant=str(runtime["constant"]))
    if raw.get("componentInputParameter"):
        return Param(component_input=str(raw["componentInputParameter"]))
    output = _mapping(raw.get("taskOutputParameter"))
    if output.get("producerTask"):
        return Param(task_output=(str(output["producerTask"]), str(output.get("outputParameterKey", ""))))
    return Param()


def _pvc_param(mount: dict[str, Any]) -> Param:
    # kfp-kubernetes 2.x writes pvcNameParameter and, for older readers, the deprecated oneof
    # (constant / componentInputParameter / taskOutputParameter); either may be alone.
    if "pvcNameParameter" in mount:
        param = _param(mount["pvcNameParameter"])
        if param != Param():
            return param
    if mount.get("constant"):
        return Param(constant=str(mount["constant"]))
    if mount.get("pvcName"):
        return Param(constant=str(mount["pvcName"]))
    if mount.get("componentInputParameter"):
        return Param(component_input=str(mount["componentInputParameter"]))
    output = _mapping(mount.get("taskOutputParameter"))
    if output.get("producerTask"):
        return Param(task_output=(str(output["producerTask"]), str(output.get("outputParameterKey", ""))))
    return Param()


def _secret_param(secret: dict[str, Any]) -> Param:
    if "secretNameParameter" in secret:
        param = _param(secret["secretNameParameter"])
        if param != Param():
            return param
    return Param(constant=str(secret["secretName"])) if secret.get("secretName") else Param()


def _executor_platform(cfg: dict[str, Any]) -> ExecutorPlatform:
    mounts = tuple(
        PvcMount(_pvc_param(m), str(m["mountPath"]), str(m.get("subPath", "")))
        for m in map(_mapping, _list(cfg.get("pvcMount"))) if m.get("mountPath")
    )
    secrets = tuple(
        SecretEnv(_secret_param(s), str(k.get("secretKey", "")), str(k.get("envVar", "")), bool(s.get("optional")))
        for s in map(_mapping, _list(cfg.get("secretAsEnv")))
        for k in map(_mapping, _list(s.get("keyToEnv")))
    )
    labels = _mapping(_mapping(cfg.get("nodeSelector")).get("labels"))
    return ExecutorPlatform(mounts, secrets, {str(k): str(v) for k, v in labels.items()}, cfg)


def dependency_order(dependencies: Mapping[str, Iterable[str]]) -> list[str]:
    """Names in an order where each comes after what it depends on; ties by name, in waves.

    Dependencies on names outside the mapping are ignored (an exit task's upstream lives in
    another DAG). A cycle cannot compile, but bad input must not loop: it is an error that
    names the tasks on the cycle.
    """
    deps = {name: set(needs) & set(dependencies) for name, needs in dependencies.items()}
    order: list[str] = []
    done: set[str] = set()
    while deps:
        ready = sorted(name for name, needs in deps.items() if needs <= done)
        if not ready:
            raise PipelineSpecError(
                "the pipeline's tasks depend on each other in a circle: " + ", ".join(sorted(deps))
                + "; each task may only wait for tasks that do not wait for it")
        order.extend(ready)
        done.update(ready)
        for name in ready:
            del deps[name]
    return order


def read_documents(text: str, source: str = "") -> list[Any]:
    """The YAML documents of a compiled package (the empty ones left out)."""
    import yaml  # here, not at import: a local run's worker builds its spec from JSON and waits without yaml

    # libyaml's safe loader when PyYAML was built with it (the wheels are): the same documents as
    # yaml.safe_load_all, some ten times faster on a compiled package.
    loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return [d for d in yaml.load_all(text, Loader=loader) if d]
    except yaml.YAMLError as exc:
        raise PipelineSpecError(f"{source or 'the package'} is not a compiled pipeline (bad YAML): {exc}") from None


class PipelineSpec:
    """A compiled pipeline, read once."""

    def __init__(self, spec: dict[str, Any], platform: dict[str, Any] | None = None, source: str = "") -> None:
        if not isinstance(spec, dict) or not spec:
            raise PipelineSpecError(f"{source or 'the package'} holds no pipeline spec")
        self.spec = spec
        self.platform = platform if isinstance(platform, dict) else {}
        self.source = source
        self.components: dict[str, dict[str, Any]] = {
            str(k): _mapping(v) for k, v in _mapping(spec.get("components")).items()
        }
        executors = _mapping(_mapping(_mapping(_mapping(self.platform.get("platforms")).get("kubernetes"))
                                      .get("deploymentSpec")).get("executors"))
        self.executors: dict[str, ExecutorPlatform] = {
            str(label): _executor_platform(_mapping(cfg)) for label, cfg in executors.items()
        }
        self._task_specs: dict[tuple[str, ...], dict[str, Any]] = {}
        self.tasks: tuple[Task, ...] = tuple(self._walk(_mapping(spec.get("root")), ROOT, ()))

    # --- loading ----------------------------------------------------------------------
    @classmethod
    def load(cls, package: Path) -> PipelineSpec:
        try:
            text = Path(package).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise PipelineSpecError(f"cannot read the compiled pipeline {package}: {exc}") from None
        return cls.parse(text, str(package))

    @classmethod
    def parse(cls, text: str, source: str = "") -> PipelineSpec:
        return cls.from_documents(read_documents(text, source), source)

    @classmethod
    def load_documents(cls, path: Path, source: str = "") -> PipelineSpec:
        """From the documents as JSON (compile.compile_apart(documents=True)): no YAML parser needed."""
        import json

        try:
            docs = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise PipelineSpecError(f"cannot read the compiled pipeline's documents {path}: {exc}") from None
        return cls.from_documents([d for d in docs if d] if isinstance(docs, list) else [], source or str(path))

    @classmethod
    def from_documents(cls, docs: list[Any], source: str = "") -> PipelineSpec:
        if not docs or not isinstance(docs[0], dict):
            raise PipelineSpecError(f"{source or 'the package'} holds no pipeline spec")
        spec = docs[0]
        if "pipeline_spec" in spec and "root" not in spec:  # the API's wrapped form (spec + platform)
            return cls(_mapping(spec["pipeline_spec"]), _mapping(spec.get("platform_spec")), source)
        return cls(spec, docs[1] if len(docs) > 1 and isinstance(docs[1], dict) else {}, source)

    @property
    def documents(self) -> list[dict[str, Any]]:
        return [self.spec, self.platform] if self.platform else [self.spec]

    # --- the DAG ----------------------------------------------------------------------
    def _walk(self, component: dict[str, Any], name: str, path: tuple[str, ...],
              seen: tuple[str, ...] = ()) -> Iterable[Task]:
        if name in seen:
            raise PipelineSpecError(f"component {name} contains itself: " + " -> ".join((*seen, name)))
        tasks = {str(k): _mapping(v) for k, v in _mapping(_mapping(component.get("dag")).get("tasks")).items()}
        deps = {task: [str(d) for d in _list(spec.get("dependentTasks"))] for task, spec in tasks.items()}
        for task in dependency_order(deps):
            spec = tasks[task]
            ref = str(_mapping(spec.get("componentRef")).get("name", ""))
            child = self.components.get(ref, {})
            label = child.get("executorLabel")
            task_path = (*path, task)
            self._task_specs[task_path] = spec
            yield Task(task, task_path, name, ref, str(label) if label else None,
                       tuple(sorted(set(deps[task]) & set(tasks))))
            if "dag" in child:
                yield from self._walk(child, ref, task_path, (*seen, name))

    @property
    def name(self) -> str:
        return str(_mapping(self.spec.get("pipelineInfo")).get("name") or "")

    @property
    def root_tasks(self) -> tuple[str, ...]:
        """The root DAG's tasks in dependency order, ties by name."""
        return tuple(t.name for t in self.tasks if t.depth == 0)

    def executor_tasks(self) -> tuple[Task, ...]:
        """The tasks that run a container or an importer (not a sub-DAG), at every depth."""
        return tuple(t for t in self.tasks if t.executor_label)

    def find(self, name: str) -> list[Task]:
        """Every task called `name` (a nested pipeline used twice repeats its names), shallowest first."""
        return sorted((t for t in self.tasks if t.name == name or t.qualified == name), key=lambda t: t.depth)

    def task(self, name: str) -> Task | None:
        """The task called `name` (or with that qualified path): the root's first, then the shallowest."""
        found = self.find(name)
        return found[0] if found else None

    def task_spec(self, task: Task) -> dict[str, Any]:
        return self._task_specs.get(task.path, {})

    def root_executor_labels(self) -> dict[str, str]:
        """Root task name -> executor label, in dependency order (tasks that are DAGs left out)."""
        return {t.name: t.executor_label for t in self.tasks if t.depth == 0 and t.executor_label}

    # --- an executor's config ---------------------------------------------------------
    def platform_of(self, label: str | None) -> ExecutorPlatform:
        return self.executors.get(label or "", ExecutorPlatform())

    def container(self, label: str | None) -> dict[str, Any]:
        executors = _mapping(_mapping(self.spec.get("deploymentSpec")).get("executors"))
        return _mapping(_mapping(executors.get(label or "")).get("container"))

    def resources(self, label: str | None) -> Resources:
        res = _mapping(self.container(label).get("resources"))
        acc = _mapping(res.get("accelerator"))

        def pick(*keys: str, source: dict[str, Any] = res) -> str:
            for key in keys:
                if key in source:
                    return str(source[key])
            return ""

        return Resources(
            cpu_limit=pick("resourceCpuLimit", "cpuLimit"),
            memory_limit=pick("resourceMemoryLimit", "memoryLimit"),
            cpu_request=pick("resourceCpuRequest", "cpuRequest"),
            memory_request=pick("resourceMemoryRequest", "memoryRequest"),
            accelerator_type=pick("resourceType", "type", source=acc),
            accelerator_count=pick("resourceCount", "count", source=acc),
        )

    def node_selector(self, label: str | None) -> dict[str, str]:
        return dict(self.platform_of(label).node_selector)

    # --- where things are, as core/spec_place.py paths (for a check's evidence) -------
    @staticmethod
    def resources_place(label: str | None) -> str:
        return f"deploymentSpec.executors.{label}.container.resources" if label else ""

    @staticmethod
    def platform_place(label: str | None, key: str) -> str:
        """An executor's kfp-kubernetes entry: pvcMount, secretAsEnv, nodeSelector."""
        return f"platforms.kubernetes.deploymentSpec.executors.{label}.{key}" if label else ""

    @staticmethod
    def tasks_place(task: Task | None = None) -> str:
        """The task list of the DAG that holds `task` (the root's without one)."""
        if task is None or task.parent == ROOT:
            return "root.dag.tasks"
        return f"components.{task.parent}.dag.tasks"

    # --- parameters, resolved before the run ------------------------------------------
    def root_defaults(self) -> dict[str, Any]:
        params = _mapping(_mapping(_mapping(self.spec.get("root")).get("inputDefinitions")).get("parameters"))
        return {str(k): _mapping(v)["defaultValue"] for k, v in params.items() if "defaultValue" in _mapping(v)}

    def resolve(self, param: Param, task: Task, arguments: Mapping[str, Any] | None = None) -> str | None:
        """The value `param` takes for `task`, where it is known before the run; None where not.

        A constant is known. An input of the task's DAG is traced up through the DAG tasks that
        pass it down to the pipeline's own inputs (the run's arguments, then the defaults). A
        task's output, or a loop's item, is known only while the run runs.
        """
        if param.constant is not None:
            return param.constant
        name = param.component_input
        path = task.path[:-1]
        values = {**self.root_defaults(), **dict(arguments or {})}
        while name is not None:
            if not path:
                value = values.get(name)
                return None if value is None else str(value)
            given = _mapping(_mapping(_mapping(self._task_specs.get(path, {}).get("inputs")).get("parameters"))
                             .get(name))
            runtime = _mapping(given.get("runtimeValue"))
            if "constant" in runtime:
                return str(runtime["constant"])
            name = given.get("componentInputParameter")
            path = path[:-1]
        return None

    def pvc_mounts(self, task: Task, arguments: Mapping[str, Any] | None = None) -> list[tuple[str | None, str]]:
        """(PVC name or None where only the run knows it, mount path) for each mount of `task`."""
        return [(self.resolve(m.pvc, task, arguments), m.mount_path) for m in self.platform_of(task.executor_label)
                .pvc_mounts]

    def volumes(self, arguments: Mapping[str, Any] | None = None) -> list[str]:
        """Every PVC name a run with these arguments mounts, where known before the run."""
        names = {name for t in self.executor_tasks() for name, _ in self.pvc_mounts(t, arguments) if name}
        return sorted(names)

    def mount_paths(self) -> list[str]:
        """Every path any executor mounts a PVC at (the local backend masks them for the others)."""
        return sorted({m.mount_path for p in self.executors.values() for m in p.pvc_mounts})


def load(package: Path) -> PipelineSpec:
    return PipelineSpec.load(package)
