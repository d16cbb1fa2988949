"""An undoable record of changes: files written (with their previous bytes) and items
moved to the trash, round-tripped through JSON so `undo` can read it from history."""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from ainlp.core import jsondoc
from ainlp.core.changes import trash
from ainlp.core.changes._errors import ChangeConflict
from ainlp.core.changes._fs import atomic_write
from ainlp.core.changes._index import EntryModel, TrashEntry
from ainlp.core.errors import BadInput, StateError
from ainlp.core.world import World
from pydantic import BaseModel, ConfigDict, Field, ValidationError


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, slots=True)
class FileWrite:
    path: Path
    previous: bytes | None  # None: the file did not exist
    new_sha256: str
    created_dirs: tuple[Path, ...] = ()  # folders made for it, outermost first

    def describe(self) -> str:
        return f"write {self.path}"


@dataclass(frozen=True, slots=True)
class TrashMove:
    entry: TrashEntry

    def describe(self) -> str:
        return f"move {self.entry.original} to the trash ({self.entry.trashed})"


Change = FileWrite | TrashMove


class ChangeSet:
    """Changes in the order they were made; `undo` reverts them newest first."""

    def __init__(self, changes: Iterable[Change] = ()) -> None:
        self._changes: list[Change] = list(changes)

    @property
    def changes(self) -> tuple[Change, ...]:
        return tuple(self._changes)

    def write_file(self, path: Path, data: bytes) -> None:
        """Write `data` atomically, keeping the old file's mode and its bytes for undo.

        A link to a file is written through (dotfile managers link settings files), and the
        record names the real file, so undo never replaces the link with a copy.
        """
        target = _write_target(path)
        try:
            info: os.stat_result | None = os.stat(target)
            previous: bytes | None = target.read_bytes()
        except FileNotFoundError:
            info, previous = None, None
        except OSError as exc:
            raise StateError(f"cannot read {target} before writing it: {exc.strerror}") from exc
        created = _missing_parents(target)
        try:
            for folder in created:
                folder.mkdir()
            atomic_write(target, data, like=info)
        except OSError as exc:
            raise StateError(f"cannot write {target}: {exc.strerror}") from exc
        self._changes.append(FileWrite(target, previous, sha256(data), tuple(created)))

    def move_to_trash(self, world: World, path: Path) -> TrashEntry:
        entry = trash.move_to_trash(world, path)
        self._changes.append(TrashMove(entry))
        return entry

    def touched(self) -> list[str]:
        paths = [str(c.path) if isinstance(c, FileWrite) else str(c.entry.original)
                 for c in self._changes]
        return list(dict.fromkeys(paths))

    def undo(self, *, force: bool = False) -> list[str]:
        """Revert every change, newest first; what was done, one line each.

        Nothing is touched when a file changed since it was written (ChangeConflict), unless
        `force`, or when something now sits where a trashed item goes back (even with
        force). A reverted change leaves the set, so a retry continues where one stopped.
        """
        _preflight(self._changes, force)
        done: list[str] = []
        while self._changes:
            change = self._changes[-1]
            try:
                done.append(_revert(change))
            except OSError as exc:
                raise StateError(
                    f"undo stopped at {change.describe()}: {exc.strerror}",
                    hint="undone so far: " + ("; ".join(done) or "nothing")) from exc
            self._changes.pop()
        return done

    def to_json(self) -> dict[str, Any]:
        return ChangeSetModel(changes=[_model_of(c) for c in self._changes]).model_dump(
            mode="json")

    @classmethod
    def from_json(cls, document: Mapping[str, Any] | str | bytes) -> ChangeSet:
        try:
            raw = jsondoc.loads(document) if isinstance(document, str | bytes) else document
            model = ChangeSetModel.model_validate(raw)
            return cls(_change_of(m) for m in model.changes)
        except (ValueError, ValidationError) as exc:
            first = str(exc).strip().splitlines()[:3]
            raise StateError("the recorded change set is not valid: " + " ".join(first),
                             hint="the history entry cannot be undone automatically") from exc


