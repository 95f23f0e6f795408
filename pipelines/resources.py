"""Lesson 3: CPU, memory and GPU for each step, and a node selector (the tutorial's section 2.2.3).

load_data gets 1 CPU and 2G of memory; train_model gets 1 CPU, 4G of memory, two
nvidia.com/gpu accelerators and must land on a node labelled
nvidia.com/gpu.product=NVIDIA-GeForce-RTX-3090. train_model prints the limits it
actually sees (cgroup files, `nvidia-smi -L`) so the log shows what Kubernetes gave it.
This file is plain KFP code: it compiles and runs unchanged on a Kubeflow cluster.
"""

from kfp import dsl, kubernetes
from kfp.dsl import Dataset, Input, Output


@dsl.component(base_image="python:3.11", packages_to_install=["scikit-learn"])
def load_data(dataset_output: Output[Dataset]):
    """Write the iris data set (bundled with scikit-learn, nothing downloaded) as CSV."""
    import csv

    from sklearn.datasets import load_iris

    iris = load_iris()
    with open(dataset_output.path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(list(iris.feature_names) + ["target"])
        for features, target in zip(iris.data.tolist(), iris.target.tolist(), strict=True):
            writer.writerow(features + [target])
    print(f"load_data: wrote {len(iris.target)} iris rows to {dataset_output.path}")


@dsl.component(base_image="python:3.11", packages_to_install=["scikit-learn"])
def train_model(input_dataset: Input[Dataset]):
    """Print the CPU, memory and GPU this container was given, then train a tiny model."""
    import csv
    import os
    import shutil
    import subprocess

    def read(path):
        try:
            with open(path, encoding="utf-8") as f:
                return f.read().strip()
        except OSError:
            return None

    def own_cgroup_dirs(controller=""):
        # /sys/fs/cgroup is the container's own cgroup in a pod; on a plain host the process
        # sits in a sub-group, named in /proc/self/cgroup: "0::/path" on cgroup v2,
        # "4:memory:/path" (one line per controller) on cgroup v1.
        text = read("/proc/self/cgroup") or ""
        dirs = []
        for line in text.splitlines():
            parts = line.split(":", 2)
            if len(parts) != 3 or parts[2] in ("", "/"):
                continue
            if not controller and parts[0] == "0":
                dirs.append("/sys/fs/cgroup" + parts[2])
            elif controller and controller in parts[1].split(","):
                for mount in (controller, parts[1]):
                    dirs.append(f"/sys/fs/cgroup/{mount}{parts[2]}")
        root = f"/sys/fs/cgroup/{controller}" if controller else "/sys/fs/cgroup"
        # the innermost group with a limit wins; the root is the pod's own group in a container
        return dirs + [root]

    # --- CPU limit ---------------------------------------------------------
    cpu_line = None
    for base in own_cgroup_dirs():  # cgroup v2
        value = read(os.path.join(base, "cpu.max"))
        if value:
            quota, _, period = value.partition(" ")
            if quota == "max":
                meaning = "no CPU limit"
            else:
                meaning = f"{int(quota) / int(period or 100000):g} CPU"
            cpu_line = f"CPU limit (cgroup cpu.max): {value} -> {meaning}"
            break
    if cpu_line is None:  # cgroup v1: the cpu controller, alone or mounted as cpu,cpuacct
        for v1_dir in own_cgroup_dirs("cpu") + ["/sys/fs/cgroup/cpu,cpuacct"]:
            quota = read(f"{v1_dir}/cpu.cfs_quota_us")
            period = read(f"{v1_dir}/cpu.cfs_period_us")
            if quota:
                meaning = "no CPU limit" if quota == "-1" else f"{int(quota) / int(period or 100000):g} CPU"
                cpu_line = f"CPU limit (cgroup v1 cpu.cfs_quota_us): {quota} / period {period} -> {meaning}"
                break
    if cpu_line is None:
        cpu_line = "CPU limit (cgroup): not readable (neither cpu.max nor cpu.cfs_quota_us found)"
    print(cpu_line)

    # --- Memory limit ------------------------------------------------------
    def describe_bytes(value):
        number = int(value)
        if number >= 2**60:  # cgroup v1 writes a huge number for "unlimited"
            return "no memory limit"
        return f"{number} bytes = {number / 10**9:g} GB = {number / 2**30:.2f} GiB"

    mem_line = None
    for base in own_cgroup_dirs():  # cgroup v2
        value = read(os.path.join(base, "memory.max"))
        if value:
            meaning = "no memory limit" if value == "max" else describe_bytes(value)
            mem_line = f"Memory limit (cgroup memory.max): {value} -> {meaning}"
            break
    if mem_line is None:  # cgroup v1
        for v1_dir in own_cgroup_dirs("memory"):
            value = read(f"{v1_dir}/memory.limit_in_bytes")
            if value:
                mem_line = f"Memory limit (cgroup v1 memory.limit_in_bytes): {value} -> {describe_bytes(value)}"
                break
    if mem_line is None:
        mem_line = "Memory limit (cgroup): not readable (neither memory.max nor memory.limit_in_bytes found)"
    print(mem_line)

    # --- GPUs --------------------------------------------------------------
    if shutil.which("nvidia-smi") is None:
        print("GPU: none visible (nvidia-smi not found)")
    else:
        try:
            listing = subprocess.run(
                ["nvidia-smi", "-L"], capture_output=True, text=True, timeout=60, check=True
            ).stdout
            gpus = [line.strip() for line in listing.splitlines() if line.strip()]
        except (OSError, subprocess.SubprocessError) as exc:
            print(f"GPU: none visible (nvidia-smi -L failed: {exc})")
        else:
            if gpus:
                print(f"GPU: {len(gpus)} visible")
                for gpu in gpus:
                    print(f"GPU: {gpu}")
            else:
                print("GPU: none visible (nvidia-smi -L listed nothing)")

    # --- A tiny model, so the step does real work ----------------------------
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split

    with open(input_dataset.path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))[1:]
    features = [[float(v) for v in row[:-1]] for row in rows]
    labels = [int(float(row[-1])) for row in rows]
    x_train, x_test, y_train, y_test = train_test_split(
        features, labels, test_size=0.3, random_state=42, stratify=labels
    )
    model = LogisticRegression(max_iter=1000).fit(x_train, y_train)
    print(f"train_model: trained on {len(x_train)} rows, held-out accuracy {model.score(x_test, y_test):.3f}")


@dsl.pipeline(
    name="cgpu-setting-node-selector-pipeline",
    description="Set CPU, memory and GPU limits per step and pick the GPU node with a node selector",
)
def cgpu_setting_node_selector_pipeline():
    data_task = load_data()
    data_task.set_cpu_limit("1").set_memory_limit("2G")

    train_task = train_model(input_dataset=data_task.outputs["dataset_output"])
    # CPU and memory
    train_task.set_cpu_limit("1").set_memory_limit("4G")
    # GPU: the resource name first (it sets a count of 1), then the count
    train_task.set_accelerator_type("nvidia.com/gpu").set_accelerator_limit(2)
    # Only nodes with this GPU model: a node selector on the label the NVIDIA GPU operator sets
    kubernetes.add_node_selector(
        train_task,
        label_key="nvidia.com/gpu.product",
        label_value="NVIDIA-GeForce-RTX-3090",
    )
