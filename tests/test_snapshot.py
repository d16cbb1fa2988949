"""The inventory snapshot behind a warm `ainlp find --json`: it must never answer stale."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from ainlp.core.discovery.snapshot import SNAPSHOT_FILE, SNAPSHOT_TTL, fresh_document
from conftest import ainlp_command, write
from test_discovery_worlds import BASE_PYTHON, make_pyenv, make_venv


class Machine:
    """A HOME, PATH and state folder in tmp_path, driven through the real console script."""

    def __init__(self, tmp_path: Path) -> None:
        self.home = tmp_path / "home"
        self.cwd = self.home / "project"
        self.cwd.mkdir(parents=True)
        self.state = tmp_path / "state"
        self.bin = tmp_path / "bin"
        self.bin.mkdir()
        self.pyenv = make_pyenv(tmp_path, {"3.12.4": "3.12.4", "3.11.9": "3.11.9"})
        write(self.pyenv / "version", "3.12.4\n")
        self.env = {
            "HOME": str(self.home),
            "PATH": f"{self.bin}:{self.pyenv / 'shims'}",
            "AINLP_HOME": str(self.state),
            "PYENV_ROOT": str(self.pyenv),
        }

    def find(self, *extra: str) -> dict[str, object]:
        done = subprocess.run([ainlp_command(), "find", "--json", *extra], capture_output=True,
                              text=True, env=self.env, cwd=self.cwd, timeout=60)
        assert done.returncode == 0, done.stderr
        doc: dict[str, object] = json.loads(done.stdout)
        assert doc.pop("cache") in ("warm", "cold", "partial")
        doc.pop("elapsed_ms")
        return doc

    def snapshot_mtime(self) -> int:
        return (self.state / SNAPSHOT_FILE).stat().st_mtime_ns


@pytest.fixture
def machine(tmp_path: Path) -> Machine:
    return Machine(tmp_path)


def test_second_run_is_answered_from_the_snapshot_with_the_same_document(machine: Machine) -> None:
    first = machine.find()
    saved = machine.snapshot_mtime()
    second = machine.find()
    assert second == first
    assert machine.snapshot_mtime() == saved  # answered without rediscovering


def _venv_in_workon(m: Machine) -> None:
    make_venv(m.home / ".virtualenvs" / "fresh")


def _project_venv(m: Machine) -> None:
    make_venv(m.cwd / ".venv")


def _python_version_file(m: Machine) -> None:
    write(m.cwd / ".python-version", "3.11.9\n")


def _path_change(m: Machine) -> None:
    other = m.home / "other-bin"
    write(other / "python3", f'#!/bin/sh\nexec "{BASE_PYTHON}" "$@"\n', 0o755)
    m.env["PATH"] = f"{other}:{m.env['PATH']}"


def _active_virtual_env(m: Machine) -> None:
    venv = make_venv(m.home / "elsewhere" / "active")
    m.env["VIRTUAL_ENV"] = str(venv)


def _wrapper_replaced(m: Machine) -> None:
    write(m.bin / "python3", "#!/bin/sh\necho not a python\n", 0o755)


def _pyenv_version_removed(m: Machine) -> None:
    import shutil

    shutil.rmtree(m.pyenv / "versions" / "3.11.9")


def _pyvenv_cfg_edited(m: Machine) -> None:
    cfg = m.home / ".virtualenvs" / "kept" / "pyvenv.cfg"
    cfg.write_text(cfg.read_text().replace("version", "version = 3.99.0\nold_version"))


def _conda_env_added(m: Machine) -> None:
    env = m.home / "miniconda3" / "envs" / "data"
    write(env / "conda-meta" / "python-3.12.4-h0_0.json", '{"name": "python", "version": "3.12.4"}')
    (env / "bin").mkdir(parents=True)
    (env / "bin" / "python").symlink_to(BASE_PYTHON)


def _snapshot_damaged(m: Machine) -> None:
    (m.state / SNAPSHOT_FILE).write_bytes(b"\x00garbage")


@pytest.mark.parametrize(
    "change",
    [_venv_in_workon, _project_venv, _python_version_file, _path_change, _active_virtual_env,
     _wrapper_replaced, _pyenv_version_removed, _pyvenv_cfg_edited, _conda_env_added,
     _snapshot_damaged],
)
def test_any_change_discovery_depends_on_is_seen(machine: Machine,
                                                 change: Callable[[Machine], None]) -> None:
    write(machine.bin / "python3", f'#!/bin/sh\nexec "{BASE_PYTHON}" "$@"\n', 0o755)
    (machine.home / "miniconda3" / "envs").mkdir(parents=True)
    make_venv(machine.home / ".virtualenvs" / "kept")
    before = machine.find()
    assert machine.find() == before
    time.sleep(0.01)  # a new mtime even on coarse clocks
    change(machine)
    after = machine.find()
    assert after == machine.find("--refresh")
    assert after != before or change is _snapshot_damaged


def test_snapshot_expires_and_rejects_another_folder(machine: Machine) -> None:
    machine.find()
    env = machine.env
    args = {"env": env, "cwd": str(machine.cwd), "home": str(machine.home)}
    state = str(machine.state)
    saved_at = time.time()
    assert fresh_document(state, **args) is not None
    assert fresh_document(state, **args, now=saved_at + SNAPSHOT_TTL + 5) is None
    assert fresh_document(state, **{**args, "cwd": str(machine.home)}) is None
    assert fresh_document(state, **{**args, "env": {**env, "PYENV_VERSION": "3.11.9"}}) is None


def test_filtered_or_refreshed_find_bypasses_the_snapshot(machine: Machine) -> None:
    machine.find()
    saved = machine.snapshot_mtime()
    time.sleep(0.01)
    machine.find("--refresh")
    assert machine.snapshot_mtime() != saved
    doc = machine.find("--kind", "pyenv")
    assert {e["kind"] for e in doc["environments"]} == {"pyenv"}  # type: ignore[index,union-attr]


def test_state_folder_is_not_part_of_the_fingerprint(machine: Machine) -> None:
    machine.find()
    machine.find()
    names = os.listdir(machine.state)
    assert SNAPSHOT_FILE in names
    saved = machine.snapshot_mtime()
    machine.find()
    assert machine.snapshot_mtime() == saved
