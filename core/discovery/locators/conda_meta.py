"""What a conda prefix's own files tell: packages in conda-meta, its install, its manager."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from ainlp.core import foreign
from ainlp.core.discovery.records import Manager
from ainlp.core.versions import PyVersion
from ainlp.core.world import World

# "+conda-forge/osx-arm64::python-3.12.2-hdf0ec26_0_cpython", "-defaults::python-3.9.18-h1_0"
_HISTORY_PACKAGE = re.compile(r"^([+-])(?:[^:]*::)?(\S+)$")
_CHANNEL = re.compile(rb'"channel"\s*:\s*"([^"]*)"')
_HEAD = 4096


@dataclass(frozen=True, slots=True)
class CondaPackage:
    """An installed package of a conda prefix: conda-meta/<name>-<version>-<build>.json."""

    name: str
    version: PyVersion  # as the file name has it: "3.12.2"
    build: str
    path: Path
    arch: str | None  # "x64" / "x86" when the channel's name ends in 64 / 32, as PET reads it


def is_conda_env(prefix: Path) -> bool:
    """Any conda prefix (an install's base included); pixi envs also keep conda-meta."""
    meta = prefix / "conda-meta"
    return foreign.is_dir(meta) and not foreign.is_file(meta / "pixi")


def is_conda_install(prefix: Path) -> bool:
    """A conda installation (base env): conda-meta plus condabin/ or envs/.

    An env that happens to hold condabin/ or envs/ is still no install when its
    grandparent is one (it lives in that install's envs/).
    """
    if not _looks_like_install(prefix):
        return False
    return not _looks_like_install(prefix.parent.parent)


def _looks_like_install(path: Path) -> bool:
    return (foreign.exists(path / "condabin") or foreign.exists(path / "envs")) and foreign.exists(
        path / "conda-meta"
    )


def _split_package(text: str) -> tuple[str, str, str] | None:
    """ "python-3.12.2-hdf0ec26_0_cpython" -> (name, version, build); names may hold dashes."""
    parts = text.rsplit("-", 2)
    if len(parts) != 3 or not parts[1][:1].isdigit():
        return None
    return parts[0], parts[1], parts[2]


def conda_package(prefix: Path, name: str) -> CondaPackage | None:
    """The installed package `name` of a conda prefix, read without running anything.

    Normally one <name>-*.json exists; when stale ones are left over, conda-meta/history
    (its last `+` line for the package not undone by a later `-`) tells the live one.
    """
    meta = prefix / "conda-meta"
    candidates = {
        entry[:-5]: meta / entry
        for entry in foreign.listdir(meta)[0]
        if entry.startswith(f"{name}-") and entry.endswith(".json")
    }
    found = {
        stem: parts for stem in candidates if (parts := _split_package(stem)) and parts[0] == name
    }
    if not found:
        return None
    stem = _live_from_history(meta / "history", name) if len(found) > 1 else None
    if stem not in found:
        stem = max(found, key=lambda s: PyVersion(found[s][1]))
    _, version, build = found[stem]
    return _read_package_json(candidates[stem], name, version, build)


def _live_from_history(history: Path, name: str) -> str | None:
    live: str | None = None
    text = foreign.read_text(history, "conda-meta").text
    if text is None:
        return None
    for line in text.splitlines():
        match = _HISTORY_PACKAGE.match(line.strip())
        if not match:
            continue
        parts = _split_package(match.group(2))
        if parts is None or parts[0] != name:
            continue
        if match.group(1) == "+":
            live = match.group(2)
        elif live == match.group(2):
            live = None
    return live


def _read_package_json(path: Path, name: str, text: str, build: str) -> CondaPackage:
    """The channel of a package record; its version is the file name's (conda names it so).

    Records are large (the file list) and conda writes their keys sorted, so the channel
    sits near the top: read the head and the last bytes, parse all only when that fails.
    A record that is not a JSON object tells no channel.
    """
    version = PyVersion(text)
    ends = foreign.read_ends(path, _HEAD, 16)
    if ends is None:
        return CondaPackage(name, version, build, path, None)
    head, tail = ends
    if not head.lstrip().startswith(b"{") or not tail.rstrip().endswith(b"}"):
        return CondaPackage(name, version, build, path, None)
    match = _CHANNEL.search(head)
    if match is not None:
        channel = match.group(1).decode("utf-8", "replace")
    else:
        channel = _channel_from_json(path)
    return CondaPackage(name, version, build, path, _arch_of_channel(channel.rstrip("/")))


def _channel_from_json(path: Path) -> str:
    text = foreign.read_text(path, "conda-meta").text
    try:
        data = json.loads(text) if text is not None else None
    except (ValueError, RecursionError):
        return ""
    if not isinstance(data, dict):
        return ""
    channel = data.get("channel") or data.get("subdir") or ""
    return channel if isinstance(channel, str) else ""


def _arch_of_channel(channel: str) -> str | None:
    # PET's reading, kept for parity: ".../osx-arm64" ends in 64 and so counts as x64
    if channel.endswith("64"):
        return "x64"
    if channel.endswith("32"):
        return "x86"
    return None


def install_from_history(prefix: Path) -> Path | None:
    """The install named by the `# cmd: <install>/bin/conda create -...` line of the history."""
    text = foreign.read_text(prefix / "conda-meta" / "history", "conda-meta").text
    for raw in (text or "").splitlines():
        line = raw.strip()
        lower = line.lower()
        if lower.startswith("# cmd:") and " create -" in lower:
            command = line[len("# cmd:") : lower.index(" create -")].strip()
            folder = _install_of_command(command) if foreign.bad_path(command) is None else None
            return folder if folder is not None and is_conda_install(folder) else None
    return None


def _install_of_command(command: str) -> Path | None:
    if not command:
        return None
    exe = Path(command)
    if foreign.exists(exe):
        exe = foreign.real(exe)
    folder = exe.parent
    if folder.name.lower() in ("bin", "scripts"):
        return folder.parent
    # ".../mambaforge/lib/python3.10/site-packages/conda/__main__.py create ..."
    if "site-packages" in folder.parts:
        index = folder.parts.index("site-packages")
        lib = Path(*folder.parts[: index - 1]) if index >= 2 else None
        if lib is not None and lib.name == "lib":
            return lib.parent
    return folder


def conda_install_of(prefix: Path) -> Path | None:
    """The conda installation a prefix belongs to: itself, its grandparent, or its history's."""
    if is_conda_install(prefix):
        return prefix
    grandparent = prefix.parent.parent
    if is_conda_install(grandparent):
        return grandparent
    return install_from_history(prefix)


def conda_manager_of_install(install: Path) -> Manager | None:
    """conda (bin/conda, else condabin/conda) wins over mamba/micromamba in bin/.

    A bin/conda counts only where the conda package is installed: an env whose bin/
    merely holds a conda entry point is not an install (PET draws the same line).
    """
    package = conda_package(install, "conda")
    for exe in (install / "bin" / "conda", install / "condabin" / "conda"):
        if package is not None and foreign.exists(exe):
            return Manager("conda", exe, package.version)
    for exe in (install / "bin" / "mamba", install / "bin" / "micromamba"):
        if foreign.exists(exe):
            # the conda package's version is conda's, not mamba's: only running mamba tells
            return Manager("mamba", exe, None)
    return None


def find_conda_manager(prefix: Path) -> Manager | None:
    """The conda/mamba that manages a conda prefix, found from files as PET finds it."""
    if not is_conda_env(prefix):
        return None
    grandparent = prefix.parent.parent
    if is_conda_install(grandparent):
        manager = conda_manager_of_install(grandparent)
        if manager is not None:
            return manager
    install = conda_install_of(prefix)
    if install is not None:
        return conda_manager_of_install(install)
    if prefix.parent.parts[-2:] == (".conda", "envs"):
        return None  # ~/.conda/envs/x is never an install; its conda lives elsewhere
    return conda_manager_of_install(prefix)


def conda_envs_of_install(install: Path) -> list[Path]:
    """The install itself (base) and every conda prefix in its envs/, sorted."""
    envs = [install] if is_conda_env(install) else []
    envs += [p for p in foreign.subdirs(install / "envs") if is_conda_env(p)]
    return envs


def _binary_on_path(world: World, names: tuple[str, ...]) -> Path | None:
    for folder in world.path_dirs:
        for name in names:
            candidate = folder / name
            if foreign.is_file(candidate) or foreign.is_symlink(candidate):
                return candidate
    return None


def conda_binary_on_path(world: World) -> Path | None:
    return _binary_on_path(world, ("conda",))


def mamba_binary_on_path(world: World) -> Path | None:
    return _binary_on_path(world, ("mamba", "micromamba"))


def install_of_tool(exe: Path) -> Path | None:
    """<install>/bin/conda or <install>/condabin/conda -> <install>, links followed."""
    for candidate in (exe, foreign.real(exe)):
        if candidate.parent.name in ("bin", "condabin", "Scripts"):
            install = candidate.parent.parent
            if foreign.is_dir(install / "conda-meta") or foreign.is_dir(install / "envs"):
                return install
    return None


__all__ = [
    "CondaPackage",
    "conda_binary_on_path",
    "conda_envs_of_install",
    "conda_install_of",
    "conda_manager_of_install",
    "conda_package",
    "find_conda_manager",
    "install_from_history",
    "install_of_tool",
    "is_conda_env",
    "is_conda_install",
    "mamba_binary_on_path",
]
