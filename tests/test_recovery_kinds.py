"""rebuild, each kind its own way: a pipx venv keeps pipx_metadata.json and its main and
injected packages; a conda environment goes through conda (a stand-in `conda` here, never
the network) and, with no conda installed, the step is blocked and its notes say what a
person runs. Each with a world that needs it and one where it does nothing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

from ainlp.core.world import World

import ainlp
from tests.conftest import write
from tests.test_recovery_fix import runnable, steps
from tests.test_recovery_support import (
    MINOR,
    finding_ids,
    install,
    py_folder,
    python_of,
    runs,
    site_of,
    wheels,
    world_for,
)

METADATA = {"main_package": {"package": "app", "package_or_url": "app", "pip_args": [],
                             "include_dependencies": False, "apps": ["app"], "suffix": ""},
            "injected_packages": {"dep": {"package": "dep", "package_or_url": "dep",
                                          "pip_args": [], "apps": [], "suffix": ""}},
            "python_version": f"Python {MINOR}", "venv_args": [],
            "pipx_metadata_version": "0.5"}


def pipx_world(tmp_path: Path, *, broken: bool = True) -> tuple[World, Path]:
    """pipx's venv of `app` (dep injected) made from a base that is gone (when `broken`)."""
    python = python_of(MINOR)
    wheels(tmp_path)
    base = py_folder(tmp_path, python, "pybase")
    prefix = tmp_path / "home" / ".local" / "share" / "pipx" / "venvs" / "app"
    prefix.parent.mkdir(parents=True)
    subprocess.run([str(base / f"python{MINOR}"), "-m", "venv", "--without-pip", str(prefix)],
                   check=True)
    install(tmp_path, prefix, "app==1.0", "dep==1.0")
    write(prefix / "pipx_metadata.json", json.dumps(METADATA, indent=4))
    if broken:
        shutil.rmtree(tmp_path / "pybase")
    (tmp_path / "home" / "proj").mkdir(parents=True, exist_ok=True)
    return world_for(tmp_path, python), prefix


def test_a_pipx_venv_is_rebuilt_with_its_packages_and_metadata(tmp_path: Path) -> None:
    world, prefix = pipx_world(tmp_path)
    metadata = (prefix / "pipx_metadata.json").read_bytes()
    assert not runs(prefix)
    (step,) = runnable(ainlp.fix(world=world))
    assert step["strategy"] == "rebuild"
    notes = " ".join(str(n) for n in step["notes"])  # type: ignore[union-attr]
    assert "the main package is app" in notes and "injected: dep" in notes
    assert "pipx's main package app" in str(step["does"])

    result = ainlp.fix(world=world, apply=True)
    assert result.data["failed"] == [], result.messages
    assert result.data["applied"] == ["s1"]
    assert runs(prefix)
    assert (prefix / "pipx_metadata.json").read_bytes() == metadata
    assert "env.dangling-interpreter" not in finding_ids(world)

    assert ainlp.undo(apply=True, world=world).exit_code == 0
    assert not runs(prefix) and (prefix / "pipx_metadata.json").read_bytes() == metadata


def test_a_pipx_venv_whose_main_package_cannot_be_rebuilt_is_not_tried(tmp_path: Path) -> None:
    world, prefix = pipx_world(tmp_path)
    os.unlink(site_of(prefix) / "app.py")
    os.unlink(tmp_path / "wheels" / "app-1.0-py3-none-any.whl")
    result = ainlp.fix(world=world, apply=True)
    (step,) = [s for s in steps(result) if s["strategy"] == "rebuild"]
    assert step["blocked"] and "pipx reinstall app" in str(step["blocked"])
    assert result.data["applied"] == [] and (prefix / "pipx_metadata.json").is_file()


def test_a_healthy_pipx_venv_is_left_alone(tmp_path: Path) -> None:
    world, prefix = pipx_world(tmp_path, broken=False)
    result = ainlp.fix(world=world, apply=True)
    assert not [s for s in steps(result) if s["strategy"] == "rebuild"]
    assert runs(prefix)


# -- conda ----------------------------------------------------------------------------------

URL = "https://conda.anaconda.org/conda-forge/linux-64"


