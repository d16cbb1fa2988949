"""A peer's test suite: every case of PET's fixtures (../shared/fixtures/pet) through our engine.

Each case's fixture tree is copied into tmp_path first, and the world is built from the
case's `how`. Keys an `expect` entry holds were asserted by PET and are asserted here;
where we deliberately differ (the case's `pet_specific`), the difference is written down
next to the check that encodes it.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from ainlp.core.discovery import discover, static
from ainlp.core.discovery.locators import all_locators
from ainlp.core.discovery.locators.conda import conda_record
from ainlp.core.discovery.locators.conda_meta import (
    conda_binary_on_path,
    conda_envs_of_install,
    conda_install_of,
    conda_package,
    find_conda_manager,
    install_of_tool,
    is_conda_env,
    is_conda_install,
    mamba_binary_on_path,
)
from ainlp.core.discovery.locators.condarc import read_condarc
from ainlp.core.discovery.locators.pyenv import find_pyenv_executable, pyenv_root
from ainlp.core.discovery.locators.tools_config import read_poetry_config
from ainlp.core.discovery.records import EnvKind, EnvRecord, Manager
from ainlp.core.discovery.resolve import classify, real
from ainlp.core.process import run_process
from ainlp.core.versions import PyVersion
from ainlp.core.world import World

PET = Path(__file__).resolve().parent.parent.parent / "shared" / "fixtures" / "pet"


@cache
def _cases() -> dict[str, dict[str, Any]]:
    import yaml

    data = yaml.safe_load((PET / "expected.yaml").read_text(encoding="utf-8"))
    return {case["id"]: case for case in data["cases"]}


def _case_ids() -> list[str]:
    # ids are read at collection; without ../shared the one placeholder skips via shared_dir
    if not (PET / "expected.yaml").is_file():
        return ["pet-fixtures-absent"]
    return list(_cases())


# ------------------------------------------------------------------ worlds --

def copy_tree(source: Path, target: Path) -> None:
    """Copy a fixture tree writable (the shared copy is read-only), modes not copied: the
    fake binaries stay non-executable, as in PET's baseline."""
    for folder, dirs, files in os.walk(source):
        here = target / Path(folder).relative_to(source)
        here.mkdir(parents=True, exist_ok=True)
        for name in files:
            shutil.copyfile(Path(folder) / name, here / name)
        dirs.sort()


def _placeholder(text: str, fixture: Path) -> Path:
    return Path(text.replace("<F>", str(fixture)))


def build_world(case: dict[str, Any], fixture: Path, tmp_path: Path, **overrides: str) -> World:
    how: dict[str, Any] = case.get("how") or {}
    home = _placeholder(how["HOME"], fixture) if "HOME" in how else tmp_path / "empty_home"
    home.mkdir(parents=True, exist_ok=True)
    env = {"HOME": str(home), "PATH": ""}
    if "PATH" in how:
        env["PATH"] = str(_placeholder(how["PATH"], fixture))
    for var in ("CONDA_ROOT", "POETRY_CONFIG_DIR"):
        if var in how:
            env[var] = str(_placeholder(how[var], fixture))
    env.update(overrides)
    root = _placeholder(how["ROOT"], fixture) if "ROOT" in how else tmp_path / "empty_root"
    return World(root=root, home=home, env=env, cwd=home, run=run_process, platform="linux",
                 state_dir_override=tmp_path / "state")


def _setup(case: dict[str, Any], fixture: Path) -> None:
    """conda_hist: the history names its install by absolute path, so PET writes it per run."""
    if "setup" not in (case.get("how") or {}):
        return
    meta = fixture / "env_python_3" / "conda-meta"
    install = fixture / "some_other_location" / "conda_install"
    template = (meta / "history_template").read_text(encoding="utf-8")
    (meta / "history").write_text(template.replace("<CONDA_INSTALL>", str(install)), "utf-8")


