"""Exercise: lesson 2, a persistent volume / 第 2 课 持久卷

Fill in every TODO, then run the lesson (the app's Run tab, or `workshop run 2`).
The lesson's checks say what is still missing, with a hint for each.
练习：补全每一个 TODO，然后运行本课（应用中的“运行”页，或 `workshop run 2`）。
"""

from kfp import dsl, kubernetes
from kfp.dsl import Dataset, Input, Output

PVC_NAME = "aidatasource"
MOUNT_PATH = "/mnt/shared"


@dsl.component(base_image="python:3.11")
def sort_csv_component(input_file_path: str, sorted_output: Output[Dataset]):
    """Read one integer per line, sort them in descending order, write them as a Dataset."""
    print(f"sort: reading {input_file_path}")
    with open(input_file_path, encoding="utf-8") as f:
        numbers = [int(line.strip()) for line in f if line.strip()]
    print(f"sort: read {len(numbers)} numbers: {numbers}")

    numbers.sort()  # TODO 1: the lesson asks for descending order.  题目要求降序排列。
    with open(sorted_output.path, "w", encoding="utf-8") as f:
        f.write("\n".join(str(n) for n in numbers) + "\n")
    print(f"sort: sorted (descending): {numbers}")
    print(f"sort: wrote the Dataset artifact {sorted_output.path}")


@dsl.component(base_image="python:3.11")
def save_and_print_component(
    sorted_data_input: Input[Dataset],
    pvc_output_directory: str,
    file_name: str,
):
    """Copy the sorted Dataset into the PVC and print what was written."""
    import os

    with open(sorted_data_input.path, encoding="utf-8") as f:
        content = f.read()

    os.makedirs(pvc_output_directory, exist_ok=True)
    target = os.path.join(pvc_output_directory, file_name)
    with open(target, "w", encoding="utf-8") as f:
        f.write(content)
    print(f"save: wrote {target}")
    print("save: content:")
    print(content.rstrip("\n"))


@dsl.pipeline(
    name="csv-sort-and-save-to-pvc",
    description="Read numbers from a PVC, sort them in descending order, write them back to the PVC",
)
def demo_sort_pipeline(
    raw_input_path: str = "/mnt/shared/input_numbers.csv",
    pvc_dir: str = "/mnt/shared/output",
    final_name: str = "sorted_numbers.csv",
):
    sort_task = sort_csv_component(input_file_path=raw_input_path)
    save_task = save_and_print_component(
        sorted_data_input=sort_task.outputs["sorted_output"],
        pvc_output_directory=pvc_dir,
        file_name=final_name,
    )

    # The sort step mounts the existing PVC; inside the container its root is /mnt/shared.
    kubernetes.mount_pvc(sort_task, pvc_name=PVC_NAME, mount_path=MOUNT_PATH)
    # TODO 2: the save step writes to the volume too: mount the same PVC on save_task.
    # TODO 2：保存步骤也要写入该卷：为 save_task 挂载同一个 PVC。
