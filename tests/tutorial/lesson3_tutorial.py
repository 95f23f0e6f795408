"""Lesson 3 as the tutorial gives it (section 2.2.3): its pipeline, and its "验证资源" snippet
pasted into train_model as is. The tutorial does not show load_data and train_model's training
(they live in its notebook), so those few lines are the lesson's; the snippet reads cgroup v2
files only."""

from kfp import dsl, kubernetes
from kfp.dsl import Dataset, Input, Output


@dsl.component(base_image="python:3.11")
def load_data(dataset_output: Output[Dataset]):
    with open(dataset_output.path, "w") as f:
        f.write("x,y\n1,2\n")


@dsl.component(base_image="python:3.11")
def train_model(input_dataset: Input[Dataset]):

    import os
    import subprocess

    # 打印 CPU/内存
    with open('/sys/fs/cgroup/cpu.max', 'r') as f:
        print(f"CPU/GPU Quota Info: {f.read().strip()}")
    with open('/sys/fs/cgroup/memory.max', 'r') as f:
        print(f"Memory Limit Info: {f.read().strip()}")

    # 打印 GPU
    try:
        res = subprocess.check_output(["nvidia-smi", "-L"]).decode("utf-8")
        print(f"GPU:\n{res}")
    except:
        print("GPU limit doesn't set .")

    with open(input_dataset.path) as f:
        print(f"train_model: {len(f.read().splitlines()) - 1} rows")


# 在Pipeline定义资源
@dsl.pipeline(
    name="cgpu_setting_node_selector_pipeline",
    description="Full ML pipeline with Dataset and Model artifacts."
)
def cgpu_setting_node_selector_pipeline():
    # 数据加载
    data_task = load_data()
    data_task.set_cpu_limit('1').set_memory_limit('2G')

    # 模型训练
    train_task = train_model(
        input_dataset=data_task.outputs["dataset_output"]
    )
    # 为train_task配置资源
    # CPU资源
    train_task.set_cpu_limit('1').set_memory_limit('4G')
    # GPU资源
    train_task.set_accelerator_limit(2)
    train_task.add_node_selector_constraint('nvidia.com/gpu')
    kubernetes.add_node_selector(
        train_task,
        label_key='nvidia.com/gpu.product',
        label_value='NVIDIA-GeForce-RTX-3090',
    )
