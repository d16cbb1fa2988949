"""Rebuilding real environments from snapshots, with uv and with the python -m venv / pip path."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import pytest
from ainlp.core.discovery.resolve import classify
from ainlp.core.envsnap import (
    BuildFailed,
    EnvSnapshot,
    Tool,
    build_wheelhouse,
    capture,
    create_venv,
    diff,
    recreate,
)
from ainlp.core.errors import BadInput, NotAvailable
from ainlp.core.process import Completed, run_process
from ainlp.core.world import World

from tests.conftest import make_world, real_pythons
from tests.wheelhouse import installer_env, sh, uv_binary, write_project, write_wheels

PINS = [("alpha", "1.0"), ("beta-pkg", "2.1.0"), ("Gamma_Lib", "0.3"), ("delta", "4.0.post1")]
PYTHON = real_pythons()[0]


def pyenv_python(minor: str) -> Path:
    found = sorted((Path.home() / ".pyenv" / "versions").glob(f"{minor}.*/bin/python{minor}"))
    if not found:
        pytest.skip(f"no Python {minor} on this machine")
    return found[-1]


def ensurepip_wheels(python: Path) -> Path:
    """The pip wheel an interpreter bundles: seeding pip needs no index."""
    return next((python.parent.parent / "lib").glob("python3.*/ensurepip/_bundled"))


def old_env(tmp_path: Path, pins: Sequence[tuple[str, str]] = PINS, *, python: Path = PYTHON,
            with_pip: bool = False, extra: Sequence[str] = ()) -> tuple[World, Path, Path]:
    """A world, a venv at tmp_path/env holding `pins` (+ `extra` args), and their wheel folder."""
    env = installer_env(tmp_path)
    wheels = tmp_path / "wheels"
    write_wheels(wheels, pins)
    prefix = tmp_path / "env"
    seed = ["--seed", "--no-index", "--find-links", ensurepip_wheels(python)] if with_pip else []
    sh([uv_binary(), "venv", "--no-project", "--python", python, *seed, prefix], env)
    sh([uv_binary(), "pip", "install", "--python", prefix / "bin" / "python", "--no-index",
        "--find-links", wheels, *(f"{n}=={v}" for n, v in pins), *extra], env)
    return make_world(tmp_path, env=env), prefix, wheels


def dist_set(world: World, prefix: Path) -> set[tuple[str, str]]:
    return {(p.canonical_name, p.version)
            for p in capture(world, classify(prefix, "test")).distributions}


def snapshot_and_remove(world: World, prefix: Path) -> tuple[EnvSnapshot, set[tuple[str, str]]]:
    snap = capture(world, classify(prefix, "test"))
    before = dist_set(world, prefix)
    shutil.rmtree(prefix)
    return snap, before


@pytest.mark.parametrize("tool", ["uv", pytest.param("pip", marks=pytest.mark.slow)])
def test_recreate_restores_exactly_the_same_distributions(tmp_path: Path, tool: Tool) -> None:
    python = PYTHON if tool == "uv" else pyenv_python("3.11")  # 3.11's venv seeds setuptools
    world, prefix, wheels = old_env(tmp_path, python=python)
    snap, before = snapshot_and_remove(world, prefix)
    assert len(before) == 4 and not snap.has_pip

    result = recreate(world, snap, prefix=prefix, python=python, find_links=[wheels], tool=tool)

    assert result.tool == tool and result.complete
    assert dist_set(world, prefix) == before  # nothing more: no pip, no setuptools
    assert sorted(result.installed) == sorted(n for n, _ in before)
    assert (prefix / "bin" / "alpha-cli").exists()
    assert diff(snap, capture(world, classify(prefix, "test"))).empty


def test_wheels_rebuilt_from_the_environment_restore_it_pip_included(tmp_path: Path) -> None:
    world, prefix, wheels = old_env(tmp_path, with_pip=True)
    shutil.rmtree(wheels)  # only the environment itself is left to rebuild from
    house = build_wheelhouse(world, classify(prefix, "test"), tmp_path / "house")
    assert not house.skipped
    snap, before = snapshot_and_remove(world, prefix)
    assert snap.has_pip and ("pip", snap.by_name()["pip"].version) in before

    result = recreate(world, snap, prefix=prefix, python=PYTHON, find_links=[tmp_path / "house"])

    assert result.tool == "uv"
    assert dist_set(world, prefix) == before
    ran = subprocess.run([str(prefix / "bin" / "python"), "-m", "pip", "--version"],
                         capture_output=True, text=True, timeout=60, env=installer_env(tmp_path))
    assert ran.returncode == 0


def test_editable_install_is_recorded_and_reinstalled_from_its_folder(tmp_path: Path) -> None:
    source = write_project(tmp_path / "src" / "edit-me", "edit-me", "0.5")
    world, prefix, wheels = old_env(tmp_path, PINS[:2], extra=["-e", str(source)])
    snap, before = snapshot_and_remove(world, prefix)
    assert snap.by_name()["edit-me"].editable_source == source

    result = recreate(world, snap, prefix=prefix, python=PYTHON, find_links=[wheels])

    assert dist_set(world, prefix) == before
    again = capture(world, classify(prefix, "test")).by_name()["edit-me"]
    assert again.editable_source == source
    ran = subprocess.run([str(prefix / "bin" / "python"), "-c", "import edit_me; "
                          "print(edit_me.__file__)"], capture_output=True, text=True, timeout=60)
    assert ran.stdout.strip() == str(source / "edit_me.py")
    assert result.complete


def test_editable_whose_folder_is_gone_is_reported_not_installed(tmp_path: Path) -> None:
    source = write_project(tmp_path / "src" / "edit-me", "edit-me", "0.5")
    world, prefix, wheels = old_env(tmp_path, PINS[:1], extra=["-e", str(source)])
    snap, _ = snapshot_and_remove(world, prefix)
    shutil.rmtree(source)

    result = recreate(world, snap, prefix=prefix, python=PYTHON, find_links=[wheels])

    assert not result.complete
    assert [s.name for s in result.skipped] == ["edit-me"]
    assert str(source) in result.skipped[0].reason
    assert dist_set(world, prefix) == {("alpha", "1.0")}


def test_missing_wheel_is_named_before_anything_is_created(tmp_path: Path) -> None:
    world, prefix, wheels = old_env(tmp_path)
    snap, _ = snapshot_and_remove(world, prefix)
    (wheels / "gamma_lib-0.3-py3-none-any.whl").unlink()

    with pytest.raises(BuildFailed) as caught:
        recreate(world, snap, prefix=prefix, python=PYTHON, find_links=[wheels])

    assert caught.value.failed == ("gamma-lib",)
    assert "Gamma_Lib==0.3" in caught.value.message
    assert not prefix.exists()


@pytest.mark.parametrize("tool", ["uv", pytest.param("pip", marks=pytest.mark.slow)])
def test_a_distribution_that_fails_to_install_leaves_no_half_folder(tmp_path: Path,
                                                                    tool: Tool) -> None:
    world, prefix, wheels = old_env(tmp_path)
    snap, _ = snapshot_and_remove(world, prefix)
    (wheels / "beta_pkg-2.1.0-py3-none-any.whl").write_bytes(b"not a zip file")
    shutil.rmtree(tmp_path / "cache")  # uv would reuse the good wheel it cached

    with pytest.raises(BuildFailed) as caught:
        recreate(world, snap, prefix=prefix, python=PYTHON, find_links=[wheels], tool=tool)

    assert caught.value.failed == ("beta-pkg",)
    assert caught.value.output  # the installer's last lines
    assert not prefix.exists()


def test_python2_cannot_be_rebuilt_and_says_why(tmp_path: Path) -> None:
    python2 = pyenv_python("2.7")
    world, prefix, wheels = old_env(tmp_path, PINS[:1])
    snap, _ = snapshot_and_remove(world, prefix)
    snap = replace(snap, interpreter=replace(snap.interpreter, version="2.7.18"))

    with pytest.raises(NotAvailable, match="virtualenv"):
        recreate(world, snap, prefix=prefix, python=python2, find_links=[wheels])
    with pytest.raises(NotAvailable, match=r"Python 2\.7\.18"):
        create_venv(world, prefix, python2, seed_pip=False)
    assert not prefix.exists()


def test_an_existing_folder_is_refused(tmp_path: Path) -> None:
    world, prefix, wheels = old_env(tmp_path, PINS[:1])
    snap = capture(world, classify(prefix, "test"))
    with pytest.raises(BadInput, match="already exists"):
        recreate(world, snap, prefix=prefix, python=PYTHON, find_links=[wheels])
    assert dist_set(world, prefix) == {("alpha", "1.0")}


@pytest.mark.parametrize(("tool", "seed"), [("uv", False), ("uv", True), ("pip", False)])
def test_create_venv(tmp_path: Path, tool: Tool, seed: bool) -> None:
    world = make_world(tmp_path, env=installer_env(tmp_path))
    created = create_venv(world, tmp_path / "new", PYTHON, seed_pip=seed, tool=tool,
                          find_links=[ensurepip_wheels(PYTHON)], offline=True)
    assert created.tool == tool and created.executable.exists()
    names = {n for n, _ in dist_set(world, tmp_path / "new")}
    assert ("pip" in names) is seed


def _uv_fails_to_start(argv: Sequence[str], *, timeout: float = 2.0,
                       env: Mapping[str, str] | None = None, cwd: str | None = None) -> Completed:
    if Path(argv[0]).name == "uv":
        return Completed(tuple(argv), None, "", "", start_error="OSError: Exec format error")
    return run_process(argv, timeout=timeout, env=env, cwd=cwd)


def test_without_a_working_uv_the_pip_path_is_taken(tmp_path: Path) -> None:
    world = replace(make_world(tmp_path, env=installer_env(tmp_path)), run=_uv_fails_to_start)
    with pytest.raises(NotAvailable, match="uv cannot run"):
        create_venv(world, tmp_path / "a", PYTHON, seed_pip=False, tool="uv")
    created = create_venv(world, tmp_path / "b", PYTHON, seed_pip=False)
    assert created.tool == "pip"



def test_plan_turns_origins_into_installer_arguments(tmp_path: Path) -> None:
    from ainlp.core.envsnap import Origin, Package
    from ainlp.core.envsnap.recreate import local_files, plan

    archive = write_wheels(tmp_path / "elsewhere", [("local-arch", "1.0")])[0]
    write_wheels(tmp_path / "house", [("at-hand", "3.0")])
    git = Origin("https://example.org/r.git", vcs="git", commit="abc", subdirectory="sub")
    packages = [
        Package("plain", "1.0"),
        Package("from-git", "2.0", origin=git),
        Package("at-hand", "3.0", origin=git),
        Package("local-arch", "1.0", origin=Origin(archive.as_uri())),
        Package("gone-arch", "1.0", origin=Origin((tmp_path / "gone.whl").as_uri())),
        Package("edit", "0.1", editable_source=tmp_path),
        Package("edit-gone", "0.1", editable_source=tmp_path / "nowhere"),
    ]
    available = local_files([tmp_path / "house"])
    online, skipped = plan(packages, available, offline=False)
    assert [r.args for r in online] == [
        ("plain==1.0",),
        ("from-git @ git+https://example.org/r.git@abc#subdirectory=sub",),
        ("at-hand==3.0",),
        (f"local-arch @ {archive.as_uri()}",),
        ("gone-arch==1.0",),
        ("-e", str(tmp_path)),
    ]
    assert [s.name for s in skipped] == ["edit-gone"]
    offline, _ = plan(packages, available, offline=True)
    assert offline[1].args == ("from-git==2.0",)
