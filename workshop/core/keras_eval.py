"""Score a stored Keras digits model on held-out digits, in a process of its own.

TensorFlow's import costs hundreds of MiB and seconds, and writes C++ logs straight to the
terminal; in a child process neither reaches the app, and nothing of the learner's code is
loaded there: only the model file fetched from the object store.

The child imports TensorFlow first and then waits for one request on stdin, so the import can
overlap the lesson's run: `prestart()` when a run of a lesson with this check begins, `score()`
when the check runs (it takes the started child, or starts one). One child scores one model.

Child protocol: `python -m workshop.core.keras_eval --serve` reads one JSON line
{"path": ..., "scale": ...} and prints one JSON line {"accuracy": ..., "samples": ...} or
{"error": ...}. `python -m workshop.core.keras_eval MODEL_PATH [INPUT_SCALE]` scores at once.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from typing import Any

_lock = threading.Lock()
_spare: subprocess.Popen[str] | None = None


def _spawn(nice: bool = False) -> subprocess.Popen[str]:
    """The scorer; `nice`: at low priority, for one started ahead, whose import must not slow the
    training (or the lessons before it) it overlaps."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "3")}
    command = [sys.executable, "-m", "workshop.core.keras_eval", "--serve"]
    renice = shutil.which("nice") if nice else None
    return subprocess.Popen([renice, "-n", "10", *command] if renice else command,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)


def prestart() -> None:
    """Start a scorer now (it imports TensorFlow while the run trains); one at a time."""
    global _spare
    with _lock:
        if _spare is None or _spare.poll() is not None:
            _spare = _spawn(nice=True)


def discard() -> None:
    """Stop a started scorer nobody used (the run ended without reaching the check)."""
    global _spare
    with _lock:
        proc, _spare = _spare, None
    if proc is not None:
        _stop(proc)


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.communicate()


def score(path: str, scale: float, timeout: float = 600.0) -> dict[str, Any]:
    """{"accuracy", "samples"} or {"error"}: the model at `path` scored in a child process."""
    global _spare
    with _lock:
        proc, _spare = _spare, None
    if proc is None or proc.poll() is not None:
        if proc is not None:
            proc.communicate()
        proc = _spawn()
    try:
        out, err = proc.communicate(json.dumps({"path": path, "scale": scale}) + "\n", timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(proc)
        return {"failed": f"scoring took longer than {timeout:.0f} s"}
    lines = [line for line in out.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        return {"failed": (err.strip().splitlines() or [f"the scorer exited with {proc.returncode}"])[-1]}
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def _held_out() -> tuple[Any, Any]:
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    _, x_test, _, y_test = train_test_split(
        digits.data, digits.target, test_size=0.2, random_state=42, stratify=digits.target
    )
    return x_test, y_test


def _warm_up() -> None:
    """TensorFlow's runtime started (its thread pools, the first predict's set-up) on a throw-away
    model of two layers, before the learner's model arrives: the scoring left is its own."""
    import keras
    import numpy as np

    keras.Sequential([keras.Input(shape=(64,)), keras.layers.Dense(10, activation="softmax")]).predict(
        np.zeros((1, 64), dtype="float32"), verbose=0)


def _score(path: str, scale: float, held_out: tuple[Any, Any] | None = None) -> dict[str, Any]:
    import keras
    import numpy as np

    x_test, y_test = held_out or _held_out()
    try:
        model = keras.models.load_model(path)
    except Exception as exc:
        return {"error": f"not a Keras model: {type(exc).__name__}: {exc}"}
    predictions = np.argmax(model.predict(x_test / scale, verbose=0), axis=1)
    return {"accuracy": float((predictions == y_test).mean()), "samples": int(len(y_test))}


def _await_request(request: list[str], asked: threading.Event) -> None:
    """Wait on the parent's pipe from the start: its end closes when the parent ends, by any signal
    (SIGKILL too), or discards us, and then this process ends at once, not when a slow import is done."""
    line = sys.stdin.readline()
    if not line.strip():
        os._exit(0)
    request.append(line)
    asked.set()


def main() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if sys.argv[1:2] == ["--serve"]:
        lines: list[str] = []
        asked = threading.Event()
        threading.Thread(target=_await_request, args=(lines, asked), daemon=True).start()
        # the slow part first, before anyone asks: imports, the held-out digits, TensorFlow's runtime
        held_out = _held_out()
        _warm_up()
        asked.wait()
        request = json.loads(lines[0])
        print(json.dumps(_score(str(request["path"]), float(request.get("scale", 1.0)), held_out)), flush=True)
        return
    path, scale = sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    print(json.dumps(_score(path, scale)), flush=True)


if __name__ == "__main__":
    main()
