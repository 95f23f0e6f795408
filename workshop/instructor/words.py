"""The instructor's steps in both languages: the token's steps, prepare's lines, a learner's reset.

`say(lang, key, ...)`; the CLI passes the language its command speaks (--lang, else the locale).
tests/test_catalog.py checks that every key has its Chinese.
"""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "en": {
        # token.py
        "not_duration": "{text!r} is not a duration like 24h, 90m or 3600s",
        "too_short": "{text!r} is too short: Kubernetes issues tokens for at least 10 minutes",
        "created": "created",
        "already_there": "already there",
        "step_account": "service account {namespace}/{account}: {outcome}",
        "step_binding": "ClusterRoleBinding {binding} to {role}: {outcome}",
        "step_token": "token for {namespace}/{account} (audience {audience}) written to {output} (mode 0600)",
        "no_token": "the TokenRequest for {namespace}/{account} was answered without a token",
        "forbidden": "the Kubernetes API refused to {permission} (403 Forbidden): this needs a cluster admin "
                     "(cluster-admin), as the tutorial's kubectl steps do; run it with an admin's kubeconfig "
                     "(WORKSHOP_KUBECONFIG)",
        "perm_account": "create serviceaccounts in namespace {namespace}",
        "perm_binding": "create clusterrolebindings (cluster scope)",
        "perm_token": "create serviceaccounts/token in namespace {namespace}",
        # prepare.py
        "prep_pvc": "PVC {pvc}",
        "prep_seed": "{file} on {pvc}",
        "prep_kserve": "KServe service account {account} and secret {secret}",
        "prep_poddefault": "PodDefault {name} (\"Allow access to Kubeflow Pipelines\")",
        "prep_line": "{name}: {outcome}",
        "prep_failed": "{name}: failed: {error}",
        "written": "written",
        "poddefault_there": "already there (a notebook gets the KFP token when created with this option ticked)",
        "poddefault_created": "created: notebooks created from now on with \"Allow access to Kubeflow Pipelines\" "
                              "ticked get the KFP token; a running notebook must be recreated with it",
        "no_pvc": "no PVC {pvc} to write to",
        "seed_timeout": "the seeding pod {pod} did not finish within {seconds} s (is the PVC bindable?)",
        "seed_silent": "the seeding pod {pod} ended ({phase}) without writing {file}: see its events",
        # classroom.py (one learner's reset)
        "no_configmap": "no ConfigMap {configmap} in {namespace}: no recorded progress to reset",
        "learner_open": "lesson {id} of {learner} ({namespace}) is open again",
    },
    "zh": {
        "not_duration": "{text!r} 不是 24h、90m 或 3600s 这样的时长",
        "too_short": "{text!r} 太短：Kubernetes 签发的令牌至少有效 10 分钟",
        "created": "已创建",
        "already_there": "已存在",
        "step_account": "服务账号 {namespace}/{account}：{outcome}",
        "step_binding": "ClusterRoleBinding {binding}（绑定到 {role}）：{outcome}",
        "step_token": "{namespace}/{account} 的令牌（audience {audience}）已写入 {output}（权限 0600）",
        "no_token": "{namespace}/{account} 的 TokenRequest 有应答，但没有令牌",
        "forbidden": "Kubernetes API 拒绝了「{permission}」（403 Forbidden）：这需要集群管理员（cluster-admin），"
                     "和教程里的 kubectl 步骤一样；请用管理员的 kubeconfig 运行（WORKSHOP_KUBECONFIG）",
        "perm_account": "在命名空间 {namespace} 中创建 serviceaccounts",
        "perm_binding": "创建 clusterrolebindings（集群范围）",
        "perm_token": "在命名空间 {namespace} 中创建 serviceaccounts/token",
        "prep_pvc": "存储卷 PVC {pvc}",
        "prep_seed": "{pvc} 上的 {file}",
        "prep_kserve": "KServe 服务账号 {account} 和 Secret {secret}",
        "prep_poddefault": "PodDefault {name}（\"Allow access to Kubeflow Pipelines\"）",
        "prep_line": "{name}：{outcome}",
        "prep_failed": "{name}：失败：{error}",
        "written": "已写入",
        "poddefault_there": "已存在（创建笔记本时勾选这个选项，笔记本就会拿到 KFP 令牌）",
        "poddefault_created": "已创建：今后创建笔记本时勾选 \"Allow access to Kubeflow Pipelines\"，就会拿到 KFP "
                              "令牌；正在运行的笔记本要勾选它重新创建",
        "no_pvc": "没有可写入的 PVC {pvc}",
        "seed_timeout": "写入数据的 pod {pod} 在 {seconds} 秒内没有结束（这个 PVC 能绑定吗？）",
        "seed_silent": "写入数据的 pod {pod} 已结束（{phase}），但没有写入 {file}：请查看它的事件",
        "no_configmap": "{namespace} 中没有 ConfigMap {configmap}：没有记录的进度可重置",
        "learner_open": "{learner}（{namespace}）的第 {id} 课重新变为「进行中」",
    },
}


def say(lang: str, key: str, **kwargs: object) -> str:
    text = WORDS["zh" if lang == "zh" else "en"][key]
    return text.format(**kwargs) if kwargs else text
