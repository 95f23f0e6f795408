from kfp import dsl

@dsl.component(base_image='python:3.9')
def square(x: float) -> float:
    print(f'square: {x}')
    return x ** 2

@dsl.component(base_image='python:3.9')
def add(x: float, y: float) -> float:
    print(f'add number: x={x}, y={y}')
    return x + y

@dsl.component(base_image='python:3.9')
def square_root(x: float) -> float:
    print(f'square_root: {x}')
    return x ** .5
    
@dsl.pipeline
def pythagorean(a: float, b: float) -> float:
    a_sq_task = square(x=a)
    b_sq_task = square(x=b)
    sum_task = add(x=a_sq_task.output, y=b_sq_task.output)
    root_task = square_root(x=sum_task.output)
    return root_task.output
