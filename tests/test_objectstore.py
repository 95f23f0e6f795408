"""The local S3 server is real: SeaweedFS on loopback, signed requests only, data that lasts."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from minio import Minio
from minio.error import S3Error

from workshop.backends.local.objectstore import BUCKET, ObjectStore, ObjectStoreError

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ObjectStore]:
    s = ObjectStore(tmp_path_factory.mktemp("objectstore"))
    s.start()
    try:
        yield s
    finally:
        s.stop()


def wait_until(condition: Callable[[], bool], timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return True


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    try:  # a zombie has exited too; only its parent has not collected it yet
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def listening(pid: int) -> set[tuple[str, int]]:
    """(hex address, port) of every LISTEN socket the process holds, from /proc."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                address, port = fields[1].split(":")
                found.add((address, int(port, 16)))
    return found


# --- one shared server --------------------------------------------------------------------------
def test_put_get_stat_list_and_delete_prefix(store: ObjectStore) -> None:
    store.put_bytes(BUCKET, "tests/hello.txt", b"hello")
    store.put_bytes(BUCKET, "tests/sub/two.bin", b"\x00\x01")
    store.put_bytes(BUCKET, "other/keep.txt", b"keep")
    assert store.get_bytes(BUCKET, "tests/hello.txt") == b"hello"
    info = store.stat(BUCKET, "tests/hello.txt")
    assert info["size"] == 5 and info["etag"] and info["last_modified"] > time.time() - 600
    assert store.list_keys(BUCKET, "tests/") == ["tests/hello.txt", "tests/sub/two.bin"]
    assert store.delete_prefix(BUCKET, "tests/") == ["tests/hello.txt", "tests/sub/two.bin"]
    assert store.list_keys(BUCKET, "tests/") == []
    assert store.list_keys(BUCKET, "other/") == ["other/keep.txt"]
    with pytest.raises(ValueError):
        store.delete_prefix(BUCKET, "")


def test_the_client_is_a_minio_client_with_the_workshop_keys(store: ObjectStore) -> None:
    client = store.client()
    assert isinstance(client, Minio)
    assert client.bucket_exists(BUCKET)
    assert BUCKET in [b.name for b in client.list_buckets()]


def test_wrong_or_missing_credentials_are_rejected(store: ObjectStore) -> None:
    access, _ = store.credentials
    for client in (Minio(store.endpoint, access_key=access, secret_key="wrong", secure=False),
                   Minio(store.endpoint, access_key="nobody", secret_key="nothing", secure=False)):
        with pytest.raises(S3Error) as err:
            client.list_buckets()
        assert err.value.code in ("SignatureDoesNotMatch", "InvalidAccessKeyId", "AccessDenied")
    with pytest.raises(S3Error):  # anonymous
        list(Minio(store.endpoint, secure=False).list_objects(BUCKET))


def test_credentials_are_private_and_stable(store: ObjectStore) -> None:
    for name in ("credentials.json", "s3.json", "server.json"):
        assert stat.S_IMODE((store.root / name).stat().st_mode) == 0o600, name
    access, secret = store.credentials
    assert len(secret) >= 32 and ObjectStore(store.root).credentials == (access, secret)
    assert secret not in (store.root / "weed.log").read_text()


def test_it_listens_on_loopback_only(store: ObjectStore) -> None:
    assert store.pid is not None
    found = listening(store.pid)
    assert (("0100007F", int(store.endpoint.rsplit(":", 1)[1]))) in found  # 127.0.0.1 in /proc's hex
    assert {address for address, _ in found} == {"0100007F"}, found
    assert {port for _, port in found} <= set(store.ports.values()), "a listener on a port we did not choose"
    if shutil.which("ss"):  # the same seen by ss, where it is installed
        ss = subprocess.run(["ss", "-ltnpH"], capture_output=True, text=True, check=False).stdout
        for line in (line for line in ss.splitlines() if f"pid={store.pid}," in line):
            assert line.split()[3].startswith("127.0.0.1:"), line


def test_a_second_start_reuses_the_running_server(store: ObjectStore) -> None:
    record = json.loads((store.root / "server.json").read_text())
    assert record["pid"] == record["pgid"] == store.pid and record["endpoint"] == store.endpoint
    again = ObjectStore(store.root)
    assert again.start() == store.endpoint
    assert again.pid == store.pid
    again.stop()  # it did not start the server, so it only lets go of it
    assert store.pid is not None and not gone(store.pid)
    assert store.client().bucket_exists(BUCKET)


# --- servers of their own ------------------------------------------------------------------------
def test_stop_restart_persistence_and_an_orphan_is_adopted(tmp_path: Path) -> None:
    root = tmp_path / "os"
    root.mkdir()
    # a stale record: this pid is alive but is not weed, so it must be neither reused nor signalled
    (root / "server.json").write_text(json.dumps({"pid": os.getpid(), "endpoint": "127.0.0.1:1"}))
    with ObjectStore(root) as first:
        assert first.endpoint != "127.0.0.1:1"
        first.put_bytes(BUCKET, "models/kept.bin", b"\x00\x01")
        pid = first.pid
        assert pid is not None
    assert wait_until(lambda: gone(pid))
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert not (root / "server.json").exists()
    assert not list(Path("/tmp").glob(f"seaweedfs-*-{first.ports['s3.port.grpc']}.sock"))

    second = ObjectStore(root)
    second.start()
    try:
        assert second.get_bytes(BUCKET, "models/kept.bin") == b"\x00\x01"
        second.put_bytes(BUCKET, "models/new.bin", b"new")
        assert second.list_keys(BUCKET, "models/") == ["models/kept.bin", "models/new.bin"]
        # its starter "dies": the next start adopts the server and so is the one to stop it
        dead = subprocess.Popen(["true"])
        dead.wait()
        record = json.loads((root / "server.json").read_text())
        (root / "server.json").write_text(json.dumps({**record, "owner": dead.pid}))
        third = ObjectStore(root)
        assert third.start() == second.endpoint
        third.stop()
        assert second.pid is not None and wait_until(lambda: gone(second.pid or 0))
    finally:
        second.stop()


def test_a_server_that_is_not_ready_in_time_is_stopped_with_its_log(tmp_path: Path) -> None:
    store = ObjectStore(tmp_path / "os")
    with pytest.raises(ObjectStoreError, match="did not become ready") as err:
        store.start(timeout=0.01)
    assert "weed.log" in str(err.value)
    assert store.pid is None and not (tmp_path / "os" / "server.json").exists()
    assert not [command for command in _commands() if f"-dir={tmp_path}" in command]


def test_a_missing_weed_binary_says_how_to_install_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / "bin" / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ObjectStoreError, match="README"):
        ObjectStore(tmp_path / "os").start()


def _commands() -> list[str]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and not gone(int(entry)):
            try:
                found.append(Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode())
            except OSError:
                continue
    return found
