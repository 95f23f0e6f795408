"""The object store under faults (issue 15): a home in Chinese, and every port it listens on tried bare
(HTTP without the S3 keys, gRPC without the client certificate).

Real SeaweedFS (`weed mini`) on loopback; the ports come from /proc for weed's pid, not from our record.
"""

from __future__ import annotations

import stat

import grpc
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


def _file_ids(store: ObjectStore, content: bytes) -> list[str]:
    """The file ids ("volume,key+cookie") of the stored needles whose data holds `content`, read from the
    volume files as they lie on disk (an index entry is key, offset, size; a needle starts cookie, key, size).
    The offset takes 4 bytes, or 5 in the large-disk build: the width whose needles match their index wins."""
    found: list[str] = []
    for dat in store.data_dir.glob(f"{BUCKET}_*.dat"):
        volume, data, index = dat.stem.rsplit("_", 1)[1], dat.read_bytes(), dat.with_suffix(".idx").read_bytes()
        for width in (16, 17):
            ids = []
            for at in range(0, len(index) - len(index) % width, width):
                key = int.from_bytes(index[at:at + 8], "big")
                offset = int.from_bytes(index[at + 8:at + 12], "big") + (index[at + 12] << 32 if width == 17 else 0)
                size = int.from_bytes(index[at + width - 4:at + width], "big")
                start = offset * 8  # needles are padded to 8 bytes
                if data[start + 4:start + 12] != key.to_bytes(8, "big"):
                    break
                if content in data[start:start + 16 + size]:
                    ids.append(f"{volume},{key:x}{data[start:start + 4].hex()}")
            else:
                found += ids
    return found


