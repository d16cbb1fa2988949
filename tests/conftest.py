"""Shared test helpers: worlds built in tmp_path, never the real HOME."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest
from ainlp.core.process import run_process
from ainlp.core.world import World

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


def pytest_configure(config: pytest.Config) -> None:
    # What the suite writes to the state folder through World.current() or the grammar loader
    # (Lark's grammar cache) goes to a temporary AINLP_HOME, never the user's.
    import shutil
    import tempfile

    home = tempfile.mkdtemp(prefix="ainlp-test-home-")
    os.environ["AINLP_HOME"] = home
    config.add_cleanup(lambda: shutil.rmtree(home, ignore_errors=True))


def make_world(
    tmp_path: Path,
    *,
    path: list[Path] | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    probe_timeout: float = 2.0,
) -> World:
    """A world rooted in tmp_path/root with HOME tmp_path/home and an empty PATH by default."""
    root = tmp_path / "root"
    home = tmp_path / "home"
    root.mkdir(exist_ok=True)
    home.mkdir(exist_ok=True)
    full_env = {
        "HOME": str(home),
        "PATH": os.pathsep.join(str(p) for p in path or []),
        "AINLP_HOME": str(tmp_path / "state"),
    }
    full_env.update(env or {})
    return World(
        root=root,
        home=home,
        env=full_env,
        cwd=cwd or home,
        run=run_process,
        probe_timeout=probe_timeout,
    )


def write(path: Path, text: str = "", mode: int | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    if mode is not None:
        path.chmod(mode)
    return path


def real_pythons() -> list[Path]:
    """The machine's pyenv interpreters (read-only use), newest first."""
    versions = Path.home() / ".pyenv" / "versions"
    found = sorted(
        versions.glob("3.*/bin/python3") if versions.is_dir() else [],
        key=lambda p: tuple(int(n) for n in p.parent.parent.name.split(".")[:2]),
        reverse=True,
    )
    return found or [Path(sys.executable)]


@pytest.fixture
def world(tmp_path: Path) -> World:
    return make_world(tmp_path)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is absent (a user's clone): shared specs and fixtures not available")
    return SHARED


def ainlp_command() -> str:
    """The `ainlp` console script of the environment running the tests."""
    beside = Path(sys.executable).parent / "ainlp"
    return str(beside) if beside.exists() else "ainlp"


def make_venv(prefix: Path, python: Path | None = None) -> Path:
    """A real venv (no pip) made by one of the machine's Pythons, the newest by default."""
    import subprocess

    base = python or real_pythons()[0]
    subprocess.run([str(base), "-m", "venv", "--without-pip", str(prefix)], check=True)
    return prefix


def real_version(python: Path) -> str:
    """What the interpreter itself says its version is."""
    import subprocess

    out = subprocess.run(
        [str(python), "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"],
        check=True, capture_output=True, text=True,
    )
    return out.stdout.strip()
