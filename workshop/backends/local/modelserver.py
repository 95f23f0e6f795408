"""Serve one model directory with KServe's own Python model server, in a child process.

The child (`_kserve_main`) imports kserve and scikit-learn; this module does not, so
the app can import it at start-up for free. The server listens on 127.0.0.1 only.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

from workshop.core.errors import BackendError

LOOPBACK = "127.0.0.1"
_ENTRY = "workshop.backends.local._kserve_main"
# The directory holding the `workshop` package, so the child imports this same copy
# whether we run from a checkout or an installed wheel.
_PACKAGE_PARENT = Path(__file__).resolve().parents[3]
# A port picked by free_port() can be taken before the child binds it; retry then.
_PORT_ATTEMPTS = 3
_POLL_INTERVAL = 0.1
_BIND_ERROR = "address already in use"  # what uvicorn logs when the port was taken


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(_PACKAGE_PARENT), env.get("PYTHONPATH", "")) if p)
    env["PYTHONUNBUFFERED"] = "1"  # so a failed start's log tail is complete
    return env


def spawn_spare(serving_root: Path, python: str | None = None) -> subprocess.Popen[bytes]:
    """A model server that imports kserve and scikit-learn now and is told later what to serve
    (`_kserve_main --wait`): started before a lesson deploys, its imports overlap other work.

    At low priority (nice), so the work it overlaps goes first; in its own session, as a server
    is. Its stdin is the parent's pipe: when the parent ends, by any signal, it ends too.
    """
    nice = shutil.which("nice")
    cmd = [python or sys.executable, "-m", _ENTRY, "--wait", "--serving-root", str(serving_root)]
    return subprocess.Popen(
        [nice, "-n", "10", *cmd] if nice else cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, env=_child_env(), start_new_session=True, close_fds=True,
    )  # fmt: skip


def stop_spare(proc: subprocess.Popen[bytes]) -> None:
    """End a spare nobody took: its stdin closes (it exits at once), then it is reaped, killed if need be."""
    if proc.stdin is not None:
        try:
            proc.stdin.close()
        except OSError:
            pass
    try:
        proc.wait(5.0)
    except subprocess.TimeoutExpired:
        _signal_group(proc.pid, signal.SIGKILL)
        proc.wait(5.0)


class ModelServerError(BackendError, RuntimeError):
    """A model server failed to start or answer; the message says why."""


class _PortInUse(Exception):
    pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def _client(timeout: float) -> httpx.Client:
    # trust_env=False: a proxy from the environment must never see loopback traffic.
    return httpx.Client(timeout=timeout, trust_env=False)


def predict_v1(base_url: str, name: str, instances: Sequence[Any], timeout: float = 30.0) -> list[Any]:
    """KServe V1 protocol: {"instances": [...]} -> the "predictions" list."""
    with _client(timeout) as client:
        resp = client.post(f"{base_url}/v1/models/{name}:predict", json={"instances": list(instances)})
    if resp.status_code != 200:
        raise ModelServerError.of("backend:predict_failed", protocol="V1 predict", name=repr(name),
                                  status=resp.status_code, body=resp.text)
    return list(resp.json()["predictions"])


def infer_v2(base_url: str, name: str, rows: Sequence[Sequence[Any]], timeout: float = 30.0) -> list[Any]:
    """Open Inference Protocol (V2): one input tensor of shape [rows, features]."""
    flat = [value for row in rows for value in row]
    integral = all(isinstance(v, int) and not isinstance(v, bool) for v in flat)
    body = {
        "inputs": [
            {
                "name": "input-0",
                "shape": [len(rows), len(rows[0]) if rows else 0],
                "datatype": "INT64" if integral and flat else "FP64",
                "data": flat,
            }
        ]
    }
    with _client(timeout) as client:
        resp = client.post(f"{base_url}/v2/models/{name}/infer", json=body)
    if resp.status_code != 200:
        raise ModelServerError.of("backend:predict_failed", protocol="V2 infer", name=repr(name),
                                  status=resp.status_code, body=resp.text)
    return list(resp.json()["outputs"][0]["data"])


class ModelServer:
    """One KServe model server process serving `model_dir` as model `name`."""

    def __init__(
        self,
        name: str,
        model_dir: Path,
        log_path: Path,
        *,
        port: int | None = None,
        python: str | None = None,
        spare: subprocess.Popen[bytes] | None = None,
    ) -> None:
        self.name = name
        self.model_dir = Path(model_dir)
        self.log_path = Path(log_path)
        self._preferred_port = port  # lets a restarted service keep its URL
        self._python = python or sys.executable
        self._proc: subprocess.Popen[bytes] | None = None
        self._port: int | None = None
        self._log_offset = 0
        self._spare = spare  # a started `--wait` server (spawn_spare) to take instead of a new process

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def port(self) -> int | None:
        return self._port

    @property
    def url(self) -> str | None:
        return f"http://{LOOPBACK}:{self._port}" if self.is_running() else None

    def is_running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def log_tail(self, lines: int = 20) -> str:
        """The last lines this server's current run wrote (the log file is appended to)."""
        try:
            with self.log_path.open("rb") as fh:
                fh.seek(self._log_offset)
                data = fh.read()[-64_000:].decode("utf-8", "replace")
        except OSError:
            return ""
        return "\n".join(data.splitlines()[-lines:])

    def start(self, timeout: float = 60.0) -> str:
        """Start the server and wait until the model reports ready; returns the base URL."""
        if self.is_running():
            assert self._port is not None
            return f"http://{LOOPBACK}:{self._port}"
        if not self.model_dir.is_dir():
            self.stop()  # a spare given to it too
            raise ModelServerError.of("backend:no_model_dir", path=self.model_dir)
        deadline = time.monotonic() + timeout
        for attempt in range(_PORT_ATTEMPTS):
            port = self._preferred_port if attempt == 0 and self._preferred_port else free_port()
            spare, self._spare = self._spare, None
            if spare is not None and not self._adopt(spare, port):
                spare = None
            if spare is None:
                self._spawn(port)
            try:
                return self._wait_ready(deadline, timeout)
            except _PortInUse:
                continue
        raise ModelServerError.of("backend:server_no_port", name=repr(self.name), tries=_PORT_ATTEMPTS)

    def _open_log(self, port: int) -> Any:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        log.write(f"--- model server {self.name!r} on {LOOPBACK}:{port} from {self.model_dir}\n".encode())
        log.flush()
        self._log_offset = log.tell()
        return log

    def _adopt(self, spare: subprocess.Popen[bytes], port: int) -> bool:
        """Tell a waiting spare what to serve; False (and the spare stopped) if it is gone."""
        request = {"name": self.name, "model_dir": str(self.model_dir.resolve()), "port": port,
                   "parent_pid": os.getpid(), "log": str(self.log_path)}
        if spare.poll() is not None or spare.stdin is None:
            stop_spare(spare)
            return False
        with self._open_log(port):
            pass
        try:
            spare.stdin.write((json.dumps(request) + "\n").encode())
            spare.stdin.close()
        except OSError:
            stop_spare(spare)
            return False
        self._proc, self._port = spare, port
        return True

    def _spawn(self, port: int) -> None:
        env = _child_env()
        cmd = [
            self._python, "-m", _ENTRY,
            "--name", self.name,
            "--model-dir", str(self.model_dir.resolve()),
            "--port", str(port),
            "--parent-pid", str(os.getpid()),
        ]  # fmt: skip
        with self._open_log(port) as log:
            # Own session: the app's terminal signals must not reach the server, and
            # stop() can then signal the whole process group at once.
            self._proc = subprocess.Popen(
                cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                env=env, start_new_session=True, close_fds=True,
            )  # fmt: skip
        self._port = port

    def _wait_ready(self, deadline: float, timeout: float) -> str:
        assert self._proc is not None
        base = f"http://{LOOPBACK}:{self._port}"
        with _client(2.0) as client:
            while True:
                code = self._proc.poll()
                log = self.log_tail()
                if _BIND_ERROR in log.lower():  # seconds before the process gets round to exiting
                    self.stop()
                    raise _PortInUse
                if code is not None:
                    self._proc = None
                    raise ModelServerError.of("backend:server_exited", name=repr(self.name), code=code,
                                              log=self.log_path, tail=log)
                try:
                    resp = client.get(f"{base}/v1/models/{self.name}")
                    if resp.status_code == 200 and resp.json().get("ready"):
                        return base
                except (httpx.TransportError, ValueError):
                    pass  # not listening yet
                if time.monotonic() >= deadline:
                    log = self.log_tail()
                    self.stop()
                    raise ModelServerError.of("backend:server_slow", name=repr(self.name),
                                              seconds=f"{timeout:.0f}", log=self.log_path, tail=log)
                time.sleep(_POLL_INTERVAL)

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM the server's process group, SIGKILL it after `timeout`; idempotent."""
        spare, self._spare = self._spare, None
        if spare is not None:
            stop_spare(spare)
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            _signal_group(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                _signal_group(proc.pid, signal.SIGKILL)
                proc.wait(timeout)

    def predict_v1(self, instances: Sequence[Any]) -> list[Any]:
        return predict_v1(self._require_url(), self.name, instances)

    def infer_v2(self, rows: Sequence[Sequence[Any]]) -> list[Any]:
        return infer_v2(self._require_url(), self.name, rows)

    def _require_url(self) -> str:
        url = self.url
        if url is None:
            raise ModelServerError.of("backend:server_down", name=repr(self.name))
        return url


def _signal_group(pid: int, sig: signal.Signals) -> None:
    # The child leads its own session, so its process-group id is its pid. It is not
    # reaped yet when we signal, so the id cannot have been reused.
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass
