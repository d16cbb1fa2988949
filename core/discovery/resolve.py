"""What is this prefix? Classify an interpreter or environment folder from its files alone."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from ainlp.core import foreign
from ainlp.core.discovery import static
from ainlp.core.discovery.records import EnvKind, EnvRecord, EnvState, Problem

_PYENV_VIRTUALENV_MARKERS = ("pyenv-virtualenv", "virtualenv")


def real(path: Path) -> Path:
    """The real path, following links; a dangling link resolves as far as it can (never
    raises: a path with a NUL or too long comes back as given)."""
    return foreign.real(path)


def executable_in(prefix: Path, platform: str = "linux") -> Path | None:
    """The interpreter of a prefix: bin/python, python3, python3.X, or prefix/python (conda)."""
    if platform == "win32":
        for candidate in (prefix / "python.exe", prefix / "Scripts" / "python.exe"):
            if foreign.lexists(candidate):
                return candidate
        return None
    found = static.python_executables(prefix / "bin") or static.python_executables(prefix)
    return found[0] if found else None


def prefix_of_executable(executable: Path) -> Path:
    """bin/python -> the folder above bin; a conda env's prefix/python -> prefix."""
    parent = executable.parent
    return parent.parent if parent.name in ("bin", "Scripts") else parent


def is_venv(prefix: Path) -> bool:
    """Something named pyvenv.cfg is there (a FIFO or an unreadable one makes a broken venv)."""
    return foreign.lexists(os.path.join(prefix, "pyvenv.cfg"))


def is_conda_env(prefix: Path) -> bool:
    return foreign.is_dir(prefix / "conda-meta")


def implementation_hint(prefix: Path) -> str | None:
    if prefix.name.lower().startswith("pypy"):
        return "pypy"
    if not foreign.is_dir(os.path.join(prefix, "include")):
        return None  # nothing under it: spares a stat and a listing per venv
    include = prefix / "include"
    if foreign.exists(include / "pypy_patchlevel.h"):
        return "pypy"
    if any(foreign.exists(folder / "pypy_patchlevel.h") for folder in foreign.subdirs(include)):
        return "pypy"
    return None


def venv_record(
    prefix: Path, kind: EnvKind, found_by: str, *, name: str | None = None, platform: str = "linux",
    cfg_read: tuple[dict[str, str] | None, str | None] | None = None,
) -> EnvRecord:
    """A venv-like environment (pyvenv.cfg), with broken states spelled out (`cfg_read`:
    what `static.read_pyvenv` already returned for it)."""
    read, unreadable = cfg_read if cfg_read is not None else static.read_pyvenv(prefix)
    cfg = read or {}
    executable = executable_in(prefix, platform)
    version = static.version_from_pyvenv_cfg(cfg)
    home = cfg.get("home")
    bad_home = _bad_home(prefix, home) if home else None
    if bad_home is not None:
        home = None
    base_executable = _base_executable(Path(home), executable) if home else None
    record = EnvRecord(
        kind=kind,
        prefix=prefix,
        executable=executable,
        version=version,
        name=name if name is not None else prefix.name,
        implementation=cfg.get("implementation", "").lower() or implementation_hint(prefix),
        base_executable=base_executable,
        found_by=(found_by,),
        version_source="pyvenv.cfg" if version else None,
    )
    if unreadable is not None:
        record = record.with_problem(
            Problem(
                "venv.cfg-invalid",
                f"{prefix / 'pyvenv.cfg'} cannot be read: it {unreadable}"
                if unreadable.startswith("is ") else
                f"{prefix / 'pyvenv.cfg'} cannot be read: {unreadable}",
                "Rebuild the environment: its pyvenv.cfg cannot tell which Python it belongs to.",
            )
        )
    elif not cfg:
        record = record.with_problem(
            Problem(
                "venv.cfg-invalid",
                f"{prefix / 'pyvenv.cfg'} has no key = value lines",
                "Rebuild the environment: its pyvenv.cfg cannot tell which Python it belongs to.",
            )
        )
    if bad_home is not None:
        record = record.with_problem(
            Problem(
                "venv.cfg-invalid",
                f"{prefix / 'pyvenv.cfg'} names a base interpreter folder ('home') that "
                f"cannot be its base: {bad_home}",
                "Rebuild the environment with an installed Python (ainlp fix).",
            )
        )
    elif home and not foreign.is_dir(home):
        why = foreign.stat_error(home)
        if why in (None, "does not exist", "a part of the path is not a folder"):
            record = record.with_problem(
                Problem(
                    "venv.base-missing",
                    f"the base interpreter folder {home} (pyvenv.cfg 'home') no longer exists",
                    "Rebuild the environment with an installed Python (ainlp fix), "
                    "or reinstall that Python.",
                )
            )
        else:  # another user's folder, say: we cannot tell, and say so
            record = record.with_problem(
                Problem(
                    "venv.base-unreadable",
                    f"the base interpreter folder {home} (pyvenv.cfg 'home') cannot be "
                    f"checked: {why}",
                    "Run as a user who may read that folder, or rebuild the environment on a "
                    "Python this user can run (ainlp fix).",
                ),
                broken=False,
            )
    return _check_venv_executable(record, platform)


