"""What is this prefix? Classify an interpreter or environment folder from its files alone."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from ainlp.core.discovery import static
from ainlp.core.discovery.records import EnvKind, EnvRecord, EnvState, Problem

_PYENV_VIRTUALENV_MARKERS = ("pyenv-virtualenv", "virtualenv")


def real(path: Path) -> Path:
    """The real path, following links; a dangling link resolves as far as it can."""
    return Path(os.path.realpath(path))


def executable_in(prefix: Path, platform: str = "linux") -> Path | None:
    """The interpreter of a prefix: bin/python, python3, python3.X, or prefix/python (conda)."""
    if platform == "win32":
        for candidate in (prefix / "python.exe", prefix / "Scripts" / "python.exe"):
            if candidate.exists() or candidate.is_symlink():
                return candidate
        return None
    found = static.python_executables(prefix / "bin") or static.python_executables(prefix)
    return found[0] if found else None


def prefix_of_executable(executable: Path) -> Path:
    """bin/python -> the folder above bin; a conda env's prefix/python -> prefix."""
    parent = executable.parent
    return parent.parent if parent.name in ("bin", "Scripts") else parent


def is_venv(prefix: Path) -> bool:
    return (prefix / "pyvenv.cfg").is_file()


def is_conda_env(prefix: Path) -> bool:
    return (prefix / "conda-meta").is_dir()


def implementation_hint(prefix: Path) -> str | None:
    name = prefix.name.lower()
    if name.startswith("pypy") or (prefix / "include" / "pypy_patchlevel.h").exists():
        return "pypy"
    if any((prefix / "include").glob("*/pypy_patchlevel.h")):
        return "pypy"
    return None


def venv_record(
    prefix: Path, kind: EnvKind, found_by: str, *, name: str | None = None, platform: str = "linux"
) -> EnvRecord:
    """A venv-like environment (pyvenv.cfg), with broken states spelled out."""
    cfg = static.read_pyvenv_cfg(prefix) or {}
    executable = executable_in(prefix, platform)
    version = static.version_from_pyvenv_cfg(cfg)
    home = cfg.get("home")
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
    if not cfg:
        record = record.with_problem(
            Problem(
                "venv.cfg-invalid",
                f"{prefix / 'pyvenv.cfg'} has no key = value lines",
                "Rebuild the environment: its pyvenv.cfg cannot tell which Python it belongs to.",
            )
        )
    if home and not Path(home).is_dir():
        record = record.with_problem(
            Problem(
                "venv.base-missing",
                f"the base interpreter folder {home} (pyvenv.cfg 'home') no longer exists",
                "Rebuild the environment with an installed Python (ainlp fix), "
                "or reinstall that Python.",
            )
        )
    return _check_executable(record)


def _base_executable(home: Path, executable: Path | None) -> Path:
    if executable is not None:
        candidate = home / executable.name
        if candidate.exists():
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


def dangling_interpreter(exe: Path, hint: str) -> Problem | None:
    """`env.dangling-interpreter` when exe is a link to nothing (or a link loop)."""
    if not exe.is_symlink() or exe.exists():
        return None
    what = (f"{exe} is a symlink loop" if _is_link_loop(exe)
            else f"{exe} is a symlink to {os.readlink(exe)}, which does not exist")
    return Problem("env.dangling-interpreter", what, hint)


def _is_link_loop(path: Path) -> bool:
    try:
        os.stat(path)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def interpreter_record(
    prefix: Path, executable: Path | None, kind: EnvKind, found_by: str, *, name: str | None = None
) -> EnvRecord:
    """A bare interpreter installation (pyenv version, system, homebrew, uv-managed)."""
    found = static.static_version(prefix, executable)
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
            from dataclasses import replace

            record = replace(record, name=None)
        return record
    if pyenv_versions is not None and prefix.parent == pyenv_versions:
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
