"""A stored Keras model run forward with numpy: lesson 4's check without a second TensorFlow.

Scoring the learner's model with Keras meant importing TensorFlow once more after training (some
6 s of CPU on a 2-core machine, and hundreds of MiB), in the course's busiest stretch. A `.keras`
file is a zip of `config.json` (the architecture) and `model.weights.h5` (the weights, by layer);
for a Sequential stack of the layers a dense classifier is made of, the forward pass is a few
matrix products, computed here from the file alone, as Keras computes them at inference:

- InputLayer; Rescaling (x * scale + offset); Flatten; Dense (x @ kernel + bias, then its
  activation); Activation; ReLU and Softmax at their defaults; BatchNormalization over the last
  axis ((x - moving_mean) / sqrt(moving_variance + epsilon) * gamma + beta);
- Dropout, GaussianNoise, GaussianDropout and ActivityRegularization, which do nothing at inference;
- the activations linear, relu, sigmoid, softmax, tanh, softplus, silu (swish) and elu
  (keras/src/activations/activations.py, Keras 3).

Anything else (another layer, a custom or parameterised activation, a dtype policy other than
float32, LoRA or quantized weights, a Functional or subclassed model, a legacy .h5 file, a file
that is not a zip) is not guessed at: `load` returns None and the caller scores with Keras itself.
tests/test_keras_numpy.py compares the two on trained models with real Keras.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

Forward = Callable[[Any], Any]  # a batch of inputs -> the model's outputs (numpy arrays)

_INERT = {"Dropout", "GaussianNoise", "GaussianDropout", "ActivityRegularization"}


class Unsupported(Exception):
    """Not a model this module runs: Keras scores it."""


def _activation(name: Any) -> Callable[[Any], Any]:
    import numpy as np

    def softmax(x: Any) -> Any:
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    def sigmoid(x: Any) -> Any:
        return 1.0 / (1.0 + np.exp(-x))

    known: dict[str, Callable[[Any], Any]] = {
        "linear": lambda x: x,
        "relu": lambda x: np.maximum(x, 0.0),
        "sigmoid": sigmoid,
        "softmax": softmax,
        "tanh": np.tanh,
        "softplus": lambda x: np.logaddexp(0.0, x),
        "silu": lambda x: x * sigmoid(x),
        "swish": lambda x: x * sigmoid(x),
        "elu": lambda x: np.where(x > 0, x, np.expm1(np.minimum(x, 0.0))),
    }
    if name is None:
        return known["linear"]
    if not isinstance(name, str) or name not in known:
        raise Unsupported(f"activation {name!r}")
    return known[name]


def _float32(config: dict[str, Any]) -> None:
    dtype = config.get("dtype")
    if dtype is None or dtype == "float32":
        return
    if isinstance(dtype, dict) and dtype.get("class_name") == "DTypePolicy" and \
            (dtype.get("config") or {}).get("name") == "float32":
        return
    raise Unsupported(f"dtype {dtype!r}")


def _snake(name: str) -> str:
    """keras/src/utils/naming.py to_snake_case (Keras 3.15.1): ReLU -> re_lu, GaussianNoise -> gaussian_noise."""
    import re

    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def _paths(layers: list[dict[str, Any]]) -> list[str]:
    """Where each layer's weights are in model.weights.h5. Not by the layer's name (a name counts up across a
    process: dense_5): keras/src/saving/saving_lib.py (3.15.1), _walk_saveable gives a Sequential's `layers`
    (without the InputLayer at its bottom) and _save_container_state names each by its class in snake case,
    _1, _2 ... for the second and third of a class (_get_unique_name)."""
    used: dict[str, int] = {}
    paths = []
    for index, layer in enumerate(layers):
        if index == 0 and layer.get("class_name") == "InputLayer":
            paths.append("")
            continue
        name = _snake(str(layer.get("class_name")))
        if name in used:
            used[name] += 1
            name = f"{name}_{used[name]}"
        else:
            used[name] = 0
        paths.append(f"layers/{name}")
    return paths


def _weights(h5: Any, path: str, count: int) -> list[Any]:
    import numpy as np

    group = h5.get(f"{path}/vars")
    if group is None or len(group) != count:
        raise Unsupported(f"weights at {path}")
    return [np.asarray(group[str(i)], dtype="float32") for i in range(count)]


def _layer(layer: dict[str, Any], path: str, h5: Any) -> Forward | None:
    """The layer's forward step; None for one that does nothing at inference."""
    import numpy as np

    kind, config = layer.get("class_name"), layer.get("config") or {}
    if layer.get("module") not in ("keras.layers", None) or layer.get("registered_name") not in (None, kind):
        raise Unsupported(f"layer {kind!r} from {layer.get('module')!r}")
    if not isinstance(config, dict):
        raise Unsupported(f"layer {kind!r} without a config")
    if kind == "InputLayer" or kind in _INERT:
        return None
    _float32(config)
    if kind == "Rescaling":
        scale, offset = config.get("scale"), config.get("offset", 0.0)
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (scale, offset)):
            raise Unsupported("Rescaling by more than one number")
        return lambda x: x * np.float32(scale) + np.float32(offset)
    if kind == "Flatten":
        return lambda x: x.reshape(len(x), -1)
    if kind == "Activation":
        return _activation(config.get("activation"))
    if kind == "ReLU":
        arguments = (config.get("max_value"), config.get("negative_slope", 0.0), config.get("threshold", 0.0))
        if arguments != (None, 0.0, 0.0):
            raise Unsupported("ReLU with arguments")
        return _activation("relu")
    if kind == "Softmax":
        if config.get("axis", -1) not in (-1, [-1]):
            raise Unsupported("Softmax over another axis")
        return _activation("softmax")
    if kind == "Dense":
        if config.get("lora_rank") or config.get("quantization_config") or config.get("lora_enabled"):
            raise Unsupported("Dense with LoRA or quantized weights")
        act = _activation(config.get("activation"))
        if config.get("use_bias", True):
            kernel, bias = _weights(h5, path, 2)
            return lambda x: act(x @ kernel + bias)
        (kernel,) = _weights(h5, path, 1)
        return lambda x: act(x @ kernel)
    if kind == "BatchNormalization":
        if config.get("axis", -1) not in (-1, [-1]) or not config.get("center", True) or not config.get("scale", True) \
                or config.get("renorm") or config.get("synchronized"):
            raise Unsupported("BatchNormalization other than over the last axis, centred and scaled")
        gamma, beta, mean, variance = _weights(h5, path, 4)  # the order Keras builds them in
        epsilon = np.float32(config.get("epsilon", 1e-3))
        inv = gamma / np.sqrt(variance + epsilon)
        return lambda x: (x - mean) * inv + beta
    raise Unsupported(f"layer {kind!r}")