def conda_world(tmp_path: Path, *, broken: bool = True,
                conda: bool = False) -> tuple[World, Path]:
    """A conda environment made with `-p` (listed in ~/.conda/environments.txt) whose
    bin/python links to an interpreter that is gone (when `broken`)."""
    python = python_of(MINOR)
    prefix = tmp_path / "home" / "envs" / "ds"
    meta = prefix / "conda-meta"
    for name, version, build in (("python", "3.12.1", "h1_0_cpython"),
                                 ("numpy", "1.26.4", "py312h1_0")):
        record = {"name": name, "version": version, "build": build, "channel": URL,
                  "url": f"{URL}/{name}-{version}-{build}.conda"}
        write(meta / f"{name}-{version}-{build}.json", json.dumps(record))
    write(meta / "history", "==> 2024-01-01 <==\n# cmd: conda create -p ds python=3.12\n"
                            "# update specs: ['python=3.12', 'numpy']\n")
    (prefix / "bin").mkdir(parents=True)
    gone = tmp_path / "gone" / f"python{MINOR}"
    (prefix / "bin" / "python").symlink_to(gone if broken else python)
    write(tmp_path / "home" / ".conda" / "environments.txt", f"{prefix}\n")
    world = world_for(tmp_path, python)
    if conda:
        tools = tmp_path / "tools"
        write(tools / "conda", FAKE_CONDA.format(python=python), mode=0o755)
        world = replace(world, env={**world.env,
                                    "PATH": f"{world.env['PATH']}:{tools}:/usr/bin:/bin"})
    (tmp_path / "home" / "proj").mkdir(parents=True, exist_ok=True)
    return world, prefix


# a stand-in for `conda create -y -p PREFIX --file LIST`: records the list, links python
FAKE_CONDA = """#!/bin/sh
[ "$1" = create ] || exit 2
prefix="$4"; list="$6"
mkdir -p "$prefix/conda-meta" "$prefix/bin"
cp "$list" "$prefix/conda-meta/created-from.txt"
printf '{{"name": "python", "version": "3.12.1", "build": "h1_0", "channel": "x"}}' \\
  > "$prefix/conda-meta/python-3.12.1-h1_0.json"
: > "$prefix/conda-meta/history"
ln -s {python} "$prefix/bin/python"
"""


def test_without_conda_the_step_says_what_a_person_runs(tmp_path: Path) -> None:
    world, prefix = conda_world(tmp_path)
    assert "env.dangling-interpreter" in finding_ids(world)
    result = ainlp.fix(world=world, apply=True)
    (step,) = [s for s in steps(result) if s["strategy"] == "rebuild"]
    assert step["blocked"] and "conda (or mamba) is not installed" in str(step["blocked"])
    notes = [str(n) for n in step["notes"]]  # type: ignore[union-attr]
    assert any(n.startswith("save these 3 line(s) as specs.txt: @EXPLICIT | ") for n in notes)
    assert f"conda create -y -p {prefix} --file specs.txt" in notes
    assert result.data["applied"] == [] and (prefix / "conda-meta").is_dir()


def test_history_specs_when_conda_meta_has_no_urls(tmp_path: Path) -> None:
    from ainlp.core.recovery.strategies.kinds import conda_list, history_specs

    history = write(tmp_path / "history",
                    "# update specs: ['python=3.11', 'numpy']\n# update specs: ['pandas']\n"
                    "# remove specs: ['numpy']\n")
    assert history_specs(history) == ["python=3.11", "pandas"]
    write(tmp_path / "env" / "conda-meta" / "python-3.11.0-h_0.json", '{"name": "python"}')
    shutil.copy(history, tmp_path / "env" / "conda-meta" / "history")
    assert conda_list(tmp_path / "env") == (["python=3.11", "pandas"],
                                            "the specs conda-meta/history records")


def test_with_conda_the_environment_is_recreated_by_conda(tmp_path: Path) -> None:
    world, prefix = conda_world(tmp_path, conda=True)
    (step,) = runnable(ainlp.fix(world=world))
    assert step["strategy"] == "rebuild" and "conda create -p" in str(step["does"])
    result = ainlp.fix(world=world, apply=True)
    assert result.data["failed"] == [], result.messages
    assert result.data["applied"] == ["s1"]
    listed = (prefix / "conda-meta" / "created-from.txt").read_text().split()
    assert listed == ["@EXPLICIT", f"{URL}/numpy-1.26.4-py312h1_0.conda",
                      f"{URL}/python-3.12.1-h1_0_cpython.conda"]
    assert runs(prefix, "import sys")
    assert "env.dangling-interpreter" not in finding_ids(world)
    assert ainlp.undo(apply=True, world=world).exit_code == 0
    assert not runs(prefix, "import sys") and not (prefix / "conda-meta" /
                                                   "created-from.txt").exists()


def test_a_healthy_conda_environment_is_left_alone(tmp_path: Path) -> None:
    world, prefix = conda_world(tmp_path, broken=False, conda=True)
    result = ainlp.fix(world=world, apply=True)
    assert not [s for s in steps(result) if s["strategy"] == "rebuild"]
    assert runs(prefix, "import sys")
