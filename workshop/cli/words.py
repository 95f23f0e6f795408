"""The CLI's own words in both languages: messages, headings and each command's help.

`say(lang, key, ...)` picks the language the command runs in (--lang, else LANG=zh_CN and friends);
tests/test_catalog.py fails when a key the CLI uses has no Chinese, or when the CLI prints bare English.
"""

from __future__ import annotations

from workshop.core.settings import LANGUAGES, default_language

WORDS: dict[str, dict[str, str]] = {
    "en": {
        # common.py
        "restored": "Your progress was restored from the cluster (ConfigMap workshop-progress).",
        "needs_yes": "reset removes things and needs a yes: pass --yes to reset without asking",
        "not_name_value": "{pair!r} is not NAME=VALUE",
        "task_started": "▶ {task} started",
        "run_finished": "run {state}",
        "waiting_for": "… waiting for {what}: {detail}",
        "col_check": "check",
        "col_seen": "seen",
        "col_hint": "hint",
        "hint": "hint",
        # lessons.py
        "stopping": "Stopping the workshop's local services…",
        "lesson_head": "\n== Lesson {id}: {title} ==",
        "own_file": "running your own file {file}",
        "kfp_lines": "(lines starting [KFP Executor are kfp's own output, shown as kfp writes them; --quiet hides "
                     "them)",
        "interrupted": "\ninterrupted: canceling the run…",
        "lesson_passed": "Lesson {id} passed.",
        "still_passed": "This run did not pass; lesson {id} stays passed from before.",
        "not_passed": "Lesson {id} is not passed yet.",
        "need_lesson": "name a lesson (for example `workshop run 1`) or use --all",
        "no_such_arg": "no lesson takes an argument named {name!r} (the lessons take: {taken})",
        "none": "none",
        "locked": "lesson {id} is locked: pass lesson {req} first",
        "coming_soon": "lesson {id} is coming soon: it cannot run yet",
        "course_took": "\ncourse took {seconds} s",
        # progress.py (reset, verify, skip)
        "need_one": "name one lesson (for example `workshop reset 2`) or use --all",
        "nothing_to_reset": "Nothing left to reset for {lessons}: nothing was changed.",
        "confirm_reset": "Remove these and reset the progress?",
        "nothing_changed": "nothing was changed",
        "reset_unfinished": "the reset did not finish: see above",
        "reset_done": "Reset {lessons}.",
        "cannot_plan": "cannot tell what the lessons created: {error}",
        "would_remove": "Would remove:",
        "this_removes": "This removes:",
        "artifact": "  lesson {id}: {what}",
        "nothing_to_remove": "Nothing left to remove.",
        "back_to_open_dry": "The progress of {lessons} would go back to open.",
        "back_to_open": "The progress of {lessons} goes back to open.",
        "relock_dry": "{locked} would lock again until {needed} is passed again.",
        "relock": "{locked} locks again until {needed} is passed again.",
        "kept_file": "Your own file for lesson {id} stays as it is: {path}",
        "none_to_verify": "No completed lesson to verify yet.",
        "verify_title": "Lesson {id} ({state}): {title}",
        "holds": "✔ {title}: still holds",
        "broken": "✘ {title}: no longer holds",
        "broken_count": "{broken} of {total} completed lessons no longer hold.",
        "all_hold": "All {total} completed lessons still hold.",
        "skipping_head": "\n== Skipping lesson {id}: running its reference solution ==",
        "skip_failed": "the reference solution of lesson {id} did not pass here, so the lesson is not marked skipped",
        "skipped": "Lesson {id} is skipped: its reference solution ran, so what later lessons need exists.",
        # exercise.py
        "fresh_off": "--fresh and --off do not go together",
        "not_exercise": "Lesson {id} is not an exercise: it follows along with the reference already.",
        "following": "Lesson {id}: following along; runs use the reference pipeline again.",
        "file_stays": "Your file stays at {path}; `workshop exercise {id}` takes it up again.",
        "already": "You are already writing lesson {id} yourself; your file is:\n  {path}",
        "fresh_tip": "(`--fresh` starts over from the starter and keeps your file as a .bak)",
        "backup": "Your previous file is kept as {path}",
        "your_file": "Lesson {id}: your file is\n  {path}",
        "locked_prepare": "(lesson {id} is locked until you pass lesson {req}; you can prepare your file meanwhile)",
        "fill_todos": "Fill in its {todos} TODOs in any editor, then run it: workshop run {id}",
        "solution_open": "The reference solution is yours to compare: workshop solution {id}",
        "solution_later": "The reference solution unlocks when you pass, or after {total} failed attempts with your "
                          "own changes: workshop solution {id}",
        "solution_locked": "the solution of lesson {id} unlocks when you pass it, or after {total} failed attempts "
                           "with your own changes (you have {failed} failed {tries}, {left} to go). Meanwhile, the "
                           "hint beside each failed check says more with each attempt.",
        "attempt": "attempt",
        "attempts": "attempts",
        "solution_head": "# Lesson {id} reference solution: {file}",
        # instructor.py
        "token_expires": "the token expires at {expires}; learners set WORKSHOP_TOKEN_FILE to a copy of {output}",
        "wrote_rows": "wrote {rows} rows for {learners} learners to {file}",
        "problem_skipped": "skipped: {problem}",
        "learners": "{n} learners",
        "col_namespace": "namespace",
        "col_learner": "learner",
        "col_lesson": "lesson {id}",
        "col_last_failure": "last failure",
        "class_legend": "(n): attempts; {mark}: passed with their own code (exercise mode)",
        "learner_back_dry": "Lesson(s) {ids} of {namespace} would go back to open.",
        "learner_back": "Lesson(s) {ids} of {namespace} go back to open.",
        "confirm_learner": "Remove these and reset the learner's progress?",
        "need_namespaces": "name learner namespaces with --namespace, or use --all-profiles",
        "no_profiles": "no Kubeflow profile namespace found (label app.kubernetes.io/part-of=kubeflow-profile)",
        "cluster_checks": "== cluster checks ==",
        "fix": "fix",
        "commands": "Commands",
        "no_graph": "(no graph: {error})",
    },
    "zh": {
        "restored": "已从集群恢复你的进度（ConfigMap workshop-progress）。",
        "needs_yes": "重置会删除内容，需要你确认：加上 --yes 可不经询问直接重置",
        "not_name_value": "{pair!r} 不是 NAME=VALUE 的形式",
        "task_started": "▶ {task} 已开始",
        "run_finished": "运行{state}",
        "waiting_for": "… 正在等待 {what}：{detail}",
        "col_check": "检查项",
        "col_seen": "看到的结果",
        "col_hint": "提示",
        "hint": "提示",
        "stopping": "正在停止 workshop 的本地服务…",
        "lesson_head": "\n== 第 {id} 课：{title} ==",
        "own_file": "运行你自己的文件 {file}",
        "kfp_lines": "（以 [KFP Executor 开头的行是 kfp 执行器自己的输出，按 kfp 的原文显示为英文；加 --quiet "
                     "可以隐藏它们）",
        "interrupted": "\n已中断：正在取消运行…",
        "lesson_passed": "第 {id} 课通过。",
        "still_passed": "本次运行未通过；第 {id} 课之前已通过，仍保持通过。",
        "not_passed": "第 {id} 课尚未通过。",
        "need_lesson": "请指定一课（例如 `workshop run 1`），或使用 --all",
        "no_such_arg": "没有哪一课接受名为 {name!r} 的参数（各课接受的参数：{taken}）",
        "none": "无",
        "locked": "第 {id} 课未解锁：请先通过第 {req} 课",
        "coming_soon": "第 {id} 课即将推出：暂时还不能运行",
        "course_took": "\n全部课程用时 {seconds} 秒",
        "need_one": "请指定一课（例如 `workshop reset 2`），或使用 --all",
        "nothing_to_reset": "{lessons}已没有可重置的内容：什么也没有改动。",
        "confirm_reset": "删除这些内容并重置进度吗？",
        "nothing_changed": "什么也没有改动",
        "reset_unfinished": "重置没有完成：见上文",
        "reset_done": "已重置{lessons}。",
        "cannot_plan": "无法判断这些课创建了什么：{error}",
        "would_remove": "将会删除：",
        "this_removes": "这会删除：",
        "artifact": "  第 {id} 课：{what}",
        "nothing_to_remove": "没有可删除的内容。",
        "back_to_open_dry": "{lessons}的进度将回到「进行中」。",
        "back_to_open": "{lessons}的进度回到「进行中」。",
        "relock_dry": "{locked}将重新锁定，直到再次通过{needed}。",
        "relock": "{locked}重新锁定，直到再次通过{needed}。",
        "kept_file": "你为第 {id} 课写的文件保持不变：{path}",
        "none_to_verify": "还没有已完成的课程可以验证。",
        "verify_title": "第 {id} 课（{state}）：{title}",
        "holds": "✔ {title}：仍然成立",
        "broken": "✘ {title}：不再成立",
        "broken_count": "{total} 门已完成的课中有 {broken} 门不再成立。",
        "all_hold": "全部 {total} 门已完成的课仍然成立。",
        "skipping_head": "\n== 跳过第 {id} 课：运行它的参考答案 ==",
        "skip_failed": "第 {id} 课的参考答案在这里没有通过，所以本课没有标记为跳过",
        "skipped": "第 {id} 课已跳过：它的参考答案已运行，后面各课需要的东西都已就绪。",
        "fresh_off": "--fresh 和 --off 不能同时使用",
        "not_exercise": "第 {id} 课不是练习：它本来就跟着参考代码做。",
        "following": "第 {id} 课：跟着教程做；运行重新使用参考流水线。",
        "file_stays": "你的文件仍在 {path}；`workshop exercise {id}` 可以接着写。",
        "already": "你已经在自己写第 {id} 课；你的文件是：\n  {path}",
        "fresh_tip": "（`--fresh` 会从起始代码重新开始，并把你的文件保留为 .bak）",
        "backup": "你之前的文件保留为 {path}",
        "your_file": "第 {id} 课：你的文件是\n  {path}",
        "locked_prepare": "（第 {id} 课要等你通过第 {req} 课才解锁；在此之前可以先准备你的文件）",
        "fill_todos": "用任何编辑器填好其中的 {todos} 处 TODO，然后运行：workshop run {id}",
        "solution_open": "可以对照参考答案：workshop solution {id}",
        "solution_later": "通过本课，或用你自己修改过的代码失败 {total} 次后，参考答案解锁：workshop solution {id}",
        "solution_locked": "第 {id} 课的参考答案在你通过本课，或用你自己修改过的代码失败 {total} 次后解锁（你已失败 "
                           "{failed} 次，还差 {left} 次）。在此之前，每失败一次，检查项旁的提示会说得更多。",
        "attempt": "次",
        "attempts": "次",
        "solution_head": "# 第 {id} 课参考答案：{file}",
        "token_expires": "令牌于 {expires} 过期；学员把 WORKSHOP_TOKEN_FILE 设为 {output} 的一份副本",
        "wrote_rows": "已把 {learners} 位学员的 {rows} 行写入 {file}",
        "problem_skipped": "已跳过：{problem}",
        "learners": "{n} 位学员",
        "col_namespace": "命名空间",
        "col_learner": "学员",
        "col_lesson": "第 {id} 课",
        "col_last_failure": "上次失败",
        "class_legend": "(n)：尝试次数；{mark}：用自己的代码通过（练习模式）",
        "learner_back_dry": "{namespace} 的第 {ids} 课将回到「进行中」。",
        "learner_back": "{namespace} 的第 {ids} 课回到「进行中」。",
        "confirm_learner": "删除这些内容并重置该学员的进度吗？",
        "need_namespaces": "请用 --namespace 指定学员的命名空间，或使用 --all-profiles",
        "no_profiles": "没有找到 Kubeflow profile 命名空间（标签 app.kubernetes.io/part-of=kubeflow-profile）",
        "cluster_checks": "== 集群检查 ==",
        "fix": "解决办法",
        "commands": "命令",
        "no_graph": "（无法画出运行图：{error}）",
    },
}

