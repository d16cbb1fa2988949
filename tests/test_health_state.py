"""Checks of AINLP's own state folder: unwritable (QA #15) and damaged cache files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from ainlp.core.health import run_checks
from ainlp.core.world import World
from conftest import make_world, write
from test_health_support import EMPTY, ids, run_one


def _with_state(tmp_path: Path, state: Path | str) -> World:
    return make_world(tmp_path, env={"AINLP_HOME": str(state)})


def _entries(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


@pytest.mark.parametrize("kind", ["file", "under-file", "dangling-link"])
def test_unwritable_state_folder(tmp_path: Path, kind: str) -> None:
    afile = write(tmp_path / "afile", "not a folder")
    state = {"file": afile, "under-file": afile / "state",
             "dangling-link": tmp_path / "link"}[kind]
    if kind == "dangling-link":
        state.symlink_to(tmp_path / "gone")
    found = run_one(_with_state(tmp_path, state), "state.unwritable", inventory=EMPTY)
    assert [(f.id, f.severity.value, f.subject) for f in found] == [
        ("state.unwritable", "warning", str(state))]
    assert "slower" in found[0].message and "AINLP_HOME" in found[0].hint


def test_dev_null_as_state_folder(tmp_path: Path) -> None:
    if not os.path.exists("/dev/null"):
        pytest.skip("no /dev/null here")
    world = _with_state(tmp_path, "/dev/null")
    assert ids(world, "state.unwritable", inventory=EMPTY) == {"state.unwritable"}


@pytest.mark.parametrize("kind", ["chmod", "proc"])
def test_read_only_state_folder(tmp_path: Path, kind: str) -> None:
    if kind == "proc":
        state = Path("/proc")
        if not state.is_dir():
            pytest.skip("no /proc here")
    else:
        state = tmp_path / "locked"
        state.mkdir()
        state.chmod(0o555)
        if os.access(state, os.W_OK):
            pytest.skip("the permission bits do not stop this user (root)")
    try:
        assert ids(_with_state(tmp_path, state), "state.unwritable", inventory=EMPTY) == {
            "state.unwritable"}
    finally:
        if kind == "chmod":
            state.chmod(0o755)


def test_writable_state_folder_is_quiet_and_left_as_it_was(tmp_path: Path) -> None:
    existing = tmp_path / "state"
    existing.mkdir()
    write(existing / "keep.txt", "x")
    assert ids(_with_state(tmp_path, existing), "state.unwritable", inventory=EMPTY) == set()
    assert _entries(existing) == ["keep.txt"]
    before = _entries(tmp_path)
    not_yet = tmp_path / "new" / "state"  # created on first save: fine, and not created now
    assert ids(_with_state(tmp_path, not_yet), "state.unwritable", inventory=EMPTY) == set()
    assert _entries(tmp_path) == before


def test_state_checks_are_machine_wide_only(tmp_path: Path) -> None:
    from conftest import make_venv

    venv = make_venv(tmp_path / "v")
    afile = write(tmp_path / "afile", "")
    world = _with_state(tmp_path, afile)
    assert ids(world, "state.unwritable", target=str(venv)) == set()


def test_damaged_cache_files(tmp_path: Path) -> None:
    state = tmp_path / "state"
    world = _with_state(tmp_path, state)
    write(state / "discovery-cache.json", "\x00garbage{")
    write(state / "packages-cache.json", '{"format": 4, "dists": {')  # cut short
    (state / "inventory-snapshot.json").write_bytes(b"\x00not marshal data")
    found = run_one(world, "state.damaged", inventory=EMPTY)
    assert sorted(Path(f.subject).name for f in found) == [
        "discovery-cache.json", "inventory-snapshot.json", "packages-cache.json"]
    assert {f.severity.value for f in found} == {"info"}
    assert all("ignored and will be rebuilt" in f.message for f in found)
    write(state / "discovery-cache.json", json.dumps({"format": 1, "entries": {}}))
    write(state / "packages-cache.json", json.dumps({"format": 99}))  # old format: not damaged
    (state / "inventory-snapshot.json").unlink()
    assert ids(world, "state.damaged", inventory=EMPTY) == set()


def test_damaged_packages_cache_is_seen_before_the_package_checks_rewrite_it(
        tmp_path: Path) -> None:
    state = tmp_path / "state"
    write(state / "packages-cache.json", "not json")
    report = run_checks(_with_state(tmp_path, state), inventory=EMPTY)
    assert [f.subject for f in report.findings if f.id == "state.damaged"] == [
        str(state / "packages-cache.json")]


def test_a_state_folder_that_cannot_be_made_under_a_read_only_one(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("the permission bits do not stop this user (root)")
        found = run_one(_with_state(tmp_path, locked / "a" / "state"), "state.unwritable",
                        inventory=EMPTY)
        assert [f.message.split(":")[1].strip() for f in found] == [
            f"{locked} is not writable"]
    finally:
        locked.chmod(0o755)


def test_a_big_cache_is_checked_by_its_ends_only(tmp_path: Path) -> None:
    from ainlp.core.health.checks import state as module

    state = tmp_path / "state"
    big = "{" + " " * (module._PARSE_LIMIT + 10) + '"x": 1}'
    write(state / "packages-cache.json", big)
    world = _with_state(tmp_path, state)
    assert ids(world, "state.damaged", inventory=EMPTY) == set()
    write(state / "packages-cache.json", big[:-1])  # cut short: no closing brace
    assert ids(world, "state.damaged", inventory=EMPTY) == {"state.damaged"}
