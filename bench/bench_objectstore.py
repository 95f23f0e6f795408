"""Start-up and round-trip figures of the local object store (SeaweedFS `weed mini` on loopback).

Start-up is from start() to a signed request answering with the bucket there, on a fresh folder
and again on the same folder (data present); a round trip is a signed put then get of one object.
Usage: python bench/bench_objectstore.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workshop.backends.local.objectstore import BUCKET, ObjectStore  # noqa: E402


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
    summary("start, fresh folder", cold)
    summary("start, existing folder", warm)
    summary("stop (SIGTERM until exit)", stops)
    summary("put+get 1 KiB", rt_small)
    summary("put+get 8 MiB", rt_big)


def _put(store: ObjectStore, key: str, data: bytes) -> str:
    store.put_bytes(BUCKET, key, data)
    return key


if __name__ == "__main__":
    main()
