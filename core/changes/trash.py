"""The tool's trash: what a change removes is renamed here first, and only prune deletes.

Items go to `trash/` in the state folder when they share its filesystem (a rename is
atomic and instant); otherwise to `.ainlp-trash/` at the top of their own filesystem, or
beside them when that is not usable, so a removal is still a rename and never a copy.
"""

from __future__ import annotations

import os
import secrets
import shutil
import stat
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from ainlp.core.changes._errors import ChangeConflict
from ainlp.core.changes._fs import device_of, locked, mount_point, real_parent, tree_size
from ainlp.core.changes._index import Index, TrashEntry, read_index, valid_id, write_index
from ainlp.core.errors import BadInput, StateError
from ainlp.core.world import World

FOREIGN_TRASH = ".ainlp-trash"


def state_trash(world: World) -> Path:
    return world.state_dir / "trash"


def trash_location(world: World, path: Path) -> Path:
    """The trash folder that `move_to_trash(world, path)` would use; creates nothing."""
    home = state_trash(world)
    path = _absolute(world, path)
    if device_of(path) == device_of(home):
        return home
    top = mount_point(path) / FOREIGN_TRASH
    if _usable_folder(top):
        return top
    return path.parent / FOREIGN_TRASH


def _usable_folder(folder: Path) -> bool:
    """A folder we can create items in, or one we could create (its parent is writable)."""
    if os.path.lexists(folder):
        return folder.is_dir() and not folder.is_symlink() and os.access(folder, os.W_OK)
    return os.access(folder.parent, os.W_OK)


def move_to_trash(world: World, path: Path) -> TrashEntry:
    """Rename `path` (a link is moved as a link) into its trash folder and record it."""
    path = _absolute(world, path)
    if not os.path.lexists(path):
        raise BadInput(f"cannot move {path} to the trash: it does not exist")
    folder = trash_location(world, path)
    _refuse_unmovable(world, path, folder)
    folder.mkdir(parents=True, exist_ok=True)
    when = world.clock()
    with locked(folder):
        index = read_index(folder)
        item_id = _new_id(when, index)
        entry = TrashEntry(item_id, path, folder / item_id, when, tree_size(path))
        # the record goes first: a crash after it leaves an entry restore can explain,
        # never an item nobody knows about
        write_index(folder, replace(index, entries=(*index.entries, entry)))
        try:
            os.rename(path, entry.trashed)
        except OSError as exc:
            write_index(folder, index)
            raise StateError(f"cannot move {path} to the trash {folder}: {exc.strerror}") from exc
    if folder != state_trash(world):
        _remember_elsewhere(world, folder)
    return entry


def _refuse_unmovable(world: World, path: Path, folder: Path) -> None:
    if not path.is_symlink() and os.path.ismount(path):
        raise BadInput(f"cannot move {path} to the trash: it is a mount point")
    if real_parent(path).parent in (Path(os.path.realpath(folder)), folder):
        raise BadInput(f"{path} is already in the trash", hint="restore it, or prune the trash")
    real = Path(os.path.realpath(path)) if not path.is_symlink() else path
    for inside in (folder, state_trash(world)):
        if Path(os.path.realpath(inside)).is_relative_to(real):
            raise BadInput(f"cannot move {path} to the trash: the trash {inside} is inside it")


def _new_id(when: float, index: Index) -> str:
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(when))
    taken = {e.id for e in index.entries}
    while True:
        candidate = f"{stamp}-{secrets.token_hex(3)}"
        if candidate not in taken:
            return candidate


def _remember_elsewhere(world: World, folder: Path) -> None:
    home = state_trash(world)
    home.mkdir(parents=True, exist_ok=True)
    with locked(home):
        index = read_index(home)
        if folder not in index.elsewhere:
            write_index(home, replace(index, elsewhere=(*index.elsewhere, folder)))


def restore(entry: TrashEntry) -> Path:
    """Rename a trashed item back to where it was; never over something that is there now."""
    folder = entry.trashed.parent
    with locked(folder):
        index = read_index(folder)
        if os.path.lexists(entry.original):
            raise ChangeConflict(
                f"cannot restore {entry.original} from the trash: something is there now",
                hint=f"move it away first; the trashed copy stays in {entry.trashed}")
        if not os.path.lexists(entry.trashed):
            raise StateError(f"trash entry {entry.id} is gone: {entry.trashed} does not exist",
                             hint="it may have been pruned or removed by hand")
        entry.original.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(entry.trashed, entry.original)
        except OSError as exc:
            raise StateError(f"cannot restore {entry.original}: {exc.strerror}") from exc
        kept = tuple(e for e in index.entries if e.id != entry.id)
        write_index(folder, replace(index, entries=kept))
    return entry.original


def trash_folders(world: World) -> list[Path]:
    """The state folder's trash and every other trash folder it has sent items to."""
    home = state_trash(world)
    return [home, *(p for p in read_index(home).elsewhere if p != home)]


def entries(world: World) -> list[TrashEntry]:
    """Every recorded item of every known trash folder, oldest first."""
    found = [e for folder in trash_folders(world) for e in read_index(folder).entries]
    return sorted(found, key=lambda e: (e.when, e.id))


def prune(world: World, max_age_days: float | None = None,
          max_bytes: int | None = None) -> list[TrashEntry]:
    """Delete the oldest items beyond the limits (older than `max_age_days`, then whatever
    keeps the total over `max_bytes`); the only place that deletes. Returns what went."""
    ordered = entries(world)
    cutoff = world.clock() - max_age_days * 86400 if max_age_days is not None else None
    doomed = [e for e in ordered if cutoff is not None and e.when < cutoff]
    kept = [e for e in ordered if e not in doomed]
    total = sum(e.size for e in kept)
    for entry in kept:
        if max_bytes is None or total <= max_bytes:
            break
        doomed.append(entry)
        total -= entry.size
    for entry in doomed:
        _delete_entry(entry)
    return doomed


def _delete_entry(entry: TrashEntry) -> None:
    folder = entry.trashed.parent
    if not valid_id(entry.id) or entry.trashed != folder / entry.id:
        raise StateError(f"refusing to delete {entry.trashed}: not a trash item")
    with locked(folder):
        index = read_index(folder)
        _delete(entry.trashed)
        kept = tuple(e for e in index.entries if e.id != entry.id)
        write_index(folder, replace(index, entries=kept))


def _delete(path: Path) -> None:
    if not os.path.lexists(path):
        return
    if path.is_symlink() or not path.is_dir():
        path.unlink()
        return
    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=_make_writable_and_retry)
    else:
        shutil.rmtree(path, onerror=lambda f, p, _e: _make_writable_and_retry(f, p, None))


def _make_writable_and_retry(func: Callable[..., Any], path: str, _exc: object) -> None:
    """A read-only folder (a git object store, say) blocks deleting what is in it."""
    parent = os.path.dirname(path)
    os.chmod(parent, os.lstat(parent).st_mode | stat.S_IWUSR | stat.S_IXUSR)
    func(path)


def _absolute(world: World, path: Path) -> Path:
    return path if path.is_absolute() else world.cwd / path