def _write_target(path: Path) -> Path:
    if not path.is_absolute():
        raise BadInput(f"a change needs an absolute path, not {path}")
    if path.is_symlink():
        if not path.exists():
            raise BadInput(f"{path} is a link to nothing; refusing to write through it")
        path = Path(os.path.realpath(path))
    if path.is_dir():
        raise BadInput(f"cannot write {path}: it is a folder")
    return path


def _missing_parents(path: Path) -> list[Path]:
    missing: list[Path] = []
    folder = path.parent
    while not os.path.lexists(folder) and folder.parent != folder:
        missing.append(folder)
        folder = folder.parent
    return missing[::-1]


def _current_sha(path: Path) -> str | None:
    try:
        return sha256(path.read_bytes())
    except FileNotFoundError:
        return None


def _preflight(changes: list[Change], force: bool) -> None:
    """Check the newest change of each path against the disk before reverting anything."""
    seen: set[Path] = set()
    trashed_later: list[Path] = []
    for change in reversed(changes):
        if isinstance(change, TrashMove):
            entry = change.entry
            if not os.path.lexists(entry.trashed):
                raise StateError(f"cannot undo: {entry.trashed} is no longer in the trash",
                                 hint="it may have been pruned")
            # even with force: restoring never overwrites, and only prune deletes
            if entry.original not in seen and os.path.lexists(entry.original):
                raise ChangeConflict(f"cannot undo: {entry.original} exists again",
                                     hint="move it away first, then undo again")
            seen.add(entry.original)
            trashed_later.append(entry.original)
            continue
        if change.path in seen or any(change.path.is_relative_to(t) for t in trashed_later):
            seen.add(change.path)  # an older state of a path a newer change restores first
            continue
        seen.add(change.path)
        if not force and _current_sha(change.path) != change.new_sha256:
            raise ChangeConflict(f"cannot undo: {change.path} changed since it was written",
                                 hint="review it, or undo with force to put back the old bytes")


def _revert(change: Change) -> str:
    if isinstance(change, TrashMove):
        trash.restore(change.entry)
        return f"moved {change.entry.original} back from the trash"
    path = change.path
    if change.previous is None:
        if os.path.lexists(path):
            path.unlink()
        for folder in reversed(change.created_dirs):
            try:
                folder.rmdir()
            except OSError:
                break  # something else lives there now: keep it
        return f"removed {path} (it did not exist before)"
    try:
        info: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        info = None
    atomic_write(path, change.previous, like=info)
    return f"restored {path} ({len(change.previous)} bytes as before)"


class WriteModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal["write"] = "write"
    path: str = Field(min_length=1)
    previous: str | None  # base64
    new_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    created_dirs: list[str] = []


class TrashModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal["trash"] = "trash"
    entry: EntryModel


class ChangeSetModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = 1
    changes: list[Annotated[WriteModel | TrashModel, Field(discriminator="type")]] = []


def _model_of(change: Change) -> WriteModel | TrashModel:
    if isinstance(change, TrashMove):
        return TrashModel(entry=EntryModel.of(change.entry))
    previous = base64.b64encode(change.previous).decode() if change.previous is not None else None
    return WriteModel(path=str(change.path), previous=previous, new_sha256=change.new_sha256,
                      created_dirs=[str(p) for p in change.created_dirs])


def _change_of(model: WriteModel | TrashModel) -> Change:
    if isinstance(model, TrashModel):
        entry = model.entry.entry()
        if entry.trashed.name != entry.id or not entry.original.is_absolute():
            raise ValueError(f"trash entry {entry.id} does not name a trash item")
        return TrashMove(entry)
    path = Path(model.path)
    if not path.is_absolute():
        raise ValueError(f"{model.path} is not an absolute path")
    try:
        previous = (base64.b64decode(model.previous, validate=True)
                    if model.previous is not None else None)
    except binascii.Error as exc:
        raise ValueError(f"the previous bytes of {model.path} are not base64") from exc
    return FileWrite(path, previous, model.new_sha256, tuple(Path(p) for p in model.created_dirs))
