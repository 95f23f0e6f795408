"""Start-up and round-trip figures of the local object store (SeaweedFS `weed mini` on loopback).

Start-up is from start() to a signed request answering with the bucket there, on a fresh folder
and again on the same folder (data present); a round trip is a signed put then get of one object.
The share of start-up spent making the gRPC CA and certificate (mutual TLS) is timed on its own: in a
fresh interpreter (importing `cryptography` included, as the first start of a session pays it) and warm.
Usage: python bench/bench_objectstore.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workshop.backends.local.objectstore import BUCKET, ObjectStore, _grpc_certificates  # noqa: E402


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def summary(name: str, seconds: list[float]) -> None:
    ms = [s * 1000 for s in seconds]
    print(f"{name:<28} median {statistics.median(ms):8.1f} ms   min {min(ms):8.1f}   max {max(ms):8.1f}  (n={len(ms)})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    small, big = b"x" * 1024, os.urandom(8 << 20)
    cold, warm, stops, rt_small, rt_big = [], [], [], [], []
    base = os.environ.get("WORKSHOP_HOME")  # where the folders go when it is set; removed at the end
    if base:
        Path(base).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-objectstore-", dir=base or None) as tmp:
        for run in range(args.runs):
            store = ObjectStore(Path(tmp) / f"fresh{run}")
            cold.append(timed(store.start))
            stops.append(timed(store.stop))
        store = ObjectStore(Path(tmp) / "fresh0")
        for _ in range(args.runs):
            warm.append(timed(store.start))
            try:
                for i in range(20):
                    rt_small.append(timed(lambda i=i: store.get_bytes(BUCKET, _put(store, f"b/s{i}", small))))
                for i in range(3):
                    rt_big.append(timed(lambda i=i: store.get_bytes(BUCKET, _put(store, f"b/b{i}", big))))
            finally:
                stops.append(timed(store.stop))
    tls_cold, tls_warm = [], []
    with tempfile.TemporaryDirectory(prefix="bench-tls-") as tmp:
        code = ("import sys, time; from pathlib import Path; "
                "from workshop.backends.local.objectstore import _grpc_certificates; t = time.perf_counter(); "
                "_grpc_certificates(Path(sys.argv[1])); print(time.perf_counter() - t)")
        root = str(Path(__file__).resolve().parent.parent)
        for run in range(args.runs):
            out = subprocess.run([sys.executable, "-c", code, f"{tmp}/c{run}"], capture_output=True, text=True,
                                 check=True, cwd=root, env={**os.environ, "PYTHONPATH": root})
            tls_cold.append(float(out.stdout))
        for run in range(args.runs * 5):
            tls_warm.append(timed(lambda run=run: _grpc_certificates(Path(tmp) / f"w{run}")))
    summary("start, fresh folder", cold)
    summary("start, existing folder", warm)
    summary("stop (SIGTERM until exit)", stops)
    summary("put+get 1 KiB", rt_small)
    summary("put+get 8 MiB", rt_big)
    summary("gRPC TLS certs, new process", tls_cold)
    summary("gRPC TLS certs, warm", tls_warm)


def _put(store: ObjectStore, key: str, data: bytes) -> str:
    store.put_bytes(BUCKET, key, data)
    return key


if __name__ == "__main__":
    main()
