"""Ranking real venvs (with fake installed distributions) for a project, and replacements."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest
from ainlp.core.active import Candidate, rank_for_project, read_needs, replacement_for
from ainlp.core.discovery.locators.virtualenvs import env_record
from ainlp.core.discovery.records import EnvKind, EnvRecord, EnvState, Problem
from ainlp.core.versions import PyVersion
from ainlp.core.world import World
from conftest import make_venv, make_world, write

PYENV = Path.home() / ".pyenv" / "versions"


def python(minor: str) -> Path:
    found = sorted(PYENV.glob(f"{minor}.*/bin/python{minor}"))
    if not found:
        pytest.skip(f"no Python {minor} in ~/.pyenv to build venvs with")
    return found[-1]


def venv(prefix: Path, minor: str, *dists: str) -> EnvRecord:
    """A real venv whose site-packages holds fake dist-info folders ("name==version")."""
    make_venv(prefix, python(minor))
    site = next(prefix.glob("lib/python*/site-packages"))
    for spec in dists:
        name, version = spec.split("==")
        write(site / f"{name}-{version}.dist-info" / "METADATA",
              f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    return env_record(prefix, "test")


def project(tmp_path: Path, *, requires: str = ">=3.11", pinned: str | None = None) -> Path:
    folder = tmp_path / "home" / "proj"
    write(folder / "pyproject.toml", f"""
