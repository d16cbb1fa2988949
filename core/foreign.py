"""The one way to read a file or folder we did not write (discovery, health checks).

Whatever a machine holds at a path (a FIFO, a device, a huge file, a folder we may not enter,
a name longer than the OS allows, a NUL byte in a path read from a file) becomes a value the
caller turns into a problem on a record or a finding, never an exception and never a hang:

- `read_text(path, kind)`: regular files only (opened with O_NONBLOCK, then fstat: anything
  else is refused before a byte is read), at most the kind's size cap, decoded with
  replacement; a `Read` says what was read or why nothing was.
- `exists`, `is_dir`, `is_file`, `is_symlink`: False (never an exception) on EACCES,
  ENAMETOOLONG, ELOOP or a NUL; `stat_error` says why.
- `listdir(path)`: the names, or () and why.
- `real(path)`: os.path.realpath that never raises, memoised per discovery (`fresh()`).
- `bad_path(text)`: why a path read from a file is bad data (a NUL, over-long), else None.
- `unusable_executable(path)`: why a file cannot be an interpreter (not a regular file, no
  x bit, empty, no ELF/Mach-O/PE/#! header), judged from its first bytes, never run.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

# How much of each kind of file we read, at most (bytes).
LIMITS: dict[str, int] = {
    "pyvenv.cfg": 64 * 1024,
    "environments.txt": 1024 * 1024,
    "shim": 64 * 1024,
    "version-file": 64 * 1024,  # .python-version, pyenv's global version
    "orig-prefix.txt": 64 * 1024,
    "patchlevel.h": 256 * 1024,
    "build-details.json": 1024 * 1024,
    "conda-meta": 4 * 1024 * 1024,  # conda-meta/*.json, history
    "config": 1024 * 1024,  # .condarc, tools' config files
    "text": 1024 * 1024,
}
PATH_MAX = 4096  # longer paths are bad data (Linux's PATH_MAX)
NAME_MAX = 255

_HEADERS = (
    b"\x7fELF",
    b"\xfe\xed\xfa\xce", b"\xce\xfa\xed\xfe", b"\xfe\xed\xfa\xcf", b"\xcf\xfa\xed\xfe",  # Mach-O
    b"\xca\xfe\xba\xbe", b"\xbe\xba\xfe\xca",  # Mach-O universal
    b"MZ",  # PE (Windows)
    b"#!",
)


@dataclass(frozen=True, slots=True)
class Read:
    """What `read_text` got: the text, or why there is none (`missing`: nothing is there)."""

    text: str | None
    error: str | None = None
    missing: bool = False

    @property
    def ok(self) -> bool:
        return self.text is not None


def describe(exc: BaseException) -> str:
    """An OSError (or a NUL's ValueError) in a few words."""
    if isinstance(exc, OSError):
        known = {
            errno.EACCES: "permission denied",
            errno.EPERM: "permission denied",
            errno.ENOENT: "does not exist",
            errno.ENOTDIR: "a part of the path is not a folder",
            errno.ENAMETOOLONG: "the path is too long",
            errno.ELOOP: "a symlink loop",
            errno.EISDIR: "is a folder",
        }
        if exc.errno in known:
            return known[exc.errno]
        return exc.strerror or type(exc).__name__
    if isinstance(exc, ValueError):
        return "the path holds a NUL byte"
    return str(exc)


def _kind_of(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
               | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0))


def read_bytes(path: Path | str, kind: str = "text", *, limit: int | None = None,
               head: bool = False) -> tuple[bytes | None, str | None, bool]:
    """(data, error, missing): a regular file's bytes, at most the kind's cap.

    With `head` the first `limit` bytes are enough (no error for a longer file).
    """
    cap = limit if limit is not None else LIMITS.get(kind, LIMITS["text"])
    reason = bad_path(os.fspath(path))
    if reason is not None:
        return None, reason, False
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except (OSError, ValueError) as exc:
        missing = isinstance(exc, OSError) and exc.errno in (errno.ENOENT, errno.ENOTDIR)
        return None, describe(exc), missing
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None, f"is {_kind_of(info.st_mode)}, not a regular file", False
        if info.st_size > cap and not head:
            return None, f"is {info.st_size} bytes, more than the {cap} a {kind} may hold", False
        chunks: list[bytes] = []
        left = cap + (0 if head else 1)
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 16))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > cap:  # grew while we read
            return None, f"is more than the {cap} bytes a {kind} may hold", False
        return data, None, False
    except OSError as exc:
        return None, describe(exc), False
    finally:
        os.close(fd)