def load(path: str) -> Forward | None:
    """The stored model's forward pass, or None when it is not one this module runs exactly."""
    try:
        return _load(path)
    except Unsupported:
        return None


def _load(path: str) -> Forward:
    try:
        import h5py
        import numpy  # noqa: F401
    except ImportError as exc:
        raise Unsupported(str(exc)) from None
    try:
        with zipfile.ZipFile(path) as archive:
            config = json.loads(archive.read("config.json"))
            weights = archive.read("model.weights.h5")
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise Unsupported(f"not a .keras archive: {exc}") from None
    if not isinstance(config, dict) or config.get("class_name") != "Sequential" or \
            config.get("module") not in ("keras", "keras.models", None):
        raise Unsupported("not a Sequential model")
    body = config.get("config") or {}
    layers = body.get("layers") if isinstance(body, dict) else None
    if not isinstance(layers, list) or not layers:
        raise Unsupported("no layers")
    _float32(body)
    if not all(isinstance(layer, dict) for layer in layers):
        raise Unsupported("a layer without a config")
    try:
        with h5py.File(io.BytesIO(weights), "r") as h5:
            steps = [step for step in (_layer(layer, path, h5) for layer, path in zip(layers, _paths(layers),
                                                                                       strict=True))
                     if step is not None]
    except (OSError, ValueError, TypeError) as exc:
        raise Unsupported(f"weights: {exc}") from None

    def forward(x: Any) -> Any:
        import numpy as np

        out = np.asarray(x, dtype="float32")
        for step in steps:
            out = step(out)
        return out

    return forward
