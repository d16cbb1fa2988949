"""install-pip: a venv whose pip command cannot run gets pip back offline (a find-links
folder's wheel, else the one ensurepip bundles with the base Python), verified by
`python -m pip --version`; undo takes it out again. A venv without pip at all (normal for
uv venvs) and a healthy one get nothing."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from ainlp.core.world import World

import ainlp
from tests.conftest import make_venv, write
from tests.test_recovery_fix import runnable, steps
from tests.test_recovery_support import MINOR, finding_ids, healthy_world, python_of, world_for


def pip_runs(prefix: Path) -> bool:
    done = subprocess.run([str(prefix / "bin" / "python"), "-m", "pip", "--version"],
                          capture_output=True, timeout=60,
                          env={"PIP_CONFIG_FILE": "/dev/null"})
    return done.returncode == 0


def unrunnable_pip_world(tmp_path: Path) -> tuple[World, Path]:
    """~/proj/.venv has bin/pip but no pip package (deleted by hand, a failed upgrade)."""
    python = python_of(MINOR)
    prefix = make_venv(tmp_path / "home" / "proj" / ".venv", python)
    write(prefix / "bin" / "pip",
          f"#!{prefix / 'bin' / 'python'}\nfrom pip._internal.cli.main import main\nmain()\n",
          mode=0o755)
    return world_for(tmp_path, python), prefix


def bundled(python: Path) -> Path:
    found = sorted(python.resolve().parent.parent.glob(
        "lib/python3*/ensurepip/_bundled/pip-*.whl"))
    assert found, "the base Python bundles a pip wheel"
    return found[-1]


def test_pip_comes_back_from_ensurepips_wheel_and_undo_removes_it(tmp_path: Path) -> None:
    world, prefix = unrunnable_pip_world(tmp_path)
    assert "venv.pip-unrunnable" in finding_ids(world) and not pip_runs(prefix)
    planned = ainlp.fix(world=world)
    (step,) = runnable(planned)
    assert step["strategy"] == "install-pip"
    assert step["fixes"] == [{"id": "venv.pip-unrunnable", "subject": str(prefix)}]
    assert "ensurepip/_bundled" in str(step["does"]) and "offline" in str(step["does"])
    assert not pip_runs(prefix)

    result = ainlp.fix(world=world, apply=True)
    assert result.data["failed"] == [], result.messages
    assert result.data["applied"] == ["s1"] and result.exit_code == 0
    assert pip_runs(prefix)
    assert "venv.pip-unrunnable" not in finding_ids(world)

    undone = ainlp.undo(apply=True, world=world)
    assert undone.exit_code == 0, undone.messages
    assert not pip_runs(prefix)
    assert not list(prefix.glob("lib/python3*/site-packages/pip"))
    assert "venv.pip-unrunnable" in finding_ids(world)


def test_a_pip_wheel_in_the_find_links_folder_comes_first(tmp_path: Path) -> None:
    world, prefix = unrunnable_pip_world(tmp_path)
    shutil.copy(bundled(python_of(MINOR)), tmp_path / "wheels")
    (step,) = runnable(ainlp.fix(world=world))
    assert f"offline from {tmp_path / 'wheels'}" in str(step["does"])
    result = ainlp.fix(world=world, apply=True)
    assert result.data["failed"] == [], result.messages
    assert pip_runs(prefix)


def test_a_venv_without_pip_at_all_is_left_alone(tmp_path: Path) -> None:
    python = python_of(MINOR)
    prefix = make_venv(tmp_path / "home" / "proj" / ".venv", python)
    world = world_for(tmp_path, python)
    assert "venv.pip-unrunnable" not in finding_ids(world)
    result = ainlp.fix(world=world, apply=True)
    assert not [s for s in steps(result) if s["strategy"] == "install-pip"]
    assert not list(prefix.glob("lib/python3*/site-packages/pip"))


def test_a_healthy_venv_gets_no_pip(tmp_path: Path) -> None:
    world, prefix = healthy_world(tmp_path)
    result = ainlp.fix(world=world, apply=True)
    assert not [s for s in steps(result) if s["strategy"] == "install-pip"]
    assert not list(prefix.glob("lib/python3*/site-packages/pip"))