def read_ends(path: Path | str, head: int, tail: int) -> tuple[bytes, bytes] | None:
    """The first `head` and last `tail` bytes of a regular file (of any size), else None."""
    if bad_path(os.fspath(path)) is not None:
        return None
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except (OSError, ValueError):
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None
        first = os.pread(fd, head, 0) if hasattr(os, "pread") else os.read(fd, head)
        if hasattr(os, "pread"):
            last = os.pread(fd, tail, max(0, info.st_size - tail))
        else:
            os.lseek(fd, max(0, info.st_size - tail), os.SEEK_SET)
            last = os.read(fd, tail)
        return first, last
    except OSError:
        return None
    finally:
        os.close(fd)


def read_text(path: Path | str, kind: str = "text", *, limit: int | None = None) -> Read:
    """A regular file's text (UTF-8, undecodable bytes replaced), or why there is none."""
    data, error, missing = read_bytes(path, kind, limit=limit)
    if data is None:
        return Read(None, error, missing)
    return Read(data.decode("utf-8", errors="replace"))


def read_head(path: Path | str, size: int = 1024) -> bytes | None:
    """The first `size` bytes of a regular file, None when it is not one (or unreadable)."""
    data, _, _ = read_bytes(path, "head", limit=size, head=True)
    return data


def bad_path(text: str) -> str | None:
    """Why a path (read from a file, an env var or a listing) is bad data, else None."""
    if "\x00" in text:
        return "the path holds a NUL byte"
    if len(os.fsencode(text)) > PATH_MAX:
        return f"the path is longer than {PATH_MAX} bytes"
    return None


def path_from(text: str) -> Path | None:
    """A path read from a file, None when it is bad data."""
    return None if bad_path(text) is not None else Path(text)


def stat_error(path: Path | str, *, follow: bool = True) -> str | None:
    """None when the path can be stat'ed, else why not."""
    try:
        os.stat(path, follow_symlinks=follow)
    except (OSError, ValueError) as exc:
        return describe(exc)
    return None


def _stat(path: Path | str, follow: bool = True) -> os.stat_result | None:
    try:
        return os.stat(path, follow_symlinks=follow)
    except (OSError, ValueError):
        return None


def exists(path: Path | str) -> bool:
    return _stat(path) is not None


def lexists(path: Path | str) -> bool:
    return _stat(path, follow=False) is not None


def is_dir(path: Path | str) -> bool:
    info = _stat(path)
    return info is not None and stat.S_ISDIR(info.st_mode)


def is_file(path: Path | str) -> bool:
    info = _stat(path)
    return info is not None and stat.S_ISREG(info.st_mode)


def is_symlink(path: Path | str) -> bool:
    info = _stat(path, follow=False)
    return info is not None and stat.S_ISLNK(info.st_mode)


def readlink(path: Path | str) -> str | None:
    try:
        return os.readlink(path)
    except (OSError, ValueError):
        return None


def listdir(path: Path | str) -> tuple[list[str], str | None]:
    """The names in a folder (unsorted), or ([], why not)."""
    try:
        return os.listdir(path), None
    except (OSError, ValueError) as exc:
        return [], describe(exc)


def subdirs(path: Path) -> list[Path]:
    """The folders (links to folders included) in a folder, sorted; [] when unreadable."""
    found: list[Path] = []
    try:
        with os.scandir(path) as entries:
            for entry in entries:
                try:
                    if entry.is_dir():
                        found.append(path / entry.name)
                except (OSError, ValueError):
                    continue
    except (OSError, ValueError):
        return []
    return sorted(found)


