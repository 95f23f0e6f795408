from kfp import dsl, kubernetes

# --- 定义 Pipeline 工作流 ---
@dsl.pipeline(
    name="csv-sort-and-save-to-pvc",
    description="从 PVC 读取数据，排序后写回 PVC"
)
def demo_sort_pipeline(
    raw_input_path: str = "/mnt/shared/input_numbers.csv",
    pvc_dir: str = "/mnt/shared/output",
    final_name: str = "sorted_numbers.csv"
):
    # 第一步任务
    task1 = sort_csv_component(input_file_path=raw_input_path)
    
    # 第二步任务（传入第一步的输出结果）
    task2 = save_and_print_component(
        sorted_data_input=task1.outputs['sorted_output'],
        pvc_output_directory=pvc_dir,
        file_name=final_name
    )

    # --- 为所有步骤挂载同一个 PVC ---
    # 假设你已有一个名为 'data-pvc' 的 PVC
    tasks = [task1, task2]
    for task in tasks:
        kubernetes.mount_pvc(
            task,
            pvc_name="aidatasource",
            mount_path="/mnt/shared" # 容器内访问该 PVC 的根目录
        )
