"""Lesson 1's pipeline whose first task prints 12 MB: a flooding component for the fault tests."""

from kfp import dsl


@dsl.component(base_image="python:3.11")
def square(x: float) -> float:
    import sys

    line = "flood " + "x" * 114 + "\n"
    for i in range(100_000):
        sys.stdout.write(f"{i:06d} {line}")
    print("flood: last line", flush=True)
    return x**2


@dsl.pipeline(name="demo-pythagorean-pipeline", description="a task that floods its log")
def pythagorean(a: float = 3.0, b: float = 4.0) -> float:
    return square(x=a).output