_REAL: dict[str, str] = {}
_REAL_PATHS: dict[str, Path] = {}


_REAL_TEXT: dict[str, str] = {}
_RESOLVED: dict[str, Path] = {}


def fresh() -> None:
    """Forget the memoised real paths (each discovery starts with this)."""
    _REAL.clear()
    _REAL_PATHS.clear()
    _REAL_TEXT.clear()
    _RESOLVED.clear()


def real(path: Path | str) -> Path:
    """The real path, following links; never raises (a bad path comes back as given)."""
    text = os.fspath(path)
    hit = _REAL_PATHS.get(text)
    if hit is not None:
        return hit
    try:
        resolved = _realpath(text)
    except (OSError, ValueError, RecursionError):
        resolved = text
    else:
        _REAL_TEXT[text] = resolved  # only a real answer may resolve a child's folder
    if len(_REAL) > 100_000 or len(_REAL_PATHS) > 100_000:
        fresh()
    found = _RESOLVED.get(resolved)
    if found is None:  # 2,000 venvs linking to one python share one Path
        # a path that is already real is its own answer (Path objects never change)
        found = path if isinstance(path, Path) and resolved == text else Path(resolved)
        _RESOLVED[resolved] = found
    _REAL_PATHS[text] = found
    return found


def _realpath(text: str, depth: int = 0) -> str:
    """os.path.realpath with the real folder of the parent memoised: 2,000 venvs in one
    folder resolve that folder once, not 2,000 times."""
    if bad_path(text) is not None:
        return text
    absolute = os.path.abspath(text)
    parent, name = os.path.split(absolute)
    if not name or parent == absolute:
        return absolute
    try:
        info = os.lstat(absolute)
    except OSError:
        return os.path.realpath(absolute)
    real_parent = _REAL.get(parent)
    if real_parent is None:
        # a venv's bin/python after its prefix: the prefix was just resolved
        real_parent = _REAL_TEXT.get(parent) or os.path.realpath(parent)
        _REAL[parent] = real_parent
    if not stat.S_ISLNK(info.st_mode):
        return os.path.join(real_parent, name)
    target = os.readlink(absolute)
    if depth > 32 or ".." in target.split(os.sep):
        return os.path.realpath(absolute)  # loops and ../ through links: the slow, exact way
    joined = os.path.join(real_parent, target)
    known = _REAL_TEXT.get(joined)
    if known is not None:  # resolved before (every venv's python links to a few pythons)
        return known
    found = _REAL_TEXT[joined] = _realpath(joined, depth + 1)
    return found


def unusable_executable(path: Path | str) -> str | None:
    """Why a file cannot be an interpreter, judged without running it; None when plausible.

    It must be a regular file (links followed) with an x bit and start with an ELF, Mach-O
    or PE header or a `#!` line. Windows has no x bit: only the header counts there.
    """
    try:
        info = os.stat(path)
    except (OSError, ValueError) as exc:
        why = describe(exc)
        return None if why == "permission denied" else why  # cannot tell: not proof
    if not stat.S_ISREG(info.st_mode):
        return f"it is {_kind_of(info.st_mode)}"
    if os.name != "nt" and not info.st_mode & (stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH):
        return "it is not executable (no x bit)"
    if info.st_size == 0:
        return "it is an empty file"
    data, error, _ = read_bytes(path, "head", limit=8, head=True)
    if data is None:
        # we may be unable to read what the OS can still execute (mode 0111): not proof
        return None if error == "permission denied" else error
    if not data.startswith(_HEADERS):
        return "it is neither a program (ELF, Mach-O, PE) nor a script (#!)"
    return None


__all__ = [
    "LIMITS",
    "Read",
    "bad_path",
    "exists",
    "fresh",
    "is_dir",
    "is_file",
    "is_symlink",
    "lexists",
    "listdir",
    "path_from",
    "read_bytes",
    "read_ends",
    "read_head",
    "read_text",
    "readlink",
    "real",
    "stat_error",
    "subdirs",
    "unusable_executable",
]
