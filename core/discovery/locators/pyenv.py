"""pyenv: every folder under $PYENV_ROOT/versions, and which of them pyenv selects here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from ainlp.core import foreign
from ainlp.core.discovery import static
from ainlp.core.discovery.locators import register_locator
from ainlp.core.discovery.records import EnvKind, EnvRecord, Manager
from ainlp.core.discovery.resolve import classify, executable_in, interpreter_record
from ainlp.core.versions import PyVersion
from ainlp.core.world import World

_SHIM_ROOT = re.compile(r'export PYENV_ROOT="([^"]+)"')


def pyenv_root(world: World) -> Path:
    root = world.env.get("PYENV_ROOT")
    return Path(root) if root else world.home / ".pyenv"


def version_from_folder_name(name: str) -> PyVersion | None:
    """ "3.12.1", "3.13-dev", "3.12.1a3", "nogil-3.9.10-1" (3.9.10), "pypy3.9-7.3.15" (3.9)."""
    return PyVersion.search(name)


def pyenv_version_record(prefix: Path, found_by: str) -> EnvRecord:
    record = interpreter_record(prefix, executable_in(prefix), EnvKind.PYENV, found_by)
    if record.version is None:
        version = version_from_folder_name(prefix.name)
        if version:
            record = replace(
                record,
                version=version,
                version_source="folder-name",
                implementation=record.implementation or "cpython",
            )
    return record


def find_pyenv_executable(world: World) -> Path | None:
    """pyenv itself: $PYENV_ROOT/bin/pyenv, else the first `pyenv` on PATH."""
    own = pyenv_root(world) / "bin" / "pyenv"
    if foreign.exists(own):
        return own
    for folder in world.path_dirs:
        candidate = folder / "pyenv"
        if foreign.is_file(candidate):
            return candidate
    return None


@dataclass(frozen=True, slots=True)
class Selection:
    versions: tuple[str, ...]  # as written; "system" means the PATH beyond the shims
    origin: (
        str  # "PYENV_VERSION", a .python-version file's path, the global version file, "default"
    )


def selected_versions(world: World) -> Selection:
    """What pyenv would select here, found by reading the same files pyenv reads."""
    if world.env.get("PYENV_VERSION"):
        return Selection(_split_versions(world.env["PYENV_VERSION"]), "PYENV_VERSION")
    folder = world.cwd
    while True:
        local = folder / ".python-version"
        if foreign.is_file(local):
            return Selection(_read_version_file(local), str(local))
        if folder.parent == folder:
            break
        folder = folder.parent
    global_file = pyenv_root(world) / "version"
    if foreign.is_file(global_file):
        versions = _read_version_file(global_file)
        if versions:
            return Selection(versions, str(global_file))
    return Selection(("system",), "default")


def _read_version_file(path: Path) -> tuple[str, ...]:
    text = foreign.read_text(path, "version-file").text
    if text is None:
        return ()
    lines = [line.split("#", 1)[0].strip() for line in text.splitlines()]
    return tuple(v for line in lines for v in _split_versions(line))


def _split_versions(text: str) -> tuple[str, ...]:
    return tuple(part for part in re.split(r"[\s:]+", text) if part)


def is_shim(path: Path) -> bool:
    """A pyenv shim is a small shell script that execs `pyenv exec`."""
    head = foreign.read_head(path, 1024)  # a FIFO or a device is no shim, and never read
    if head is None:
        return False
    return head.startswith(b"#!") and b"pyenv" in head and b" exec " in head


def shim_root(path: Path) -> Path | None:
    head = foreign.read_head(path, 1024)
    if head is None:
        return None
    match = _SHIM_ROOT.search(head.decode("utf-8", errors="replace"))
    return foreign.path_from(match.group(1)) if match else None


def resolve_shim(world: World, shim: Path) -> tuple[Path | None, Selection]:
    """The file a shim would exec, or None when it falls through to `system` (or nothing)."""
    selection = selected_versions(world)
    root = shim_root(shim) or pyenv_root(world)
    for version in selection.versions:
        if version == "system":
            return None, selection
        candidate = root / "versions" / version / "bin" / shim.name
        if foreign.exists(candidate):
            return candidate, selection
    return None, selection


@register_locator("pyenv")
class PyenvLocator:
    name = "pyenv"

    def locate(self, world: World) -> Iterator[EnvRecord]:
        versions = pyenv_root(world) / "versions"
        folders = foreign.subdirs(versions)
        if not folders:
            return
        pyenv_exe = find_pyenv_executable(world)
        manager = Manager("pyenv", pyenv_exe)
        for prefix in folders:
            record = classify(prefix, self.name, pyenv_versions=versions, platform=world.platform)
            if record.kind in (EnvKind.PYENV, EnvKind.PYENV_VIRTUALENV):
                record = replace(record, manager=manager)
            yield record


__all__ = ["PyenvLocator", "Selection", "is_shim", "resolve_shim", "selected_versions", "static"]
