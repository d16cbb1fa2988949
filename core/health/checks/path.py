"""Checks of PATH and the shell: shadowing, duplicates, missing folders, pyenv selection, pip."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from ainlp.core import foreign
from ainlp.core.discovery.locators.pyenv import is_shim, pyenv_root, resolve_shim
from ainlp.core.discovery.records import EnvKind
from ainlp.core.discovery.resolve import prefix_of_executable, real
from ainlp.core.health.checks._common import (
    bin_dir,
    command_names,
    commands_on_path,
    find_command,
    read_shebang,
    same_dir,
)
from ainlp.core.health.context import CheckContext
from ainlp.core.health.findings import Finding, Severity
from ainlp.core.health.registry import CheckSpec, health_check
from ainlp.core.versions import PyVersion


def _raw_path_entries(ctx: CheckContext) -> list[str]:
    sep = ";" if ctx.world.platform == "win32" else ":"
    return ctx.world.env.get("PATH", "").split(sep)


@health_check("path.duplicate-dir")
def duplicate_dir(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    if not ctx.machine_wide:
        return
    seen: dict[str, int] = {}
    for entry in _raw_path_entries(ctx):
        if entry:
            key = os.path.normpath(entry)
            seen[key] = seen.get(key, 0) + 1
    for folder, count in seen.items():
        if count > 1:
            yield spec.finding(folder, f"{folder} is on PATH {count} times",
                               "remove the repeated `export PATH=...` line from your shell rc file")


@health_check("path.missing-dir")
def missing_dir(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    if not ctx.machine_wide:
        return
    reported: set[str] = set()
    for entry in _raw_path_entries(ctx):
        if (entry and entry not in reported and os.path.isabs(entry)
                and not foreign.is_dir(Path(entry))):
            reported.add(entry)
            if _was_python(entry):
                yield spec.finding(entry, f"PATH names {entry}, which does not exist: a Python "
                                          "that was there is gone",
                                   "ainlp fix --rc-file drops it in your shell's rc file (or "
                                   "remove it from the rc file that adds it)",
                                   severity=Severity.WARNING)
            else:
                yield spec.finding(entry, f"PATH names {entry}, which does not exist",
                                   "remove it from the shell rc file that adds it")


_PYTHON_FOLDER = re.compile(
    r"(?i)python|pyenv|venv|virtualenvs|conda|mamba|pipx")


def _was_python(entry: str) -> bool:
    """The dead folder was a Python's: the folder (or, for a bin folder, the two above it)
    names one (pyenv versions/3.11.4, a Cellar python@3.11, a venv's or conda env's bin)."""
    parts = [p for p in entry.replace("\\", "/").split("/") if p]
    named = parts[-3:-1] if parts and parts[-1].lower() in ("bin", "scripts") else parts[-1:]
    return any(_PYTHON_FOLDER.search(part) or _is_release(part) for part in named)


def _is_release(name: str) -> bool:
    """A folder named just major.minor[.micro], as pyenv's versions/3.11.4."""
    version = PyVersion(name)
    return version.plain and len(version.release) in (2, 3)


