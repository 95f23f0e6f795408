"""Score a stored Keras digits model on held-out digits, in a process of its own.

TensorFlow's import costs hundreds of MiB and writes C++ logs straight to the terminal;
in a child process neither reaches the app. Prints one JSON line: {"accuracy": ..., "samples": ...}.
Usage: python -m workshop.core.keras_eval MODEL_PATH [INPUT_SCALE]
"""

from __future__ import annotations

import json
import os
import sys


def main() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    path, scale = sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    import keras
    import numpy as np
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    _, x_test, _, y_test = train_test_split(
        digits.data, digits.target, test_size=0.2, random_state=42, stratify=digits.target
    )
    try:
        model = keras.models.load_model(path)
    except Exception as exc:
        print(json.dumps({"error": f"not a Keras model: {type(exc).__name__}: {exc}"}))
        return
    predictions = np.argmax(model.predict(x_test / scale, verbose=0), axis=1)
    print(json.dumps({"accuracy": float((predictions == y_test).mean()), "samples": int(len(y_test))}))


if __name__ == "__main__":
    main()
