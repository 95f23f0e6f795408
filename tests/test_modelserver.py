"""ModelServer: KServe's own model server in a child process, on 127.0.0.1 only.

Real processes, no mocks; a tiny iris model is trained in a temp dir.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from workshop.backends.local.modelserver import ModelServer, ModelServerError

pytestmark = pytest.mark.slow

ROWS = [[5.1, 3.5, 1.4, 0.2], [6.2, 2.8, 4.8, 1.8], [6.0, 2.2, 5.0, 1.5], [5.7, 2.8, 4.1, 1.3]]


def train(model_dir: Path) -> Any:
    import joblib
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression

    features, target = load_iris(return_X_y=True)
    clf = LogisticRegression(max_iter=500).fit(features, target)
    model_dir.mkdir(parents=True, exist_ok=True)
    joblib.dump(clf, model_dir / "model.joblib")
    return clf


def wait_gone(pid: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        assert time.monotonic() < deadline, f"process {pid} still alive"
        time.sleep(0.05)


def listening_addresses(port: int) -> set[str]:
    """Local addresses (hex, as /proc shows them) in LISTEN state on `port`."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("modelserver")
    clf = train(root / "model")
    server = ModelServer("iris", root / "model", root / "logs" / "iris.log")
    started = time.monotonic()
    url = server.start(timeout=60)
    print(f"model server ready in {time.monotonic() - started:.2f}s")
    yield server, url, clf
    server.stop()


def test_v1_and_v2_predictions_match_sklearn(served: Any) -> None:
    server, url, clf = served
    assert url == server.url and url.startswith("http://127.0.0.1:")
    expected = clf.predict(ROWS).tolist()
    started = time.monotonic()
    assert server.predict_v1(ROWS) == expected
    print(f"first prediction in {time.monotonic() - started:.3f}s")
    assert server.infer_v2(ROWS) == expected


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads Linux /proc/net/tcp")
def test_listens_on_loopback_only(served: Any) -> None:
    server, _, _ = served
    assert server.port is not None
    assert listening_addresses(server.port) == {"0100007F"}  # 127.0.0.1, no 0.0.0.0 or ::


def test_stop_leaves_no_process_and_is_idempotent(tmp_path: Path) -> None:
    train(tmp_path / "model")
    server = ModelServer("iris", tmp_path / "model", tmp_path / "iris.log")
    server.start(timeout=60)
    pid = server.pid
    assert pid is not None and server.is_running()
    server.stop()
    wait_gone(pid)
    assert server.pid is None and server.url is None
    server.stop()  # a second stop is a no-op
    with pytest.raises(ModelServerError, match="not running"):
        server.predict_v1(ROWS)


def test_failed_start_reports_the_log(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    server = ModelServer("iris", tmp_path / "empty", tmp_path / "iris.log")
    with pytest.raises(ModelServerError, match="no model file") as info:
        server.start(timeout=60)
    assert "exited with code" in str(info.value)
    assert server.pid is None

    with pytest.raises(ModelServerError, match="does not exist"):
        ModelServer("iris", tmp_path / "missing", tmp_path / "iris.log").start()


def test_a_taken_preferred_port_falls_back_to_a_free_one(tmp_path: Path) -> None:
    import socket

    train(tmp_path / "model")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        server = ModelServer("iris", tmp_path / "model", tmp_path / "iris.log", port=busy)
        try:
            url = server.start(timeout=60)
            assert server.port != busy and url == f"http://127.0.0.1:{server.port}"
            assert server.predict_v1(ROWS[:1]) == [0]
        finally:
            server.stop()


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads Linux /proc")
def test_the_server_exits_when_its_parent_dies(tmp_path: Path) -> None:
    """It runs in its own session, so nothing else would stop it after an app crash."""
    import signal
    import subprocess
    import sys

    train(tmp_path / "model")
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from workshop.backends.local.modelserver import ModelServer\n"
        "server = ModelServer('iris', Path(sys.argv[1]), Path(sys.argv[2]))\n"
        "server.start(timeout=60)\n"
        "print(server.pid, flush=True)\n"
        "time.sleep(120)\n"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path / "model"), str(tmp_path / "iris.log")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait()
    deadline = time.monotonic() + 15
    while True:  # reparented: whoever adopts it reaps it, so it may linger as a zombie briefly
        try:
            state = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            break
        if state == "Z":
            break
        assert time.monotonic() < deadline, f"model server {child} outlived its parent"
        time.sleep(0.05)
