"""A one-task pipeline that prints a timestamp every 20 ms, for the log-latency benchmark."""

from kfp import dsl


@dsl.component(base_image="python:3.11")
def ticker(count: int) -> int:
    import time

    for i in range(count):
        print(f"TICK {i} {time.time():.6f}", flush=True)
        time.sleep(0.02)
    return count


@dsl.pipeline(name="ticker")
def pythagorean(a: float = 3.0, b: float = 4.0) -> int:
    return ticker(count=100).output