def test_no_port_of_the_store_serves_or_takes_a_model_without_the_s3_keys(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    """Reads, writes and the master's admin calls (new file ids, lookups, deleting the bucket's volumes)
    on every port weed listens on, with the real file id of the stored model: all refused."""
    store = ObjectStore(tmp_path_factory.mktemp("objectstore"))
    store.start()
    try:
        key = "models/iris/model.joblib"
        store.put_bytes(BUCKET, key, b"the real model")
        assert store.pid is not None
        ports = sorted(port for _, port in listening(store.pid))
        assert len(ports) >= 5, ports  # master, volume, filer, s3, admin and their gRPC ports
        fids = _file_ids(store, b"the real model")
        assert fids, "the model's needle is not in the volume files"
        attempts = [("GET", f"/{BUCKET}/{key}"), ("GET", f"/buckets/{BUCKET}/{key}"),
                    ("PUT", f"/buckets/{BUCKET}/{key}"), ("POST", f"/buckets/{BUCKET}/{key}"),
                    ("PUT", f"/{BUCKET}/{key}"), ("GET", "/dir/assign"), ("GET", "/dir/lookup?volumeId=1"),
                    ("POST", "/submit"), ("GET", "/vol/grow?count=1"), ("GET", "/vol/vacuum"),
                    ("GET", f"/col/delete?collection={BUCKET}"), ("GET", "/dir/status")]
        attempts += [(method, f"/{fid}") for fid in fids for method in ("GET", "POST", "PUT", "DELETE")]
        tried = 0
        with httpx.Client(timeout=3.0, trust_env=False, follow_redirects=True) as http:
            for port in ports:
                base = f"http://127.0.0.1:{port}"
                for method, path in attempts:
                    tried += 1
                    try:
                        resp = http.request(method, base + path, files={"file": ("model.joblib", b"a swapped model")})
                    except httpx.HTTPError:
                        continue  # a gRPC port: it does not speak HTTP/1.1 at all
                    assert resp.status_code >= 400, (port, method, path, resp.status_code, resp.text[:200])
                    assert b"the real model" not in resp.content, (port, method, path)
        assert tried == len(attempts) * len(ports)
        # and the two HTTP unix sockets beside the data (the S3 API's and the filer's)
        for sock in ("s3.sock", "filer.sock"):
            transport = httpx.HTTPTransport(uds=str(store.socket_dir() / sock))
            with httpx.Client(transport=transport, timeout=3.0, trust_env=False) as http:
                for method, path in attempts:
                    resp = http.request(method, "http://localhost" + path,
                                        files={"file": ("model.joblib", b"a swapped model")})
                    assert resp.status_code >= 400, (sock, method, path, resp.status_code, resp.text[:200])
                    assert b"the real model" not in resp.content, (sock, method, path)
        assert store.get_bytes(BUCKET, key) == b"the real model"
    finally:
        store.stop()


# A read-only call each of weed's gRPC servers answers (weed/pb/*.proto); an empty message is a valid request
_READ_ONLY_CALLS = {"master": "/master_pb.Seaweed/GetMasterConfiguration",
                    "volume": "/volume_server_pb.VolumeServer/VolumeServerStatus",
                    "filer": "/filer_pb.SeaweedFiler/GetFilerConfiguration"}


def _call(channel: grpc.Channel, method: str) -> grpc.StatusCode:
    call = channel.unary_unary(method, request_serializer=bytes, response_deserializer=bytes)
    try:
        call(b"", timeout=5.0, wait_for_ready=False)
    except grpc.RpcError as exc:
        code: grpc.StatusCode = exc.code()  # grpc's RpcError is also a Call
        return code
    return grpc.StatusCode.OK

def test_no_grpc_port_of_the_store_answers_without_the_workshops_client_certificate(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each gRPC server of weed (TCP port and its unix socket in /tmp) ends the handshake of a client that
    shows no certificate of this start's CA: a plain channel, and TLS that trusts the CA but brings no
    certificate. The workshop's certificate gets through, so the refusal is the guard and not a dead port."""
    store = ObjectStore(tmp_path_factory.mktemp("objectstore"))
    store.start()
    try:
        store.put_bytes(BUCKET, "models/iris/model.joblib", b"the real model")
        assert store.pid is not None
        ports = sorted(port for _, port in listening(store.pid))
        grpc_ports = {name.split(".")[0]: port for name, port in store.ports.items() if name.endswith(".grpc")}
        assert set(grpc_ports) == {"master", "volume", "filer", "s3", "admin"}
        assert set(grpc_ports.values()) <= set(ports), (grpc_ports, ports)
        tls = store.root / "tls"
        assert stat.S_IMODE(tls.stat().st_mode) == 0o700
        assert stat.S_IMODE((tls / "weed.key").stat().st_mode) == 0o600
        ca = (tls / "ca.crt").read_bytes()
        own = grpc.ssl_channel_credentials(ca, (tls / "weed.key").read_bytes(), (tls / "weed.crt").read_bytes())
        bare_tls = grpc.ssl_channel_credentials(ca)
        targets: list[tuple[str, str | None, int]] = [(f"127.0.0.1:{port}", None, port) for port in ports]
        targets += [(f"unix:/tmp/seaweedfs-{name}-grpc-{port}.sock", name, port) for name, port in grpc_ports.items()]
        refused = 0
        for target, name, port in targets:
            server = name or next((n for n, p in grpc_ports.items() if p == port), None)
            method = _READ_ONLY_CALLS.get(server or "", "/grpc.health.v1.Health/Check")
            # unix targets: the certificate names localhost and 127.0.0.1, and a socket path is neither
            options = [("grpc.ssl_target_name_override", "localhost")] if target.startswith("unix:") else []
            with grpc.insecure_channel(target) as plain, grpc.secure_channel(target, bare_tls, options) as half:
                for channel in (plain, half):
                    code = _call(channel, method)
                    assert code == grpc.StatusCode.UNAVAILABLE, (target, method, code)
                    refused += 1
            if server is not None:
                with grpc.secure_channel(target, own, options) as full:
                    code = _call(full, method)
                # through the handshake: an answer, or the admin server saying it has no such service
                assert code in (grpc.StatusCode.OK, grpc.StatusCode.UNIMPLEMENTED), (target, method, code)
                if server in _READ_ONLY_CALLS:
                    assert code == grpc.StatusCode.OK, (target, method, code)
        assert refused == 2 * (len(ports) + len(grpc_ports))
        assert store.get_bytes(BUCKET, "models/iris/model.joblib") == b"the real model"  # the S3 path still works
    finally:
        store.stop()
