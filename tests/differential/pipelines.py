"""Small pipelines for the differential suite: each exercises one part of KFP's DSL."""

from typing import Optional

from kfp import dsl
from kfp.dsl import Dataset, Input, Metrics, Model, Output

IMAGE = "python:3.11"


# --- parameters -------------------------------------------------------------------------------
@dsl.component(base_image=IMAGE)
def echo(text: str) -> str:
    print(f"echo: {text}")
    return text


@dsl.component(base_image=IMAGE)
def double(x: int) -> int:
    return 2 * x


@dsl.component(base_image=IMAGE)
def half(x: float) -> float:
    return x / 2


@dsl.component(base_image=IMAGE)
def total(numbers: list) -> int:
    return sum(int(n) for n in numbers)


@dsl.component(base_image=IMAGE)
def fail(message: str):
    raise RuntimeError(message)


# --- conditions -------------------------------------------------------------------------------
@dsl.pipeline
def conditions(word: str = "two") -> str:
    picked = echo(text=word)
    with dsl.If(picked.output == "one"):
        first = echo(text="first")
    with dsl.Elif(picked.output == "two"):
        second = echo(text="second")
    with dsl.Else():
        other = echo(text="other")
    return dsl.OneOf(first.output, second.output, other.output)


@dsl.pipeline
def numeric_condition(x: float = 3.0) -> str:
    """dsl.If comparing a float output with an int, as `sum_task.output > 0` does."""
    halved = half(x=x)
    with dsl.If(halved.output > 1):  # an int literal on a float: the compiler writes double(1)
        big = echo(text="big")
    with dsl.Else():
        small = echo(text="small")
    return dsl.OneOf(big.output, small.output)


# --- loops ------------------------------------------------------------------------------------
@dsl.pipeline
def loop_collected(numbers: list = [1, 2, 3, 4]) -> int:  # noqa: B006  a pipeline default, as KFP writes it
    with dsl.ParallelFor(items=numbers, parallelism=2) as n:
        doubled = double(x=n)
    return total(numbers=dsl.Collected(doubled.output)).output


@dsl.pipeline
def loop_sixteen() -> int:
    with dsl.ParallelFor(items=list(range(16))) as n:
        doubled = double(x=n)
    return total(numbers=dsl.Collected(doubled.output)).output


# --- exit handlers ----------------------------------------------------------------------------
@dsl.pipeline
def exit_handler_ok() -> None:
    cleanup = echo(text="cleanup")
    with dsl.ExitHandler(cleanup):
        echo(text="body")


@dsl.pipeline
def exit_handler_after_failure() -> None:
    cleanup = echo(text="cleanup")
    with dsl.ExitHandler(cleanup):
        fail(message="the body fails on purpose")


# --- nested pipelines -------------------------------------------------------------------------
@dsl.component(base_image=IMAGE)
def write_dataset(text: str, data: Output[Dataset]):
    lines = text.split(",")
    with open(data.path, "w") as f:
        f.write("\n".join(lines) + "\n")
    data.metadata["lines"] = len(lines)


@dsl.component(base_image=IMAGE)
def read_dataset(data: Input[Dataset]) -> str:
    with open(data.path) as f:
        return f.read().upper()


@dsl.pipeline
def inner(text: str) -> Dataset:
    return write_dataset(text=text).outputs["data"]


@dsl.pipeline
def nested(text: str = "a,b") -> str:
    # a default with a newline would break the compiled YAML's header comment (kfp 2.17)
    made = inner(text=text)
    return read_dataset(data=made.output).output


# --- artifacts --------------------------------------------------------------------------------
@dsl.component(base_image=IMAGE)
def train(data: Input[Dataset], model: Output[Model], metrics: Output[Metrics], bundle: Output[Model]):
    import os

    with open(data.path) as f:
        rows = f.read().splitlines()
    with open(model.path, "w") as f:
        f.write(f"weights for {len(rows)} rows")
    model.metadata["framework"] = "none"
    metrics.log_metric("rows", len(rows))
    metrics.log_metric("accuracy", 0.75)
    os.makedirs(bundle.path, exist_ok=True)  # a directory artifact, as model servers load them
    with open(os.path.join(bundle.path, "model.txt"), "w") as f:
        f.write("m")
    os.makedirs(os.path.join(bundle.path, "assets"), exist_ok=True)
    with open(os.path.join(bundle.path, "assets", "vocab.txt"), "w") as f:
        f.write("a b c")


@dsl.pipeline
def artifacts(text: str = "1,2,3") -> Model:
    data = write_dataset(text=text)
    trained = train(data=data.outputs["data"])
    return trained.outputs["bundle"]


# --- retries ----------------------------------------------------------------------------------
@dsl.component(base_image=IMAGE)
def flaky(counter: str, succeed_on: int) -> int:
    """Fails until its attempt number (kept in a file) reaches succeed_on."""
    import os

    attempt = int(open(counter).read()) + 1 if os.path.exists(counter) else 1
    with open(counter, "w") as f:
        f.write(str(attempt))
    print(f"attempt {attempt}")
    if attempt < succeed_on:
        raise RuntimeError(f"attempt {attempt} fails")
    return attempt


@dsl.pipeline
def retries(counter: str) -> int:
    return flaky(counter=counter, succeed_on=2).set_retry(num_retries=2).output


# --- optional inputs --------------------------------------------------------------------------
@dsl.component(base_image=IMAGE)
def optional_inputs(name: str = "world", note: Optional[str] = None,  # noqa: UP045  as learners write it
                    tags: Optional[list] = None, count: int = 1) -> str:  # noqa: UP045
    return f"{name}:{note}:{tags}:{count}"


@dsl.component(base_image=IMAGE)
def optional_int(count: Optional[int] = None) -> str:  # noqa: UP045
    return f"count={count}"


@dsl.pipeline
def optional(name: str = "kfp") -> str:
    optional_inputs()  # every input left to its default, None included
    return optional_inputs(name=name, note="n", count=3).output


@dsl.pipeline
def optional_none_int() -> str:
    """An Optional[int] left to None: kfp.local 2.17 calls int(None) on it
    (kfp/local/executor_input_utils.py, executor_input_to_dict); a cluster passes null."""
    return optional_int().output