@pytest.fixture
def pet_case(request: pytest.FixtureRequest, shared_dir: Path,
             tmp_path: Path) -> tuple[dict[str, Any], Path]:
    case = _cases()[request.param]
    fixture = tmp_path / "fixture"
    copy_tree(shared_dir / "fixtures" / "pet" / case["fixture"], fixture)
    fixture = real(fixture)
    _setup(case, fixture)
    return case, fixture


# ------------------------------------------------------------- comparisons --

def _path(fixture: Path, rel: str | None) -> Path | None:
    return None if rel is None else real(fixture / rel) if rel != "." else fixture


def _manager(fixture: Path, spec: dict[str, Any] | None) -> Manager | None:
    if spec is None:
        return None
    version = spec["version"]
    return Manager(spec["tool"], _path(fixture, spec["executable"]),
                   PyVersion(version) if version is not None else None)


def _named_manager(case: dict[str, Any], fixture: Path, tool: str) -> Manager | None:
    for spec in case.get("managers") or []:
        if spec["tool"] == tool:
            return _manager(fixture, spec)
    raise AssertionError(f"case names manager {tool!r} without describing it")


def check_record(record: EnvRecord, expected: dict[str, Any], case: dict[str, Any],
                 fixture: Path) -> None:
    """Every key PET asserted, and only those."""
    where = expected.get("prefix", "?")
    for key, want in expected.items():
        if key == "kind":
            assert record.kind.value == want, (where, key)
        elif key == "prefix":
            assert record.prefix == _path(fixture, want), (where, key)
        elif key == "executable":
            assert record.executable == _path(fixture, want), (where, key)
        elif key == "version":
            assert record.version == (PyVersion(want) if want is not None else None), (
                where, key, record.version)
        elif key in ("name", "arch"):
            assert getattr(record, key) == want, (where, key, getattr(record, key))
        elif key == "manager":
            wanted = (_named_manager(case, fixture, want) if isinstance(want, str)
                      else _manager(fixture, want))
            assert record.manager == wanted, (where, key, record.manager)
        elif key == "conda_dir":
            assert conda_install_of(record.prefix) == _path(fixture, want), (where, key)
        else:
            raise AssertionError(f"unscored key {key!r} in the expectation of {where}")


def _by_prefix(records: Iterable[EnvRecord]) -> dict[Path, EnvRecord]:
    return {record.prefix: record for record in records}


class _Given:
    """A locator that sees one interpreter, as a user or an editor would hand it to us."""

    name = "given"

    def __init__(self, prefix: Path, executable: Path) -> None:
        self.prefix, self.executable = prefix, executable

    def locate(self, world: World) -> Iterator[EnvRecord]:
        versions = pyenv_root(world) / "versions"
        yield classify(self.prefix, self.name, executable=self.executable,
                       pyenv_versions=real(versions), platform=world.platform)


def resolve(world: World, prefix: Path, executable: Path) -> EnvRecord:
    """Identify one interpreter with the whole engine: what every locator adds is merged in
    (pyenv's manager, conda's), exactly as `ainlp find` would report it."""
    inventory = discover(world, use_cache=False,
                         locators=[*all_locators(), _Given(prefix, executable)])
    return _by_prefix(inventory.environments)[real(prefix)]


# ------------------------------------------------------------------ modes --

