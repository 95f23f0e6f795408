"""After the last lesson: a "take it to your cluster" checklist built from what this learner ran."""

from __future__ import annotations

from typing import Any

from workshop.core.course import Course, LessonState
from workshop.core.progress import RunRecord

# Per lesson: what to do on a real Kubeflow, filled in with the learner's own runs. The keys are
# the lessons' pipeline names, so a renumbered lesson keeps its item.
ITEMS: dict[str, dict[str, str]] = {
    "demo-pythagorean-pipeline": {
        "en": "Lesson {id}: make a kfp.Client(host=..., namespace=<your namespace>, existing_token=...), "
              "upload {file} as {pipeline} and run it with {args}, enable_caching=False.",
        "zh": "第 {id} 课：创建 kfp.Client(host=..., namespace=<你的命名空间>, existing_token=...)，"
              "把 {file} 上传为 {pipeline}，再用 {args} 运行它（enable_caching=False）。",
    },
    "csv-sort-and-save-to-pvc": {
        "en": "Lesson {id}: create the PVC aidatasource (ReadWriteMany if its tasks may land on different "
              "nodes), copy input_numbers.csv to its root, then run {pipeline} with {args}.",
        "zh": "第 {id} 课：创建 PVC aidatasource（任务可能被调度到不同节点时用 ReadWriteMany），"
              "把 input_numbers.csv 复制到它的根目录，再用 {args} 运行 {pipeline}。",
    },
    "cgpu-setting-node-selector-pipeline": {
        "en": "Lesson {id}: check that a node offers two nvidia.com/gpu with the label the pipeline selects "
              "(kubectl get nodes -L nvidia.com/gpu.product), then run {pipeline}.",
        "zh": "第 {id} 课：确认有节点提供两块 nvidia.com/gpu，并带有流水线选择的标签"
              "（kubectl get nodes -L nvidia.com/gpu.product），再运行 {pipeline}。",
    },
    "detect-digits-to-minio": {
        "en": "Lesson {id}: point s3_endpoint at your cluster's MinIO (minio-service.kubeflow:9000; here it "
              "was {s3_endpoint}) and check the bucket and the secret exist, then run {pipeline}.",
        "zh": "第 {id} 课：把 s3_endpoint 指向集群的 MinIO（minio-service.kubeflow:9000；这里用的是 "
              "{s3_endpoint}），确认存储桶和密钥都在，再运行 {pipeline}。",
    },
    "kserver-pipeline": {
        "en": "Lesson {id}: with KServe installed, run {pipeline} with service_name={service_name} in your "
              "namespace, then find the InferenceService on the KServe endpoints page and ask it with curl.",
        "zh": "第 {id} 课：在装好 KServe 的集群上，以 service_name={service_name} 在你的命名空间里运行 "
              "{pipeline}，然后在 KServe 端点页面找到该 InferenceService，用 curl 请求它。",
    },
}
WORDS = {
    "en": {"skipped": "Lesson {id} ({title}): you skipped it here; do it on the cluster first.",
           "doctor": "First: inside a Kubeflow notebook, run workshop doctor --backend cluster.",
           "generic": "Lesson {id}: run {pipeline} with {args}.", "none": "no arguments"},
    "zh": {"skipped": "第 {id} 课（{title}）：你在这里跳过了它；在集群上请先完成它。",
           "doctor": "第一步：在 Kubeflow Notebook 里运行 workshop doctor --backend cluster。",
           "generic": "第 {id} 课：用 {args} 运行 {pipeline}。", "none": "无参数"},
}


def course_complete(course: Course) -> bool:
    states = course.states()
    return bool(states) and all(s in (LessonState.DONE, LessonState.SKIPPED, LessonState.COMING_SOON)
                                for s in states.values()) and any(s is LessonState.DONE for s in states.values())


def checklist(course: Course, lang: str) -> list[str]:
    words = WORDS.get(lang, WORDS["en"])
    states = course.states()
    lines = [words["doctor"]]
    for lesson in course.lessons:
        state = states[lesson.id]
        if state is LessonState.COMING_SOON:
            continue
        if state is LessonState.SKIPPED:
            lines.append(words["skipped"].format(id=lesson.id, title=lesson.title_in(lang)))
            continue
        runs = [run for run in course.progress.runs(lesson.id) if run.state == "SUCCEEDED"]
        run: RunRecord | None = runs[-1] if runs else course.progress.last_run(lesson.id)
        arguments: dict[str, Any] = dict(run.arguments) if run is not None else lesson.defaults()
        values = {name: str(value) for name, value in {**lesson.defaults(), **arguments}.items()}
        args = ", ".join(f"{k}={v}" for k, v in arguments.items()) or words["none"]
        fill = {"id": lesson.id, "pipeline": lesson.pipeline_name, "args": args,
                "file": f"{lesson.key}.yaml", **values}
        template = ITEMS.get(lesson.pipeline_name, {}).get(lang) or words["generic"]
        try:
            lines.append(template.format(**fill))
        except (KeyError, IndexError):  # a lesson whose arguments changed: say it plainly
            lines.append(words["generic"].format(**fill))
    return lines
