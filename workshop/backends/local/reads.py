"""What the checks read on the local backend: a task's log and outputs, volume files, objects,
InferenceServices and the GPUs, each from where the local run left it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from workshop.backends.local.runfiles import journal, task_log_lines
from workshop.backends.local.services import LazyServices
from workshop.backends.local.volumes import Volumes
from workshop.core.errors import Words, said, words
from workshop.core.events import TaskFinished
from workshop.core.ports import ObjectInfo, ServiceStatus


class CheckReads:
    """The reads, over the runs' folders, the volumes and the servers (started when first read)."""

    def __init__(self, runs: Path, volumes: Volumes, services: LazyServices) -> None:
        self.runs = runs
        self.volumes = volumes
        self.services = services

    def task_log(self, run_id: str, task: str) -> list[str]:
        return task_log_lines(self.runs, run_id, task)

    def task_outputs(self, run_id: str, task: str) -> dict[str, Any]:
        for event in journal(self.runs, run_id):
            if isinstance(event, TaskFinished) and event.task == task:
                return dict(event.outputs)
        return {}

    def read_volume_file(self, volume: str, path: str) -> str:
        return self.volumes.read_text(volume, path)

    def volume_file_modified(self, volume: str, path: str) -> float:
        return self.volumes.file(volume, path).stat().st_mtime

    def stat_object(self, bucket: str, key: str) -> ObjectInfo:
        info = self.services.object_store().stat(bucket, key)
        return ObjectInfo(bucket, key, int(info["size"]), str(info["etag"]), float(info["last_modified"]))

    def get_object(self, bucket: str, key: str) -> bytes:
        return bytes(self.services.object_store().get_bytes(bucket, key))

    def service_status(self, name: str, namespace: str, timeout: float = 60.0) -> ServiceStatus:
        plane = self.services.control_plane()
        obj = plane.get_service(name, namespace)
        if obj is None:
            return ServiceStatus(name, False, "", words("backend:no_isvc", name=name, namespace=namespace))
        try:
            url = plane.ensure_serving(name, namespace, timeout)
        except Exception as exc:  # the control plane says why the model server is not up
            why = exc
            return ServiceStatus(name, False, "", Words(lambda lang: said(why, lang)))
        predictor = obj.get("spec", {}).get("predictor", {})
        storage = (predictor.get("sklearn") or predictor.get("model") or {}).get("storageUri", "")
        return ServiceStatus(name, True, url, "ready", storage)

    def service_namespaces(self, name: str) -> list[str]:
        """The namespaces that hold an InferenceService of this name (a run may hard-code its own)."""
        return sorted({str(obj["metadata"].get("namespace")) for obj in self.services.control_plane().list_services()
                       if obj.get("metadata", {}).get("name") == name})

    def gpu_lines(self) -> list[str] | None:
        if shutil.which("nvidia-smi") is None:
            return None
        try:
            out = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True, timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            return None
        lines = [line for line in out.stdout.splitlines() if line.strip()]
        return lines or None
