"""ChangeSet: writes and trash moves undone exactly, through a JSON round trip too."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from ainlp.core.changes import ChangeConflict, ChangeSet, FileWrite, TrashMove, entries
from ainlp.core.errors import BadInput, StateError
from conftest import make_venv, make_world, write

ODD = b"\x00\xff line one\r\nno newline at end \xe2\x82"


def test_a_new_file_is_removed_with_the_folders_made_for_it(tmp_path: Path) -> None:
    project = (tmp_path / "proj")
    project.mkdir()
    settings = project / ".vscode" / "sub" / "settings.json"
    changes = ChangeSet()
    changes.write_file(settings, b"{}\n")
    assert settings.read_bytes() == b"{}\n"
    assert changes.touched() == [str(settings)]

    done = changes.undo()

    assert not settings.exists() and not (project / ".vscode").exists()
    assert project.is_dir()
    assert len(done) == 1 and str(settings) in done[0]
    assert changes.changes == ()


def test_previous_bytes_and_mode_come_back_exactly(tmp_path: Path) -> None:
    path = write(tmp_path / "cfg")
    path.write_bytes(ODD)
    path.chmod(0o640)
    changes = ChangeSet()
    changes.write_file(path, b"new")
    assert path.read_bytes() == b"new"
    assert path.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["cfg"]  # no temp file left behind

    changes.undo()

    assert path.read_bytes() == ODD
    assert path.stat().st_mode & 0o777 == 0o640


def test_several_writes_of_one_file_unwind_to_the_first_state(tmp_path: Path) -> None:
    path = write(tmp_path / "f", "0")
    changes = ChangeSet()
    for text in ("1", "2", "3"):
        changes.write_file(path, text.encode())
    assert len(changes.undo()) == 3
    assert path.read_text() == "0"


def test_undo_refuses_when_a_file_changed_since(tmp_path: Path) -> None:
    first = write(tmp_path / "a", "a0")
    second = write(tmp_path / "b", "b0")
    changes = ChangeSet()
    changes.write_file(first, b"a1")
    changes.write_file(second, b"b1")
    first.write_text("edited by hand")

    with pytest.raises(ChangeConflict) as caught:
        changes.undo()
    assert str(first) in caught.value.message
    # nothing was reverted, not even the unchanged newer file
    assert (first.read_text(), second.read_text()) == ("edited by hand", "b1")
    assert len(changes.changes) == 2

    changes.undo(force=True)
    assert (first.read_text(), second.read_text()) == ("a0", "b0")


def test_undo_refuses_when_a_created_file_was_deleted_unless_forced(tmp_path: Path) -> None:
    path = tmp_path / "new.txt"
    changes = ChangeSet()
    changes.write_file(path, b"x")
    path.unlink()
    with pytest.raises(ChangeConflict):
        changes.undo()
    changes.undo(force=True)
    assert not path.exists()


def test_a_link_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    real = write(tmp_path / "dotfiles" / "settings.json", "old")
    link = tmp_path / "proj" / "settings.json"
    link.parent.mkdir()
    link.symlink_to(real)
    changes = ChangeSet()
    changes.write_file(link, b"new")
    assert link.is_symlink() and real.read_text() == "new"
    assert changes.touched() == [str(real)]
    changes.undo()
    assert link.is_symlink() and real.read_text() == "old"


def test_write_refusals(tmp_path: Path) -> None:
    changes = ChangeSet()
    with pytest.raises(BadInput):
        changes.write_file(Path("relative.txt"), b"")
    with pytest.raises(BadInput):
        changes.write_file(tmp_path, b"")
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "nowhere")
    with pytest.raises(BadInput):
        changes.write_file(dangling, b"")
    assert changes.changes == ()


def test_json_round_trip_then_undo(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    edited = write(tmp_path / "proj" / "cfg")
    edited.write_bytes(ODD)
    created = tmp_path / "proj" / "new" / "file"
    gone = write(tmp_path / "proj" / "old.txt", "bye")
    changes = ChangeSet()
    changes.write_file(edited, b"edited")
    changes.write_file(created, b"created")
    entry = changes.move_to_trash(world, gone)

    text = json.dumps(changes.to_json())
    again = ChangeSet.from_json(text)

    assert again.changes == changes.changes
    assert isinstance(again.changes[2], TrashMove) and again.changes[2].entry == entry
    assert ChangeSet.from_json(changes.to_json()).changes == changes.changes
    done = again.undo()
    assert len(done) == 3
    assert edited.read_bytes() == ODD
    assert not created.exists() and not created.parent.exists()
    assert gone.read_text() == "bye"
    assert entries(world) == []


@pytest.mark.parametrize(
    "change",
    [
        {"type": "write", "path": "/a", "previous": "***", "new_sha256": "0" * 64},
        {"type": "write", "path": "rel", "previous": None, "new_sha256": "0" * 64},
        {"type": "write", "path": "/a", "previous": None, "new_sha256": "xyz"},
        {"type": "delete", "path": "/a"},
        {"type": "trash", "entry": {"id": "a1", "original": "/x", "trashed": "/etc/passwd",
                                    "when": 0, "size": 0}},
    ],
    ids=["base64", "relative", "sha", "type", "trash-outside"],
)
def test_bad_json_is_a_state_error(change: dict[str, object]) -> None:
    with pytest.raises(StateError):
        ChangeSet.from_json({"version": 1, "changes": [change]})


def test_bad_json_text_is_a_state_error() -> None:
    with pytest.raises(StateError):
        ChangeSet.from_json("{")


def test_a_trashed_venv_comes_back_and_runs(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    venv = make_venv(tmp_path / "proj" / ".venv")
    changes = ChangeSet()
    entry = changes.move_to_trash(world, venv)
    assert not venv.exists() and (entry.trashed / "pyvenv.cfg").is_file()

    restored = ChangeSet.from_json(json.dumps(changes.to_json()))
    assert restored.undo() == [f"moved {venv} back from the trash"]

    assert (venv / "pyvenv.cfg").is_file()
    out = subprocess.run([str(venv / "bin" / "python"), "-c", "import sys; print(sys.prefix)"],
                         capture_output=True, text=True, check=True, timeout=30)
    assert out.stdout.strip() == str(venv)


def test_undo_never_overwrites_what_sits_where_a_trashed_item_returns(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    folder = write(tmp_path / "proj" / ".venv" / "x", "old").parent
    changes = ChangeSet()
    changes.move_to_trash(world, folder)
    write(folder / "y", "new")
    for force in (False, True):
        with pytest.raises(ChangeConflict):
            changes.undo(force=force)
    assert os.listdir(folder) == ["y"]


def test_a_file_written_inside_a_folder_later_trashed_is_undone_too(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    folder = write(tmp_path / "proj" / "env" / "a", "a0").parent
    changes = ChangeSet()
    changes.write_file(folder / "a", b"a1")
    changes.move_to_trash(world, folder)
    changes.undo()
    assert (folder / "a").read_text() == "a0"


def test_write_records(tmp_path: Path) -> None:
    path = write(tmp_path / "f", "before")
    changes = ChangeSet()
    changes.write_file(path, b"after")
    (change,) = changes.changes
    assert isinstance(change, FileWrite)
    assert change.previous == b"before" and change.created_dirs == ()
