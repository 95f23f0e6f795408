"""Give one task process its own view of the volumes, as a pod gets on a cluster.

A task that declares `kubernetes.mount_pvc(task, pvc_name=..., mount_path=...)` sees the
local volume's folder at the mount path; a task that does not declare it sees an empty
folder there (or nothing), even if another task of the same run mounts it. This uses a
private mount namespace (Linux). Where the kernel refuses one, the task fails with a
message that says so, instead of silently seeing the host's files.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported only for a task with mounts: the rest (most tasks) never pay for it
    import ctypes

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
MS_RDONLY = 1
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18


class MountError(RuntimeError):
    pass


def _libc() -> ctypes.CDLL:
    import ctypes
    import ctypes.util

    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def _errno() -> int:
    import ctypes

    return ctypes.get_errno()


def _mount(libc: ctypes.CDLL, src: str | None, dst: str, fstype: str | None, flags: int) -> None:
    rc = libc.mount(
        src.encode() if src else None, dst.encode(), fstype.encode() if fstype else None, flags, None
    )
    if rc != 0:
        err = _errno()
        raise MountError(f"mount {src or fstype} on {dst}: {os.strerror(err)}")


def _unshare(libc: ctypes.CDLL) -> None:
    if libc.unshare(CLONE_NEWNS) == 0:
        return
    # Without CAP_SYS_ADMIN, a user namespace may still allow a private mount namespace.
    uid, gid = os.getuid(), os.getgid()
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0:
        err = _errno()
        raise MountError(
            "this machine does not allow a private mount namespace "
            f"({os.strerror(err)}), so volumes cannot be mounted for a local task"
        )
    Path("/proc/self/setgroups").write_text("deny")
    Path("/proc/self/uid_map").write_text(f"0 {uid} 1")
    Path("/proc/self/gid_map").write_text(f"0 {gid} 1")


# The new mount API (Linux 5.2); these numbers are the same on every architecture but alpha.
SYS_OPEN_TREE = 428
SYS_MOVE_MOUNT = 429
SYS_FSOPEN = 430
SYS_FSCONFIG = 431
SYS_FSMOUNT = 432
OPEN_TREE_CLONE = 1
OPEN_TREE_CLOEXEC = os.O_CLOEXEC
AT_SYMLINK_NOFOLLOW = 0x100
AT_RECURSIVE = 0x8000
MOVE_MOUNT_F_EMPTY_PATH = 0x4
FSCONFIG_SET_STRING = 1
FSCONFIG_CMD_CREATE = 6
AT_FDCWD = -100


def _check(rc: int, what: str) -> int:
    if rc < 0:
        err = _errno()
        raise MountError(f"{what}: {os.strerror(err)}")
    return rc


def _detached_tmpfs(libc: ctypes.CDLL, mode: int) -> int:
    """A tmpfs that is mounted nowhere yet: an fd to its root."""
    fs = _check(libc.syscall(SYS_FSOPEN, b"tmpfs", 1), "fsopen tmpfs")
    try:
        _check(libc.syscall(SYS_FSCONFIG, fs, FSCONFIG_SET_STRING, b"mode", f"{mode:o}".encode(), 0),
               "fsconfig tmpfs mode")
        _check(libc.syscall(SYS_FSCONFIG, fs, FSCONFIG_CMD_CREATE, None, None, 0), "fsconfig tmpfs create")
        return _check(libc.syscall(SYS_FSMOUNT, fs, 1, 0), "fsmount tmpfs")
    finally:
        os.close(fs)


def _attach(libc: ctypes.CDLL, fd: int, target: str) -> None:
    _check(libc.syscall(SYS_MOVE_MOUNT, fd, b"", AT_FDCWD, target.encode(), MOVE_MOUNT_F_EMPTY_PATH),
           f"move_mount on {target}")


def _shadow(libc: ctypes.CDLL, folder: Path) -> None:
    """Put a private, writable copy of `folder` in its place: a tmpfs holding every entry of the
    folder, bind-mounted back from the real one. New mount points can then be made in the tmpfs;
    the host's folder is never written. Works for / too: the task's root becomes the tmpfs.
    """
    entries: list[tuple[str, int | None, str | None, bool]] = []  # (name, clone fd, symlink target, is a dir)
    try:
        with os.scandir(folder) as it:
            for entry in it:
                if entry.is_symlink():
                    entries.append((entry.name, None, os.readlink(entry.path), False))
                else:
                    clone = libc.syscall(SYS_OPEN_TREE, AT_FDCWD, entry.path.encode(),
                                         OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_SYMLINK_NOFOLLOW)
                    if clone >= 0:
                        entries.append((entry.name, clone, None, entry.is_dir(follow_symlinks=False)))
                    # an entry the kernel will not clone (a socket on some filesystems) is left out
        cwd = os.getcwd()
        tmpfs = _detached_tmpfs(libc, os.stat(folder).st_mode & 0o7777)
        try:
            _attach(libc, tmpfs, str(folder))
            if folder == Path("/"):
                # A mount on / is not seen by a process whose root is the old /: enter the new one.
                os.fchdir(tmpfs)
                os.chroot(".")
        finally:
            os.close(tmpfs)
        for name, clone, link, is_dir in entries:
            place = folder / name
            if link is not None:
                os.symlink(link, place)
                continue
            assert clone is not None
            if is_dir:
                place.mkdir()
            else:
                place.touch()
            _attach(libc, clone, str(place))
        os.chdir(cwd)
    finally:
        for _, clone, _, _ in entries:
            if clone is not None:
                os.close(clone)


def _make_mount_point(libc: ctypes.CDLL, path: Path, ours: set[Path]) -> None:
    """Create `path` inside the private namespace without touching the host's filesystem.

    The nearest existing ancestor is shadowed by a tmpfs that holds its entries, so the
    folders made here vanish with the task, like the directories a container runtime creates
    for a mount. `ours` holds the folders already made in such a tmpfs.
    """
    ancestor = path
    while not ancestor.exists():
        ancestor = ancestor.parent
    if ancestor not in ours:
        _shadow(libc, ancestor)
        ours.add(ancestor)
    made = ancestor
    for part in path.relative_to(ancestor).parts:
        made = made / part
        made.mkdir()
        ours.add(made)


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
    ours: set[Path] = set()
    for path in masked:
        if path in own:
            continue
        target = Path(path)
        if target.exists():
            _mount(libc, "tmpfs", path, "tmpfs", 0)
        else:
            _make_mount_point(libc, target, ours)
    for src, dst in mounts:
        target = Path(dst)
        if not target.exists():
            _make_mount_point(libc, target, ours)
        _mount(libc, src, dst, None, MS_BIND | MS_REC)
