"""Which environments a target names: "all", "project", a name, a path, or the active one.

Discovery runs only when the target needs it: a path or the active environment is
classified from its own files, so `ainlp packages ~/proj/.venv` stays fast.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from ainlp.core import foreign
from ainlp.core.discovery.finder import discover
from ainlp.core.discovery.locators.pyenv import is_shim, pyenv_root, resolve_shim
from ainlp.core.discovery.records import EnvRecord, Inventory, identity_key
from ainlp.core.discovery.resolve import classify, is_venv, prefix_of_executable, real
from ainlp.core.discovery.static import prefix_of_bin_dir
from ainlp.core.errors import BadInput
from ainlp.core.suggest import suggest
from ainlp.core.world import World

PROJECT_VENV_NAMES = (".venv", "venv", "env", ".env")
_HINT = ("a target is 'project', 'all', an environment name or a path; "
         "ainlp find lists environments")

InventorySource = Inventory | Callable[[], Inventory] | None


def select_environments(world: World, inventory: InventorySource, target: str | None, *,
                        default: str = "all") -> tuple[EnvRecord, ...]:
    """The environments `target` names; None means `default` ("all" or "active").

    `inventory` may be an Inventory, a function that discovers one (called only when the
    target needs it), or None to discover with the world's cache. BadInput, with a hint,
    when nothing matches.
    """
    lazy = _Lazy(world, inventory)
    wanted = target.strip() if target is not None else None
    if not wanted:
        wanted = None
    if wanted is None and default == "active":
        chosen = default_environment(world)
        if chosen is None:
            raise BadInput("no active Python: no virtual environment is active, none is in "
                           "the project and no python3/python is on PATH", hint=_HINT)
        return (lazy.known(chosen[0]),)
    if wanted is None or wanted == "all":
        return lazy.get().environments  # missing ones too: doctor reports them
    if wanted == "project":
        found = project_environment(world)
        if found is None:
            raise BadInput(f"no project environment in {world.cwd} or its parents",
                           hint="create one with `ainlp create .venv`, or name a target: "
                                + _HINT)
        return (lazy.known(found),)
    if _looks_like_path(wanted):
        return (lazy.known(_path_environment(world, wanted)),)
    envs = lazy.get().environments
    named = tuple(e for e in envs if e.name == wanted) or tuple(
        e for e in envs if (e.name or "").lower() == wanted.lower() or e.prefix.name == wanted)
    if named:
        return named
    folder = world.expand(wanted)
    if foreign.exists(folder):
        return (lazy.known(_path_environment(world, wanted)),)
    names = sorted({e.name for e in envs if e.name})
    close = suggest(wanted, names)
    raise BadInput(f"no environment matches {wanted!r}",
                   hint=f"did you mean {close[0]}?" if close else _HINT)


class _Lazy:
    """The inventory, discovered at most once and only when asked for."""

    def __init__(self, world: World, source: InventorySource) -> None:
        self._world = world
        self._source = source
        self._inventory: Inventory | None = source if isinstance(source, Inventory) else None

    def get(self) -> Inventory:
        if self._inventory is None:
            if callable(self._source):
                self._inventory = self._source()
            else:
                self._inventory = discover(self._world)
        return self._inventory

    def known(self, record: EnvRecord) -> EnvRecord:
        """The inventory's record of the same environment when one was given, else `record`."""
        if self._inventory is None:
            return record
        key = identity_key(record.prefix, record.executable, record.kind)
        return next((e for e in self._inventory.environments
                     if identity_key(e.prefix, e.executable, e.kind) == key
                     or (e.prefix == record.prefix and foreign.exists(e.prefix / "pyvenv.cfg"))),
                    record)


def _looks_like_path(text: str) -> bool:
    return text in (".", "..") or text.startswith("~") or os.sep in text or "/" in text


def _path_environment(world: World, text: str) -> EnvRecord:
    given = world.expand(text)
    if not foreign.exists(given):
        raise BadInput(f"{given} does not exist", hint=_HINT)
    executable: Path | None = None
    if foreign.is_file(given):
        executable = real(given.parent) / given.name
        prefix = prefix_of_executable(executable)
        if not foreign.exists(prefix / "pyvenv.cfg") and foreign.is_symlink(given):
            executable = real(given)
            prefix = prefix_of_executable(executable)
    else:
        prefix = prefix_of_bin_dir(real(given))
    return classify(real(prefix), "target", executable=executable, platform=world.platform)


def project_environment(world: World) -> EnvRecord | None:
    """The venv of the project around cwd (.venv, venv, env, .env), nearest first."""
    folder = world.cwd
    while True:
        for name in PROJECT_VENV_NAMES:
            candidate = folder / name
            if is_venv(candidate):
                return classify(real(candidate), "project", platform=world.platform)
        if folder.parent == folder or folder == world.home:
            return None
        folder = folder.parent


def default_environment(world: World) -> tuple[EnvRecord, str] | None:
    """The environment a command means when none is named, and why that one.

    An activated environment (VIRTUAL_ENV, CONDA_PREFIX) first, then the project's own
    (.venv and the like around cwd), then what python3/python on PATH runs.
    """
    for variable in ("VIRTUAL_ENV", "CONDA_PREFIX"):
        value = world.env.get(variable)
        if value and foreign.is_dir(Path(value)):
            return (classify(real(Path(value)), "active", platform=world.platform),
                    f"the active environment (${variable})")
    project = project_environment(world)
    if project is not None:
        return project, f"the project's environment (found from {world.cwd})"
    found = active_environment(world)
    if found is None:
        return None
    return found, "what python3/python on PATH runs (no environment is active or in the project)"


def active_environment(world: World) -> EnvRecord | None:
    """What `python` means here: the active venv or conda env, else python3/python on PATH."""
    for variable in ("VIRTUAL_ENV", "CONDA_PREFIX"):
        value = world.env.get(variable)
        if value and foreign.is_dir(Path(value)):
            return classify(real(Path(value)), "active", platform=world.platform)
    names = ("python.exe",) if world.platform == "win32" else ("python3", "python")
    for name in names:
        for folder in world.path_dirs:
            candidate = folder / name
            if not foreign.is_file(candidate) or not os.access(candidate, os.X_OK):
                continue
            target = _through_shim(world, candidate)
            if target is None:
                continue
            prefix = prefix_of_executable(target)
            executable = real(target.parent) / target.name
            if not is_venv(prefix):
                executable = real(target)
                prefix = prefix_of_executable(executable)
            return classify(real(prefix), "active", executable=executable,
                            pyenv_versions=real(pyenv_root(world) / "versions"),
                            platform=world.platform)
    return None


def _through_shim(world: World, candidate: Path) -> Path | None:
    if is_shim(candidate):
        return resolve_shim(world, candidate)[0]
    return candidate
