"""The core's ports: the Backend protocol, its optional abilities, and the values they carry.

A run goes compile (core) -> upload_pipeline -> submit -> events; the checks then read
what the run left behind through the same backend (volumes, objects, model servers), so
one check works on both sides. The core owns this contract and the backends implement it;
nothing here imports a backend.

What only some backends can do is a small protocol of its own (an ability), asked with
`isinstance(backend, TaskPods)`, never by probing attribute names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypedDict, runtime_checkable

from workshop.core.errors import BackendError, Words
from workshop.core.events import RunEvent, RunState

__all__ = [
    "Artifact", "Backend", "BackendError", "ClockSkew", "DoctorItem", "ObjectInfo", "PipelineRef",
    "PodFacts", "PredictionHints", "Prewarm", "ProgressMirror", "RunReplay", "ServiceStatus", "ServiceWaits",
    "TaskPods",
]


@dataclass(frozen=True)
class PipelineRef:
    pipeline_id: str
    name: str
    version_id: str
    version_name: str


@dataclass(frozen=True)
class ObjectInfo:
    bucket: str
    key: str
    size: int
    etag: str
    last_modified: float = 0.0  # epoch seconds


@dataclass(frozen=True)
class ServiceStatus:
    name: str
    ready: bool
    url: str
    detail: str | Words  # said in the reader's language where it is shown (errors.said)
    storage_uri: str = ""


@dataclass(frozen=True)
class Artifact:
    """Something a lesson created that reset may remove; only ever the workshop's own things.

    kind: "run" (a run's local folder or record), "volume_file" (ref = "volume:/path"),
    "object" (ref = "bucket/key"), "inference_service" (ref = "namespace/name").
    """

    kind: str
    ref: str
    lesson_id: int


@dataclass(frozen=True)
class DoctorItem:
    """One line of `workshop doctor`: ok True/False, or None when it does not apply here."""

    name: str
    ok: bool | None
    detail: str
    fix: str = ""
    key: str = ""  # the same in every language, for --json and tests


def run_doctor(backend: Backend, lang: str) -> Iterator[DoctorItem]:
    """The backend's doctor rows in `lang`, each as soon as it is decided where the backend can."""
    if isinstance(backend, StreamingDoctor):
        return backend.doctor_rows(lang)
    return iter(backend.doctor(lang))


@runtime_checkable
class Backend(Protocol):
    name: str

    def defaults(self, keys: set[str]) -> dict[str, Any]:
        """Backend-provided argument defaults (`default_from` in lesson.toml)."""

    def upload_pipeline(self, package: Path, name: str, description: str) -> PipelineRef:
        """Upload a compiled pipeline; a new version when the name exists."""

    def submit(
        self,
        package: Path,
        pipeline: PipelineRef,
        arguments: dict[str, Any],
        run_name: str,
        services: tuple[str, ...] = (),
    ) -> str:
        """Create a run with caching off; returns its run id."""

    def events(self, run_id: str) -> Iterator[RunEvent]:
        """The run's events as they happen, ending with RunFinished."""

    def status(self, run_id: str) -> RunState: ...

    def cancel(self, run_id: str) -> None: ...

    def close(self) -> None:
        """Stop whatever this backend started (servers, workers)."""

    # What checks read.
    def task_log(self, run_id: str, task: str) -> list[str]: ...

    def task_outputs(self, run_id: str, task: str) -> dict[str, Any]:
        """A finished task's outputs: parameters as values, artifacts as {uri, ...}."""

    def read_volume_file(self, volume: str, path: str) -> str: ...

    def volume_file_modified(self, volume: str, path: str) -> float:
        """When the file was last written (epoch seconds), to tell this run's output from older ones."""

    def stat_object(self, bucket: str, key: str) -> ObjectInfo: ...

    def get_object(self, bucket: str, key: str) -> bytes: ...

    def service_status(self, name: str, namespace: str, timeout: float = 60.0) -> ServiceStatus: ...

    def gpu_lines(self) -> list[str] | None:
        """`nvidia-smi -L` lines where the tasks run, or None when there is no GPU there."""

    def doctor(self, lang: str = "en") -> list[DoctorItem]:
        """What `workshop doctor` shows for this backend, in `lang` where the backend speaks it."""

    # What reset asks (workshop/core/reset.py): only ever the workshop's own artifacts.
    def artifact_exists(self, artifact: Artifact) -> bool: ...

    def remove_artifact(self, artifact: Artifact) -> None:
        """Remove it; one that is already gone is not an error."""


# --- The optional abilities: a backend has one when it has all of its members. ----------------


@runtime_checkable
class RunReplay(Protocol):
    """A finished run's task events read back (RunStarted, TaskStarted, TaskFinished, RunFinished; no log lines):
    the app draws the last run's task states with them after a restart. A backend without it shows Pending."""

    def task_events(self, run_id: str) -> list[RunEvent]: ...


@runtime_checkable
class ClockSkew(Protocol):
    """How far the clock where the tasks run may be off ours (seconds); a backend without it has none."""

    clock_skew: float


@runtime_checkable
class StreamingDoctor(Protocol):
    """Doctor rows one by one as each is decided, all within the backend's own time budget."""

    def doctor_rows(self, lang: str = "en") -> Iterator[DoctorItem]: ...


class PodFacts(TypedDict):
    """What the cluster gave a task's pod: its container's resources, and where it was (or would be) placed."""

    name: str
    namespace: str
    phase: str
    container: str
    limits: dict[str, str]
    requests: dict[str, str]
    node_selector: dict[str, str]
    node_name: str
    node_labels: dict[str, str] | None  # None: the node could not be read (or none was chosen yet)


@runtime_checkable
class TaskPods(Protocol):
    """The pod a task ran in, as the cluster gave it (limits, node selector, node); cluster only."""

    def task_pod(self, run_id: str, task: str) -> PodFacts | None: ...


@runtime_checkable
class ServiceNamespaces(Protocol):
    """The namespaces that hold an InferenceService of a name: where a run that hard-codes its
    namespace created it."""

    def service_namespaces(self, name: str) -> list[str]: ...


@runtime_checkable
class ServiceWaits(Protocol):
    """A readiness wait that says, as it changes, what it waits for (the Ready condition, the predictor's URL,
    its pods' image pull and container states): on_wait(what, detail)."""

    def wait_for_service(self, name: str, namespace: str,
                         on_wait: Callable[[str, str | Words], object]) -> ServiceStatus: ...


@runtime_checkable
class ServiceHosts(Protocol):
    """The Host header the cluster's ingress gateway routes on for an InferenceService: the host of its
    status.url (KServe fills it from the cluster's ingress domain), or None where it has none yet."""

    def service_host(self, name: str, namespace: str) -> str | None: ...


@runtime_checkable
class PredictionHints(Protocol):
    """What to do about a model server's error answer, in the backend's own terms."""

    def prediction_hint(self, status_code: int, body: str) -> str | Words: ...


@runtime_checkable
class Prewarm(Protocol):
    """Start the services a run needs before the learner asks for one, so the first run is quick."""

    def prewarm(self, wait: bool = False, ahead_of: Path | None = None) -> None:
        """`ahead_of`: the pipeline file the next run compiles, whose imports the worker may do now."""


@runtime_checkable
class PrepareServices(Protocol):
    """Start, in the background, the servers that lessons taken next will need (names as in lesson.toml's
    `services`), so that each finds them running, and stop them once none ahead needs them; closing
    the backend stops them too."""

    def prepare_services(self, names: set[str]) -> None: ...

    def release_services(self, keep: set[str]) -> None:
        """Stop, in the background, the started servers not in `keep`: no lesson ahead needs them."""


@runtime_checkable
class ProgressMirror(Protocol):
    """A copy of the learner's progress kept where the backend runs (the cluster's ConfigMap)."""

    def save_progress(self, data: dict[str, Any]) -> None: ...

    def load_progress(self) -> dict[str, Any] | None: ...
