"""resume-change: a change the journal still calls 'running' (its process died) is
completed when its repair verifies, else rolled back from what its progress file says."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ainlp.core.errors import AinlpError
from ainlp.core.health.findings import Finding
from ainlp.core.recovery.model import FindingRef, RepairStep
from ainlp.core.recovery.strategies import register_strategy, strategy
from ainlp.core.recovery.strategies._common import blocked
from ainlp.core.recovery.transaction import Transaction as Tx
from ainlp.core.recovery.transaction import finish, roll_back_entry, verify

if TYPE_CHECKING:
    from ainlp.core.recovery.context import RepairContext
    from ainlp.core.recovery.transaction import Transaction
    from ainlp.core.state import JournalEntry

NAME = "resume-change"
SUBJECT = "change {id}"


class JournalUnreadable(AinlpError):
    code = "recovery.journal-unreadable"


def entry_id(subject: str) -> int | None:
    match = re.fullmatch(r"change (\d+)", subject)
    return int(match.group(1)) if match else None


class ResumeChange:
    name = NAME
    transactional = False  # it ends the interrupted change's own transaction

    def plan(self, rc: RepairContext, subject: str, findings: Sequence[Finding],
             step_id: str) -> RepairStep:
        number = entry_id(subject)
        entry = _entry(rc, number)
        does = f"finish or roll back the interrupted {subject}"
        if entry is None:
            return blocked(NAME, subject, findings, step_id, does,
                           "the journal no longer holds it as running")
        try:
            step, progress = _read(rc, entry)
        except JournalUnreadable as exc:
            return blocked(NAME, subject, findings, step_id, does, exc.message)
        touches = [*step.touches, str(progress)]
        return RepairStep(step_id, NAME, subject,
                          f"finish the interrupted repair ({step.does}) when it verifies, "
                          "else roll it back", tuple(FindingRef.of(f) for f in findings),
                          tuple(touches), True, params={"entry": str(entry.id)})

    def act(self, rc: RepairContext, step: RepairStep, tx: Transaction) -> list[str]:
        entry = _entry(rc, int(step.params["entry"]))
        if entry is None:
            return [f"{step.subject} was finished meanwhile"]
        inner, progress = _read(rc, entry)
        state = Tx.load(rc.world, progress)
        doer = strategy(inner.strategy)
        problem = (verify(rc, inner, doer) if doer is not None
                   else f"unknown strategy {inner.strategy!r}")
        if problem is None and all(os.path.lexists(p) for p in state.created):
            event = finish(rc, state, entry.id, inner)
            return [f"completed the interrupted repair of {inner.subject} "
                    f"(history event {event})"]
        undone = roll_back_entry(rc, state, entry.id)
        return [f"rolled back the interrupted repair of {inner.subject} ({problem})", *undone]

    def check(self, rc: RepairContext, step: RepairStep) -> str | None:
        return None


def _entry(rc: RepairContext, number: int | None) -> JournalEntry | None:
    if number is None:
        return None
    with rc.store() as store:
        return next((e for e in store.unfinished_changes() if e.id == number), None)


def _read(rc: RepairContext, entry: JournalEntry) -> tuple[RepairStep, Path]:
    try:
        doc = json.loads(entry.plan, parse_constant=int)
    except ValueError as exc:
        raise JournalUnreadable("its journal plan is not JSON") from exc
    step = doc.get("step") if isinstance(doc, dict) else None
    progress = doc.get("progress") if isinstance(doc, dict) else None
    if not isinstance(step, dict) or not isinstance(progress, str):
        raise JournalUnreadable("its journal plan does not say what it did; nothing to resume")
    path = Path(progress)
    folder = rc.world.state_dir / "recovery"
    if not path.is_absolute() or path.parent != folder:
        raise JournalUnreadable(f"its progress file {path} is outside {folder}")
    return RepairStep.from_journal(step), path


register_strategy(ResumeChange())
