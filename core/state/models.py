"""Pydantic models of what state.db rows may hold: every value read is checked here first.

Only the store's read functions import this module, so `import ainlp.core.state` (and
discovery) never loads pydantic.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Literal, TypeVar

from ainlp.core import jsondoc
from ainlp.core.discovery.records import EnvKind
from ainlp.core.errors import StateError
from ainlp.core.invalid import summary
from ainlp.core.state import rows
from pydantic import BaseModel, ConfigDict, Field, JsonValue, ValidationError, field_validator

ISO_UTC = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"
_KINDS = frozenset(kind.value for kind in EnvKind)


def _json_text(value: str | None, *, allow_null: bool, want_object: bool) -> str | None:
    if value is None:
        if allow_null:
            return None
        raise ValueError("missing JSON text")
    try:
        parsed = jsondoc.loads(value)
    except ValueError as exc:
        raise ValueError(f"not JSON: {exc}") from exc
    if want_object and not isinstance(parsed, dict):
        raise ValueError("JSON text is not an object")
    return value


class _Row(BaseModel):
    model_config = ConfigDict(strict=True, frozen=True, extra="ignore")


class EnvironmentModel(_Row):
    id: str = Field(min_length=1)
    prefix: str = Field(min_length=1)
    kind: str
    name: str | None
    version: str | None
    executable: str | None
    last_seen: str = Field(pattern=ISO_UTC)
    health: str | None

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in _KINDS:
            raise ValueError(f"unknown kind {value!r}")
        return value

    @field_validator("health")
    @classmethod
    def _health_json(cls, value: str | None) -> str | None:
        return _json_text(value, allow_null=True, want_object=True)

    def row(self) -> rows.KnownEnvironment:
        return rows.KnownEnvironment(
            self.id,
            self.prefix,
            self.kind,
            self.name,
            self.version,
            self.executable,
            self.last_seen,
            self.health,
        )


class ActiveModel(_Row):
    scope: Literal["project", "global"]
    project: str | None
    prefix: str = Field(min_length=1)
    reason: str
    set_at: str = Field(pattern=ISO_UTC)

    def row(self) -> rows.ActiveChoice:
        return rows.ActiveChoice(self.scope, self.project, self.prefix, self.reason, self.set_at)


class BackupModel(_Row):
    id: str = Field(pattern=r"^\d{8}-\d{6}-\d+$")
    created: str = Field(pattern=ISO_UTC)
    target: str
    reason: str
    environments: int = Field(ge=0)
    content: str

    @field_validator("content")
    @classmethod
    def _content_object(cls, value: str) -> str:
        return str(_json_text(value, allow_null=False, want_object=True))

    def row(self) -> rows.BackupRow:
        return rows.BackupRow(
            self.id, self.created, self.target, self.reason, self.environments, self.content
        )


class EventModel(_Row):
    id: int = Field(ge=1)
    at: str = Field(pattern=ISO_UTC)
    action: str = Field(min_length=1)
    target: str | None
    snapshot: str | None
    changes: str
    undone: Literal[0, 1]

    @field_validator("changes")
    @classmethod
    def _changes_json(cls, value: str) -> str:
        return str(_json_text(value, allow_null=False, want_object=False))

    def row(self) -> rows.Event:
        return rows.Event(
            self.id,
            self.at,
            self.action,
            self.target,
            self.snapshot,
            self.changes,
            bool(self.undone),
        )


class JournalModel(_Row):
    id: int = Field(ge=1)
    started_at: str = Field(pattern=ISO_UTC)
    action: str = Field(min_length=1)
    plan: str
    state: Literal["running", "done", "rolled-back"]

    @field_validator("plan")
    @classmethod
    def _plan_json(cls, value: str) -> str:
        return str(_json_text(value, allow_null=False, want_object=False))

    def row(self) -> rows.JournalEntry:
        return rows.JournalEntry(self.id, self.started_at, self.action, self.plan, self.state)


class SettingModel(_Row):
    key: str
    value: JsonValue


M = TypeVar("M", bound=BaseModel)
Data = Mapping[str, object]


def environments(db: Path, data: Iterable[Data]) -> list[rows.KnownEnvironment]:
    return [validated(EnvironmentModel, db, "environments", item).row() for item in data]


def active(db: Path, data: Iterable[Data]) -> list[rows.ActiveChoice]:
    return [validated(ActiveModel, db, "active", item).row() for item in data]


def backups(db: Path, data: Iterable[Data]) -> list[rows.BackupRow]:
    return [validated(BackupModel, db, "backups", item).row() for item in data]


def events(db: Path, data: Iterable[Data]) -> list[rows.Event]:
    return [validated(EventModel, db, "events", item).row() for item in data]


def journal(db: Path, data: Iterable[Data]) -> list[rows.JournalEntry]:
    return [validated(JournalModel, db, "journal", item).row() for item in data]


def validated(model: type[M], db: Path, table: str, data: Mapping[str, object]) -> M:
    """The row as `model`, or a StateError naming the file, the table and the row."""
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        raise bad_row(db, table, data, _first_error(exc)) from exc


def setting_value(db: Path, key: str, text: object) -> object:
    try:
        if not isinstance(text, str):
            raise ValueError("not text")
        checked = SettingModel.model_validate({"key": key, "value": jsondoc.loads(text)})
    except (ValueError, ValidationError) as exc:
        raise bad_row(db, "settings", {"key": key}, str(exc).splitlines()[0]) from exc
    return checked.value


def bad_row(db: Path, table: str, data: Mapping[str, object], why: str) -> StateError:
    key = data.get("id", data.get("key", data.get("prefix", "?")))
    return StateError(
        f"{db}: table {table}, row {key!r} is not valid: {why}",
        hint="Another program or a damaged disk changed state.db; restore it with "
        "'ainlp restore', or move it aside to start afresh.",
    )


def _first_error(exc: ValidationError) -> str:
    return summary(exc, limit=1)