def run_discover(case: dict[str, Any], fixture: Path, world: World) -> None:
    inventory = discover(world, use_cache=False)
    found = _by_prefix(inventory.environments)
    for expected in case["expect"]:
        prefix = _path(fixture, expected["prefix"])
        assert prefix in found, f"{expected['prefix']} not discovered"
        check_record(found[prefix], expected, case, fixture)
    if case.get("exhaustive"):
        wanted = {_path(fixture, e["prefix"]) for e in case["expect"]}
        extra = [r for r in inventory.environments if r.prefix not in wanted]
        # pet_specific: PET reports a conda install under pyenv only when it finds bin/conda
        # there. We report every such install (as conda, with its version and no manager):
        # it is a Python on the machine and `ainlp find` is meant to list them all.
        versions = real(pyenv_root(world) / "versions")
        unexplained = [r.prefix for r in extra
                       if not (r.kind is EnvKind.CONDA and r.prefix.parent == versions
                               and r.manager is None and not (r.prefix / "bin" / "conda").exists())]
        assert unexplained == []
    if "managers" in case:
        seen = {r.manager for r in inventory.environments if r.manager is not None}
        pyenv = find_pyenv_executable(world)
        if pyenv is not None:
            # a pyenv without versions manages nothing yet, but it is installed
            seen.add(Manager("pyenv", pyenv))
        assert seen == {_manager(fixture, spec) for spec in case["managers"]}


def run_resolve(case: dict[str, Any], fixture: Path, world: World) -> None:
    for entry in case["expect"]:
        given = entry["input"]
        prefix, executable = _path(fixture, given["prefix"]), _path(fixture, given["executable"])
        assert prefix is not None and executable is not None
        check_record(resolve(world, prefix, executable), entry["result"], case, fixture)


def _asserted_package_versions(case: dict[str, Any]) -> dict[str, str]:
    """"conda package 23.1.0, python package 3.10.9" in also_asserted, as PET's tests state."""
    text = " ".join(case.get("also_asserted") or [])
    return dict(re.findall(r"\b(conda|python) package (?:version )?(\d+(?:\.\d+)+)", text))


def run_inspect_conda(case: dict[str, Any], fixture: Path, world: World) -> None:
    for expected in case["expect"]:
        prefix = _path(fixture, expected["prefix"])
        assert prefix is not None and is_conda_env(prefix)
        if set(expected) <= {"prefix", "version"}:
            # only the python package was asserted (no interpreter in the fixture)
            package = conda_package(prefix, "python")
            assert package is not None and package.version == PyVersion(expected["version"])
            continue
        check_record(conda_record(prefix, "inspect"), expected, case, fixture)
    for name, version in _asserted_package_versions(case).items():
        package = conda_package(fixture, name)
        assert package is not None and package.version == PyVersion(version), name
    if "is_conda_install" in " ".join(case.get("also_asserted") or []):
        assert is_conda_install(fixture)
    if case.get("exhaustive"):
        _check_conda_listing(case, fixture, world)
    _check_conda_managers(case, fixture)
    _check_binaries_on_path(case, fixture, world)


def _check_conda_listing(case: dict[str, Any], fixture: Path, world: World) -> None:
    wanted = sorted(p for e in case["expect"] if (p := _path(fixture, e["prefix"])) is not None)
    assert sorted(conda_envs_of_install(fixture)) == wanted
    for child in wanted[1:]:
        # from any env of the install, its install and so the same full listing
        assert not is_conda_install(child)
        install = conda_install_of(child)
        assert install is not None and sorted(conda_envs_of_install(install)) == wanted
    # end to end: the install reached only through PATH, HOME empty
    inventory = discover(world, use_cache=False)
    assert sorted(r.prefix for r in inventory.environments) == wanted
    assert all(r.kind is EnvKind.CONDA for r in inventory.environments)


def _check_conda_managers(case: dict[str, Any], fixture: Path) -> None:
    specs = case.get("managers") or []
    if not specs:
        return
    assert len(specs) == 1
    wanted = _manager(fixture, specs[0])
    assert find_conda_manager(fixture) == wanted
    for env in conda_envs_of_install(fixture)[1:]:
        # the envs of the install share its manager (PET asserts tool and executable there)
        manager = find_conda_manager(env)
        assert manager is not None and wanted is not None
        assert (manager.tool, manager.executable) == (wanted.tool, wanted.executable)


