"""The words of the check summaries ("what was seen"), in English and Simplified Chinese.

Each message key maps to one template per language; `say` fills in the placeholders with
`str.format`, so a template may use conversions and format specs (``{name!r}``, ``{value:g}``).
Both languages of a message use the same placeholders. A language (or a message) without a
translation falls back to English. Technical names (PVC, YAML, InferenceService, S3, GPU) stay
in English in the Chinese text, and so does whatever a tool or an exception said.
"""

from __future__ import annotations

from typing import Any

CATALOG: dict[str, dict[str, str]] = {
    # separators used to join the parts of a summary
    "sep.list": {"en": ", ", "zh": "、"},
    "sep.clause": {"en": "; ", "zh": "；"},
    # the runner itself
    "run.unknown_kind": {
        "en": "this workshop does not know the check kind {kind!r}",
        "zh": "本工作坊不认识检查类型 {kind!r}",
    },
    "run.crashed": {
        "en": "the check could not finish: {error}",
        "zh": "检查未能完成：{error}",
    },
    # compiled_tasks
    "compiled_tasks.no_yaml": {
        "en": "the compiled YAML is missing",
        "zh": "找不到编译后的 YAML 文件",
    },
    "compiled_tasks.ok": {
        "en": "tasks ({count}): {tasks}",
        "zh": "共 {count} 个任务：{tasks}",
    },
    "compiled_tasks.missing": {
        "en": "missing {tasks}",
        "zh": "缺少 {tasks}",
    },
    "compiled_tasks.unexpected": {
        "en": "unexpected {tasks}",
        "zh": "多出了 {tasks}",
    },
    "compiled_tasks.differ": {
        "en": "the YAML's tasks differ: {detail}",
        "zh": "YAML 中的任务与预期不符：{detail}",
    },
    # compiled_wiring
    "compiled_wiring.ok": {
        "en": "the {count} computing tasks are there and wired: {tasks}",
        "zh": "{count} 个计算任务都在，且连接正确：{tasks}",
    },
    "compiled_wiring.missing": {
        "en": "no {step} in the compiled YAML",
        "zh": "编译出的 YAML 中没有{step}",
    },
    "compiled_wiring.step": {
        "en": "{component} task fed by {sources}",
        "zh": "以{sources}为输入的 {component} 任务",
    },
    "compiled_wiring.from_input": {
        "en": "the pipeline input {name}",
        "zh": "流水线输入 {name}",
    },
    "compiled_wiring.from_step": {
        "en": "the output of a {component} task",
        "zh": "{component} 任务的输出",
    },
    "compiled_wiring.not_returned": {
        "en": "the pipeline does not return the output of the {step}",
        "zh": "流水线没有返回{step}的输出",
    },
    # run_succeeded
    "run_succeeded.ok": {
        "en": "every task finished without an error",
        "zh": "所有任务都顺利完成",
    },
    "run_succeeded.see_log": {
        "en": "see the failed task's log",
        "zh": "请查看失败任务的日志",
    },
    # what a learner typed in a form or with --arg (core/lessons.py, core/predict.py)
    "arg.not_bool": {"en": "{name} must be true or false, not {raw}",
                     "zh": "{name} 必须是 true 或 false，而不是 {raw}"},
    "arg.not_number": {"en": "{name} must be a number, not {raw}", "zh": "{name} 必须是数字，而不是 {raw}"},
    "arg.not_type": {"en": "{name} must be {kind}, not {raw}", "zh": "{name} 必须是 {kind} 类型，而不是 {raw}"},
    "arg.not_finite": {"en": "{name} must be a finite number, not {raw}",
                       "zh": "{name} 必须是有限的数字，而不是 {raw}"},
    "hint.not_the_code": {
        "en": "No task of the pipeline failed: the run itself stopped, so this is not your pipeline code. "
              "The message names the file that holds the error; run again, and if it repeats, run "
              "workshop doctor.",
        "zh": "流水线中没有任务失败：是运行本身停止了，所以不是你的流水线代码的问题。"
              "消息里给出了记录错误的文件；请再运行一次，如果仍然出错，请运行 workshop doctor。",
    },
    "run_succeeded.failed": {
        "en": "the run ended {state}: {why}",
        "zh": "运行以 {state} 状态结束：{why}",
    },
    "run_succeeded.known": {
        "en": "the run ended {state}: {task} failed. {message}",
        "zh": "运行以 {state} 状态结束：{task} 失败。{message}",
    },
    "run_succeeded.input_overflow": {
        "en": "the run ended {state}: {why}. With {arguments}, {expression} is beyond the largest float "
              "(about 1.8e308): the input is too large, not the code wrong",
        "zh": "运行以 {state} 状态结束：{why}。当参数为 {arguments} 时，{expression} 超出了浮点数的最大值"
              "（约 1.8e308）：是输入太大，不是代码有错",
    },
    "hint.run_failed_first": {
        "en": "The run did not succeed, so this result was never made: "
              "fix the failure first (see the run check above).",
        "zh": "这次运行没有成功，所以这个结果根本没有产生：请先解决运行失败的问题（见上面的运行检查）。",
    },
    "hint.input_too_large": {
        "en": "Run again with smaller numbers (below about 1e150 each, so that their squares fit in a float).",
        "zh": "请换用较小的数字再运行一次（每个都小于约 1e150，这样它们的平方才能用浮点数表示）。",
    },
    # run_output
    "run_output.input_overflow": {
        "en": "the expected value {expression} cannot be computed in floats for {arguments}: the input is too large",
        "zh": "当参数为 {arguments} 时，预期值 {expression} 无法用浮点数算出：输入太大",
    },
    "run_output.run_failed": {
        "en": "no output {name!r}: the run ended {state} (see the check above)",
        "zh": "没有输出 {name!r}：运行以 {state} 状态结束（见上一项检查）",
    },
    "run_output.missing": {
        "en": "the run has no output {name!r}",
        "zh": "这次运行没有名为 {name!r} 的输出",
    },
    "run_output.unreadable": {
        "en": "the output {name!r} could not be read: {problem}",
        "zh": "无法读取输出 {name!r}：{problem}",
    },
    "run_output.not_number": {
        "en": "output {name} is {got!r}, not a number",
        "zh": "输出 {name} 的值是 {got!r}，不是数字",
    },
    "run_output.ok": {
        "en": "{name} = {value:g}, as expected",
        "zh": "{name} = {value:g}，与预期一致",
    },
    "run_output.wrong": {
        "en": "{name} = {value:g}, expected {expected:g}",
        "zh": "{name} = {value:g}，预期应为 {expected:g}",
    },
    # pvc_mounts
    "pvc_mounts.missing": {
        "en": "{tasks} does not mount PVC {volume} at {mount_path}",
        "zh": "{tasks} 没有把 PVC {volume} 挂载到 {mount_path}",
    },
    "pvc_mounts.ok": {
        "en": "every task mounts PVC {volume} at {mount_path}",
        "zh": "每个任务都把 PVC {volume} 挂载到了 {mount_path}",
    },
    # volume_sorted
    "order.desc": {"en": "desc", "zh": "降序"},
    "order.asc": {"en": "asc", "zh": "升序"},
    "volume_sorted.no_input": {
        "en": "the input {volume}:/{source} is missing: put your numbers there, one per line",
        "zh": "输入文件 {volume}:/{source} 不存在：请把你的数字写进去，每行一个",
    },
    "volume_sorted.bad_input": {
        "en": "the input {volume}:/{source} holds something that is not an integer: {error}",
        "zh": "输入文件 {volume}:/{source} 中有不是整数的内容：{error}",
    },
    "volume_sorted.no_output": {
        "en": "{where} does not exist: the save task did not write it",
        "zh": "{where} 不存在：保存任务没有写出这个文件",
    },
    "volume_sorted.off_volume": {
        "en": "the run's arguments point at {path}, which is not on the PVC {volume} (mounted at {mount}): "
              "a file there is lost with its container",
        "zh": "这次运行的参数指向 {path}，它不在 PVC {volume}（挂载于 {mount}）上：写在那里的文件会随容器一起消失",
    },
    "volume_sorted.off_volume_hint": {
        "en": "Run again with the input and output paths under {mount}, where the volume is mounted.",
        "zh": "请把输入和输出路径改到卷的挂载目录 {mount} 下，再运行一次。",
    },
    "volume_sorted.stale": {
        "en": "{where} was written by an earlier run, not by this one "
              "(last written {modified}, this run started {started})",
        "zh": "{where} 是之前的某次运行写的，不是这次运行写的"
              "（最后写入于 {modified}，这次运行开始于 {started}）",
    },
    "volume_sorted.bad_output": {
        "en": "{where} holds something that is not one integer per line",
        "zh": "{where} 的内容不是每行一个整数",
    },
    "volume_sorted.ok": {
        "en": "{where} holds the {count} input numbers sorted {order}",
        "zh": "{where} 中是按{order}排好的 {count} 个输入数字",
    },
    "volume_sorted.wrong": {
        "en": "{where} is not the input sorted {order}: expected {expected}..., found {got}...",
        "zh": "{where} 不是按{order}排好的输入：预期为 {expected}...，实际为 {got}...",
    },
    # task_resources
    "task_resources.no_task": {
        "en": "there is no task {task} in the compiled pipeline",
        "zh": "编译后的流水线中没有任务 {task}",
    },
    "task_resources.not_set": {"en": "not set", "zh": "未设置"},
    "task_resources.wrong_value": {
        "en": "{key} is {have}, expected {want}",
        "zh": "{key} = {have}，预期应为 {want}",
    },
    "task_resources.wrong_selector": {
        "en": "node selector {key}={have}, expected {want}",
        "zh": "节点选择器 {key}={have}，预期应为 {want}",
    },
    "task_resources.failed": {
        "en": "{task}: {problems}",
        "zh": "{task}：{problems}",
    },
    "task_resources.ok": {
        "en": "{task} asks for {wanted}",
        "zh": "{task} 申请了 {wanted}",
    },
    "task_resources.ok_on": {
        "en": "{task} asks for {wanted} on {selector}",
        "zh": "{task} 申请了 {wanted}，节点选择器为 {selector}",
    },
    # task_report
    "task_report.silent": {
        "en": "{task} printed nothing (did it run?)",
        "zh": "{task} 什么也没有输出（它运行了吗？）",
    },
    "task_report.missing": {
        "en": "{task} did not report {missing}",
        "zh": "{task} 没有打印出 {missing}",
    },
    "task_report.cgroup_file": {
        "en": "{task} stopped at {path}: that file does not exist where it ran (it runs under cgroup {version}), "
              "so it could not report its limits",
        "zh": "{task} 在读取 {path} 时停止：运行它的机器上没有这个文件（那里使用的是 cgroup {version}），"
              "所以无法打印限额",
    },
    "task_report.cgroup_hint": {
        "en": "The tutorial's snippet reads cpu.max and memory.max, which exist on cgroup v2 only. Read "
              "cpu.cfs_quota_us and memory.limit_in_bytes when they are missing (cgroup v1), as the lesson's "
              "reference does, and print a line instead of failing when neither exists.",
        "zh": "教程中的代码片段读取 cpu.max 和 memory.max，它们只存在于 cgroup v2。文件不存在时改读 "
              "cpu.cfs_quota_us 和 memory.limit_in_bytes（cgroup v1），参考答案就是这样做的；"
              "两者都没有时打印一行说明，而不是直接报错。",
    },
    "task_report.ok": {
        "en": "{task} reported what it was given",
        "zh": "{task} 打印出了它实际得到的内容",
    },
    # gpu_runtime
    "task_pod.local": {
        "en": "skipped: the local backend runs tasks as processes, not pods; the spec checks decide here",
        "zh": "已跳过：本地后端以进程而非 Pod 运行任务；这里由规格检查决定",
    },
    "task_pod.missing": {
        "en": "no pod found for task {task} in this run",
        "zh": "本次运行中找不到任务 {task} 的 Pod",
    },
    "task_pod.ok": {
        "en": "pod {pod} got {limits} on node {node}",
        "zh": "Pod {pod} 获得 {limits}，运行在节点 {node}",
    },
    "task_pod.wrong": {
        "en": "pod {pod}: {problems}",
        "zh": "Pod {pod} 有问题：{problems}",
    },
    "task_pod.limit": {
        "en": "limit {key} is {have}, expected {want}",
        "zh": "限额 {key} 为 {have}，应为 {want}",
    },
    "task_pod.selector": {
        "en": "node selector {key}={have}, expected {want}",
        "zh": "节点选择器 {key}={have}，应为 {want}",
    },
    "gpu_runtime.no_gpu": {
        "en": "skipped: no GPU here (nvidia-smi finds none where the tasks run); "
              "the spec checks above decide this lesson",
        "zh": "已跳过：这里没有 GPU（在任务运行的地方，nvidia-smi 找不到 GPU）；"
              "本课以上面的规格检查为准",
    },
    "gpu_runtime.ok": {
        "en": "the task saw {count} GPU line(s)",
        "zh": "任务看到了 {count} 行 GPU 信息",
    },
    "gpu_runtime.unseen": {
        "en": "this machine has a GPU, but the task saw none",
        "zh": "这台机器有 GPU，但任务一个也没看到",
    },
    # s3_object
    "s3_object.missing": {
        "en": "s3://{bucket}/{key} is not there: {error}",
        "zh": "s3://{bucket}/{key} 不存在：{error}",
    },
    "s3_object.stale": {
        "en": "s3://{bucket}/{key} was stored by an earlier run, not by this one",
        "zh": "s3://{bucket}/{key} 是之前的某次运行存的，不是这次运行存的",
    },
    "s3_object.ok": {
        "en": "s3://{bucket}/{key} is stored ({size} bytes)",
        "zh": "s3://{bucket}/{key} 已存储（{size} 字节）",
    },
    # keras_model_accuracy
    "keras_model_accuracy.no_download": {
        "en": "cannot download s3://{bucket}/{key}: {error}",
        "zh": "无法下载 s3://{bucket}/{key}：{error}",
    },
    "keras_model_accuracy.scoring_failed": {
        "en": "scoring the model failed: {error}",
        "zh": "给模型评分失败：{error}",
    },
    "keras_model_accuracy.bad_model": {
        "en": "s3://{bucket}/{key} is {error}",
        "zh": "s3://{bucket}/{key} 无法使用：{error}",
    },
    "keras_model_accuracy.ok": {
        "en": "the stored model scores {accuracy:.3f} on held-out digits (≥ {minimum})",
        "zh": "存储的模型在留出的手写数字上准确率为 {accuracy:.3f}（≥ {minimum}）",
    },
    "keras_model_accuracy.low": {
        "en": "the stored model scores {accuracy:.3f} on held-out digits, below {minimum}",
        "zh": "存储的模型在留出的手写数字上准确率为 {accuracy:.3f}，低于 {minimum}",
    },
    # kserve_ready
    "kserve_ready.not_ready": {
        "en": "InferenceService {name} is not ready: {detail}",
        "zh": "InferenceService {name} 尚未就绪：{detail}",
    },
    "kserve_ready.no_artifact": {
        "en": "this run has no {model_from} artifact, so nothing new can be served",
        "zh": "这次运行没有 {model_from} 产物，所以没有新模型可以部署",
    },
    "kserve_ready.other_model": {
        "en": "InferenceService {name} serves another model than this run trained (an earlier deployment?)",
        "zh": "InferenceService {name} 提供的不是这次运行训练出的模型（是之前的部署吗？）",
    },
    "kserve_ready.ok": {
        "en": "InferenceService {name} is ready",
        "zh": "InferenceService {name} 已就绪",
    },
    "kserve_ready.ok_this_model": {
        "en": "InferenceService {name} is ready, serving this run's model",
        "zh": "InferenceService {name} 已就绪，提供的正是这次运行训练出的模型",
    },
    # kserve_prediction
    "kserve_prediction.not_ready": {
        "en": "InferenceService {name} is not ready, so it cannot predict: {detail}",
        "zh": "InferenceService {name} 尚未就绪，无法预测：{detail}",
    },
    "kserve_prediction.no_answer": {
        "en": "no answer from {url}: {error}",
        "zh": "{url} 没有应答：{error}",
    },
    "kserve_prediction.http_error": {
        "en": "{url} answered {code}: {body}",
        "zh": "{url} 返回了 {code}：{body}",
    },
    "kserve_prediction.ok": {
        "en": "{protocol} predictions match the known species",
        "zh": "{protocol} 预测结果与已知的鸢尾花品种一致",
    },
    "kserve_prediction.wrong": {
        "en": "{protocol} predictions {got} differ from the known species {expected}",
        "zh": "{protocol} 预测结果 {got} 与已知的鸢尾花品种 {expected} 不一致",
    },
}


def say(lang: str, key: str, /, **kwargs: Any) -> str:
    """The message `key` in `lang`, filled in; English where `lang` has no (usable) translation.

    `lang` and `key` are positional-only, so a message may have a `{key}` placeholder (an S3 key).
    """
    texts = CATALOG[key]
    english = texts["en"]
    template = texts.get(lang) or english
    if template is not english:
        try:
            return template.format(**kwargs)
        except (KeyError, IndexError, ValueError):
            pass  # a broken translation must never hide what the check saw
    return english.format(**kwargs)


def order_word(lang: str, order: str) -> str:
    """'desc'/'asc' as the learner reads it; any other value as it is."""
    key = f"order.{order}"
    return say(lang, key) if key in CATALOG else order
