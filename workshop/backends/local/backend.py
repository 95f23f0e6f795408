"""The embedded local backend: no cluster, real parts.

Runs go to a worker process (worker.py) that drives kfp.local; the pipeline registry is
SQLite; volumes are folders; S3 is a SeaweedFS server and InferenceServices are served by
KServe's own model server, both on loopback and started only when a lesson needs them.

LocalBackend composes four parts, one job each: the pipeline registry (registry.py), run
supervision (supervisor.py, over a run's folder in runfiles.py), the servers started on demand
(services.py), and the reads the checks need (reads.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workshop.backends.local.reads import CheckReads
from workshop.backends.local.registry import PipelineRegistry
from workshop.backends.local.services import LazyServices
from workshop.backends.local.supervisor import RunSupervisor
from workshop.backends.local.volumes import Volumes
from workshop.core.errors import BackendError
from workshop.core.events import RunEvent, RunState
from workshop.core.ports import Artifact, DoctorItem, ObjectInfo, PipelineRef, ServiceStatus

if TYPE_CHECKING:
    from workshop.backends.local.controlplane import LocalControlPlane
    from workshop.backends.local.objectstore import ObjectStore

OBJECT_STORE_SECRET = "mlpipeline-minio-artifact"  # the secret name Kubeflow gives its artifact store


class LocalBackend:
    name = "local"
    clock_skew = 0.0  # the tasks run on this machine, on this clock

    def __init__(self, root: Path, assets: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.volumes = Volumes(root / "volumes", assets)
        self.registry = PipelineRegistry(root)
        self.runs = RunSupervisor(root)
        self.services = LazyServices(root)
        self.reads = CheckReads(self.runs.runs_dir, self.volumes, self.services)

    # --- services, started on demand ------------------------------------------------
    def object_store(self) -> ObjectStore:
        return self.services.object_store()

    def control_plane(self) -> LocalControlPlane:
        return self.services.control_plane()

    def defaults(self, keys: set[str]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        if "namespace" in keys:
            values["namespace"] = "local"
        if "object_store_endpoint" in keys:
            values["object_store_endpoint"] = self.object_store().endpoint
        return values

    # --- pipelines and runs ----------------------------------------------------------
    def upload_pipeline(self, package: Path, name: str, description: str) -> PipelineRef:
        return self.registry.upload(package, name, description)

    def submit(
        self,
        package: Path,
        pipeline: PipelineRef,
        arguments: dict[str, Any],
        run_name: str,
        services: tuple[str, ...] = (),
    ) -> str:
        from workshop.core.pipeline_spec import PipelineSpec, PipelineSpecError

        try:
            spec = PipelineSpec.load(package)
            # every PVC a task mounts, at any depth, with names from the run's arguments too
            for volume in spec.volumes(arguments):
                self.volumes.ensure(volume)
        except (PipelineSpecError, ValueError) as exc:
            raise BackendError.of("backend:run_cannot_start", error=exc) from None
        except OSError as exc:  # the volumes' folder cannot be made or written (a file in its place, a full disk)
            raise BackendError.of("backend:run_cannot_start", error=BackendError.of(
                "backend:volumes_unusable", folder=self.volumes.root, error=exc.strerror or exc)) from None
        secrets: dict[str, dict[str, str]] = {}
        env: dict[str, str] = {}
        if "object_store" in services:
            access, secret = self.object_store().credentials
            secrets[OBJECT_STORE_SECRET] = {"accesskey": access, "secretkey": secret}
        if "model_serving" in services:
            plane = self.control_plane()
            env["KUBECONFIG"] = str(plane.kubeconfig_path)
            plane.prewarm_server()  # kserve's imports overlap the tasks before the deploy
        return self.runs.start(package, pipeline, arguments, run_name, secrets, env, self.volumes.root,
                               documents=spec.documents)

    def prewarm(self, wait: bool = False, ahead_of: Path | None = None) -> None:
        """Have a worker ready, kfp already imported, so the next run starts at once (the app's case);
        `ahead_of` (a pipeline file): it imports what that pipeline's components import, too."""
        modules: list[str] = []
        if ahead_of is not None:
            from workshop.backends.local.fastpath import imports_of

            try:
                modules = imports_of(ahead_of.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError):
                modules = []
        self.runs.prewarm(wait, tuple(modules))

    def prepare_services(self, names: set[str]) -> None:
        """Start the servers these lessons need in the background, before their runs (`run --all`)."""
        self.services.prepare(names)

    def release_services(self, keep: set[str]) -> None:
        """Stop, in the background, the servers no lesson ahead needs (all but `keep`)."""
        self.services.release(keep)

    def events(self, run_id: str) -> Iterator[RunEvent]:
        return self.runs.events(run_id)

    def task_events(self, run_id: str) -> list[RunEvent]:
        """The run's task events from its journal (runfiles.journal), its log lines left out (RunReplay)."""
        from workshop.backends.local.runfiles import journal
        from workshop.core.events import RunFinished, RunStarted, TaskFinished, TaskStarted

        kinds = (RunStarted, TaskStarted, TaskFinished, RunFinished)
        return [event for event in journal(self.runs.runs_dir, run_id) if isinstance(event, kinds)]

    def status(self, run_id: str) -> RunState:
        return self.runs.status(run_id)

    def cancel(self, run_id: str, timeout: float = 5.0) -> None:
        self.runs.cancel(run_id, timeout)

    def close(self) -> None:
        self.runs.close()
        self.services.stop()

    # --- what checks read (reads.py) ---------------------------------------------------
    def task_log(self, run_id: str, task: str) -> list[str]:
        return self.reads.task_log(run_id, task)

    def task_outputs(self, run_id: str, task: str) -> dict[str, Any]:
        return self.reads.task_outputs(run_id, task)

    def read_volume_file(self, volume: str, path: str) -> str:
        return self.reads.read_volume_file(volume, path)

    def volume_file_modified(self, volume: str, path: str) -> float:
        return self.reads.volume_file_modified(volume, path)

    def stat_object(self, bucket: str, key: str) -> ObjectInfo:
        return self.reads.stat_object(bucket, key)

    def get_object(self, bucket: str, key: str) -> bytes:
        return self.reads.get_object(bucket, key)

    def service_status(self, name: str, namespace: str, timeout: float = 60.0) -> ServiceStatus:
        return self.reads.service_status(name, namespace, timeout)

    def service_namespaces(self, name: str) -> list[str]:
        """The namespaces that hold an InferenceService of this name (a run may hard-code its own)."""
        return self.reads.service_namespaces(name)

    def gpu_lines(self) -> list[str] | None:
        return self.reads.gpu_lines()

    def doctor(self, lang: str = "en") -> list[DoctorItem]:
        from workshop.backends.local.doctor import doctor

        return doctor(self, lang)

    # --- reset: what a lesson created (workshop/backends/local/reset.py) -------------------
    def artifact_exists(self, artifact: Artifact) -> bool:
        from workshop.backends.local import reset

        return reset.artifact_exists(self, artifact)

    def remove_artifact(self, artifact: Artifact) -> None:
        from workshop.backends.local import reset

        reset.remove_artifact(self, artifact)


__all__ = ["LocalBackend"]
