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
from workshop.core.text import by_language, pair

if TYPE_CHECKING:
    from packaging.requirements import Requirement

    from workshop.backends.local.backend import LocalBackend

DISTRIBUTION = "kubeflow-workshop"
SETUP = pair("local_doctor_setup")

TEXT: dict[str, dict[str, str]] = by_language("local_doctor")

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
