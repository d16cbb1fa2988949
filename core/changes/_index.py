"""The JSON index beside each trash folder's items, validated on every read."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ainlp.core import jsondoc
from ainlp.core.changes._fs import atomic_write
from ainlp.core.errors import StateError
from pydantic import BaseModel, ConfigDict, Field, ValidationError

INDEX_NAME = "index.json"
# an id is one plain file name: a tampered index must not make prune delete outside the trash
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


@dataclass(frozen=True, slots=True)
class TrashEntry:
    id: str
    original: Path
    trashed: Path
    when: float  # seconds since the epoch, from the world's clock
    size: int  # bytes, links counted as themselves

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "original": str(self.original), "trashed": str(self.trashed),
                "when": self.when, "size": self.size}


class EntryModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=_ID.pattern)
    original: str = Field(min_length=1)
    trashed: str = Field(min_length=1)
    when: float
    size: int = Field(ge=0)

    def entry(self) -> TrashEntry:
        return TrashEntry(self.id, Path(self.original), Path(self.trashed), self.when, self.size)

    @classmethod
    def of(cls, entry: TrashEntry) -> EntryModel:
        return cls.model_validate(entry.to_json())


class IndexModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = 1
    entries: list[EntryModel] = []
    elsewhere: list[str] = []  # other trash folders this state folder sent items to


@dataclass(frozen=True)
class Index:
    entries: tuple[TrashEntry, ...] = ()
    elsewhere: tuple[Path, ...] = ()


def valid_id(text: str) -> bool:
    return bool(_ID.match(text))


def read_index(folder: Path) -> Index:
    """The index of one trash folder; empty when there is none yet, StateError when unusable."""
    path = folder / INDEX_NAME
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Index()
    except OSError as exc:
        raise StateError(f"cannot read the trash index {path}: {exc.strerror}") from exc
    try:
        model = IndexModel.model_validate(jsondoc.loads(raw))
    except (ValueError, ValidationError) as exc:
        raise StateError(
            f"the trash index {path} is not valid: {_first_line(exc)}",
            hint="move the file aside; the items in that folder stay where they are",
        ) from exc
    entries = tuple(m.entry() for m in model.entries)
    for entry in entries:
        if entry.trashed != folder / entry.id or not entry.original.is_absolute():
            raise StateError(
                f"the trash index {path} names {entry.trashed} for entry {entry.id}, "
                "outside its folder", hint="move the file aside")
    return Index(entries, tuple(Path(p) for p in model.elsewhere))


def write_index(folder: Path, index: Index) -> None:
    model = IndexModel(entries=[EntryModel.of(e) for e in index.entries],
                       elsewhere=[str(p) for p in index.elsewhere])
    data = jsondoc.dumps(model.model_dump(mode="json"), indent=1).encode() + b"\n"
    atomic_write(folder / INDEX_NAME, data)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return " ".join(line.strip() for line in text[:3]) if text else type(exc).__name__