[project]
name = "demo"
requires-python = "{requires}"
dependencies = ["requests>=2", "click", "tomli; python_version < '3.11'"]
""")
    write(folder / "requirements.txt", "-r requirements-base.txt\n-e .\nrich==13.*\n")
    write(folder / "requirements-base.txt", "pyyaml\n")
    if pinned is not None:
        write(folder / ".python-version", pinned + "\n")
    return folder


ALL = ("requests==2.31.0", "click==8.1.7", "rich==13.7.1", "PyYAML==6.0.1", "tomli==2.0.1")


@pytest.fixture
def machine(tmp_path: Path) -> tuple[World, Path, dict[str, EnvRecord]]:
    proj = project(tmp_path)
    world = make_world(tmp_path, cwd=proj)
    work = world.home / ".virtualenvs"
    usr = world.root / "usr"
    (usr / "bin").mkdir(parents=True)
    (usr / "bin" / "python3.12").symlink_to(python("3.12"))
    (usr / "lib" / "python3.12" / "site-packages").mkdir(parents=True)
    broken = work / "broken"
    write(broken / "pyvenv.cfg", "home = /nowhere\nversion = 3.12.1\n")
    records = {
        "inside": venv(proj / ".venv", "3.11", "requests==2.31.0", "click==8.1.7"),
        "full": venv(work / "full", "3.12", *ALL),
        "old": venv(work / "old", "3.10", *ALL),
        "system": EnvRecord(EnvKind.SYSTEM, usr, usr / "bin" / "python3.12", PyVersion("3.12.1")),
        "app": replace(venv(work / "app", "3.12", *ALL), kind=EnvKind.PIPX),
        "broken": env_record(broken, "test"),
    }
    return world, proj, records


def order(candidates: list[Candidate], records: dict[str, EnvRecord]) -> list[str]:
    names = {r.prefix: n for n, r in records.items()}
    return [names[c.record.prefix] for c in candidates]


def test_ranking_by_python_then_kind_then_requirements(
        machine: tuple[World, Path, dict[str, EnvRecord]]) -> None:
    world, proj, records = machine
    ranked = rank_for_project(world, proj, records.values())

    assert order(ranked, records) == ["full", "inside", "system", "app", "old", "broken"]
    full, inside, system, app, old, broken = ranked
    assert (full.satisfies_python, full.requirements_met, full.requirements_total) == (True, 4, 4)
    assert (inside.requirements_met, inside.requirements_total, inside.inside_project) == (
        2, 4, True)
    assert (system.requirements_met, app.requirements_met) == (0, 4)
    assert not old.satisfies_python and old.requirements_total == 5  # tomli counts on 3.10
    assert broken.excluded is not None and broken.excluded.startswith("broken")
    assert [c.score for c in ranked] == sorted((c.score for c in ranked), reverse=True)
    assert any("satisfies requires-python >=3.11" in r for r in full.reasons)
    assert any("does not satisfy" in r for r in old.reasons)
    assert any("2 of 4 requirements" in r and "rich" in r for r in inside.reasons)
    assert any("inside the project" in r for r in inside.reasons)


def test_ranking_is_deterministic_whatever_the_input_order(
        machine: tuple[World, Path, dict[str, EnvRecord]]) -> None:
    world, proj, records = machine
    twin = venv(world.home / ".virtualenvs" / "a-twin", "3.12", *ALL)
    everything = [*records.values(), twin]
    expected = rank_for_project(world, proj, everything)
    assert order(expected, {**records, "twin": twin})[:2] == ["twin", "full"]  # path breaks ties
    for seed in range(5):
        shuffled = everything[:]
        random.Random(seed).shuffle(shuffled)
        assert rank_for_project(world, proj, shuffled) == expected


def test_python_version_file_narrows_the_choice(tmp_path: Path) -> None:
    proj = project(tmp_path, requires=">=3.10", pinned="3.11")
    world = make_world(tmp_path, cwd=proj)
    records = {"inside": venv(proj / ".venv", "3.11"),
               "full": venv(world.home / ".virtualenvs" / "full", "3.12", *ALL)}
    ranked = rank_for_project(world, proj, records.values())
    assert order(ranked, records) == ["inside", "full"]
    assert not ranked[1].satisfies_python
    assert any(".python-version" in r for r in ranked[1].reasons)


def test_a_name_in_python_version_matches_the_environment(tmp_path: Path) -> None:
    proj = project(tmp_path, requires=">=3.10", pinned="tools")
    world = make_world(tmp_path, cwd=proj)
    records = {"inside": venv(proj / ".venv", "3.12", *ALL),
               "tools": venv(world.home / ".virtualenvs" / "tools", "3.11")}
    assert order(rank_for_project(world, proj, records.values()), records) == ["tools", "inside"]


def test_a_project_without_declarations_prefers_its_own_env_then_newer(tmp_path: Path) -> None:
    proj = tmp_path / "home" / "bare"
    proj.mkdir(parents=True)
    world = make_world(tmp_path, cwd=proj)
    records = {"outside": venv(world.home / ".virtualenvs" / "new", "3.12"),
               "inside": venv(proj / "venv", "3.11"),
               "older": venv(world.home / ".virtualenvs" / "older", "3.11")}
    ranked = rank_for_project(world, proj, records.values())
    assert order(ranked, records) == ["inside", "outside", "older"]
    assert all(c.satisfies_python and c.requirements_total == 0 for c in ranked)
    assert "declares no Python" in ranked[0].reasons[0]


def test_missing_environments_are_listed_last_with_why(tmp_path: Path) -> None:
    proj = project(tmp_path)
    world = make_world(tmp_path, cwd=proj)
    gone = EnvRecord(EnvKind.VENV, proj / ".venv", proj / ".venv" / "bin" / "python",
                     PyVersion("3.11.7"),
                     state=EnvState.MISSING,
                     problems=(Problem("env.missing", "the folder is gone", "recreate it"),))
    ok = venv(world.home / ".virtualenvs" / "ok", "3.11")
    ranked = rank_for_project(world, proj, [gone, ok])
    assert [c.record for c in ranked] == [ok, gone]
    assert ranked[1].excluded == "missing: the folder is gone"
    assert ranked[1].score < 0


def test_replacement_prefers_the_projects_other_environment(
        machine: tuple[World, Path, dict[str, EnvRecord]]) -> None:
    world, proj, records = machine
    other = venv(proj / "venv-b", "3.12")
    gone = replace(records["inside"], state=EnvState.MISSING)
    found = replacement_for(world, proj, gone.prefix, [gone, *records.values(), other])
    assert found is not None
    assert found.candidate.record == other
    assert "another environment of this project" in found.reason
    assert str(gone.prefix) in found.reason


def test_replacement_prefers_the_same_minor_then_requirements(tmp_path: Path) -> None:
    proj = project(tmp_path, requires=">=3.10")
    world = make_world(tmp_path, cwd=proj)
    work = world.home / ".virtualenvs"
    gone = EnvRecord(EnvKind.VENV, proj / ".venv", proj / ".venv" / "bin" / "python",
                     PyVersion("3.11.7"),
                     state=EnvState.MISSING)
    newer = venv(work / "newer", "3.12", *ALL)
    same_bare = venv(work / "same-bare", "3.11")
    same_full = venv(work / "same-full", "3.11", *ALL)
    found = replacement_for(world, proj, gone.prefix, [gone, newer, same_bare, same_full])
    assert found is not None and found.candidate.record == same_full
    assert "same 3.11" in found.reason and "4 of 4 requirements" in found.reason
    found = replacement_for(world, proj, gone.prefix, [gone, newer])
    assert found is not None and found.candidate.record == newer
    assert "no usable environment has Python 3.11" in found.reason
    assert replacement_for(world, proj, gone.prefix, [gone]) is None


def test_needs_can_be_read_once_and_passed_in(
        machine: tuple[World, Path, dict[str, EnvRecord]]) -> None:
    world, proj, records = machine
    needs = read_needs(proj)
    assert rank_for_project(world, proj, records.values(), needs=needs) == rank_for_project(
        world, proj, records.values())
