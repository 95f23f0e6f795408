"""Follow one pod's `main` container log, live, line by line, exactly as the component printed it.

GET /api/v1/namespaces/{ns}/pods/{pod}/log?container=main&follow=true&timestamps=true. Each
line comes with the kubelet's timestamp, so when a stream breaks before the container ends
(an API server restart, a read timeout on a quiet container) it resumes with sinceTime and
skips what was already seen. Empty lines are kept; a last line without a newline is kept when
the stream ends. While the container is still being created the follower waits and asks again.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

from workshop.backends.cluster.kube import KubeApi
from workshop.backends.cluster.pods import container_done, container_waiting
from workshop.backends.cluster.rest import HttpError
from workshop.core.errors import BackendError

_TS = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$")
Emit = Callable[[str, str], None]  # (task, line)


def _ts_key(ts: str) -> tuple[str, int] | None:
    match = _TS.match(ts)
    if not match:
        return None
    return match[1], int((match[2] or "").ljust(9, "0") or 0)


def split_lines(data: bytes) -> tuple[list[bytes], bytes]:
    """Complete lines (without their newline) and what is left after the last newline."""
    *lines, rest = data.split(b"\n")
    return lines, rest


class LogFollower(threading.Thread):
    def __init__(self, kube: KubeApi, pod: str, task: str, emit: Emit, stop: threading.Event,
                 poll: float = 1.0, read_timeout: float = 120.0, container: str = "main",
                 ending: threading.Event | None = None) -> None:
        super().__init__(daemon=True, name=f"log-{pod}")
        self.kube = kube
        self.pod = pod
        self.task = task
        self.emit = emit
        self.stop = stop
        self.poll = poll
        self.read_timeout = read_timeout
        self.container = container
        self.finished = threading.Event()
        self.ending = ending or threading.Event()  # the run has ended: a container not started never will
        self._last: tuple[str, int] | None = None  # timestamp of the last line emitted
        self._at_last = 0  # lines emitted with exactly that timestamp
        self._replay: tuple[str, int] | None = None
        self._replay_left = 0

    def run(self) -> None:
        try:
            self._run()
        except BackendError as exc:
            self.emit(self.task, f"[workshop] cannot follow the log of pod {self.pod}: {exc}")
        except Exception as exc:  # a follower must never take the run down with it
            self.emit(self.task, f"[workshop] the log of pod {self.pod} stopped: {type(exc).__name__}: {exc}")
        finally:
            self.finished.set()

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                pod = self.kube.get_pod(self.pod)
            except HttpError:
                raise
            except BackendError:  # unreachable for a moment: ask again
                self.stop.wait(self.poll)
                continue
            if pod is None:
                return  # deleted: nothing more to read
            done = container_done(pod, self.container)
            if container_waiting(pod, self.container) and not done:
                if self.ending.is_set():
                    return
                self.stop.wait(self.poll)  # ContainerCreating, PodInitializing, Pending: ask again
                continue
            try:
                self._follow()
            except HttpError as exc:
                if exc.status == 404 or (exc.status == 400 and done):
                    return  # gone, or a container that never started and never will
                if exc.status == 400:  # "container "main" ... is waiting to start: ContainerCreating"
                    if self.ending.is_set():
                        return
                    self.stop.wait(self.poll)
                    continue
                raise
            except BackendError:
                if done:
                    return
                self.stop.wait(self.poll)  # the stream broke: resume after the last line seen
                continue
            if done:
                return
            try:
                pod = self.kube.get_pod(self.pod)
            except BackendError:
                pod = {}
            if pod is None or (pod and container_done(pod, self.container)):
                return
            # the stream ended while the container still runs: resume where it stopped, after a breath
            self.stop.wait(self.poll)

    def _follow(self) -> None:
        params = {"container": self.container, "follow": "true", "timestamps": "true"}
        if self._last is not None:
            params["sinceTime"] = self._last[0] + "Z"
            self._replay, self._replay_left = self._last, self._at_last
        with self.kube.rest.stream(self.kube.log_path(self.pod), params, self.read_timeout) as response:
            rest = b""
            for chunk in response.iter_bytes():
                lines, rest = split_lines(rest + chunk)
                for raw in lines:
                    self._line(raw)
            if rest:
                self._line(rest)  # the last line, printed without a newline

    def _line(self, raw: bytes) -> None:
        text = raw.decode("utf-8", errors="replace").removesuffix("\r")
        stamp, sep, line = text.partition(" ")
        key = _ts_key(stamp)
        if key is None:  # no timestamp (a server that ignores timestamps=true): keep the line whole
            self.emit(self.task, text)
            return
        if self._replay is not None:
            if key < self._replay:
                return
            if key == self._replay and self._replay_left > 0:
                self._replay_left -= 1
                return
        if key == self._last:
            self._at_last += 1
        else:
            self._last, self._at_last = key, 1
        self.emit(self.task, line if sep else "")
