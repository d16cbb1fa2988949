"""The trash of an item on another filesystem: `.ainlp-trash` on that mount, still a rename."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from ainlp.core.changes import (
    ChangeSet,
    entries,
    move_to_trash,
    prune,
    restore,
    state_trash,
    trash_folders,
    trash_location,
)
from ainlp.core.discovery import discover
from ainlp.core.world import World
from conftest import make_venv, make_world, write


@pytest.fixture
def mount(tmp_path: Path) -> Iterator[Path]:
    """A tmpfs mounted in tmp_path: another device than the state folder."""
    folder = tmp_path / "mnt"
    folder.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("no `mount` command: the cross-device trash needs a tmpfs mount")
    done = subprocess.run(["mount", "-t", "tmpfs", "none", str(folder)],
                          capture_output=True, text=True, timeout=30)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs (needs root): {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, timeout=30)


def test_an_item_on_another_device_goes_to_that_mounts_trash(tmp_path: Path, mount: Path) -> None:
    world = make_world(tmp_path)
    item = write(mount / "proj" / "deep" / "file.txt", "data")
    assert os.lstat(item).st_dev != os.lstat(tmp_path).st_dev
    assert trash_location(world, item) == mount / ".ainlp-trash"
    inode = os.lstat(item).st_ino

    entry = move_to_trash(world, item)

    assert entry.trashed.parent == mount / ".ainlp-trash"
    assert os.lstat(entry.trashed).st_ino == inode  # renamed on its own device
    assert os.lstat(entry.trashed).st_dev == os.lstat(mount).st_dev
    assert trash_folders(world) == [state_trash(world), mount / ".ainlp-trash"]
    assert entries(world) == [entry]
    restore(entry)
    assert item.read_text() == "data" and entries(world) == []


def test_a_link_into_another_device_is_trashed_where_the_link_lives(
        tmp_path: Path, mount: Path) -> None:
    world = make_world(tmp_path)
    link = tmp_path / "link"
    link.symlink_to(mount)
    assert trash_location(world, link) == state_trash(world)
    assert move_to_trash(world, link).trashed.is_symlink()
    assert mount.is_dir()


def test_an_unusable_mount_trash_falls_back_beside_the_item(tmp_path: Path, mount: Path) -> None:
    world = make_world(tmp_path)
    write(mount / ".ainlp-trash", "a file squats the name")
    item = write(mount / "proj" / "file.txt", "data")
    assert trash_location(world, item) == mount / "proj" / ".ainlp-trash"
    entry = move_to_trash(world, item)
    assert entry.trashed.parent == mount / "proj" / ".ainlp-trash"
    assert os.lstat(entry.trashed).st_dev == os.lstat(mount).st_dev


def test_the_mount_point_itself_is_refused(tmp_path: Path, mount: Path) -> None:
    from ainlp.core.errors import BadInput

    with pytest.raises(BadInput):
        move_to_trash(make_world(tmp_path), mount)


def test_prune_reaches_the_mount_trash(tmp_path: Path, mount: Path) -> None:
    world = make_world(tmp_path)
    entry = move_to_trash(world, write(mount / "f", "12345"))
    assert prune(world, max_bytes=0) == [entry]
    assert not os.path.lexists(entry.trashed)


def test_a_venv_on_another_device_undoes_and_is_never_discovered_in_the_trash(
        tmp_path: Path, mount: Path) -> None:
    project = mount / "proj"
    venv = make_venv(project / ".venv")
    world = make_world(tmp_path, cwd=project)
    assert venv in [r.prefix for r in discover(world).environments]

    changes = ChangeSet()
    entry = changes.move_to_trash(world, venv)
    trash = mount / ".ainlp-trash"
    assert entry.trashed.parent == trash
    for cwd in (project, mount, trash, entry.trashed):
        seen = World(root=world.root, home=world.home, env=world.env, cwd=cwd)
        prefixes = [r.prefix for r in discover(seen).environments]
        assert not [p for p in prefixes if p.is_relative_to(trash)], f"listed from {cwd}"
        assert venv not in prefixes

    changes.undo()
    out = subprocess.run([str(venv / "bin" / "python"), "-c", "import sys; print(sys.prefix)"],
                         capture_output=True, text=True, check=True, timeout=30)
    assert out.stdout.strip() == str(venv)
