"""Small file readers the checks share: shebangs, bin folders, stdlib folders, commands on PATH."""

from __future__ import annotations

import errno
import functools
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ainlp.core import foreign
from ainlp.core.discovery.locators.pyenv import is_shim, resolve_shim
from ainlp.core.discovery.records import EnvKind, EnvRecord
from ainlp.core.discovery.resolve import real
from ainlp.core.versions import PyVersion
from ainlp.core.world import World

_LONG_SHEBANG = re.compile(r"^'''exec' (?:\"([^\"]+)\"|(\S+))")
_INTERPRETER_KINDS = frozenset({EnvKind.SYSTEM, EnvKind.HOMEBREW, EnvKind.UNKNOWN,
                                EnvKind.WINDOWS_REGISTRY, EnvKind.WINDOWS_STORE})


def subject_of(record: EnvRecord) -> str:
    """What a finding about a record names: an environment's folder, a bare interpreter's file."""
    if record.kind in _INTERPRETER_KINDS and record.executable is not None:
        return str(record.executable)
    return str(record.prefix)


def is_venv_record(record: EnvRecord) -> bool:
    # a FIFO one too: a broken venv
    return foreign.lexists(os.path.join(record.prefix, "pyvenv.cfg"))


# what discovery proved about an environment that means its python cannot start
_CANNOT_RUN = frozenset({"env.no-interpreter", "env.dangling-interpreter",
                         "interpreter.unrunnable", "venv.base-missing",
                         "env.interpreter-unusable"})


def can_run(record: EnvRecord) -> bool:
    """Whether the environment's python can start: a hint that runs it only helps then."""
    if record.executable is None or any(p.id in _CANNOT_RUN for p in record.problems):
        return False
    return os.path.exists(record.executable)  # false for a dangling link or a loop


def bin_dir(prefix: Path, platform: str) -> Path:
    return prefix / ("Scripts" if platform == "win32" else "bin")


@dataclass(frozen=True, slots=True)
class Shebang:
    interpreter: str  # the program named, as written ("/usr/bin/env" for env lines)
    argument: str | None  # for `#!/usr/bin/env python3`: "python3"


def read_shebang(path: Path) -> Shebang | None:
    """The interpreter a script names; pip's `#!/bin/sh` + `'''exec'` form for long paths too."""
    head = foreign.read_head(path, 1024)
    if head is None:
        return None
    if not head.startswith(b"#!"):
        return None
    lines = head.decode("utf-8", errors="replace").splitlines()
    words = lines[0][2:].strip().split()
    if not words:
        return Shebang("", None)
    if words[0] == "/bin/sh" and len(lines) > 1:
        match = _LONG_SHEBANG.match(lines[1])
        if match:
            return Shebang(match.group(1) or match.group(2), None)
    return Shebang(words[0], words[1] if len(words) > 1 else None)


def is_python_name(name: str) -> bool:
    base = name.lower().removesuffix(".exe")
    return base.startswith("python") or base.startswith("pypy")


def command_names(name: str, platform: str) -> tuple[str, ...]:
    return (f"{name}.exe", f"{name}.bat", f"{name}.cmd") if platform == "win32" else (name,)


def find_command(world: World, name: str, *, resolve_shims: bool = True) -> Path | None:
    """The file `name` runs from PATH, like a shell (a pyenv shim followed to its target)."""
    return next((found for _, found in commands_on_path(world, name,
                                                        resolve_shims=resolve_shims)), None)


def commands_on_path(world: World, name: str, *,
                     resolve_shims: bool = True) -> Iterator[tuple[Path, Path]]:
    """(PATH folder, the file it runs) for each folder with a runnable `name`, in PATH order;
    the first is what a shell runs. A pyenv shim is followed to its target; a shim that
    selects `system` execs the next one on PATH, so it yields nothing."""
    for folder in world.path_dirs:
        for candidate_name in command_names(name, world.platform):
            candidate = folder / candidate_name
            if not _runnable(candidate, world.platform):
                continue
            if resolve_shims and is_shim(candidate):
                target, _ = resolve_shim(world, candidate)
                if target is not None:
                    yield folder, target
                break
            yield folder, candidate
            break


def _runnable(path: Path, platform: str) -> bool:
    found = command_file(path, platform)
    return found is not None and found.problem is None


@dataclass(frozen=True, slots=True)
class CommandFile:
    """A file a shell would consider when it looks a command up in a PATH folder."""

    path: Path
    problem: str | None  # None when it runs; else why it cannot ("symlink loop", ...)


def command_file(path: Path, platform: str) -> CommandFile | None:
    """What `path` is as a command: None when there is nothing to run there (no entry, a
    folder, a device), else the file with the reason it cannot run, if any. A link counts
    by what it points to; a dangling link and a loop are commands that cannot run."""
    try:
        link = os.path.islink(path)
        st = os.stat(path)
    except OSError as exc:
        if not os.path.islink(path):
            return None
        if exc.errno == errno.ELOOP:
            return CommandFile(path, "symlink loop")
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return CommandFile(path, f"symlink to {target}, which does not exist")
        return CommandFile(path, f"symlink to {target}, which cannot be read")
    if not stat.S_ISREG(st.st_mode):
        return None
    if platform != "win32" and not os.access(path, os.X_OK):
        return CommandFile(path, "not executable" if not link else
                           f"symlink to {os.readlink(path)}, which is not executable")
    return CommandFile(path, None)


def same_dir(a: Path, b: Path) -> bool:
    return os.path.normpath(a) == os.path.normpath(b) or real(a) == real(b)


@functools.lru_cache(maxsize=256)  # a pure function of the text, asked per venv
def minor_of(version: PyVersion | str | None) -> str | None:
    """"3.11.7" -> "3.11"; "3.13-dev" -> "3.13"; None when no major.minor is there."""
    if isinstance(version, PyVersion):
        return version.minor
    return PyVersion(version).minor if version else None


def stdlib_dir(prefix: Path, minor: str | None, platform: str) -> Path | None:
    """prefix/lib/pythonX.Y (Lib on Windows); the only python* folder when the minor is unknown."""
    if platform == "win32":
        lib = prefix / "Lib"
        return lib if foreign.is_dir(lib) else None
    if minor is not None:
        lib_text = os.path.join(prefix, "lib")
        if not foreign.is_dir(lib_text):
            return None  # nothing under it: spares a stat per name
        for name in (f"python{minor}", f"python{minor}t"):
            if foreign.is_file(os.path.join(lib_text, name, "os.py")):
                return prefix / "lib" / name
        return None
    try:
        found = [p for p in (prefix / "lib").iterdir()
                 if p.name.startswith("python") and foreign.is_file(p / "os.py")]
    except OSError:
        return None
    return found[0] if len(found) == 1 else None