# Each command's help, keyed by its path under `workshop`; the English is the command's docstring.
HELP_ZH: dict[str, str] = {
    "": "Kubeflow Workshop：动手学 Kubeflow Pipelines。",
    "start": "打开 workshop 应用。",
    "list": "列出各课及其状态。",
    "run": "运行一课的流水线，实时显示日志并检查结果（有检查未通过时退出码为 1）。",
    "check": "对一课的上次运行重新执行检查。",
    "progress": "显示你的课程进度。",
    "doctor": "检查课程需要的一切，每个问题都给出解决办法（有一项失败时退出码为 1）。",
    "reset": "把一课重置为「进行中」，并删除它创建的内容：运行、卷上的输出、对象、模型服务器。\n\n"
             "只删除 workshop 创建的内容；你自己放进去的文件和对象保持不变。",
    "verify": "对照现有内容，重新执行每门已完成课程的检查（有一门不再成立时退出码为 1）。\n\n"
              "不会记录任何东西：尝试次数和进度保持不变。",
    "skip": "卡住了？运行本课的参考答案并标记为跳过，下一课就会解锁。",
    "exercise": "自己写本课的流水线：把带 TODO 的起始代码复制到你的文件夹。\n\n"
                "此后 `workshop run` 和应用的「运行」页运行你的文件；参考答案在你通过本课，"
                "或失败三次之后才能查看（`workshop solution`）。",
    "graph": "把一课的流水线画成 Kubeflow 的运行图，只靠编译（什么也不运行）。",
    "solution": "显示本课的参考答案（练习模式下：通过、跳过或失败三次之后）。",
    "instructor": "讲师用：令牌、全班进度、准备学员的命名空间。",
    "instructor token": "如缺少则创建 kfp-api-user 服务账号及其绑定，并为它写入一个 KFP 令牌。",
    "instructor class": "每位学员的进度，读自他们命名空间中的 workshop-progress ConfigMap。",
    "instructor class reset": "重置一位学员：删除其命名空间中一课（或每一课）的产物，并重新打开该课。",
    "instructor prepare": "上课前：检查集群，并在每个学员命名空间中创建各课需要的东西。",
}

