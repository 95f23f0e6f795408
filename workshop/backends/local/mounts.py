"""Give one task process its own view of the volumes, as a pod gets on a cluster.

A task that declares `kubernetes.mount_pvc(task, pvc_name=..., mount_path=...)` sees the
local volume's folder at the mount path; a task that does not declare it sees an empty
folder there (or nothing), even if another task of the same run mounts it. This uses a
private mount namespace (Linux). Where the kernel refuses one, the task fails with a
message that says so, instead of silently seeing the host's files.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from pathlib import Path

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
MS_RDONLY = 1
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18


class MountError(RuntimeError):
    pass


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def _mount(libc: ctypes.CDLL, src: str | None, dst: str, fstype: str | None, flags: int) -> None:
    rc = libc.mount(
        src.encode() if src else None, dst.encode(), fstype.encode() if fstype else None, flags, None
    )
    if rc != 0:
        err = ctypes.get_errno()
        raise MountError(f"mount {src or fstype} on {dst}: {os.strerror(err)}")


def _unshare(libc: ctypes.CDLL) -> None:
    if libc.unshare(CLONE_NEWNS) == 0:
        return
    # Without CAP_SYS_ADMIN, a user namespace may still allow a private mount namespace.
    uid, gid = os.getuid(), os.getgid()
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0:
        err = ctypes.get_errno()
        raise MountError(
            "this machine does not allow a private mount namespace "
            f"({os.strerror(err)}), so volumes cannot be mounted for a local task"
        )
    Path("/proc/self/setgroups").write_text("deny")
    Path("/proc/self/uid_map").write_text(f"0 {uid} 1")
    Path("/proc/self/gid_map").write_text(f"0 {gid} 1")


def _make_mount_point(libc: ctypes.CDLL, path: Path, covered: set[Path]) -> None:
    """Create `path` inside the private namespace without touching the host's filesystem.

    The nearest existing ancestor gets a private tmpfs, so the folders made here vanish
    with the task, like the directories a container runtime creates for a mount.
    """
    if any(c in path.parents for c in covered):
        path.mkdir(parents=True, exist_ok=True)
        return
    ancestor = path
    while not ancestor.exists():
        ancestor = ancestor.parent
    covered.add(ancestor)
    if ancestor == Path("/"):
        raise MountError(f"refusing to cover / to create the mount point {path}")
    _mount(libc, "tmpfs", str(ancestor), "tmpfs", 0)
    path.mkdir(parents=True, exist_ok=True)


def enter_task_mounts(mounts: list[tuple[str, str]], masked: list[str]) -> None:
    """Called in the task's child process, before it runs the component.

    mounts: (host folder, mount path) pairs this task declared.
    masked: mount paths other tasks of the run declare. This task must not see the
    volume there; like a container, it gets a throw-away folder instead, so what it
    writes there is lost, as it would be on a cluster, and the host stays untouched.
    """
    if not mounts and not masked:
        return
    libc = _libc()
    _unshare(libc)
    _mount(libc, None, "/", None, MS_REC | MS_PRIVATE)
    own = {dst for _, dst in mounts}
    covered: set[Path] = set()
    for path in masked:
        if path in own:
            continue
        target = Path(path)
        if target.exists():
            _mount(libc, "tmpfs", path, "tmpfs", 0)
        else:
            try:
                _make_mount_point(libc, target, covered)
            except MountError:
                pass  # a path right under / cannot be hidden without hiding the whole system
    for src, dst in mounts:
        target = Path(dst)
        if not target.exists():
            _make_mount_point(libc, target, covered)
        _mount(libc, src, dst, None, MS_BIND | MS_REC)
