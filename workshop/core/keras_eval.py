"""Score a stored Keras digits model on held-out digits, in a process of its own.

Nothing of the learner's code is loaded there: only the model file fetched from the object
store. A stack of the layers a dense classifier is made of (the lesson's model) runs forward in
numpy from the file (keras_numpy.py); any other model is loaded by Keras, whose TensorFlow import
costs hundreds of MiB and seconds and writes C++ logs straight to the terminal: in a child
process neither reaches the app.

The child imports scikit-learn and makes the held-out digits first, then waits for one request on
stdin, so that start overlaps the lesson's run: `prestart()` when a run of a lesson with this check
begins, `score()` when the check runs (it takes the started child, or starts one). One child scores
one model.

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


def _score(path: str, scale: float, held_out: tuple[Any, Any] | None = None) -> dict[str, Any]:
    """Scored by the model's own forward pass in numpy when it is a stack of the layers keras_numpy runs (the
    lesson's model is), else by Keras: TensorFlow is imported only for a model that needs it."""
    import numpy as np

    from workshop.core import keras_numpy

    x_test, y_test = held_out or _held_out()
    forward = keras_numpy.load(path)
    scorer = "numpy"
    outputs = None
    if forward is not None:
        try:
            outputs = forward(x_test / scale)
        except (ValueError, TypeError, FloatingPointError):
            outputs = None  # shapes that do not fit: Keras says how
    if outputs is None:
        scorer = "keras"
        import keras

        try:
            model = keras.models.load_model(path)
        except Exception as exc:
            return {"error": f"not a Keras model: {type(exc).__name__}: {exc}"}
        outputs = model.predict(x_test / scale, verbose=0)
    predictions = np.argmax(outputs, axis=1)
    return {"accuracy": float((predictions == y_test).mean()), "samples": int(len(y_test)), "scorer": scorer}


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
        # the slow part first, before anyone asks: scikit-learn's import and the held-out digits (numpy and
        # h5py come with them); TensorFlow only if the model turns out to need Keras itself
        held_out = _held_out()
        import h5py  # noqa: F401

        from workshop.core import keras_numpy  # noqa: F401
        asked.wait()
        request = json.loads(lines[0])
        print(json.dumps(_score(str(request["path"]), float(request.get("scale", 1.0)), held_out)), flush=True)
        return
    path, scale = sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    print(json.dumps(_score(path, scale)), flush=True)


if __name__ == "__main__":
    main()
