"""`use --global`: pyenv's version file, uv's pin command, or shell lines for PATH."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from ainlp.core.active import path_line, plan_global
from ainlp.core.discovery.records import EnvKind, EnvRecord, Manager
from ainlp.core.versions import PyVersion
from conftest import make_world, write


def test_pyenv_version_goes_to_the_version_file_of_pyenv_root(tmp_path: Path) -> None:
    root = tmp_path / "pyenv"
    world = make_world(tmp_path, env={"PYENV_ROOT": str(root)})
    prefix = root / "versions" / "3.11.7"
    record = EnvRecord(EnvKind.PYENV, prefix, prefix / "bin" / "python3.11", PyVersion("3.11.7"))
    plan = plan_global(world, record)
    assert plan.how == "pyenv"
    assert plan.edit is not None
    assert (plan.edit.path, plan.edit.status, plan.edit.data) == (root / "version", "write",
                                                                  b"3.11.7\n")
    write(root / "version", "3.11.7\n")
    assert plan_global(world, record).edit.status == "unchanged"  # type: ignore[union-attr]


def test_pyenv_root_defaults_to_home_and_virtualenvs_use_their_name(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    prefix = world.home / ".pyenv" / "versions" / "3.12.1" / "envs" / "tools"
    record = EnvRecord(EnvKind.PYENV_VIRTUALENV, prefix, prefix / "bin" / "python",
                       PyVersion("3.12.1"))
    plan = plan_global(world, record)
    assert plan.edit is not None
    assert plan.edit.path == world.home / ".pyenv" / "version"
    assert plan.edit.data == b"tools\n"


def test_uv_python_is_pinned_by_a_command(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    prefix = tmp_path / "uv" / "cpython-3.12.1-linux-x86_64-gnu"
    uv = tmp_path / "bin" / "uv"
    record = EnvRecord(EnvKind.UV_PYTHON, prefix, prefix / "bin" / "python3", PyVersion("3.12.1"),
                       manager=Manager("uv", uv))
    plan = plan_global(world, record)
    assert (plan.how, plan.argv, plan.edit) == (
        "uv", (str(uv), "python", "pin", "--global", "3.12.1"), None)
    bare = EnvRecord(EnvKind.UV_PYTHON, prefix, prefix / "bin" / "python3", None)
    assert plan_global(world, bare).argv == ("uv", "python", "pin", "--global", prefix.name)


def test_other_environments_get_shell_lines(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    prefix = tmp_path / "my envs" / "it's"
    record = EnvRecord(EnvKind.VENV, prefix, prefix / "bin" / "python", PyVersion("3.11.7"))
    plan = plan_global(world, record)
    assert plan.how == "shell" and plan.edit is None and plan.argv == ()
    lines = dict(plan.shell_lines)
    assert set(lines) == {"bash", "zsh", "fish", "powershell"}
    base = str(prefix.parent)  # ".../my envs"
    assert lines["bash"] == lines["zsh"] == f"export PATH='{base}/it'\"'\"'s/bin':\"$PATH\""
    assert lines["fish"] == f"set -gx PATH '{base}/it\\'s/bin' $PATH"
    assert lines["powershell"] == (
        f"$env:PATH = '{base}/it''s/bin' + [IO.Path]::PathSeparator + $env:PATH")


def test_windows_environment_without_interpreter_uses_scripts(tmp_path: Path) -> None:
    from dataclasses import replace

    world = replace(make_world(tmp_path), platform="win32")
    record = EnvRecord(EnvKind.VENV, tmp_path / "env", None, None)
    assert dict(plan_global(world, record).shell_lines)["bash"].startswith(
        f"export PATH={tmp_path / 'env' / 'Scripts'}:")


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_shell_lines_really_put_the_folder_first(tmp_path: Path, shell: str) -> None:
    program = shutil.which(shell)
    if program is None:
        pytest.skip(f"{shell} is not installed here")
    folder = tmp_path / "odd 'dir' $HOME" / "bin"
    line = path_line(shell, folder)
    script = f"{line}\necho $PATH" if shell != "fish" else f"{line}\necho $PATH[1]"
    out = subprocess.run([program, "-c", script], capture_output=True, text=True, timeout=30,
                         env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    first = out.stdout.strip().split(":")[0] if shell != "fish" else out.stdout.strip()
    assert first == str(folder)
