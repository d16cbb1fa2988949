"""Virtual environments: the folders people keep them in (WORKON_HOME, ~/.virtualenvs,
~/.venvs, pipenv's, ...), a project's .venv and its parents', the active one."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from ainlp.core import foreign
from ainlp.core.discovery import static
from ainlp.core.discovery.locators import register_locator
from ainlp.core.discovery.locators.conda import conda_record
from ainlp.core.discovery.records import EnvKind, EnvRecord, Problem
from ainlp.core.discovery.resolve import (
    executable_in,
    interpreter_record,
    is_conda_env,
    venv_record,
)
from ainlp.core.versions import PyVersion
from ainlp.core.world import World

# Folder names a project keeps its environment in, in the order tools look for them.
PROJECT_ENV_NAMES = (".venv", "venv", "env", ".env")


def workon_home(world: World) -> Path:  # one of `environment_folders`
    """virtualenvwrapper's folder: $WORKON_HOME, else ~/.virtualenvs."""
    configured = world.env.get("WORKON_HOME")
    return world.expand(configured) if configured else world.home / ".virtualenvs"


def _lib_dir(prefix: Path, platform: str) -> list[Path]:
    """Where site-packages lives: Lib/ on Windows, lib/pythonX.Y/ elsewhere."""
    if platform == "win32":
        return [prefix / "Lib"]
    lib = prefix / "lib"
    return sorted(lib / name for name in foreign.listdir(lib)[0] if name.startswith("python"))


def is_environment(prefix: Path, platform: str = "linux") -> bool:
    """A real environment: pyvenv.cfg, or an interpreter beside a site-packages folder.

    A bare `venv/` or `env/` folder of source code must not count, so a name alone never does.
    """
    # a FIFO or unreadable one: a broken venv
    if foreign.lexists(os.path.join(prefix, "pyvenv.cfg")):
        return True
    if executable_in(prefix, platform) is None:
        return False
    return any(foreign.is_dir(lib / "site-packages") for lib in _lib_dir(prefix, platform))


def _orig_prefix(prefix: Path) -> Path | None:
    """virtualenv < 20 wrote no pyvenv.cfg; lib/pythonX.Y/orig-prefix.txt names its base."""
    for lib in (*_lib_dir(prefix, "linux"), prefix / "Lib"):
        text = (foreign.read_text(lib / "orig-prefix.txt", "orig-prefix.txt").text or "").strip()
        if text and foreign.bad_path(text) is None:
            return Path(text)
    return None


def env_record(
    prefix: Path, found_by: str, *, platform: str = "linux", name: str | None = None
) -> EnvRecord:
    """A venv or virtualenv folder, broken ones with their problems."""
    cfg, unreadable = static.read_pyvenv(prefix)
    if cfg is None and unreadable is not None:  # there, but a FIFO, a device, unreadable...
        return venv_record(prefix, EnvKind.VENV, found_by, name=name, platform=platform,
                           cfg_read=(cfg, unreadable))
    if cfg is not None:
        kind = EnvKind.VIRTUALENV if "virtualenv" in cfg else EnvKind.VENV
        return venv_record(prefix, kind, found_by, name=name, platform=platform,
                           cfg_read=(cfg, unreadable))
    executable = executable_in(prefix, platform)
    label = name if name is not None else prefix.name
    base = _orig_prefix(prefix)
    if base is not None:
        record = interpreter_record(prefix, executable, EnvKind.VIRTUALENV, found_by, name=label)
        base_bin = base if platform == "win32" else base / "bin"
        base_exe = base_bin / executable.name if executable is not None else None
        return replace(record, base_executable=base_exe)
    record = interpreter_record(prefix, executable, EnvKind.VENV, found_by, name=label)
    if record.version is None:
        record = _version_from_lib(record, platform)
    return record.with_problem(
        Problem(
            "venv.cfg-missing",
            f"{prefix / 'pyvenv.cfg'} is missing",
            "Without pyvenv.cfg Python ignores the environment's packages: rebuild it (ainlp fix).",
        )
    )


def _version_from_lib(record: EnvRecord, platform: str) -> EnvRecord:
    """lib/python3.11/ names the minor an environment was made for."""
    for lib in _lib_dir(record.prefix, platform):
        minor = static.minor_of_name(lib.name)
        if minor:
            return replace(record, version=PyVersion(minor), version_source="folder-name")
    return record


def _children(folder: Path) -> list[Path]:
    return foreign.subdirs(folder)


def unreadable_folders(world: World) -> list[tuple[Path, str]]:
    """The folders of `environment_folders` that are there but cannot be listed, and why:
    their environments are not found (the health check `discovery.folder-unreadable`)."""
    found: dict[Path, str] = {}
    for _, folder in environment_folders(world):
        if folder in found or not foreign.lexists(folder):
            continue
        _, error = foreign.listdir(folder)
        if error is not None and error != "does not exist":
            found[folder] = error
    return list(found.items())