@health_check("path.relative-dir")
def relative_dir(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    if not ctx.machine_wide:
        return
    entries = _raw_path_entries(ctx)
    if not ctx.world.env.get("PATH"):
        return
    for position, entry in enumerate(entries, start=1):
        if ctx.world.platform == "win32":
            absolute = (len(entry) > 2 and entry[1] == ":") or entry.startswith(("\\\\", "/"))
        else:
            absolute = entry.startswith("/")
        if not absolute:
            shown = entry or "(empty)"
            yield spec.finding(f"PATH entry {position}",
                               f"PATH entry {position} is {shown}: the current folder",
                               "use absolute folders in PATH")


def _active_environment(ctx: CheckContext) -> tuple[str, Path] | None:
    for variable in ("VIRTUAL_ENV", "CONDA_PREFIX"):
        value = ctx.world.env.get(variable)
        if value and foreign.is_dir(Path(value)):
            return variable, Path(value)
    return None


def _env_command_dir(prefix: Path, variable: str, platform: str) -> Path:
    if variable == "CONDA_PREFIX" and platform == "win32":
        return prefix
    return bin_dir(prefix, platform)


@health_check("path.shadowed-python")
def shadowed_python(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    if not ctx.machine_wide:
        return
    platform = ctx.world.platform
    active = _active_environment(ctx)
    for name in ("python", "python3"):
        runs = find_command(ctx.world, name)  # what the shell runs, shims followed
        if runs is None:
            continue
        if active is not None:
            variable, prefix = active
            folder = _env_command_dir(prefix, variable, platform)
            label = f"the active environment {prefix} ({variable})"
            expected = next((folder / n for n in command_names(name, platform)
                             if foreign.exists(folder / n)), None)
        else:
            expected, label, folder = _pyenv_choice(ctx, name)
        if expected is None or same_dir(runs.parent, expected.parent):
            continue
        if not any(same_dir(d, folder) for d in ctx.world.path_dirs):
            continue  # not on PATH at all: env.stale-virtual-env's case, not shadowing
        yield spec.finding(
            str(runs), f"`{name}` runs {runs}, not {expected} of {label}",
            f"put {folder} first in PATH (re-activate, or fix the order in your rc file)")
        return


def _pyenv_choice(ctx: CheckContext, name: str) -> tuple[Path | None, str, Path]:
    """The interpreter pyenv's shim for `name` would run, when pyenv selects a version."""
    shims = pyenv_root(ctx.world) / "shims"
    shim = shims / name
    if not is_shim(shim):
        return None, "", shims
    target, selection = resolve_shim(ctx.world, shim)
    label = f"pyenv's selection {', '.join(selection.versions)} ({selection.origin})"
    return target, label, shims


@health_check("path.python-missing")
def python_missing(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    if not ctx.machine_wide:
        return
    python3 = find_command(ctx.world, "python3")
    if python3 is not None and find_command(ctx.world, "python") is None:
        yield spec.finding("python", f"`python` is not on PATH; `python3` is {python3}",
                           "activate a venv, or install python-is-python3 / add "
                           "`alias python=python3`")


def _interpreter_of_script(script: Path) -> Path | None:
    shebang = read_shebang(script)
    if shebang is None or not shebang.interpreter.startswith("/"):
        return None
    return Path(shebang.interpreter)


def _identity(executable: Path) -> Path:
    """One key per interpreter: a venv's folder, else the real file behind the links."""
    prefix = prefix_of_executable(executable)
    if foreign.is_file(prefix / "pyvenv.cfg"):
        return real(prefix)
    return real(executable)


@health_check("path.pip-mismatch")
def pip_mismatch(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    if not ctx.machine_wide:
        return
    for pip_name, python_name in (("pip", "python"), ("pip3", "python3")):
        pip = find_command(ctx.world, pip_name)
        python = find_command(ctx.world, python_name)
        if pip is None or python is None:
            continue
        bound = _interpreter_of_script(pip)
        if bound is None or not foreign.exists(bound):
            continue
        if _identity(bound) != _identity(python):
            yield spec.finding(
                pip_name, f"`{pip_name}` ({pip}) installs for {bound}, but `{python_name}` "
                          f"runs {python}",
                _pip_mismatch_hint(ctx, pip_name, python_name, python))
            return


def _pip_mismatch_hint(ctx: CheckContext, pip_name: str, python_name: str,
                       python: Path) -> str:
    """`python -m pip`, and the PATH change only when a later folder has the matching pip."""
    hint = f"use `{python_name} -m pip`, which installs for the `{python_name}` you run"
    wanted = _identity(python)
    found = list(commands_on_path(ctx.world, pip_name))  # found[0] is `pip`'s folder
    for folder, candidate in found[1:]:
        bound = _interpreter_of_script(candidate)
        if bound is not None and foreign.exists(bound) and _identity(bound) == wanted:
            return f"{hint}, or put {folder} before {found[0][0]} on PATH"
    return hint


@health_check("pyenv.version-not-installed")
def pyenv_not_installed(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    if not ctx.machine_wide:
        return

    root = pyenv_root(ctx.world)
    shims = root / "shims"
    if not any(same_dir(d, shims) for d in ctx.world.path_dirs):
        return
    selection = ctx.pyenv_selection
    if selection.origin not in ("PYENV_VERSION", str(root / "version")):
        return  # a local .python-version: pyenv.python-version-absent speaks for it
    for version in selection.versions:
        if version != "system" and not _pyenv_has(root, version):
            yield spec.finding(selection.origin,
                               f"pyenv selects {version} (from {selection.origin}), which is "
                               "not installed",
                               f"pyenv install {version}, or pyenv global <installed version>")


def _pyenv_has(root: Path, version: str) -> bool:
    versions = root / "versions"
    if foreign.is_dir(versions / version):
        return True
    try:
        return any(p.name.startswith(version + ".") for p in versions.iterdir())
    except OSError:
        return False


def _nearest_version_file(ctx: CheckContext) -> Path | None:
    folder = ctx.world.cwd
    while True:
        candidate = folder / ".python-version"
        if foreign.is_file(candidate):
            return candidate
        if folder.parent == folder:
            return None
        folder = folder.parent


@health_check("pyenv.python-version-absent")
def python_version_absent(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    version_file = _nearest_version_file(ctx)
    if version_file is None:
        return
    if not ctx.machine_wide and ctx.target != "project":
        return
    root = pyenv_root(ctx.world)
    shims_on_path = any(same_dir(d, root / "shims") for d in ctx.world.path_dirs)
    for version in _versions_in(version_file):
        if version == "system" or _pyenv_has(root, version):
            continue
        if not shims_on_path and _inventory_has(ctx, version):
            continue
        yield spec.finding(str(version_file),
                           f"{version_file} names {version}, which is not installed",
                           f"pyenv install {version}, or write an installed version into "
                           f"{version_file}")


def _versions_in(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return [word for line in text.splitlines() for word in line.split("#", 1)[0].split()]


def _inventory_has(ctx: CheckContext, wanted: str) -> bool:
    asked = PyVersion(wanted)
    for env in ctx.inventory.environments:
        if env.kind in (EnvKind.VENV, EnvKind.VIRTUALENV):
            continue
        if env.version is not None and env.version.matches(asked):
            return True
        if env.name == wanted:
            return True
    return False


def _store_alias_dir(ctx: CheckContext) -> tuple[int, Path] | None:
    for index, folder in enumerate(ctx.world.path_dirs):
        parts = [p.lower() for p in str(folder).replace("\\", "/").split("/")]
        if parts[-2:] == ["microsoft", "windowsapps"]:
            return index, folder
    return None


def _is_alias_stub(path: Path) -> bool:
    """An App Execution Alias reads as an empty file (a reparse point with no content)."""
    try:
        return foreign.is_file(path) and path.stat().st_size == 0
    except OSError:
        return False


@health_check("path.windows-store-alias")
def windows_store_alias(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    if ctx.world.platform != "win32" or not ctx.machine_wide:
        return
    store = _store_alias_dir(ctx)
    if store is None:
        return
    index, folder = store
    for name in ("python.exe", "python3.exe"):
        alias = folder / name
        if not _is_alias_stub(alias):
            continue
        earlier = [d for d in ctx.world.path_dirs[:index] if foreign.is_file(d / name)]
        if earlier:
            continue
        later = [d for d in ctx.world.path_dirs[index + 1:]
                 if foreign.is_file(d / name) and not _is_alias_stub(d / name)]
        packages = list(folder.glob("PythonSoftwareFoundation.Python.*"))
        if later:
            yield spec.finding(str(alias),
                               f"`{name}` is the Store alias and hides {later[0] / name}",
                               f"turn off the python alias or put {later[0]} before {folder}")
        elif not packages:
            yield spec.finding(str(alias),
                               f"`{name}` is the Store alias and no Store Python is installed",
                               "install Python, or turn off the alias in Settings > Apps > "
                               "App execution aliases")
