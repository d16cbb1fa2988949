"""Our static reading against the environment's own pip, in a real venv made with pip."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ainlp.core.discovery.resolve import classify
from ainlp.core.discovery.select import select_environments
from ainlp.core.packages import check, installed_distributions, marker_environment
from ainlp.core.packages.metadata import normalized_version
from ainlp.core.packages.tags import tag_context

from tests.conftest import make_world, real_pythons
from tests.test_packages_worlds import make_dist, make_egg_info


@pytest.fixture(scope="session")
def pip_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real venv with pip (ensurepip, offline), made once per session."""
    prefix = tmp_path_factory.mktemp("pipvenv") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(prefix)], check=True, timeout=180,
                   capture_output=True)
    return prefix


def _pip(prefix: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON"))}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return subprocess.run([str(prefix / "bin" / "python"), "-m", "pip", *args], cwd=prefix,
                          capture_output=True, text=True, timeout=120, env=env)


def _pip_list(prefix: Path) -> list[dict[str, str]]:
    done = _pip(prefix, "list", "--format", "json")
    assert done.returncode == 0, done.stderr
    listed: list[dict[str, str]] = json.loads(done.stdout)
    return listed


def _ours(tmp_path: Path, prefix: Path) -> tuple[list[dict[str, str]], list[str], int]:
    world = make_world(tmp_path)
    record = classify(prefix, "test")
    installed = installed_distributions(world, record)
    listed = []
    for dist in installed.distributions:
        item = {"name": dist.name or "", "version": dist.version or ""}
        if dist.editable_location is not None:
            item["editable_project_location"] = str(dist.editable_location)
        listed.append(item)
    result = check(installed.distributions, marker_environment(world, record),
                   tag_context(world, record))
    return listed, result.pip_lines, 0 if result.ok else 1


def _pip_check(prefix: Path) -> tuple[list[str], int]:
    done = _pip(prefix, "check")
    lines = [line for line in done.stdout.splitlines()
             if line and line != "No broken requirements found."]
    return lines, done.returncode


def test_fresh_venv_matches_pip(pip_venv: Path, tmp_path: Path) -> None:
    listed, lines, code = _ours(tmp_path, pip_venv)
    assert listed == _pip_list(pip_venv)
    assert (sorted(lines), code) == (lambda p: (sorted(p[0]), p[1]))(_pip_check(pip_venv))
    assert any(item["name"] == "pip" for item in listed)


def test_conflicts_extras_markers_and_editables_match_pip(pip_venv: Path, tmp_path: Path) -> None:
    prefix = tmp_path / "venv"
    shutil.copytree(pip_venv, prefix, symlinks=True)
    site = next((prefix / "lib").glob("python3.*/site-packages"))
    make_dist(site, "App_One", "1.0", extras=["fast"], requires=[
        "lib-two>=2.0", "missing-dep", 'speedup; extra == "fast"',
        'tomli; python_version < "3.8"', 'winonly; sys_platform == "win32"',
        'newpy>=1; python_version >= "3.8"', "pip>=1", "Lib_Two[fast]"])
    make_dist(site, "lib-two", "1.9", requires=['lib-three==1.*; extra == "fast"', "lib-three<2"])
    make_dist(site, "lib-three", "2.0.0rc1")
    make_dist(site, "newpy", "0.5")
    source = tmp_path / "src" / "edit"
    source.mkdir(parents=True)
    make_dist(site, "edit-me", "0.1.dev0", requires=["gone-too"],
              direct_url={"url": source.as_uri(), "dir_info": {"editable": True}},
              files={"__editable__.edit_me-0.1.dev0.pth": f"{source}\n"})
    develop = tmp_path / "src" / "legacy"
    make_egg_info(develop, "legacy-dev", "3.0", requires_txt="newpy>=1\n[extra]\nnothere\n")
    (site / "easy-install.pth").write_text(f"{develop}\n")
    (site / "legacy-dev.egg-link").write_text(f"{develop}\n.\n")
    linked_only = tmp_path / "src" / "linked"
    make_egg_info(linked_only, "linked-only", "0.2", requires_txt="absent-too\n")
    (site / "linked-only.egg-link").write_text(f"{linked_only}\n.\n")
    egg = site / "old_egg-1.0-py3.11.egg"
    (egg / "EGG-INFO").mkdir(parents=True)
    (egg / "EGG-INFO" / "PKG-INFO").write_text("Metadata-Version: 1.1\nName: old-egg\n"
                                               "Version: 1.0\n")
    (egg / "EGG-INFO" / "requires.txt").write_text("lib-two>=5\n")
    listed, lines, code = _ours(tmp_path, prefix)
    assert listed == _pip_list(prefix)
    pip_lines, pip_code = _pip_check(prefix)
    assert (sorted(lines), code) == (sorted(pip_lines), pip_code)
    assert code == 1 and len(lines) == 8


