"""Check kinds that look at the object store (lesson 4): the object a run wrote, and how well the
Keras model stored there scores on held-out digits."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from workshop.core.check_base import CheckContext, Outcome, check, clock_skew, clock_time, failed, passed
from workshop.core.check_text import say


def object_key(ctx: CheckContext, params: dict[str, Any]) -> str:
    """The key the run wrote: its own argument `key_argument` (a backend-provided default), else `key`."""
    argument = params.get("key_argument")
    value = ctx.run.arguments.get(argument) if argument else None
    return str(value) if value else str(params["key"])


@check("s3_object")
def s3_object(ctx: CheckContext, params: dict[str, Any]) -> Outcome:
    bucket, key = params["bucket"], object_key(ctx, params)
    try:
        info = ctx.backend.stat_object(bucket, key)
    except Exception as exc:
        return failed(say(ctx.lang, "s3_object.missing", bucket=bucket, key=key, error=exc), bucket=bucket, key=key)
    evidence = {"bucket": bucket, "key": key, "size": info.size, "etag": info.etag,
                "last_modified": clock_time(info.last_modified)}
    if info.last_modified and info.last_modified < ctx.run.started_at - clock_skew(ctx):
        return failed(say(ctx.lang, "s3_object.stale", bucket=bucket, key=key), **evidence)
    return passed(say(ctx.lang, "s3_object.ok", bucket=bucket, key=key, size=info.size), **evidence)


@check("keras_model_accuracy")
def keras_model_accuracy(ctx: CheckContext, params: dict[str, Any]) -> Outcome:
    # The model is scored in a child process (started when the run began, see
    # keras_eval.prestart) that loads only the stored file, never the learner's code.
    from workshop.core import keras_eval

    bucket, key = params["bucket"], object_key(ctx, params)
    minimum = float(params.get("min_accuracy", 0.9))
    try:
        data = ctx.backend.get_object(bucket, key)
    except Exception as exc:
        return failed(say(ctx.lang, "keras_model_accuracy.no_download", bucket=bucket, key=key, error=exc))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(key).name
        path.write_bytes(data)
        result = keras_eval.score(str(path), float(params.get("input_scale", 16.0)))
    if "failed" in result:
        return failed(say(ctx.lang, "keras_model_accuracy.scoring_failed", error=result["failed"]))
    if "error" in result:
        return failed(say(ctx.lang, "keras_model_accuracy.bad_model", bucket=bucket, key=key, error=result["error"]))
    accuracy = float(result["accuracy"])
    evidence = {"object": f"s3://{bucket}/{key}", "held_out_samples": result["samples"],
                "accuracy": f"{accuracy:.3f}"}
    if accuracy >= minimum:
        return passed(say(ctx.lang, "keras_model_accuracy.ok", accuracy=accuracy, minimum=minimum), **evidence)
    return failed(say(ctx.lang, "keras_model_accuracy.low", accuracy=accuracy, minimum=minimum), **evidence)
