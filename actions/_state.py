"""What the state actions share: the store, plan documents, history events, backups.

Every action that changes the machine plans first (cli.md's plan document) and applies only
with `assume_yes`; what it changed goes through a ChangeSet whose JSON is recorded as a
history event, so `undo` can put things back.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ainlp.actions.registry import ActionContext, Param
from ainlp.core import jsondoc
from ainlp.core.discovery.records import EnvKind, EnvState
from ainlp.core.errors import AinlpError, BadInput
from ainlp.core.jsondoc import JSONObject

if TYPE_CHECKING:
    from ainlp.core.discovery.records import EnvRecord
    from ainlp.core.envsnap import EnvSnapshot
    from ainlp.core.state import StateStore

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: ainlp.core.changes 198 ms, ainlp.core.envsnap 81 ms, ainlp.core.state 31 ms
# lazy: ainlp.core.state.discovered 16 ms, ainlp.core.state.salvage 14 ms


class NoBackup(AinlpError):
    """'latest' or 'previous' named a backup that was never taken: the action cannot run."""

    code = "state.no-backup"


TARGET = Param("target", str, None, "an environment name or path, 'project' or 'all'")
NOTHING_APPLIED = "plan only: nothing was applied; run again with --yes to apply it"


# -- shared helpers ----------------------------------------------------------------------

@contextmanager
def open_store(ctx: ActionContext) -> Iterator[StateStore]:
    from ainlp.core.state import StateStore

    with StateStore.open(ctx.world.state_dir) as store:
        if store.recovery is not None and ctx.warn is not None:
            ctx.warn(store.recovery.message)
        yield store


AUTOMATIC = "before "  # the reason of every backup taken before a change ("before restore")


def prune_automatic(ctx: ActionContext, store: StateStore) -> None:
    """Automatic backups: the newest N per target (setting `keep_automatic_backups`, 10)."""
    keep = store.setting("keep_automatic_backups", 10)
    for gone in store.prune_backups(keep if isinstance(keep, int) else 10,
                                    reason_prefix=AUTOMATIC):
        # the wheel folder of a forgotten backup is ours alone (state_dir/backups/<id>)
        shutil.rmtree(ctx.world.state_dir / "backups" / gone, ignore_errors=True)


def prune_trash(ctx: ActionContext, store: StateStore) -> list[str]:
    """The trash, kept to settings `trash_max_age_days` (30) and `trash_max_bytes` (5 GiB)."""
    from ainlp.core.changes import prune

    age = store.setting("trash_max_age_days", 30)
    size = store.setting("trash_max_bytes", 5 * 1024**3)
    gone = prune(ctx.world, max_age_days=age if isinstance(age, (int, float)) else 30,
                 max_bytes=size if isinstance(size, int) else 5 * 1024**3)
    return [f"emptied from the trash: {entry.original}" for entry in gone]


@dataclass
class PlanStep:
    id: str
    does: str
    touches: list[str]
    undoable: bool = True

    def to_json(self) -> JSONObject:
        return {"id": self.id, "does": self.does, "fixes": None, "touches": list(self.touches),
                "undoable": self.undoable}


@dataclass
class Outcome:
    applied: list[str] = field(default_factory=list)
    failed: list[JSONObject] = field(default_factory=list)
    snapshot: str | None = None


def plan_doc(name: str, steps: Sequence[PlanStep], outcome: Outcome | None,
              summary: str) -> JSONObject:
    done = outcome or Outcome()
    return {
        "plan": {"id": f"{name}-{uuid.uuid4().hex[:8]}", "steps": [s.to_json() for s in steps]},
        "applied": list(done.applied),
        "failed": list(done.failed),
        "snapshot": done.snapshot,
        "summary": summary,
    }


def plan_only(ctx: ActionContext) -> bool:
    return ctx.dry_run or not ctx.assume_yes


def event_changes(changeset: JSONObject | None = None, *, created: Sequence[str] = (),
                   active_before: JSONObject | None = None) -> str:
    """The JSON of a history event: the ChangeSet, folders it created, the previous choice."""
    doc: JSONObject = {"changeset": changeset or {"version": 1, "changes": []},
                       "created": list(created)}
    if active_before is not None:
        doc["active_before"] = active_before
    return jsondoc.dumps(doc)


def venv_like(record: EnvRecord) -> bool:
    return record.kind in {
        EnvKind.VENV, EnvKind.VIRTUALENV, EnvKind.PYENV_VIRTUALENV, EnvKind.PIPX,
        EnvKind.UV_TOOL, EnvKind.POETRY, EnvKind.PDM, EnvKind.HATCH, EnvKind.PIPENV,
    }


# -- backup ------------------------------------------------------------------------------

@dataclass
class BackupTaken:
    id: str | None
    created: str
    target: str
    environments: int
    skipped: list[JSONObject]
    wheels: str | None

    def to_json(self) -> JSONObject:
        return {"snapshot": self.id, "environments": self.environments,
                "skipped": list(self.skipped), "created": self.created,
                "target": self.target, "wheels": self.wheels}


def take_backup(ctx: ActionContext, records: Sequence[EnvRecord], *, target: str,
                 reason: str, with_wheels: bool, explicit: bool) -> BackupTaken:
    from ainlp.core.envsnap import build_wheelhouse, capture
    from ainlp.core.state import BackupRow
    from ainlp.core.state.discovered import known

    snapshots: list[JSONObject] = []
    captured: list[EnvRecord] = []
    skipped: list[JSONObject] = []
    for record in records:
        if ctx.progress is not None:
            ctx.progress(f"capturing {record.prefix}")
        if not venv_like(record):
            if explicit:
                skipped.append({"prefix": str(record.prefix), "reason":
                                f"a {record.kind.value} interpreter, not an environment: "
                                "nothing to back up"})
            continue
        if record.state is EnvState.MISSING:
            skipped.append({"prefix": str(record.prefix), "reason": "its folder is gone"})
            continue
        try:
            snapshots.append(capture(ctx.world, record).to_json())
            captured.append(record)
        except (AinlpError, OSError, ValueError) as exc:
            why = exc.message if isinstance(exc, AinlpError) else str(exc)
            skipped.append({"prefix": str(record.prefix), "reason": f"cannot be read: {why}"})
    from ainlp.core.state.salvage import utc

    created = utc(ctx.world.clock())  # the world's clock, as the store's own times
    if not snapshots:
        return BackupTaken(None, created, target, 0, skipped, None)
    with open_store(ctx) as store:
        backup_id = store.new_backup_id()
        wheels: Path | None = None
        if with_wheels:
            wheels = ctx.world.state_dir / "backups" / backup_id / "wheels"
            wheels.mkdir(parents=True, exist_ok=True)
            for record in captured:
                built = build_wheelhouse(ctx.world, record, wheels)
                skipped.extend({"prefix": str(record.prefix), "distribution": s.name,
                                "reason": f"no wheel: {s.reason}"} for s in built.skipped)
        content: JSONObject = {
            "environments": snapshots,
            "context": {"active": [c.to_json() for c in store.active_choices()]},
            "wheels": str(wheels) if wheels is not None else None,
        }
        store.add_backup(BackupRow(backup_id, created, target, reason, len(snapshots),
                                   jsondoc.dumps(content)))
        store.add_event(action="backup", target=target, snapshot=backup_id, changes="{}")
        # what was backed up is known: if its folder goes, `find` says "missing"
        store.remember_environments(known(r, ctx.world.clock()) for r in captured)
        if reason != "manual":
            prune_automatic(ctx, store)
    return BackupTaken(backup_id, created, target, len(snapshots), skipped,
                   str(wheels) if wheels is not None else None)


# Backup writes only inside the state folder (the database and its wheel folders), so it
# asks for no confirmation: changes_machine stays False (cli.md: "we write only to the state
# folder" needs no consent).


def find_backup(store: StateStore, which: str) -> tuple[str, str]:
    """(id, content) of 'latest', 'previous' or an id; BadInput when there is none."""
    rows = store.backups()
    if which in ("latest", "previous"):
        index = 0 if which == "latest" else 1
        if len(rows) <= index:
            raise NoBackup(f"there is no {which} backup ({len(rows)} backup(s) kept)",
                           hint="`ainlp backup` takes one")
        return rows[index].id, rows[index].content
    row = store.backup(which)
    if row is None:
        raise BadInput(f"there is no backup {which!r}", hint="`ainlp backups` lists them")
    return row.id, row.content


def backup_snapshots(backup_id: str, content: str) -> tuple[list[EnvSnapshot], Path | None]:
    from ainlp.core.envsnap import EnvSnapshot

    doc = jsondoc.loads(content)
    envs = doc.get("environments", []) if isinstance(doc, dict) else []
    wheels = doc.get("wheels") if isinstance(doc, dict) else None
    snaps = [EnvSnapshot.from_json(env, source=f"backup {backup_id}", state_file=True)
             for env in envs]
    folder = Path(wheels) if isinstance(wheels, str) and Path(wheels).is_dir() else None
    return snaps, folder
