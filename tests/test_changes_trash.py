"""The tool's trash: renames in, records, restores, prunes; never follows a link out."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from ainlp.core.changes import (
    ChangeConflict,
    TrashEntry,
    entries,
    move_to_trash,
    prune,
    restore,
    state_trash,
    trash_location,
)
from ainlp.core.errors import BadInput, StateError
from ainlp.core.world import World
from conftest import make_venv, make_world, write

DAY = 86400.0


class Clock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def clocked(tmp_path: Path) -> tuple[World, Clock]:
    clock = Clock()
    return replace(make_world(tmp_path), clock=clock), clock


def test_move_renames_into_the_state_trash_and_records_it(tmp_path: Path) -> None:
    world, clock = clocked(tmp_path)
    item = write(tmp_path / "proj" / "notes.txt", "hello")
    inode = os.lstat(item).st_ino
    assert trash_location(world, item) == state_trash(world)

    entry = move_to_trash(world, item)

    assert not item.exists()
    assert entry.original == item
    assert entry.trashed.parent == world.state_dir / "trash"
    assert entry.trashed.name == entry.id
    assert os.lstat(entry.trashed).st_ino == inode  # a rename, not a copy
    assert (entry.when, entry.size) == (clock.now, 5)
    index = json.loads((state_trash(world) / "index.json").read_text())
    assert index["entries"] == [entry.to_json()]
    assert entries(world) == [entry]


def test_restore_renames_back_and_forgets_the_entry(tmp_path: Path) -> None:
    world, _ = clocked(tmp_path)
    folder = write(tmp_path / "proj" / "data" / "a.bin", "abc").parent
    entry = move_to_trash(world, folder)
    assert entry.size >= 3

    assert restore(entry) == folder
    assert (folder / "a.bin").read_text() == "abc"
    assert entries(world) == []


def test_restore_refuses_to_overwrite(tmp_path: Path) -> None:
    world, _ = clocked(tmp_path)
    item = write(tmp_path / "f.txt", "old")
    entry = move_to_trash(world, item)
    write(item, "new")
    with pytest.raises(ChangeConflict) as caught:
        restore(entry)
    assert str(item) in caught.value.message
    assert item.read_text() == "new"
    assert entry.trashed.read_text() == "old"
    assert entries(world) == [entry]


def test_restore_of_a_pruned_entry_is_a_state_error(tmp_path: Path) -> None:
    world, clock = clocked(tmp_path)
    entry = move_to_trash(world, write(tmp_path / "f.txt", "x"))
    clock.now += 40 * DAY
    prune(world, max_age_days=30)
    with pytest.raises(StateError):
        restore(entry)


def test_a_symlink_is_moved_as_a_link_never_followed(tmp_path: Path) -> None:
    world, _ = clocked(tmp_path)
    target = write(tmp_path / "elsewhere" / "big.txt", "x" * 1000).parent
    link = tmp_path / "proj" / "link"
    link.parent.mkdir()
    link.symlink_to(target)

    entry = move_to_trash(world, link)

    assert entry.trashed.is_symlink()
    assert os.readlink(entry.trashed) == str(target)
    assert (target / "big.txt").read_text() == "x" * 1000
    assert entry.size == os.lstat(entry.trashed).st_size < 1000
    restore(entry)
    assert link.is_symlink() and target.is_dir()


def test_a_dangling_symlink_can_be_trashed(tmp_path: Path) -> None:
    world, _ = clocked(tmp_path)
    link = tmp_path / "dangling"
    link.symlink_to(tmp_path / "nothing")
    entry = move_to_trash(world, link)
    assert entry.trashed.is_symlink() and not os.path.lexists(link)


def test_refusals(tmp_path: Path) -> None:
    world, _ = clocked(tmp_path)
    with pytest.raises(BadInput):
        move_to_trash(world, tmp_path / "absent")
    world.state_dir.mkdir(parents=True)
    with pytest.raises(BadInput):
        move_to_trash(world, world.state_dir)
    with pytest.raises(BadInput):
        move_to_trash(world, tmp_path)  # holds the state folder, so the trash too
    entry = move_to_trash(world, write(tmp_path / "once", "x"))
    with pytest.raises(BadInput):
        move_to_trash(world, entry.trashed)


def test_relative_paths_start_at_cwd(tmp_path: Path) -> None:
    world, _ = clocked(tmp_path)
    item = write(world.cwd / "rel.txt", "r")
    assert move_to_trash(world, Path("rel.txt")).original == item


@pytest.mark.parametrize(
    "document",
    [
        "{not json",
        json.dumps({"version": 2, "entries": []}),
        json.dumps({"version": 1, "entries": [{"id": "x"}]}),
        json.dumps({"version": 1, "entries": [
            {"id": "../../etc", "original": "/a", "trashed": "/etc", "when": 0, "size": 0}]}),
    ],
    ids=["not-json", "version", "fields", "escaping-id"],
)
def test_a_bad_index_is_a_state_error_naming_the_file(tmp_path: Path, document: str) -> None:
    world, _ = clocked(tmp_path)
    index = write(state_trash(world) / "index.json", document)
    with pytest.raises(StateError) as caught:
        entries(world)
    assert str(index) in caught.value.message


def test_an_index_pointing_outside_its_folder_is_refused(tmp_path: Path) -> None:
    world, _ = clocked(tmp_path)
    victim = write(tmp_path / "victim.txt", "keep")
    row = {"id": "abc", "original": "/x", "trashed": str(victim), "when": 0, "size": 1}
    write(state_trash(world) / "index.json", json.dumps({"version": 1, "entries": [row]}))
    with pytest.raises(StateError):
        prune(world, max_age_days=0)
    assert victim.read_text() == "keep"


def _three_entries(tmp_path: Path) -> tuple[World, Clock, list[TrashEntry]]:
    world, clock = clocked(tmp_path)
    made = []
    for days_ago, size in ((50, 100), (20, 200), (1, 400)):
        clock.now = 1_700_000_000.0 - days_ago * DAY
        made.append(move_to_trash(world, write(tmp_path / f"f{days_ago}", "x" * size)))
    clock.now = 1_700_000_000.0
    return world, clock, made


def test_prune_by_age(tmp_path: Path) -> None:
    world, _, (old, middle, new) = _three_entries(tmp_path)
    assert prune(world, max_age_days=30) == [old]
    assert not os.path.lexists(old.trashed)
    assert entries(world) == [middle, new]
    assert prune(world, max_age_days=30) == []


def test_prune_by_size_deletes_the_oldest_first(tmp_path: Path) -> None:
    world, _, (old, middle, new) = _three_entries(tmp_path)
    assert prune(world, max_bytes=600) == [old]
    assert prune(world, max_bytes=399) == [middle, new]
    assert entries(world) == []
    assert not os.path.lexists(new.trashed)


def test_prune_by_age_and_size_together(tmp_path: Path) -> None:
    world, _, (old, middle, new) = _three_entries(tmp_path)
    assert prune(world, max_age_days=30, max_bytes=400) == [old, middle]
    assert entries(world) == [new]


def test_prune_without_limits_keeps_everything(tmp_path: Path) -> None:
    world, _, made = _three_entries(tmp_path)
    assert prune(world) == []
    assert entries(world) == made


def test_prune_deletes_read_only_trees_and_keeps_unrecorded_items(tmp_path: Path) -> None:
    world, clock = clocked(tmp_path)
    tree = write(tmp_path / "repo" / "objects" / "ab" / "cd", "blob").parent.parent.parent
    for folder in (tree / "objects" / "ab", tree / "objects"):
        folder.chmod(0o555)
    entry = move_to_trash(world, tree)
    stray = write(state_trash(world) / "not-ours", "?")
    clock.now += 2 * DAY
    assert prune(world, max_age_days=1) == [entry]
    assert not os.path.lexists(entry.trashed)
    assert stray.exists()


def test_a_real_venv_survives_trash_and_restore(tmp_path: Path) -> None:
    world, _ = clocked(tmp_path)
    venv = make_venv(tmp_path / "proj" / ".venv")
    entry = move_to_trash(world, venv)
    assert not venv.exists() and (entry.trashed / "pyvenv.cfg").is_file()

    restore(entry)

    assert (venv / "pyvenv.cfg").is_file()
    out = subprocess.run([str(venv / "bin" / "python"), "-c", "import sys; print(sys.prefix)"],
                         capture_output=True, text=True, check=True, timeout=30)
    assert out.stdout.strip() == str(venv)
