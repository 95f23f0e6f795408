"""Named local volumes: a folder per PVC name, created on first use and seeded once."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

from workshop.core.errors import BackendError


class VolumeError(BackendError, ValueError):
    """A volume name or a path that no volume has; said in the reader's language (workshop.core.errors)."""


class Volumes:
    def __init__(self, root: Path, assets: Path) -> None:
        self.root = root
        self.assets = assets

    def path(self, name: str) -> Path:
        if not name or "/" in name or name.startswith("."):
            raise VolumeError.of("backend:not_volume_name", name=repr(name))
        return self.root / name

    def ensure(self, name: str) -> Path:
        """The volume's folder; a new one gets the course's seed files (assets/volumes.toml)."""
        folder = self.path(name)
        if folder.is_dir():
            return folder
        folder.mkdir(parents=True)
        seeds_file = self.assets / "volumes.toml"
        if seeds_file.is_file():
            seeds = tomllib.loads(seeds_file.read_text(encoding="utf-8")).get(name, {})
            for target, source in seeds.get("files", {}).items():
                dst = folder / target
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(self.assets / source, dst)
        return folder

    def file(self, name: str, relative: str) -> Path:
        folder = self.path(name).resolve()
        target = (folder / relative.lstrip("/")).resolve()
        if folder not in target.parents:
            raise VolumeError.of("backend:outside_this_volume", path=repr(relative), name=name)
        return target

    def read_text(self, name: str, relative: str) -> str:
        return self.file(name, relative).read_text(encoding="utf-8")
