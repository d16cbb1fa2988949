"""PATH: every python, python3 and python3.X on it, shims and links resolved by reading files."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from ainlp.core import foreign
from ainlp.core.discovery import static
from ainlp.core.discovery.locators import register_locator
from ainlp.core.discovery.locators.pyenv import is_shim, pyenv_root, resolve_shim
from ainlp.core.discovery.records import EnvKind, EnvRecord
from ainlp.core.discovery.resolve import classify, is_conda_env, prefix_of_executable, real
from ainlp.core.world import World


def path_executables(world: World) -> Iterator[Path]:
    """Python executables on PATH in PATH order, pyenv shims replaced by their targets."""
    seen: set[Path] = set()
    for folder in world.path_dirs:
        for exe in static.python_executables(folder):
            if foreign.is_dir(exe):
                continue
            target: Path | None = exe
            if is_shim(exe):
                target, _ = resolve_shim(world, exe)
            if target is None:
                continue
            # a venv's python links to its base, yet it is an environment of its own
            in_venv = foreign.lexists(prefix_of_executable(target) / "pyvenv.cfg")
            key = real(target.parent) / target.name if in_venv else real(target)
            if key not in seen:
                seen.add(key)
                yield target


def unreadable_path_folders(world: World) -> list[tuple[Path, str]]:
    """The folders on PATH that are there but cannot be listed, and why: the Pythons in them
    are not found, nor run by this user's shell (the health check `path.unreadable-dir`)."""
    found: dict[Path, str] = {}
    for folder in world.path_dirs:
        if folder in found or not foreign.is_dir(folder):
            continue
        _, error = foreign.listdir(folder)
        if error is not None and error != "does not exist":
            found[folder] = error
    return list(found.items())


@register_locator("path")
class PathLocator:
    name = "path"

    def locate(self, world: World) -> Iterator[EnvRecord]:
        versions = pyenv_root(world) / "versions"
        for exe in path_executables(world):
            resolved = real(exe) if foreign.exists(exe) else real(exe.parent) / exe.name
            # a venv's bin/python links to its base: the venv is where the link lives
            prefix = prefix_of_executable(exe)
            if not foreign.lexists(prefix / "pyvenv.cfg") and not is_conda_env(prefix):
                prefix = prefix_of_executable(resolved)
                exe = resolved
            record = classify(
                prefix,
                self.name,
                executable=exe,
                pyenv_versions=real(versions) if foreign.exists(versions) else versions,
                platform=world.platform,
            )
            if record.kind is EnvKind.SYSTEM and not _is_system_prefix(world, record.prefix):
                record = replace(record, kind=EnvKind.UNKNOWN)  # some folder on PATH
            yield record


_SYSTEM_PREFIXES = ("/usr", "/usr/local", "/", "/opt/local", "/opt/homebrew",
                    "/home/linuxbrew/.linuxbrew")


def _is_system_prefix(world: World, prefix: Path) -> bool:
    """The operating system's or a package manager's prefix, or an /opt/NAME install."""
    places = {real(world.system_path(p)) for p in _SYSTEM_PREFIXES}
    return prefix in places or prefix.parent == real(world.system_path("/opt"))