def _check_binaries_on_path(case: dict[str, Any], fixture: Path, world: World) -> None:
    for key, lookup in (("conda_binary_on_path", conda_binary_on_path),
                        ("mamba_binary_on_path", mamba_binary_on_path)):
        for setting, rel in (case.get(key) or {}).items():
            path = _placeholder(setting.removeprefix("PATH="), fixture)
            there = world.with_env(PATH=str(path))
            found = lookup(there)
            assert found == _path(fixture, rel), (key, setting)
            if key == "conda_binary_on_path":
                assert found is not None and install_of_tool(found) == fixture
    if "conda_binary_on_path" in case and "mamba_binary_on_path" not in case:
        assert mamba_binary_on_path(world) is None  # "no mamba binary when PATH=<F>/bin"


def run_inspect_static(case: dict[str, Any], fixture: Path) -> None:
    for expected in case.get("expect") or []:
        prefix = _path(fixture, expected["prefix"])
        assert prefix is not None
        want = expected["version"]
        if case["id"] == "prefix-version-pyvenv-cfg" and want is not None:
            # pet_specific: PET returns hatch_env's version_info raw ("3.9.6.final.0");
            # we report the version it means, "3.9.6", like every other version we give.
            want = static.normalise_version_info(want)
        # PET asserts the same answer for a prefix and for its bin/ folder
        for given in (prefix, prefix / "bin"):
            found = static.static_version(static.prefix_of_bin_dir(given))
            assert (found.version.text if found else None) == want, given
    for rel, executables in (case.get("expect_executables") or {}).items():
        listed = static.python_executables(fixture / rel / "bin")
        assert sorted(listed) == sorted(real(fixture / e) for e in executables), rel


def run_config(case: dict[str, Any], fixture: Path, world: World) -> None:
    expect = case["expect_config"]
    if case["id"].startswith("condarc"):
        rc = read_condarc(world)
        dirs = [str(d) for d in rc.envs_dirs]
        if "conda_envs_dirs_exact" in expect:
            assert dirs == expect["conda_envs_dirs_exact"]
        for wanted in expect.get("conda_envs_dirs_contain") or []:
            assert wanted in dirs
        if "condarc" in expect:
            assert expect["condarc"] is None and rc.files == ()
        return
    project = case["how"].get("project_dir")
    config = read_poetry_config(world, _placeholder(project, fixture) if project else None)
    assert config.file == _path(fixture, expect["file"])
    assert config.virtualenvs_in_project is expect["virtualenvs_in_project"]
    if project is None:
        assert str(config.virtualenvs_path) == expect["virtualenvs_path"]
    else:
        # pet_specific: PET reads project_dir/poetry.toml alone, so its path is
        # "/directory" (the local cache-dir) + "virtualenvs". Poetry merges the local file
        # over the global config.toml, whose explicit virtualenvs.path stays in force: we
        # answer as Poetry does, and score file and in-project strictly (as the case says).
        assert expect["virtualenvs_path"] == "/directory/virtualenvs"
        assert str(config.virtualenvs_path) == "some/path/virtualenvs"
        assert config.cache_dir == Path("/directory")


# ------------------------------------------------------------------- test --

@pytest.mark.parametrize("pet_case", _case_ids(), indirect=True)
def test_pet_case(pet_case: tuple[dict[str, Any], Path], tmp_path: Path) -> None:
    case, fixture = pet_case
    world = build_world(case, fixture, tmp_path)
    mode = case["mode"]
    if mode == "discover":
        run_discover(case, fixture, world)
    elif mode == "resolve":
        run_resolve(case, fixture, world)
    elif mode == "config":
        run_config(case, fixture, world)
    elif case["fixture"].startswith("pet-conda/"):
        run_inspect_conda(case, fixture, world)
    else:
        run_inspect_static(case, fixture)


def test_every_case_has_a_mode_we_run(shared_dir: Path) -> None:
    modes = {case["mode"] for case in _cases().values()}
    assert modes == {"discover", "resolve", "inspect_prefix", "config"}
    assert len(_cases()) == 20
