"""The object store under faults (issue 15): a home in Chinese, and every port it listens on tried bare.

Real SeaweedFS (`weed mini`) on loopback; the ports come from /proc for weed's pid, not from our record.
"""

from __future__ import annotations

import httpx
import pytest

from tests.test_objectstore import listening
from workshop.backends.local.objectstore import BUCKET, ObjectStore

pytestmark = pytest.mark.slow


def test_a_home_of_thirty_chinese_characters_starts_the_store(tmp_path_factory: pytest.TempPathFactory) -> None:
    """30 characters are 90 bytes: the socket path fits in characters and not in bytes (sun_path is 108)."""
    root = tmp_path_factory.mktemp("x") / ("库" * 30) / "objectstore"
    store = ObjectStore(root)
    try:
        store.start()
        store.put_bytes(BUCKET, "models/中文.bin", b"ok")
        assert store.get_bytes(BUCKET, "models/中文.bin") == b"ok"
        for sock in ("s3.sock", "filer.sock"):
            assert len(str(store.socket_dir() / sock).encode()) < 108
    finally:
        store.stop()
    assert not list(store.socket_dir().glob("*.sock"))


def test_no_port_of_the_store_serves_or_takes_a_model_without_the_s3_keys(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    store = ObjectStore(tmp_path_factory.mktemp("objectstore"))
    store.start()
    try:
        key = "models/iris/model.joblib"
        store.put_bytes(BUCKET, key, b"the real model")
        assert store.pid is not None
        ports = sorted(port for _, port in listening(store.pid))
        assert len(ports) >= 5, ports  # master, volume, filer, s3, admin and their gRPC ports
        tried = 0
        with httpx.Client(timeout=3.0, trust_env=False, follow_redirects=True) as http:
            assign = http.get(f"http://127.0.0.1:{store.ports['master.port']}/dir/assign").json()
            for port in ports:
                base = f"http://127.0.0.1:{port}"
                attempts = [("GET", f"/{BUCKET}/{key}"), ("GET", f"/buckets/{BUCKET}/{key}"),
                            ("PUT", f"/buckets/{BUCKET}/{key}"), ("POST", f"/buckets/{BUCKET}/{key}"),
                            ("PUT", f"/{BUCKET}/{key}"), ("POST", f"/{assign['fid']}"), ("PUT", f"/{assign['fid']}")]
                for method, path in attempts:
                    tried += 1
                    try:
                        resp = http.request(method, base + path, content=b"a swapped model")
                    except httpx.HTTPError:
                        continue  # a gRPC port: it does not speak HTTP/1.1 at all
                    assert resp.status_code >= 400, (port, method, path, resp.status_code, resp.text[:200])
                    assert b"the real model" not in resp.content, (port, method, path)
        assert tried == 7 * len(ports)
        assert store.get_bytes(BUCKET, key) == b"the real model"
    finally:
        store.stop()
