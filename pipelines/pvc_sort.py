"""Lesson 2: read from a PVC, sort, write back to the PVC (the tutorial's section 2.2.2).

Both tasks mount the existing PersistentVolumeClaim "aidatasource" at /mnt/shared.
The first reads /mnt/shared/input_numbers.csv and sorts the integers in descending
order into a Dataset artifact; the second writes that artifact to
/mnt/shared/output/sorted_numbers.csv and prints it.
This file is plain KFP code: it compiles and runs unchanged on a Kubeflow cluster.
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

    numbers.sort(reverse=True)
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

    # Both steps mount the same existing PVC; inside the container its root is /mnt/shared.
    for task in (sort_task, save_task):
        kubernetes.mount_pvc(task, pvc_name=PVC_NAME, mount_path=MOUNT_PATH)
