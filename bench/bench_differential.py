"""The differential table: each pipeline of tests/differential on stock kfp.local and on the
workshop's local backend, in one run, with whether they agree and how long each side took.

Stock: kfp.local.SubprocessRunner(use_venv=False), one process per pipeline (tests/differential/
stock_driver.py). Local: LocalBackend (kfp.local's orchestrator in the workshop's worker, fork
fast path). The times are wall-clock from submit to the end of the run, imports included on
the stock side (its process starts per pipeline) and a warm worker on ours.
Usage: python bench/bench_differential.py [PIPELINE ...]   (default: all, loop_sixteen included)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CASES: dict[str, dict[str, object]] = {
    "conditions": {"word": "two"},
    "numeric_condition": {"x": 3.0},
    "loop_collected": {"numbers": [1, 2, 3, 4]},
    "loop_sixteen": {},
    "exit_handler_ok": {},
    "exit_handler_after_failure": {},
    "nested": {"text": "a,b"},
    "artifacts": {"text": "1,2,3"},
    "retries": {"counter": ""},
    "optional": {"name": "kfp"},
    "optional_none_int": {},
}


def main() -> None:
    from tests.differential.harness import run_local, run_stock
    from workshop.backends.local.backend import LocalBackend

    names = sys.argv[1:] or list(CASES)
    tmp = Path(tempfile.mkdtemp(prefix="bench-diff-"))
    backend = LocalBackend(tmp / "local", ROOT / "assets")
    rows = []
    try:
        for name in names:
            args = dict(CASES[name])
            work = tmp / name
            work.mkdir()
            stock_args = {**args, "counter": str(work / "stock-counter")} if "counter" in args else args
            local_args = {**args, "counter": str(work / "local-counter")} if "counter" in args else args
            backend.prewarm(wait=True)
            stock, stock_s = run_stock(name, stock_args, work)
            local, local_s = run_local(backend, name, local_args, work)
            rows.append((name, stock["state"], local["state"], "yes" if stock == local else "NO", stock_s, local_s))
    finally:
        backend.close()
    print(f"{'pipeline':28} {'stock':10} {'local':10} {'same?':6} {'stock s':>8} {'local s':>8}")
    for name, s_state, l_state, same, s_time, l_time in rows:
        print(f"{name:28} {s_state:10} {l_state:10} {same:6} {s_time:8.2f} {l_time:8.2f}")


if __name__ == "__main__":
    main()
