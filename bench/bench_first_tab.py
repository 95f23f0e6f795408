"""How long the first opening of the Code tab (key 2) and of the Run tab (key 3) takes in a fresh app,
from the key to the first frame that shows the tab's content (its widgets laid out and drawn).

Each sample is a fresh process (so the tab's modules are imported as a learner's first press imports
them): the app runs headless (Textual's run_test, 100x30) on lesson 1; once the lesson's text is drawn
the learner reads for READ seconds, presses 2, reads again, presses 3. Each key goes in as the terminal's
driver sends it (as bench_flood_keys.py does); its latency ends at the first frame the app draws with that
tab active and its content (the code, the Run button) on screen. With --against TREE (again for more) the samples
alternate with that tree's code (another checkout, e.g. main's: `git worktree add --detach /tmp/x main`), on the
same machine at the same time; both start from bytecode of their own (one unmeasured start each).
Usage: python bench/bench_first_tab.py [--runs N] [--against TREE ...]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from key_timing import key_to_frame  # bench/ is the script's folder

ROOT = Path(__file__).resolve().parent.parent
READ = 1.5  # seconds the learner reads before a key (the app settles: text highlighted, rest idle)
CONTENT = {"tab-code": "#code", "tab-run": "#run"}


async def child() -> dict[str, float]:
    from workshop.app import make_app
    from workshop.core.course import Course
    from workshop.core.settings import Settings

    app = make_app(Course(Settings.load("en")), "local")
    result: dict[str, float] = {}
    async with app.run_test(size=(100, 30)):
        from workshop.widgets.lesson_view import LessonView

        while app.current_lesson_id is None or not app.query(LessonView):
            await asyncio.sleep(0.01)
        tabs = app.query_one(LessonView).tabs
        drawn: dict[str, float] = {}
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            active = tabs.active
            if active in CONTENT and active not in drawn:
                shown = app.query(CONTENT[active])
                if shown and shown.first().region.height > 0:  # laid out, in this frame's place
                    drawn[active] = time.perf_counter()

        app._display = display
        for key, target in (("2", "tab-code"), ("3", "tab-run")):
            await asyncio.sleep(READ)
            result[target] = await key_to_frame(app, key, target, drawn, 20)
        app._display = original
        fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
        result["rss_mb"] = int(fields["VmRSS"].split()[0]) / 1024
    return result


def sample(tree: Path, cache: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONPYCACHEPREFIX": str(cache), "WORKSHOP_BACKEND": "local"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory(prefix="bench-first-tab-") as home:
        env["WORKSHOP_HOME"] = home
        out = subprocess.run([sys.executable, __file__, "--child"], env=env, capture_output=True, text=True,
                             check=False, timeout=120)
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if out.returncode or not lines:
        raise SystemExit(f"the app under {tree} failed:\n{out.stderr[-2000:]}")
    return json.loads(lines[-1])


def main(runs: int, against: list[Path]) -> None:
    trees = [("this tree", ROOT)] + [(f"against {i + 1}", tree) for i, tree in enumerate(against)]
    cache = Path(tempfile.mkdtemp(prefix="bench-first-tab-pyc-"))
    caches = {name: cache / str(i) for i, (name, _) in enumerate(trees)}
    for name, tree in trees:
        sample(tree, caches[name])  # unmeasured: fills the bytecode folder
    got: dict[str, list[dict[str, float]]] = {name: [] for name, _ in trees}
    loads = [os.getloadavg()[0]]
    for _ in range(runs):
        for name, tree in trees:
            got[name].append(sample(tree, caches[name]))
        loads.append(os.getloadavg()[0])
    print(f"{runs} runs each, load average (1 min) {min(loads):.2f}-{max(loads):.2f}")
    for name, tree in trees:
        rows = got[name]
        parts = [f"{label} median {statistics.median(r[key] for r in rows):.0f} ms "
                 f"(min {min(r[key] for r in rows):.0f}, max {max(r[key] for r in rows):.0f})"
                 for label, key in (("key 2 (Code)", "tab-code"), ("key 3 (Run)", "tab-run"))]
        print(f"{name} ({tree}): " + "; ".join(parts)
              + f"; RSS after both {statistics.median(r['rss_mb'] for r in rows):.0f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--against", type=Path, action="append", default=[])
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(child())))
    else:
        main(args.runs, args.against)
