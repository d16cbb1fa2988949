"""One repair step as a transaction: journal it, snapshot, act, verify, roll back from the
trash on failure, finish the journal entry and record a history event `ainlp undo` reads.

What the step changed so far is kept in a progress file named in the journal entry, so a
process killed half-way leaves enough for `ainlp fix` (state.interrupted-change) to finish
or roll back the change.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ainlp.core.changes import ChangeSet, move_to_trash
from ainlp.core.errors import AinlpError
from ainlp.core.health import run_checks
from ainlp.core.health.findings import Finding, Severity
from ainlp.core.jsondoc import JSONObject
from ainlp.core.world import World

if TYPE_CHECKING:
    from ainlp.core.recovery.context import RepairContext
    from ainlp.core.recovery.model import RepairStep
    from ainlp.core.recovery.strategies import Strategy

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: ainlp.core.state 10 ms

# tests set it in the world's environment to kill the process at a named point
KILL_VARIABLE = "AINLP_RECOVERY_KILL_AT"
JOURNAL_ACTION = "fix"


@dataclass
class Transaction:
    """The undoable record of one step: a ChangeSet, folders it created, an active choice."""

    world: World
    progress_file: Path
    changes: ChangeSet = field(default_factory=ChangeSet)
    created: list[str] = field(default_factory=list)
    active_before: JSONObject | None = None
    snapshot: str | None = None

    def note(self) -> None:
        """Write what was done so far (before the next change starts)."""
        self.progress_file.parent.mkdir(parents=True, exist_ok=True)
        temp = self.progress_file.with_suffix(".tmp")
        temp.write_text(json.dumps(self.document(), allow_nan=False), encoding="utf-8")
        os.replace(temp, self.progress_file)

    def document(self) -> JSONObject:
        doc: JSONObject = {"changeset": self.changes.to_json(), "created": list(self.created),
                           "snapshot": self.snapshot}
        if self.active_before is not None:
            doc["active_before"] = self.active_before
        return doc

    def event_changes(self) -> str:
        """The history event's JSON, in the shape `ainlp undo` reads."""
        doc = self.document()
        doc.pop("snapshot", None)
        return json.dumps(doc, allow_nan=False)

    def move_to_trash(self, path: Path) -> None:
        self.changes.move_to_trash(self.world, path)
        self.note()

    def write_file(self, path: Path, data: bytes) -> None:
        self.changes.write_file(path, data)
        self.note()

    def creating(self, path: Path) -> None:
        """`path` is about to be created: a rollback moves it to the trash."""
        if str(path) not in self.created:
            self.created.append(str(path))
        self.note()

    def remember_active(self, before: JSONObject) -> None:
        self.active_before = before
        self.note()

    def rollback(self) -> list[str]:
        """Put everything back: what was created goes to the trash, trashed items return."""
        done: list[str] = []
        for created in reversed(self.created):
            path = Path(created)
            if os.path.lexists(path):
                move_to_trash(self.world, path)
                done.append(f"moved the new {path} to the trash")
        self.created.clear()
        done.extend(self.changes.undo(force=True))
        if self.active_before is not None:
            done.append(_restore_active(self.world, self.active_before))
            self.active_before = None
        self.note()
        return done

    @classmethod
    def load(cls, world: World, progress_file: Path) -> Transaction:
        tx = cls(world, progress_file)
        try:
            doc = json.loads(progress_file.read_text(encoding="utf-8"), parse_constant=int)
        except (OSError, ValueError):
            return tx  # killed before the first change was noted: nothing to undo
        if not isinstance(doc, dict):
            return tx
        changeset = doc.get("changeset")
        if isinstance(changeset, dict):
            tx.changes = ChangeSet.from_json(changeset)
        created = doc.get("created")
        tx.created = [str(p) for p in created] if isinstance(created, list) else []
        before = doc.get("active_before")
        tx.active_before = before if isinstance(before, dict) else None
        snapshot = doc.get("snapshot")
        tx.snapshot = snapshot if isinstance(snapshot, str) else None
        return tx


