"""Worlds for the recovery tests: real venvs, local wheels, isolated installers, a real
interpreter of the broken venv's minor on PATH (never the network, never the real HOME)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from ainlp.core.world import World

from tests.conftest import make_venv, make_world
from tests.wheelhouse import installer_env, uv_binary, write_wheel


def _python(minor: str) -> Path | None:
    found = sorted((Path.home() / ".pyenv" / "versions").glob(f"{minor}.*/bin/python{minor}"))
    return found[-1] if found else None


def python_of(minor: str) -> Path:
    found = _python(minor)
    if found is None:
        pytest.skip(f"no Python {minor} on this machine")
    return found


MINOR = "3.12"


def py_folder(tmp_path: Path, python: Path, name: str = "py") -> Path:
    """A PATH folder with python, python3 and pythonX.Y linking to a real interpreter."""
    folder = tmp_path / name / "bin"
    folder.mkdir(parents=True, exist_ok=True)
    minor = python.name.removeprefix("python")
    for link in ("python", "python3", f"python{minor}"):
        if not (folder / link).exists():
            (folder / link).symlink_to(python)
    return folder


def world_for(tmp_path: Path, python: Path, **extra: str) -> World:
    env = installer_env(tmp_path)
    env["PATH"] = str(py_folder(tmp_path, python))
    env["UV_FIND_LINKS"] = str(tmp_path / "wheels")
    env.update(extra)
    (tmp_path / "wheels").mkdir(exist_ok=True)
    return make_world(tmp_path, env=env, cwd=tmp_path / "home" / "proj")


def wheels(tmp_path: Path) -> Path:
    folder = tmp_path / "wheels"
    write_wheel(folder, "dep", "1.0")
    write_wheel(folder, "app", "1.0", requires=["dep>=1.0"])
    return folder


def install(tmp_path: Path, prefix: Path, *names: str, no_deps: bool = True) -> None:
    env = installer_env(tmp_path)
    argv = [uv_binary(), "pip", "install", "--python", str(prefix / "bin" / "python"),
            "--no-index", "--find-links", str(tmp_path / "wheels"),
            *(["--no-deps"] if no_deps else []), *names]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


def site_of(prefix: Path) -> Path:
    return next(prefix.glob("lib/python3.*/site-packages"))


def requirement_world(tmp_path: Path) -> tuple[World, Path]:
    """~/proj/.venv holding app 1.0, whose requirement dep is missing (dep is a local wheel)."""
    python = python_of(MINOR)
    wheels(tmp_path)
    prefix = make_venv(tmp_path / "home" / "proj" / ".venv", python)
    install(tmp_path, prefix, "app==1.0")
    return world_for(tmp_path, python), prefix


def healthy_world(tmp_path: Path) -> tuple[World, Path]:
    python = python_of(MINOR)
    wheels(tmp_path)
    prefix = make_venv(tmp_path / "home" / "proj" / ".venv", python)
    install(tmp_path, prefix, "app==1.0", no_deps=False)
    return world_for(tmp_path, python), prefix


def base_gone_world(tmp_path: Path) -> tuple[World, Path]:
    """~/.virtualenvs/old made from a base that is gone; a real interpreter of the same minor
    is on PATH. It holds app and dep."""
    python = python_of(MINOR)
    wheels(tmp_path)
    base = py_folder(tmp_path, python, "pybase")
    prefix = tmp_path / "home" / ".virtualenvs" / "old"
    prefix.parent.mkdir(parents=True)
    subprocess.run([str(base / f"python{MINOR}"), "-m", "venv", "--without-pip", str(prefix)],
                   check=True)
    install(tmp_path, prefix, "app==1.0", "dep==1.0")
    shutil.rmtree(tmp_path / "pybase")
    (tmp_path / "home" / "proj").mkdir(parents=True, exist_ok=True)
    return world_for(tmp_path, python), prefix


def runs(prefix: Path, code: str = "import app, dep") -> bool:
    try:
        done = subprocess.run([str(prefix / "bin" / "python"), "-c", code],
                              capture_output=True, timeout=60)
    except OSError:
        return False  # a dangling python
    return done.returncode == 0


def finding_ids(world: World, target: str | None = None) -> set[str]:
    from ainlp.core.discovery import discover
    from ainlp.core.health import Severity, run_checks

    report = run_checks(world, inventory=discover(world, refresh=True), target=target)
    return {f.id for f in report.findings if f.severity is not Severity.INFO}
