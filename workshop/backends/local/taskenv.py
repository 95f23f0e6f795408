"""What a task's `packages_to_install` adds, kept apart from the app's own environment.

On a cluster, a component's pip install runs in a throw-away container. Locally it must
not run against the app's interpreter: one pin (the tutorial's `kserve==0.11.0`) would
downgrade protobuf and break kfp for every later run. So pip resolves the task's
requirements beside the kfp that runs the task (a dry run, which installs nothing), and
installs only what the app lacks with `--target` into a cache folder keyed by the
requirement set. Only that task puts the folder on its path; later tasks with the same
requirements reuse it.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement

from workshop.core.text import text as catalog_text

DONE = ".workshop-complete"  # written last, before the atomic rename: a folder without it is no cache entry
_PIP = [sys.executable, "-m", "pip"]
_PIP_QUIET = ["--disable-pip-version-check", "--no-input"]


class TaskEnvError(Exception):
    """The task's requirements cannot be installed for it; the lines say why, in English and Chinese."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


@dataclass(frozen=True)
class Overlay:
    path: Path
    packages: tuple[str, ...]  # name==version, what the folder holds
    modules: frozenset[str]  # the top-level import names it provides
    installed_now: bool


def requirement_name(text: str) -> str:
    try:
        return Requirement(text).name.lower().replace("_", "-")
    except InvalidRequirement:
        return ""


def task_requirements(requirements: Sequence[str]) -> list[str]:
    """What the task itself asks for, on this Python: markers applied, kfp left out.

    kfp's own line (`kfp==<compiling version> --no-deps`) is what the pod needs to run the
    executor; here the app's kfp runs it, as the fork server's children already have it imported.
    """
    kept = []
    for text in requirements:
        try:
            req = Requirement(text)
        except InvalidRequirement:
            kept.append(text)  # pip will say what is wrong with it
            continue
        if req.marker is not None and not req.marker.evaluate():
            continue
        if requirement_name(text) != "kfp":
            kept.append(text)
    return kept


@cache
def _environment_fingerprint() -> str:
    """The app's installed distributions: what the dry run resolved against, so part of the key."""
    dists = sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions())
    return hashlib.sha256("\n".join(dists).encode()).hexdigest()


def cache_key(requirements: Sequence[str], pip_options: Sequence[str]) -> str:
    data = {
        "requirements": sorted(requirements),
        "pip_options": list(pip_options),
        "python": sys.version,
        "environment": _environment_fingerprint(),
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:20]


def top_level_modules(folder: Path) -> frozenset[str]:
    names = set()
    for entry in folder.iterdir():
        name = entry.name
        if name.startswith(".") or name in ("bin", "__pycache__") or name.endswith((".dist-info", ".data")):
            continue
        if entry.is_dir():
            names.add(name)
        elif name.endswith((".py", ".so", ".pyd")):
            names.add(name.split(".", 1)[0])
    return frozenset(names)


def _conflict_lines(requirements: Sequence[str], kfp_version: str, pip_output: str) -> list[str]:
    causes = [line.strip() for line in pip_output.splitlines() if " depends on " in line]
    pins = ", ".join(requirements)
    lines = [  # a task's log is read in either language: English with pip's causes, then Chinese
        catalog_text("en", "task_log:conflict", pins=pins, kfp=kfp_version),
        *(f"[workshop]   {cause}" for cause in causes),
        catalog_text("en", "task_log:conflict_fix", kfp=kfp_version),
        catalog_text("zh", "task_log:conflict", pins=pins, kfp=kfp_version),
        catalog_text("zh", "task_log:conflict_fix", kfp=kfp_version),
    ]
    return lines


def _tail(text: str, count: int = 8) -> list[str]:
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("WARNING: Location")]
    return [f"[workshop]   {line}" for line in lines[-count:]]


def _resolve(requirements: Sequence[str], pip_options: Sequence[str], workdir: Path) -> list[str]:
    """name==version (or a direct URL) of every distribution the task needs that the app lacks."""
    kfp_version = metadata.version("kfp")
    report = workdir / "report.json"
    # A dry run beside the app's own kfp: pip keeps what the app has where it satisfies the task,
    # lists the rest, and refuses a set that cannot stand beside kfp. It installs nothing.
    proc = subprocess.run(
        [*_PIP, "install", *_PIP_QUIET, "--dry-run", "--report", str(report), *pip_options,
         *requirements, f"kfp=={kfp_version}"],
        capture_output=True, text=True, cwd=workdir,
    )
    if proc.returncode != 0:
        output = proc.stdout + proc.stderr
        if "ResolutionImpossible" in output or "conflicting dependencies" in output:
            raise TaskEnvError(_conflict_lines(requirements, kfp_version, output))
        raise TaskEnvError(
            [catalog_text("en", "task_log:not_found", requirements=", ".join(requirements)), *_tail(output),
             catalog_text("zh", "task_log:not_found", requirements=", ".join(requirements))]
        )
    planned = json.loads(report.read_text(encoding="utf-8")).get("install", [])
    specs = []
    for item in planned:
        meta = item["metadata"]
        if item.get("is_direct"):
            specs.append(item["download_info"]["url"])
        else:
            specs.append(f"{meta['name']}=={meta['version']}")
    return specs


def _completed(folder: Path) -> tuple[str, ...] | None:
    """What a finished cache folder holds; None when it is absent, unfinished or its marker unreadable."""
    try:
        packages = json.loads((folder / DONE).read_text(encoding="utf-8"))["packages"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return tuple(str(p) for p in packages) if isinstance(packages, list) else None


def prepare(
    requirements: Sequence[str],
    pip_options: Sequence[str],
    cache_root: Path,
    log: Callable[[str], None],
) -> Overlay:
    """The cache folder holding what `requirements` add to the app's environment, made once.

    Safe when several tasks (or runs) ask at once: one installs under a lock into a fresh
    folder and renames it into place; the others wait and reuse it.
    """
    key = cache_key(requirements, pip_options)
    cache_root.mkdir(parents=True, exist_ok=True)
    final = cache_root / key
    with open(cache_root / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        packages = _completed(final)
        if packages is not None:
            log(f"[workshop] reusing {', '.join(packages) or 'nothing new'} from {final} "
                "(installed for an earlier task; the app's environment is unchanged)")
            return Overlay(final, packages, top_level_modules(final), False)
        if final.exists():  # a folder without a sound marker is debris from a crash: never trust it
            shutil.rmtree(final, ignore_errors=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{key}-", dir=cache_root))
        try:
            specs = _resolve(requirements, pip_options, staging)
            target = staging / "site"
            target.mkdir()
            if specs:
                log(f"[workshop] installing {', '.join(specs)} into {final} for this task only "
                    "(the app's own environment is never changed)")
                proc = subprocess.run(
                    [*_PIP, "install", *_PIP_QUIET, "--quiet", "--no-warn-script-location", "--no-deps",
                     "--target", str(target), *pip_options, *specs],
                    capture_output=True, text=True, cwd=staging,
                )
                if proc.returncode != 0:
                    raise TaskEnvError(
                        [catalog_text("en", "task_log:install_failed", specs=", ".join(specs)),
                         *_tail(proc.stdout + proc.stderr),
                         catalog_text("zh", "task_log:install_failed", specs=", ".join(specs))]
                    )
            (target / DONE).write_text(
                json.dumps({"requirements": list(requirements), "packages": specs}), encoding="utf-8"
            )
            os.rename(target, final)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return Overlay(final, tuple(specs), top_level_modules(final), True)