def _restore_active(world: World, before: JSONObject) -> str:
    from ainlp.core.state import Scope, StateStore

    scope: Scope = "global" if before.get("scope") == "global" else "project"
    project = before.get("project")
    place = str(project) if isinstance(project, str) else None
    prefix = before.get("prefix")
    with StateStore.open(world.state_dir) as store:
        if isinstance(prefix, str):
            store.set_active(scope=scope, project=place, prefix=prefix,
                             reason=str(before.get("reason") or "ainlp fix rollback"))
        else:
            store.clear_active(scope=scope, project=place)
    return "the previous active choice is back"


def kill_point(world: World, name: str) -> None:
    """Die here, without cleanup, when the world's environment asks for it (tests)."""
    if world.env.get(KILL_VARIABLE) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def remaining(rc: RepairContext, step: RepairStep) -> list[Finding]:
    """The findings the step repairs that a fresh check still reports."""
    rc.refresh()
    subject = Path(step.subject)
    target = step.subject if subject.is_absolute() and os.path.lexists(subject) else None
    try:
        report = run_checks(rc.world, inventory=rc.inventory, target=target)
    except AinlpError as exc:
        return [Finding("recovery.verify", Severity.ERROR, step.subject, exc.message, "")]
    wanted = {(f.id, f.subject) for f in step.fixes}
    return [f for f in report.findings if (f.id, f.subject) in wanted]


def verify(rc: RepairContext, step: RepairStep, strategy: Strategy) -> str | None:
    """Why the step did not repair what it should, or None when it did."""
    left = remaining(rc, step)
    if left:
        return "still found after the repair: " + "; ".join(f"{f.id}: {f.message}"
                                                              for f in left[:3])
    return strategy.check(rc, step)


@dataclass
class StepRun:
    ok: bool
    error: str | None = None
    messages: list[str] = field(default_factory=list)
    event: int | None = None
    snapshot: str | None = None


def run_step(rc: RepairContext, step: RepairStep, strategy: Strategy) -> StepRun:
    """Journal, snapshot, act, verify; roll back on failure; record the history event."""
    progress = rc.world.state_dir / "recovery" / f"change-{uuid.uuid4().hex[:12]}.json"
    plan: JSONObject = {"step": step.journal(), "progress": str(progress), "pid": os.getpid()}
    tx = Transaction(rc.world, progress)
    tx.note()
    with rc.store() as store:
        change_id = store.begin_change(JOURNAL_ACTION, json.dumps(plan, allow_nan=False))
    try:
        record = rc.record(step.subject)
        if record is not None:
            tx.snapshot = rc.snapshot([record], target=step.subject)
            tx.note()
        kill_point(rc.world, "before-act")
        messages = strategy.act(rc, step, tx)
    except (AinlpError, OSError) as exc:
        why = exc.message if isinstance(exc, AinlpError) else str(exc)
        undone = _roll_back(rc, tx, change_id)
        return StepRun(False, why, undone, snapshot=tx.snapshot)
    kill_point(rc.world, "after-act")
    problem = verify(rc, step, strategy)
    if problem is not None:
        undone = _roll_back(rc, tx, change_id)
        return StepRun(False, problem, [*messages, *undone], snapshot=tx.snapshot)
    event = finish(rc, tx, change_id, step)
    return StepRun(True, None, messages, event, tx.snapshot)


def _roll_back(rc: RepairContext, tx: Transaction, change_id: int) -> list[str]:
    try:
        undone = tx.rollback()
    except AinlpError as exc:
        # the journal entry stays 'running': state.interrupted-change reports it
        return [f"rollback stopped: {exc.message}"]
    with rc.store() as store:
        store.finish_change(change_id, "rolled-back")
    _forget_progress(tx)
    return undone


def finish(rc: RepairContext, tx: Transaction, change_id: int, step: RepairStep) -> int:
    with rc.store() as store:
        event = store.add_event(action=JOURNAL_ACTION, target=step.subject,
                                snapshot=tx.snapshot, changes=tx.event_changes())
        store.finish_change(change_id, "done")
    _forget_progress(tx)
    return event.id


def roll_back_entry(rc: RepairContext, tx: Transaction, change_id: int) -> list[str]:
    return _roll_back(rc, tx, change_id)


def _forget_progress(tx: Transaction) -> None:
    with contextlib.suppress(OSError):
        tx.progress_file.unlink()
