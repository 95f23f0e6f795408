"""A one-task pipeline whose component prints `megabytes` MB of log, for the flood benchmark (issue 15)."""

from kfp import dsl


@dsl.component(base_image="python:3.11")
def flood(megabytes: int) -> int:
    import sys

    line = "flood " + "x" * 113 + "\n"  # 128 bytes with the counter
    count = megabytes * (1 << 20) // 128
    for i in range(count):
        sys.stdout.write(f"{i:07d} {line}")
    print("flood: last line", flush=True)
    return count


@dsl.pipeline(name="flood")
def pythagorean(a: float = 3.0, b: float = 4.0) -> int:
    return flood(megabytes=50).output