# The folders people keep environments in whatever their tools are set to, as VS Code's
# locators read them: (found_by, folder); the first two are virtualenvwrapper's.
def environment_folders(world: World) -> list[tuple[str, Path]]:
    """$WORKON_HOME, ~/.virtualenvs, ~/.venvs, ~/venvs, ~/envs, ~/Envs and pipenv's folder
    ($XDG_DATA_HOME/virtualenvs, else ~/.local/share/virtualenvs), each with its name."""
    home = world.home
    folders: list[tuple[str, Path]] = []
    configured = world.env.get("WORKON_HOME")
    if configured:
        folders.append(("workon_home", world.expand(configured)))
    folders.append(("workon_home", home / ".virtualenvs"))
    folders += [("venvs_folder", home / name) for name in (".venvs", "venvs", "envs", "Envs")]
    data = world.env.get("XDG_DATA_HOME")
    data_home = world.expand(data) if data else home / ".local" / "share"
    folders.append(("pipenv", data_home / "virtualenvs"))
    return folders


@register_locator("workon_home")
class WorkonHomeLocator:
    """Every environment in the folders people keep them in (`environment_folders`).

    A child counts when it is an environment by discovery's rule (pyvenv.cfg, or an
    interpreter beside site-packages; conda-meta makes it a conda environment), broken ones
    included. A folder reached from two places (WORKON_HOME=~/.venvs) is read once per name,
    so its environments carry both names in `found_by` once merged.
    """

    name = "workon_home"

    def locate(self, world: World) -> Iterator[EnvRecord]:
        read: set[tuple[str, Path]] = set()
        for found_by, folder in environment_folders(world):
            key = (found_by, _real(folder))
            if key in read:
                continue
            read.add(key)
            for prefix in _children(folder):
                record = _environment_in(prefix, found_by, world.platform)
                if record is not None:
                    yield record


def _real(folder: Path) -> Path:
    return foreign.real(folder)


def _environment_in(prefix: Path, found_by: str, platform: str) -> EnvRecord | None:
    if is_conda_env(prefix):
        return conda_record(prefix, found_by, platform=platform)
    if not is_environment(prefix, platform):
        return None
    return env_record(prefix, found_by, platform=platform)


def project_env_folders(world: World) -> Iterator[Path]:
    """.venv, venv, env and .env folders that are real environments, from cwd up to /."""
    folder = world.cwd
    while True:
        for env_name in PROJECT_ENV_NAMES:
            candidate = folder / env_name
            if foreign.is_dir(candidate) and is_environment(candidate, world.platform):
                yield candidate
        if folder.parent == folder:
            return
        folder = folder.parent


@register_locator("project")
class ProjectLocator:
    """The environments of the current project and of every folder above it."""

    name = "project"

    def locate(self, world: World) -> Iterator[EnvRecord]:
        for prefix in project_env_folders(world):
            yield env_record(prefix, self.name, platform=world.platform)


def active_env_folders(world: World) -> Iterator[Path]:
    """$VIRTUAL_ENV when it exists, and a venv whose interpreter is the first on PATH.

    A VIRTUAL_ENV naming a folder that is gone is not an environment to list: the health
    checks report that stale variable.
    """
    seen: set[Path] = set()
    declared = world.env.get("VIRTUAL_ENV")
    if declared:
        prefix = world.expand(declared)
        if foreign.is_dir(prefix):
            seen.add(prefix)
            yield prefix
    first = _first_path_interpreter_dir(world)
    if first is not None:
        prefix = static.prefix_of_bin_dir(first)
        if prefix not in seen and foreign.is_file(prefix / "pyvenv.cfg"):
            yield prefix


def _first_path_interpreter_dir(world: World) -> Path | None:
    """The folder `python`/`python3` runs from; looked up by name, never by listing /usr/bin."""
    names = ("python.exe",) if world.platform == "win32" else ("python3", "python")
    for folder in world.path_dirs:
        if any(foreign.exists(folder / name) for name in names):
            return folder
    return None


@register_locator("active")
class ActiveLocator:
    """The virtual environment active in this shell."""

    name = "active"

    def locate(self, world: World) -> Iterator[EnvRecord]:
        for prefix in active_env_folders(world):
            if is_conda_env(prefix):
                continue
            yield env_record(prefix, self.name, platform=world.platform)


__all__ = [
    "PROJECT_ENV_NAMES",
    "ActiveLocator",
    "ProjectLocator",
    "WorkonHomeLocator",
    "active_env_folders",
    "env_record",
    "environment_folders",
    "is_environment",
    "project_env_folders",
    "unreadable_folders",
    "workon_home",
]
