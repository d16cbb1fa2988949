"""Small filesystem helpers for changes: atomic writes, devices, mount points, sizes."""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path


def existing_ancestor(path: Path) -> Path:
    """The path itself or its nearest ancestor that exists (links not followed)."""
    current = path
    while not os.path.lexists(current) and current.parent != current:
        current = current.parent
    return current


def device_of(path: Path) -> int:
    """The filesystem a path lives on; a symlink counts where the link itself is stored."""
    return os.lstat(existing_ancestor(path)).st_dev


def real_parent(path: Path) -> Path:
    """The path with its parent folders' links resolved but the last part kept as is."""
    return Path(os.path.realpath(path.parent)) / path.name


def mount_point(path: Path) -> Path:
    """The top folder of the filesystem holding `path`: walk up while the device stays."""
    current = existing_ancestor(real_parent(path))
    device = os.lstat(current).st_dev
    while current.parent != current and os.lstat(current.parent).st_dev == device:
        current = current.parent
    return current


def tree_size(path: Path) -> int:
    """Bytes under a path, counting links as themselves (never followed)."""
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode):
        return info.st_size
    total = info.st_size
    stack = [path]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                entry_info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            total += entry_info.st_size
            if stat.S_ISDIR(entry_info.st_mode):
                stack.append(Path(entry.path))
    return total


def atomic_write(path: Path, data: bytes, *, like: os.stat_result | None = None) -> None:
    """Write through a temporary file in the same folder, then os.replace: readers see the
    old bytes or the new ones, never half. `like` carries an old file's mode and owner."""
    temp = path.parent / f".{path.name}.ainlp-{secrets.token_hex(4)}.tmp"
    # 0o666 lets the umask decide a new file's mode, as an editor would
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if like is not None:
            os.chmod(temp, stat.S_IMODE(like.st_mode))
            if hasattr(os, "chown") and (like.st_uid, like.st_gid) != _owner(temp):
                # running as root on a user's file: keep it the user's
                with contextlib.suppress(OSError):
                    os.chown(temp, like.st_uid, like.st_gid)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _owner(path: Path) -> tuple[int, int]:
    info = os.stat(path)
    return info.st_uid, info.st_gid


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on a folder's index while it is read and rewritten (POSIX only;
    elsewhere the atomic index write still keeps the file whole)."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    fd = os.open(folder / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