# The options most commands share, keyed by the parameter's name.
OPTION_HELP_ZH: dict[str, str] = {
    "lang": "界面语言（默认：取自系统区域设置，如 LANG=zh_CN）。",
    "backend": "流水线在哪里运行（默认：在 Kubeflow 笔记本中用集群，否则用本地）。",
    "as_json": "机器可读的输出。",
    "yes": "删除前不再询问。",
    "dry_run": "只列出将会删除的内容，不做任何改动。",
    "args": "一个流水线参数（可重复）。",
    "run_all": "按顺序学完每一门可用的课。",
    "pipeline_file": "运行你自己版本的本课流水线文件。",
    "quiet": "只显示组件打印的内容，不显示 kfp 执行器的输出。",
    "fresh": "从一份新的起始代码重新开始（你的文件保留为 .bak）。",
    "off": "回到跟着教程做：运行使用参考代码；你的文件保留。",
    "reset_all": "重置每一课。",
    "graph:pipeline_file": "画出你自己版本的本课流水线文件。",
    "width": "画图用的列数（默认：终端的宽度；不是终端时为 100）。",
    "instructor token:namespace": "服务账号所在的命名空间。",
    "duration": "令牌的有效期：24h、90m、3600s。",
    "output": "令牌写到哪里（权限 0600）；默认 <WORKSHOP_HOME>/kfp-token。",
    "show": "同时打印令牌（否则从不打印）。",
    "csv_file": "把每位学员每一课写成一行，存到这个 CSV 文件（- 表示标准输出）。",
    "instructor class reset:namespace": "学员的命名空间。",
    "namespaces": "一个学员命名空间（可重复）。",
    "all_profiles": "每一个 Kubeflow profile 命名空间。",
    "no_doctor": "跳过集群检查。",
}


# The --lang this invocation chose (`workshop --lang zh run 1` or `workshop run 1 --lang zh`); the root group's
# main() clears it, so one in-process invocation (CliRunner) never leaks its language into the next.
CHOSEN: dict[str, str | None] = {"lang": None}


def language(lang: str | None) -> str:
    """The language a command speaks: --lang when given, else the locale's."""
    chosen = lang or CHOSEN["lang"] or default_language()
    return chosen if chosen in LANGUAGES else "en"


def say(lang: str | None, key: str, **kwargs: object) -> str:
    text = WORDS.get(language(lang), WORDS["en"]).get(key) or WORDS["en"][key]
    return text.format(**kwargs) if kwargs else text