def test_real_pip_venv_has_no_package_finding(pip_venv: Path, tmp_path: Path) -> None:
    from ainlp.core.discovery.records import Inventory
    from ainlp.core.health import CheckContext, checks

    record = classify(pip_venv, "test")
    ctx = CheckContext(make_world(tmp_path), Inventory((record,), 0.0, "off"))
    specs = [spec for spec in checks().values() if spec.id.startswith("packages.")]
    assert len(specs) >= 8
    assert [f for spec in specs for f in spec.func(ctx)] == []


@pytest.mark.slow
@pytest.mark.parametrize("python", real_pythons(), ids=lambda p: p.parent.parent.name)
def test_machine_pythons_match_their_pip(python: Path, tmp_path: Path) -> None:
    """Each of the machine's Pythons (read only: no byte-code written) against its own pip."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON"))}
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", PYTHONDONTWRITEBYTECODE="1")
    listed = subprocess.run([str(python), "-m", "pip", "list", "--format", "json"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120, env=env)
    if listed.returncode != 0:
        pytest.skip(f"{python} has no working pip")
    checked = subprocess.run([str(python), "-m", "pip", "check"], cwd=tmp_path,
                             capture_output=True, text=True, timeout=120, env=env)
    world = make_world(tmp_path)
    (record,) = select_environments(world, None, str(python))
    installed = installed_distributions(world, record)
    ours = {(d.name, normalized_version(d.version)) for d in installed.distributions}
    assert ours == {(p["name"], p["version"]) for p in json.loads(listed.stdout)}
    result = check(installed.distributions, marker_environment(world, record),
                   tag_context(world, record))
    pip_lines = sorted(line for line in checked.stdout.splitlines()
                       if line and line != "No broken requirements found.")
    assert sorted(result.pip_lines) == pip_lines


@pytest.fixture(scope="session")
def new_pip_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv of a Python whose bundled pip (24.1+) also checks wheel tags."""
    newest = next((p for p in real_pythons() if p.parent.parent.name.startswith("3.13")), None)
    if newest is None:
        pytest.skip("no Python 3.13 on this machine (its ensurepip brings pip 24.x)")
    prefix = tmp_path_factory.mktemp("newpip") / "venv"
    subprocess.run([str(newest), "-m", "venv", str(prefix)], check=True, timeout=180,
                   capture_output=True)
    return prefix


def test_unsupported_wheels_match_new_pip(new_pip_venv: Path, tmp_path: Path) -> None:
    from packaging.tags import platform_tags

    native = next(iter(platform_tags()))
    prefix = tmp_path / "venv"
    shutil.copytree(new_pip_venv, prefix, symlinks=True)
    site = next((prefix / "lib").glob("python3.*/site-packages"))
    make_dist(site, "native-ext", "1.0", wheel_tags=[f"cp313-cp313-{native}"])
    make_dist(site, "stable-abi", "1.0", wheel_tags=[f"cp38-abi3-{native}"])
    make_dist(site, "pure", "1.0", wheel_tags=["py2.py3-none-any"])
    make_dist(site, "left-from-311", "2.0", wheel_tags=[f"cp311-cp311-{native}"])
    make_dist(site, "other-os", "1.0", wheel_tags=["cp313-cp313-win_amd64", "cp313-cp313-"
                                                   "macosx_11_0_arm64"])
    make_dist(site, "needs-more", "1.0", requires=["pure>=2"], wheel_tags=["py3-none-any"])
    listed, lines, code = _ours(tmp_path, prefix)
    assert listed == _pip_list(prefix)
    pip_lines, pip_code = _pip_check(prefix)
    assert (sorted(lines), code) == (sorted(pip_lines), pip_code)
    assert len(lines) == 3
