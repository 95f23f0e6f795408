"""Lesson 1's pipeline whose first task never ends: the fault tests kill the workshop mid-run."""

from kfp import dsl


@dsl.component(base_image="python:3.11")
def square(x: float) -> float:
    import threading

    print("hang: waiting", flush=True)
    threading.Event().wait()  # forever: only a kill ends it
    return x**2


@dsl.pipeline(name="demo-pythagorean-pipeline", description="a task that never ends")
def pythagorean(a: float = 3.0, b: float = 4.0) -> float:
    return square(x=a).output
