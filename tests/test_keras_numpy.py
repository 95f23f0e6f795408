"""Lesson 4's model run forward in numpy (workshop/core/keras_numpy.py) against real Keras.

Real Keras and TensorFlow (in a child process, as the app keeps them) train and save models of the
layers keras_numpy runs, and predict the held-out digits; keras_numpy, from the saved files alone,
must give the same outputs and the same digits. Models it does not run (another layer, a GELU, a
Functional model) must come back None, and the scorer then asks Keras, with the same accuracy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from workshop.core import keras_eval, keras_numpy

TRAIN = r"""
import json, os, sys
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import numpy as np
import keras
from keras import layers
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

out = sys.argv[1]
keras.utils.set_random_seed(7)
digits = load_digits()
x = digits.data.astype("float32")
x_train, x_test, y_train, y_test = train_test_split(x, digits.target, test_size=0.2, random_state=42,
                                                    stratify=digits.target)

def lesson():  # pipelines/minio_model.py, as the learner is given it
    return keras.Sequential([keras.Input(shape=(64,)), layers.Rescaling(1.0 / 16.0),
                             layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")])

models = {
    "lesson": lesson,
    "deeper": lambda: keras.Sequential([
        keras.Input(shape=(64,)), layers.Rescaling(0.0625, offset=-0.5), layers.Dense(48, activation="tanh"),
        layers.Dropout(0.3), layers.BatchNormalization(), layers.Dense(32, use_bias=False),
        layers.Activation("elu"), layers.GaussianNoise(0.1), layers.Dense(24, activation="silu"),
        layers.ReLU(), layers.Dense(16, activation="softplus"), layers.Dense(10), layers.Softmax()]),
    "flat": lambda: keras.Sequential([
        keras.Input(shape=(8, 8)), layers.Flatten(), layers.Dense(32, activation="sigmoid"),
        layers.Dense(10, activation="softmax")]),
    # not run by keras_numpy: a GELU, a convolution, a Functional model
    "gelu": lambda: keras.Sequential([keras.Input(shape=(64,)), layers.Dense(32, activation="gelu"),
                                      layers.Dense(10, activation="softmax")]),
    "conv": lambda: keras.Sequential([keras.Input(shape=(64,)), layers.Reshape((64, 1)),
                                      layers.Conv1D(4, 3, activation="relu"), layers.Flatten(),
                                      layers.Dense(10, activation="softmax")]),
}

def functional():
    inputs = keras.Input(shape=(64,))
    hidden = layers.Dense(32, activation="relu")(inputs)
    return keras.Model(inputs, layers.Dense(10, activation="softmax")(hidden))

models["functional"] = functional
for name, make in models.items():
    model = make()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    shaped = (lambda a: a.reshape(-1, 8, 8)) if name == "flat" else (lambda a: a)
    model.fit(shaped(x_train / 16.0 if name == "flat" else x_train), y_train, epochs=4, verbose=0)
    model.save(os.path.join(out, f"{name}.keras"))
    scale = 16.0 if name == "flat" else 1.0
    np.save(os.path.join(out, f"{name}.npy"), model.predict(shaped(x_test / scale), verbose=0))
print(json.dumps({"scales": {"flat": 16.0}}))
"""


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("keras")
    done = subprocess.run([sys.executable, "-c", TRAIN, str(out)], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert done.returncode == 0, done.stderr[-3000:]
    return out


def _inputs(name: str) -> np.ndarray:
    x_test, _ = keras_eval._held_out()
    x = x_test.astype("float32")
    return (x / 16.0).reshape(-1, 8, 8) if name == "flat" else x


@pytest.mark.slow
@pytest.mark.parametrize("name", ["lesson", "deeper", "flat"])
def test_numpy_gives_what_keras_predicts(trained: Path, name: str) -> None:
    forward = keras_numpy.load(str(trained / f"{name}.keras"))
    assert forward is not None
    ours = forward(_inputs(name))
    theirs = np.load(trained / f"{name}.npy")
    assert ours.shape == theirs.shape == (360, 10)
    np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-5)
    assert (ours.argmax(axis=1) == theirs.argmax(axis=1)).all()


@pytest.mark.slow
@pytest.mark.parametrize("name", ["gelu", "conv", "functional"])
def test_a_model_numpy_does_not_run_is_left_to_keras(trained: Path, name: str) -> None:
    assert keras_numpy.load(str(trained / f"{name}.keras")) is None


@pytest.mark.slow
@pytest.mark.parametrize("name", ["lesson", "gelu"])
def test_the_scorer_scores_as_keras_would(trained: Path, name: str) -> None:
    """The scorer's child: the lesson's model by numpy, a GELU one by Keras; each accuracy is that of
    Keras's own predictions on the same held-out digits."""
    _, y_test = keras_eval._held_out()
    expected = float((np.load(trained / f"{name}.npy").argmax(axis=1) == y_test).mean())
    out = subprocess.run([sys.executable, "-m", "workshop.core.keras_eval", str(trained / f"{name}.keras"), "1"],
                         capture_output=True, text=True, timeout=300, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {"accuracy": pytest.approx(expected), "samples": 360,
                      "scorer": "numpy" if name == "lesson" else "keras"}


def test_what_is_not_a_keras_archive_is_left_to_keras(tmp_path: Path) -> None:
    garbage = tmp_path / "detect-digits.keras"
    garbage.write_bytes(b"not a zip")
    assert keras_numpy.load(str(garbage)) is None
    assert keras_numpy.load(str(tmp_path / "missing.keras")) is None


def test_a_sequential_with_an_unknown_layer_or_dtype_is_left_to_keras(tmp_path: Path) -> None:
    """Built by hand, as Keras 3 writes them (config.json and model.weights.h5 in a zip)."""
    import zipfile

    import h5py

    def archive(layers: list[dict], dtype: object = "float32") -> str:
        weights = tmp_path / "w.h5"
        with h5py.File(weights, "w") as h5:
            vars_ = h5.create_group("layers/dense/vars")
            vars_["0"] = np.eye(64, 10, dtype="float32")
            vars_["1"] = np.zeros(10, dtype="float32")
        path = tmp_path / f"m{len(list(tmp_path.iterdir()))}.keras"
        config = {"module": "keras", "class_name": "Sequential",
                  "config": {"name": "s", "dtype": dtype, "layers": layers}}
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("config.json", json.dumps(config))
            z.write(weights, "model.weights.h5")
        return str(path)

    dense: dict[str, Any] = {"module": "keras.layers", "class_name": "Dense",
             "config": {"name": "dense", "units": 10, "activation": "softmax", "use_bias": True}}
    forward = keras_numpy.load(archive([dense]))
    assert forward is not None
    probabilities = forward(np.eye(64, dtype="float32")[:10])
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-6)
    assert (probabilities.argmax(axis=1) == np.arange(10)).all()
    assert keras_numpy.load(archive([{**dense, "class_name": "LayerNormalization"}])) is None
    assert keras_numpy.load(archive([{**dense, "config": {**dense["config"], "activation": "relu6"}}])) is None
    assert keras_numpy.load(archive([{**dense, "config": {**dense["config"], "lora_rank": 4}}])) is None
    assert keras_numpy.load(archive([dense], dtype={"class_name": "DTypePolicy",
                                                    "config": {"name": "mixed_float16"}})) is None
    assert keras_numpy.load(archive([{**dense, "registered_name": "mine>Dense"}])) is None
    # weights are found by class and place (layers/dense, layers/dense_1), whatever the layer's name
    assert keras_numpy.load(archive([{**dense, "config": {**dense["config"], "name": "dense_7"}}])) is not None
    assert keras_numpy.load(archive([dense, dense])) is None  # no layers/dense_1 in the file
