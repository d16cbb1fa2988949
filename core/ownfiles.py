"""The one way to read AINLP's own state: caches, the inventory snapshot, `state.db`.

The state folder is ours, but anything may have been put there (a FIFO, `/dev/zero` behind a
link, a 200 MB file, a document of the wrong shape). Every read here:

- looks before it opens: `lstat`, regular files only (a link, FIFO, device, socket or folder
  is refused without being opened), and a size cap per kind of file, checked before reading;
- opens with O_NONBLOCK and O_NOFOLLOW (a FIFO swapped in after the lstat cannot block us),
  then `fstat`s the open file: still a regular file, still within the cap; reads at most the
  cap plus one byte;
- decodes strict JSON only (ainlp.core.jsondoc: no NaN, no Infinity) and hands the value to
  the caller's schema check before anyone uses it.

A file that fails any of this is a `BadOwnFile` with a one-line reason: callers treat it as
absent (the cache is rebuilt, as before) and doctor's `state.damaged` check reports it
(`problem`). Nothing here unpickles or unmarshals: loading our state never runs code.
This module imports only contextlib, os and stat, so the warm `find` path can use it.
"""

from __future__ import annotations

import contextlib
import os
import stat
from typing import TYPE_CHECKING

from ainlp.core.jsondoc import loads

if TYPE_CHECKING:
    from collections.abc import Callable

# Caps per kind of file, in bytes: far above what a real machine produces (a 2,000-venv
# inventory snapshot is ~3 MB, a packages cache of 50 environments ~10 MB), far below
# what would hurt (the 200 MB cache cost 425 MB of RSS).
SNAPSHOT_MAX = 32 * 1024 * 1024
DISCOVERY_CACHE_MAX = 16 * 1024 * 1024
PACKAGES_CACHE_MAX = 64 * 1024 * 1024

_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISLNK, "a symbolic link"),
          (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


class BadOwnFile(Exception):
    """A state file that is not what we wrote: `reason` says why, in a few words."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path} {reason}")
        self.path = path
        self.reason = reason


def _kind(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def check_regular(path: str, limit: int | None = None) -> os.stat_result | None:
    """lstat `path`: None when absent; BadOwnFile when it is not a regular file (links are
    refused: we never write one) or is larger than `limit`."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        raise BadOwnFile(path, f"cannot be examined: {_why(exc)}") from None
    if not stat.S_ISREG(st.st_mode):
        raise BadOwnFile(path, f"is {_kind(st.st_mode)}, not a regular file")
    if limit is not None and st.st_size > limit:
        raise BadOwnFile(path, f"is {st.st_size} bytes, over the limit of {limit}")
    return st


def read_bytes(path: str, limit: int) -> bytes | None:
    """The bytes of our regular file `path`, at most `limit`; None when it is absent."""
    if check_regular(path, limit) is None:
        return None
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    flags |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise BadOwnFile(path, f"cannot be opened: {_why(exc)}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # swapped between lstat and open
            raise BadOwnFile(path, f"is {_kind(st.st_mode)}, not a regular file")
        if st.st_size > limit:
            raise BadOwnFile(path, f"is {st.st_size} bytes, over the limit of {limit}")
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1024 * 1024))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as exc:
        raise BadOwnFile(path, f"cannot be read: {_why(exc)}") from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:  # it grew while we read
        raise BadOwnFile(path, f"is over the limit of {limit} bytes")
    return data


def read_json(path: str, limit: int, valid: Callable[[object], bool]) -> object | None:
    """The strict-JSON value of our file `path`, once `valid(value)` accepted it; None when
    the file is absent; BadOwnFile when it is anything but what we write."""
    data = read_bytes(path, limit)
    if data is None:
        return None

    try:
        value: object = loads(data)
    except ValueError as exc:
        raise BadOwnFile(path, f"is not strict JSON: {str(exc)[:120]}") from None
    if not valid(value):
        raise BadOwnFile(path, "is JSON, but not in the format AINLP writes")
    return value


def problem(path: str, limit: int, valid: Callable[[object], bool]) -> str | None:
    """Why `path` would be ignored by its loader; None when it is absent or fine."""
    try:
        read_json(path, limit, valid)
    except BadOwnFile as bad:
        return bad.reason
    return None


def write_text(path: str, text: str) -> bool:
    """Replace our file `path` atomically (a reader never sees half a file); False when it
    could not be written, which only costs speed next time."""
    folder = os.path.dirname(path) or "."
    tmp = f"{path}.tmp{os.getpid()}"
    try:
        os.makedirs(folder, exist_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(tmp, flags | getattr(os, "O_CLOEXEC", 0), 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except (OSError, ValueError):
        with contextlib.suppress(OSError, ValueError):
            os.unlink(tmp)
        return False
    return True


def _why(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc) or type(exc).__name__
