"""Broken lesson 1: add() returns x - y instead of x + y, so the pipeline computes sqrt(a² - b²).
The run_output check must catch it (with a > b the run succeeds with a wrong number; with a=3, b=4 square_root fails)."""

from kfp import dsl


@dsl.component(base_image="python:3.11")
def square(x: float) -> float:
    print(f"square: {x}")
    return x**2


@dsl.component(base_image="python:3.11")
def add(x: float, y: float) -> float:
    print(f"add number: x={x}, y={y}")
    return x - y  # BROKEN: subtracts instead of adding


@dsl.component(base_image="python:3.11")
def square_root(x: float) -> float:
    print(f"square_root: {x}")
    return x**0.5


@dsl.pipeline(name="demo-pythagorean-pipeline", description="sqrt(a^2 + b^2) in four tasks")
def pythagorean(a: float = 3.0, b: float = 4.0) -> float:
    a_sq_task = square(x=a)
    b_sq_task = square(x=b)
    sum_task = add(x=a_sq_task.output, y=b_sq_task.output)
    root_task = square_root(x=sum_task.output)
    return root_task.output
