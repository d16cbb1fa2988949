"""`ainlp which`: what python/python3 resolve to here, and the reasons."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from ainlp.core.discovery.which import explain
from conftest import ainlp_command, make_world, write
from test_discovery_worlds import make_pyenv, make_venv


def test_shim_selected_by_python_version_file(tmp_path: Path) -> None:
    root = make_pyenv(tmp_path, {"3.12.4": "3.12.4", "3.11.9": "3.11.9"})
    write(root / "version", "3.11.9\n")
    project = tmp_path / "home" / "proj"
    write(project / ".python-version", "3.12.4\n")
    world = make_world(tmp_path, path=[root / "shims"], cwd=project)
    doc = explain(world)
    python3 = doc["commands"][1]
    assert python3["command"] == "python3"
    assert python3["executable"] == str(root / "versions" / "3.12.4" / "bin" / "python3")
    assert (python3["kind"], python3["version"]) == ("pyenv", "3.12.4")
    assert any(str(project / ".python-version") in reason for reason in python3["reasons"])
    assert doc["context"]["pyenv_origin"] == str(project / ".python-version")


def test_system_selection_falls_through_to_the_next_path_entry(tmp_path: Path) -> None:
    root = make_pyenv(tmp_path, {"3.12.4": "3.12.4"})
    write(root / "version", "system\n")
    usr_bin = tmp_path / "root" / "usr" / "bin"
    write(usr_bin / "python3", "#!/bin/sh\n", 0o755)
    world = make_world(tmp_path, path=[root / "shims", usr_bin])
    python3 = explain(world)["commands"][1]
    assert python3["executable"] == str(usr_bin / "python3")
    assert [s["path"] for s in python3["shadowed"]] == [str(root / "shims" / "python3")]


def test_active_venv_first_on_path_is_named(tmp_path: Path) -> None:
    venv = make_venv(tmp_path / "proj" / ".venv")
    world = make_world(tmp_path, path=[venv / "bin"], env={"VIRTUAL_ENV": str(venv)})
    python = explain(world)["commands"][0]
    assert python["kind"] == "venv"
    assert any("active virtual environment" in reason for reason in python["reasons"])


def test_version_not_on_path_is_unresolved_with_a_hint(tmp_path: Path) -> None:
    world = make_world(tmp_path, path=[tmp_path / "empty"])
    doc = explain(world, "3.99")
    assert doc["resolved"] is False
    assert doc["commands"][0]["executable"] is None
    assert "3.99" in doc["hint"]


def test_which_cli_json_exit_codes(tmp_path: Path) -> None:
    venv = make_venv(tmp_path / "proj" / ".venv")
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "AINLP_HOME": str(tmp_path / "state"),
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
    }
    done = subprocess.run(
        [ainlp_command(), "which", "--json"], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["commands"][0]["executable"] == str(venv / "bin" / "python")
    missing = subprocess.run(
        [ainlp_command(), "which", "3.99", "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert missing.returncode == 1
    assert json.loads(missing.stdout)["resolved"] is False


def test_shim_without_the_command_in_the_selected_version_says_why(tmp_path: Path) -> None:
    root = make_pyenv(tmp_path, {"3.12.4": "3.12.4", "3.11.9": "3.11.9"})
    (root / "versions" / "3.12.4" / "bin" / "python3.12").symlink_to("python3")
    write(root / "shims" / "python3.12", (root / "shims" / "python3").read_text(), 0o755)
    write(root / "version", "3.11.9\n")
    world = make_world(tmp_path, path=[root / "shims"])
    (answer,) = explain(world, "3.12")["commands"]
    assert answer["executable"] is None
    assert not any("no `python3.12` in any PATH folder" in r for r in answer["reasons"])
    assert any("3.12.4" in r and "pyenv shell" in r for r in answer["reasons"])
    assert answer["shadowed"] == []
