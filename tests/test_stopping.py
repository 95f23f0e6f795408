"""The local services stop side by side (backends/local/stopping.py), and every one of them ends."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from workshop.backends.local.stopping import stop_together


def test_the_stops_run_at_once() -> None:
    """Each stop waits until all have begun: one after the other, the first would wait in vain."""
    everyone = threading.Barrier(3, timeout=10)
    ended: list[int] = []

    def stop(n: int) -> None:
        everyone.wait()  # raises BrokenBarrierError if the others never start meanwhile
        ended.append(n)

    stop_together([lambda: stop(1), lambda: stop(2), lambda: stop(3)])
    assert sorted(ended) == [1, 2, 3]


def test_a_failing_stop_does_not_keep_the_others_from_running() -> None:
    ran: list[str] = []

    def fails() -> None:
        ran.append("fails")
        raise RuntimeError("cannot stop")

    with pytest.raises(RuntimeError, match="cannot stop"):
        stop_together([fails, lambda: ran.append("after")])
    assert sorted(ran) == ["after", "fails"]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_closing_the_backend_ends_the_object_store_and_the_control_plane(backend: object) -> None:
    """Both started, then close(): the object store's process is gone, by its pid, and the
    control plane's API no longer answers."""
    import socket

    from workshop.backends.local.backend import LocalBackend

    assert isinstance(backend, LocalBackend)
    store = backend.object_store()
    plane = backend.control_plane()
    pid = store.pid
    assert pid is not None and _alive(pid)
    server = plane._http
    assert server is not None
    host, port = server.server_address[:2]  # the API server's address, as its kubeconfig names it
    address = (str(host), int(port))
    socket.create_connection(address, timeout=5).close()  # it answers while up
    # each stop waits until the other has begun: stopped one after the other, the first waits in vain
    both = threading.Barrier(2, timeout=20)

    def after_both(real: Callable[[], None]) -> Callable[[], None]:
        def stop() -> None:
            both.wait()
            real()
        return stop

    for service in (store, plane):
        setattr(service, "stop", after_both(service.stop))  # noqa: B010 - mypy refuses assigning a method
    backend.close()
    assert not _alive(pid)
    with pytest.raises(OSError):
        socket.create_connection(address, timeout=5).close()
