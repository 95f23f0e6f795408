"""Files on a PersistentVolumeClaim: read directly where this notebook mounts the claim, else
through a short-lived reader pod that mounts it, labelled app.kubernetes.io/part-of=kubeflow-workshop
and deleted afterwards, whatever happens.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from pathlib import Path, PurePosixPath
from typing import Any

from workshop.backends.cluster.config import PART_OF
from workshop.backends.cluster.kube import KubeApi
from workshop.backends.cluster.pods import unschedulable_message
from workshop.backends.cluster.rest import HttpError
from workshop.core.errors import BackendError, words

RESULT = "WORKSHOP-RESULT "
READER = """
import base64, json, os, sys
root = '/data'
path = os.path.join(root, sys.argv[1])
op = sys.argv[2]
out = {'exists': False}
try:
    st = os.stat(path)
    out = {'exists': True, 'mtime': st.st_mtime, 'is_file': os.path.isfile(path)}
    if op == 'read' and out['is_file']:
        with open(path, 'rb') as f:
            out['data'] = base64.b64encode(f.read()).decode()
    if op == 'remove' and out['is_file']:
        os.remove(path)
        parent = os.path.dirname(path)
        while parent != root and not os.listdir(parent):
            os.rmdir(parent)
            parent = os.path.dirname(parent)
except FileNotFoundError:
    pass
print('WORKSHOP-RESULT ' + json.dumps(out), flush=True)
"""


def safe_path(path: str) -> str:
    parts = PurePosixPath("/" + path).parts[1:]
    if not parts or any(p in ("..", ".") for p in parts):
        raise BackendError.of("backend:outside_volume", ref=repr(path))
    return "/".join(parts)


class Volumes:
    def __init__(self, kube: KubeApi, pod_name: str, image: str, poll: float = 1.0, timeout: float = 180.0) -> None:
        self.kube = kube
        self.pod_name = pod_name
        self.image = image
        self.poll = poll
        self.timeout = timeout
        self._mounts: dict[str, Path | None] = {}
        self._stat: dict[tuple[str, str], tuple[float, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    # --- where the claim is --------------------------------------------------------------
    def direct_mount(self, volume: str) -> Path | None:
        """Where this notebook pod mounts the claim (whole, no subPath), if it does and we can see it."""
        if volume in self._mounts:
            return self._mounts[volume]
        found = None
        pod = self.kube.get_pod(self.pod_name) if self.pod_name and self.kube.available else None
        if pod is not None:
            spec = pod.get("spec") or {}
            claims = {v.get("name"): (v.get("persistentVolumeClaim") or {}).get("claimName")
                      for v in spec.get("volumes") or []}
            for container in spec.get("containers") or []:
                for mount in container.get("volumeMounts") or []:
                    if claims.get(mount.get("name")) == volume and not mount.get("subPath"):
                        if os.path.isdir(mount.get("mountPath", "")):
                            found = Path(mount["mountPath"])
        self._mounts[volume] = found
        return found

    # --- what checks and reset ask -----------------------------------------------------------
    def read_text(self, volume: str, path: str) -> str:
        rel = safe_path(path)
        mount = self.direct_mount(volume)
        if mount is not None:
            return (mount / rel).read_text(encoding="utf-8")
        result = self._remote(volume, rel, "read")
        if not result.get("exists") or not result.get("is_file"):
            raise FileNotFoundError(f"{volume}:/{rel} does not exist")
        import base64

        return base64.b64decode(result.get("data", "")).decode("utf-8", errors="replace")

    def modified(self, volume: str, path: str) -> float:
        rel = safe_path(path)
        mount = self.direct_mount(volume)
        if mount is not None:
            return (mount / rel).stat().st_mtime
        with self._lock:
            cached = self._stat.get((volume, rel))
        result = cached[1] if cached and time.monotonic() - cached[0] < 60 else self._remote(volume, rel, "stat")
        if not result.get("exists"):
            raise FileNotFoundError(f"{volume}:/{rel} does not exist")
        return float(result["mtime"])

    def exists(self, volume: str, path: str) -> bool:
        rel = safe_path(path)
        mount = self.direct_mount(volume)
        if mount is not None:
            return (mount / rel).is_file()
        return bool(self._remote(volume, rel, "stat").get("is_file"))

    def remove(self, volume: str, path: str) -> None:
        rel = safe_path(path)
        mount = self.direct_mount(volume)
        if mount is None:
            self._remote(volume, rel, "remove")
            return
        target = mount / rel
        target.unlink(missing_ok=True)
        parent = target.parent
        while parent != mount and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent

    # --- the reader pod -------------------------------------------------------------------
    def _remote(self, volume: str, rel: str, op: str) -> dict[str, Any]:
        try:
            missing = self.kube.get_pvc(volume) is None
        except HttpError as exc:
            if exc.status != 403:
                raise
            missing = False  # may not read claims: the pod will tell
        if missing:
            raise BackendError.of("backend:no_pvc", volume=volume, ns=self.kube.namespace)
        name = f"workshop-reader-{uuid.uuid4().hex[:8]}"
        read_only = op != "remove"
        body = {
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "labels": {"app.kubernetes.io/part-of": PART_OF,
                                                  "app.kubernetes.io/component": "volume-reader"},
                         "annotations": {"sidecar.istio.io/inject": "false"}},
            "spec": {
                "restartPolicy": "Never", "activeDeadlineSeconds": int(self.timeout) + 60,
                "containers": [{
                    "name": "main", "image": self.image, "command": ["python", "-c", READER, rel, op],
                    "volumeMounts": [{"name": "data", "mountPath": "/data", "readOnly": read_only}],
                    "resources": {"requests": {"cpu": "10m", "memory": "32Mi"},
                                  "limits": {"cpu": "500m", "memory": "256Mi"}},
                }],
                "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": volume, "readOnly": read_only}}],
            },
        }
        self.kube.create_pod(body)
        try:
            result = self._result(name, volume)
        finally:
            self.kube.delete_pod(name)
        with self._lock:
            self._stat[(volume, rel)] = (time.monotonic(), {k: v for k, v in result.items() if k != "data"})
        return result

    def _result(self, name: str, volume: str) -> dict[str, Any]:
        deadline = time.monotonic() + self.timeout
        pod: dict[str, Any] | None = None
        while time.monotonic() < deadline:
            pod = self.kube.get_pod(name)
            phase = ((pod or {}).get("status") or {}).get("phase")
            if phase in ("Succeeded", "Failed"):
                break
            time.sleep(self.poll)
        else:
            why = unschedulable_message(pod or {}, self.kube.pod_events(name)) or self._events(name)
            raise BackendError.of("backend:reader_slow", volume=volume, seconds=f"{self.timeout:g}",
                                  why=words("backend:because", why=why) if why else "")
        for line in reversed(self.kube.pod_log(name).splitlines()):
            if line.startswith(RESULT):
                return dict(json.loads(line[len(RESULT):]))
        raise BackendError.of("backend:reader_silent", volume=volume, phase=phase,
                              events=self._events(name) or words("backend:describe_pod"))

    def _events(self, name: str) -> str:
        try:
            events = self.kube.pod_events(name)
        except BackendError:
            return ""
        return "; ".join(f"{e.get('reason')}: {e.get('message')}" for e in events if e.get("type") == "Warning")
