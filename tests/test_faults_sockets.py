"""weed's unix sockets are not left behind (issue 15: about 30 `seaweedfs-*.sock` files of killed runs sat in /tmp).

Real SeaweedFS started by a real starter process that is then SIGKILLed: the keeper's watch removes the
sockets (the gRPC ones in /tmp, the s3 and filer ones) and the private socket folder once weed has ended.
And a start sweeps away stale sockets of killed runs, those no live process holds, and nothing else.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_objectstore import wait_until
from workshop.backends.local.objectstore import ObjectStore

ROOT = Path(__file__).resolve().parent.parent

STARTER = """
import json, sys, time
from pathlib import Path
from workshop.backends.local.objectstore import ObjectStore
store = ObjectStore(Path(sys.argv[1]))
store.start()
# the s3 and filer sockets (-s3.localSocket, -filer.localSocket) and weed's own per gRPC port in /tmp
sockets = [str(store.socket_dir() / "s3.sock"), str(store.socket_dir() / "filer.sock")]
sockets += [f"/tmp/seaweedfs-{flag.split('.')[0]}-grpc-{port}.sock" for flag, port in store.ports.items()
            if flag.endswith(".grpc")]
print(json.dumps({"pid": store.pid, "sockets": sockets, "folder": str(store.socket_dir())}), flush=True)
time.sleep(600)  # until the test kills this starter
"""


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.parametrize("long_home", [False, True], ids=["sockets-beside-the-data", "private-socket-folder"])
def test_a_starter_killed_with_sigkill_leaves_no_socket_of_its_store(tmp_path: Path, long_home: bool) -> None:
    root = tmp_path / ("库" * 30 if long_home else "h") / "objectstore"
    starter = subprocess.Popen([sys.executable, "-c", STARTER, str(root)], cwd=ROOT, stdout=subprocess.PIPE,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    weed = 0
    try:
        assert starter.stdout is not None
        line = starter.stdout.readline()  # the event: the store answers, its sockets are bound
        assert line, "the starter ended before its store was ready"
        started = json.loads(line)
        weed, sockets, folder = int(started["pid"]), [Path(p) for p in started["sockets"]], Path(started["folder"])
        assert (folder != root) is long_home
        bound = [s for s in sockets if s.is_socket()]
        assert any(str(s).startswith("/tmp/seaweedfs-") for s in bound), bound  # the gRPC ones in /tmp
        assert any(s.name == "s3.sock" for s in bound), bound
        starter.send_signal(signal.SIGKILL)
        starter.wait()
        assert wait_until(lambda: not _alive(weed), 10), "weed outlived its starter"
        assert wait_until(lambda: not any(os.path.lexists(s) for s in sockets), 10), \
            [str(s) for s in sockets if os.path.lexists(s)]
        if long_home:
            assert wait_until(lambda: not folder.exists(), 10), f"{folder} was left behind"
    finally:
        if starter.poll() is None:
            starter.kill()
            starter.wait()
        if weed and _alive(weed):
            os.killpg(weed, signal.SIGKILL)


def _socket_file(path: Path, listen: bool) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path))
    if listen:
        sock.listen()
    return sock


def _aged(path: Path) -> Path:
    past = time.time() - 600
    os.utime(path, (past, past), follow_symlinks=False)
    return path


@pytest.mark.slow
def test_a_start_sweeps_away_stale_sockets_and_leaves_live_ones(tmp_path: Path) -> None:
    from workshop.backends.local._keeper import stale_sockets
    from workshop.backends.local.objectstore import sweep_stale_sockets

    tag = secrets.token_hex(4)
    private = Path(f"/tmp/workshop-{os.getuid()}-test{tag}")
    private.mkdir(mode=0o700)
    dead = [Path(f"/tmp/seaweedfs-master-grpc-9{tag}.sock"), private / "s3.sock"]
    live = Path(f"/tmp/seaweedfs-filer-grpc-8{tag}.sock")  # a server still serving
    binding = Path(f"/tmp/seaweedfs-volume-grpc-7{tag}.sock")  # bound, not yet listening: a server starting
    young = Path(f"/tmp/seaweedfs-s3-grpc-6{tag}.sock")  # just made: maybe a server that is binding now
    plain = Path(f"/tmp/seaweedfs-admin-grpc-5{tag}.sock")  # not a socket: not ours to judge
    held = []
    try:
        for path in dead:
            _socket_file(path, listen=True).close()  # its server ended without removing it: a killed weed
            _aged(path)
        held += [_socket_file(live, listen=True), _socket_file(binding, listen=False)]
        _aged(live)
        _aged(binding)
        _socket_file(young, listen=True).close()
        plain.write_text("")
        _aged(plain)
        assert sorted(stale_sockets([*dead, live, binding, plain])) == sorted(map(str, dead))
        store = ObjectStore(tmp_path / "objectstore")
        try:
            store.start()
        finally:
            store.stop()
        assert not any(os.path.lexists(p) for p in dead), [str(p) for p in dead if os.path.lexists(p)]
        assert live.is_socket() and binding.is_socket() and young.is_socket() and plain.is_file()
        held[0].close()
        assert str(live) in sweep_stale_sockets()  # aged, and now nobody holds it
        assert not os.path.lexists(live)
    finally:
        for sock in held:
            sock.close()
        for path in [*dead, live, binding, young, plain]:
            Path(path).unlink(missing_ok=True)
        private.rmdir()
