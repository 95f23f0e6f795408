"""Lesson 1's pipeline whose first task fills the disk, then prints: the fault tests' full disk mid-run."""

from kfp import dsl
from kfp.dsl import Artifact, Output


@dsl.component(base_image="python:3.11")
def square(x: float, junk: Output[Artifact]) -> float:
    import os

    fd = os.open(junk.path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 65536)
    except OSError:
        pass
    finally:
        os.close(fd)
    for i in range(5000):  # the disk is full: every line the workshop keeps must now fail to be written
        print(f"fill_disk: line {i} " + "x" * 100, flush=True)
    return x**2


@dsl.pipeline(name="demo-pythagorean-pipeline", description="a task that fills the disk")
def pythagorean(a: float = 3.0, b: float = 4.0) -> float:
    return square(x=a).outputs["Output"]
