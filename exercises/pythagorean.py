"""Exercise: lesson 1, a Pythagorean pipeline / 第 1 课 勾股定理流水线

Fill in every TODO, then run the lesson (the app's Run tab, or `workshop run 1`).
The lesson's checks say what is still missing, with a hint for each.
练习：补全每一个 TODO，然后运行本课（应用中的“运行”页，或 `workshop run 1`）。
"""

from kfp import dsl


@dsl.component(base_image="python:3.11")
def square(x: float) -> float:
    print(f"square: {x}")
    return x**2


@dsl.component(base_image="python:3.11")
def add(x: float, y: float) -> float:
    print(f"add number: x={x}, y={y}")
    # TODO 2: return the sum of x and y.  返回 x 与 y 之和。
    raise NotImplementedError("TODO 2: add() must return x + y")


@dsl.component(base_image="python:3.11")
def square_root(x: float) -> float:
    print(f"square_root: {x}")
    # TODO 3: return the square root of x.  返回 x 的平方根。
    raise NotImplementedError("TODO 3: square_root() must return the square root of x")


@dsl.pipeline(name="demo-pythagorean-pipeline", description="sqrt(a^2 + b^2) in four tasks")
def pythagorean(a: float = 3.0, b: float = 4.0) -> float:
    a_sq_task = square(x=a)
    b_sq_task = square(x=b)
    # TODO 1: pass the two squares to add(), pass its output to square_root(), and return the
    #         square root task's output instead of b's square.  Each task's result is `.output`.
    # TODO 1：把两个平方传给 add()，再把它的输出传给 square_root()，并返回平方根任务的输出。
    return b_sq_task.output
