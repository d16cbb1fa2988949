"""The rows of the state database as the engine sees them: plain frozen values."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Scope = Literal["project", "global"]
ChangeState = Literal["running", "done", "rolled-back"]


@dataclass(frozen=True, slots=True)
class KnownEnvironment:
    """An environment AINLP has seen; kept so that one whose folder goes is reported missing."""

    id: str
    prefix: str
    kind: str
    name: str | None
    version: str | None
    executable: str | None
    last_seen: str  # ISO UTC, "2026-11-24T03:15:00Z"
    health: str | None = None  # JSON text: the last health summary

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "prefix": self.prefix,
            "kind": self.kind,
            "name": self.name,
            "version": self.version,
            "executable": self.executable,
            "last_seen": self.last_seen,
        }


@dataclass(frozen=True, slots=True)
class ActiveChoice:
    scope: Scope
    project: str | None  # the project folder; None for the global choice
    prefix: str
    reason: str
    set_at: str

    def to_json(self) -> dict[str, object]:
        return {
            "scope": self.scope,
            "project": self.project,
            "prefix": self.prefix,
            "reason": self.reason,
            "set_at": self.set_at,
        }


@dataclass(frozen=True, slots=True)
class BackupRow:
    id: str  # "20261124-031500-1"
    created: str  # "2026-11-24T03:15:00Z"
    target: str
    reason: str
    environments: int
    content: str  # JSON text of an object, written by the snapshot code

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "created": self.created,
            "target": self.target,
            "environments": self.environments,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class Event:
    id: int
    at: str
    action: str
    target: str | None
    snapshot: str | None
    changes: str  # JSON text
    undone: bool

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "at": self.at,
            "action": self.action,
            "target": self.target,
            "snapshot": self.snapshot,
            "undone": self.undone,
        }


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """A change that was started; state stays "running" if the process died half-way."""

    id: int
    started_at: str
    action: str
    plan: str  # JSON text
    state: ChangeState

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "started_at": self.started_at,
            "action": self.action,
            "state": self.state,
        }


@dataclass(frozen=True, slots=True)
class RecoveryNote:
    """What open() did about a damaged state.db."""

    moved_to: Path  # where the damaged file went (never deleted)
    restored_from: Path | None  # the backup layer copied in; None: started empty
    layer_time: str | None  # when that layer was taken, ISO UTC
    message: str  # one line: what happened and what may be lost

    def to_json(self) -> dict[str, object]:
        return {
            "moved_to": str(self.moved_to),
            "restored_from": str(self.restored_from) if self.restored_from else None,
            "layer_time": self.layer_time,
            "message": self.message,
        }
