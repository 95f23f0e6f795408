"""The local S3 server is real: SeaweedFS on loopback, signed requests only, data that lasts."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from minio import Minio
from minio.error import S3Error

from workshop.backends.local.objectstore import BUCKET, ObjectStore


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ObjectStore]:
    s = ObjectStore(tmp_path_factory.mktemp("objectstore"))
    s.start()
    try:
        yield s
    finally:
        s.stop()


def listening_addresses(pid: int) -> set[str]:
    """Local addresses of the LISTEN sockets the process holds, from /proc."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                found.add(fields[1].split(":")[0][:width])
    return found


def test_put_and_get_with_the_workshop_credentials(store: ObjectStore) -> None:
    store.put_bytes(BUCKET, "tests/hello.txt", b"hello")
    assert store.get_bytes(BUCKET, "tests/hello.txt") == b"hello"
    info = store.stat(BUCKET, "tests/hello.txt")
    assert info["size"] == 5 and info["etag"] and info["last_modified"] > 0
    assert "tests/hello.txt" in store.list_keys(BUCKET, "tests/")


def test_wrong_or_missing_credentials_are_rejected(store: ObjectStore) -> None:
    access, _ = store.credentials
    for client in (Minio(store.endpoint, access_key=access, secret_key="wrong", secure=False),
                   Minio(store.endpoint, access_key="nobody", secret_key="nothing", secure=False)):
        with pytest.raises(S3Error) as err:
            client.list_buckets()
        assert err.value.code in ("SignatureDoesNotMatch", "InvalidAccessKeyId", "AccessDenied")
    with pytest.raises(S3Error):
        list(Minio(store.endpoint, secure=False).list_objects(BUCKET))


def test_credentials_file_is_private(store: ObjectStore) -> None:
    mode = stat.S_IMODE((store.root / "credentials.json").stat().st_mode)
    assert mode == 0o600
    assert stat.S_IMODE((store.root / "s3.json").stat().st_mode) == 0o600


def test_it_listens_on_loopback_only(store: ObjectStore) -> None:
    assert store.pid is not None
    addresses = listening_addresses(store.pid)
    assert addresses, "no listening sockets found"
    # 0100007F is 127.0.0.1 in /proc's little-endian hex
    assert addresses == {"0100007F"}, addresses


def test_a_second_start_reuses_the_running_server(store: ObjectStore) -> None:
    again = ObjectStore(store.root)
    assert again.start() == store.endpoint
    assert again.pid == store.pid


def test_objects_survive_a_restart_and_stop_leaves_no_process(tmp_path: Path) -> None:
    first = ObjectStore(tmp_path / "os")
    first.start()
    first.put_bytes(BUCKET, "models/kept.bin", b"\x00\x01")
    pid = first.pid
    assert pid is not None
    first.stop()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    second = ObjectStore(tmp_path / "os")
    second.start()
    try:
        assert second.get_bytes(BUCKET, "models/kept.bin") == b"\x00\x01"
    finally:
        second.stop()
