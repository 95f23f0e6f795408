"""Files the app keeps to start faster (what it drew, parsed or read before), written whole or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_whole(path: Path, data: bytes, keep: int) -> bool:
    """Write `data` to `path` whole or not at all (another app may read it meanwhile), mode 0600; then, past
    `keep` files of its kind in the folder, remove the oldest half. False if the folder cannot be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".cache-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _prune(path.parent, f"*{path.suffix}", keep)
    except OSError:
        return False
    return True


def _prune(folder: Path, pattern: str, keep: int) -> None:
    files = list(folder.glob(pattern))
    if len(files) <= keep:
        return

    def modified(file: Path) -> float:
        try:
            return file.stat().st_mtime
        except OSError:
            return 0.0
    for old in sorted(files, key=modified)[: len(files) - keep // 2]:
        old.unlink(missing_ok=True)