def _bad_home(prefix: Path, home: str) -> str | None:
    """Why pyvenv.cfg's `home` is bad data: a NUL, too long, or a folder inside the venv."""
    reason = foreign.bad_path(home)
    if reason is not None:
        return reason.replace("the path", "it")
    inside = foreign.real(home)
    if prefix.name not in inside.parts:  # cheap: a folder inside the venv names the venv
        return None
    own = foreign.real(prefix)
    if inside == own or own in inside.parents:
        return f"{home} is inside the environment itself"
    return None


def _base_executable(home: Path, executable: Path | None) -> Path:
    if executable is not None:
        candidate = home / executable.name
        if foreign.exists(candidate):
            return candidate
    found = static.python_executables(home)
    return found[0] if found else home / (executable.name if executable else "python")


def _check_executable(record: EnvRecord) -> EnvRecord:
    exe = record.executable
    if exe is None:
        return record.with_problem(
            Problem(
                "env.no-interpreter",
                f"no python executable in {record.prefix}",
                "The environment has no interpreter: rebuild it or remove it (ainlp cleanup).",
            )
        )
    bare = record.kind in (EnvKind.SYSTEM, EnvKind.HOMEBREW, EnvKind.UNKNOWN)
    hint = (f"Remove or repair the link in {exe.parent}, or reinstall that Python."
            if bare else
            "Its Python was uninstalled or moved: rebuild the environment (ainlp fix).")
    problem = dangling_interpreter(exe, hint)
    return record.with_problem(problem) if problem else record


def _check_venv_executable(record: EnvRecord, platform: str) -> EnvRecord:
    """A venv's interpreter is judged before anyone trusts its pyvenv.cfg's version (on
    the machine we run on: a world of another platform's layout is not judged)."""
    record = _check_executable(record)
    if (platform == "win32") != (os.name == "nt"):
        return record
    if record.executable is None or any(p.id == "env.dangling-interpreter"
                                        for p in record.problems):
        return record
    problem = unusable_interpreter(record.executable)
    return record.with_problem(problem) if problem else record


def unusable_interpreter(exe: Path) -> Problem | None:
    """`env.interpreter-unusable` when an environment's interpreter cannot be a program: not
    a regular file with an x bit and an ELF/Mach-O/PE/#! header (judged, never run)."""
    reason = foreign.unusable_executable(exe)
    if reason is None:
        return None
    return Problem(
        "env.interpreter-unusable",
        f"{exe} cannot be an interpreter: {reason}",
        "Its python was replaced by something that is not a program: rebuild the environment "
        "(ainlp fix).",
    )


def dangling_interpreter(exe: Path, hint: str) -> Problem | None:
    """`env.dangling-interpreter` when exe is a link to nothing (or a link loop)."""
    if not foreign.is_symlink(exe) or foreign.exists(exe):
        return None
    if foreign.stat_error(exe) == "permission denied":
        return None  # another user's folder: we cannot tell, the base check says so
    what = (f"{exe} is a symlink loop" if is_link_loop(exe)
            else f"{exe} is a symlink to {foreign.readlink(exe)}, which does not exist")
    return Problem("env.dangling-interpreter", what, hint)


def is_link_loop(path: Path) -> bool:
    return foreign.stat_error(path) == "a symlink loop"


def interpreter_record(
    prefix: Path, executable: Path | None, kind: EnvKind, found_by: str, *, name: str | None = None
) -> EnvRecord:
    """A bare interpreter installation (pyenv version, system, homebrew, uv-managed)."""
    found = static.static_version(prefix, executable)
    if found is not None and found.source == "executable-name" and executable is not None \
            and is_link_loop(executable):
        found = None  # a link loop's name is no evidence of a version
    record = EnvRecord(
        kind=kind,
        prefix=prefix,
        executable=executable,
        version=found.version if found else None,
        name=name,
        implementation=implementation_hint(prefix) or ("cpython" if found else None),
        found_by=(found_by,),
        version_source=found.source if found else None,
    )
    return _check_executable(record)


def classify(
    prefix: Path,
    found_by: str,
    *,
    executable: Path | None = None,
    pyenv_versions: Path | None = None,
    platform: str = "linux",
) -> EnvRecord:
    """A record for any prefix, its kind judged from its files and where it lives."""
    if is_conda_env(prefix):
        # here, not at the top: the conda locator imports this module
        from ainlp.core.discovery.locators.conda import conda_record

        return conda_record(prefix, found_by)
    if is_venv(prefix):
        kind = EnvKind.VENV
        cfg = static.read_pyvenv_cfg(prefix) or {}
        if "virtualenv" in cfg:
            kind = EnvKind.VIRTUALENV
        if pyenv_versions is not None and prefix.parent == pyenv_versions:
            kind = EnvKind.PYENV_VIRTUALENV
        record = venv_record(prefix, kind, found_by, platform=platform)
        if kind is EnvKind.PYENV_VIRTUALENV:
            record = replace(record, name=None)
        return record
    if pyenv_versions is not None and prefix.parent == pyenv_versions:
        # here, not at the top: the pyenv locator imports this module
        from ainlp.core.discovery.locators.pyenv import pyenv_version_record

        return pyenv_version_record(prefix, found_by)
    exe = executable if executable is not None else executable_in(prefix, platform)
    return interpreter_record(prefix, exe, EnvKind.SYSTEM, found_by)


__all__ = [
    "EnvState",
    "classify",
    "executable_in",
    "interpreter_record",
    "prefix_of_executable",
    "real",
    "venv_record",
]
