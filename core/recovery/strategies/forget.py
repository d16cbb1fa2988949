"""cleanup (in `ainlp fix`): a record of an environment whose folder is gone is forgotten; a
folder that is provably an environment (pyvenv.cfg or conda-meta) but cannot serve goes to
the trash, where `ainlp undo` finds it."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ainlp.core.errors import AinlpError
from ainlp.core.health.findings import Finding
from ainlp.core.recovery.model import FindingRef, RepairStep
from ainlp.core.recovery.strategies import register_strategy
from ainlp.core.recovery.strategies._common import blocked, proven_environment

if TYPE_CHECKING:
    from ainlp.core.recovery.context import RepairContext
    from ainlp.core.recovery.transaction import Transaction

NAME = "cleanup"


class NotAnEnvironment(AinlpError):
    code = "recovery.not-an-environment"


class Cleanup:
    name = NAME
    transactional = True

    def plan(self, rc: RepairContext, subject: str, findings: Sequence[Finding],
             step_id: str) -> RepairStep:
        prefix = Path(subject)
        refs = tuple(FindingRef.of(f) for f in findings)
        db = str(rc.world.state_dir / "state.db")
        if not os.path.lexists(prefix):
            return RepairStep(step_id, NAME, subject,
                              f"forget {prefix}: its folder is gone", refs, (db,), False,
                              params={"mode": "forget"})
        if proven_environment(prefix) is None:
            return blocked(NAME, subject, findings, step_id, f"clean up {prefix}",
                           "the folder has neither pyvenv.cfg nor conda-meta: it is not "
                           "proven to be an environment, so it is left alone")
        return RepairStep(step_id, NAME, subject,
                          f"move {prefix} to the trash and forget it", refs, (subject, db),
                          True, params={"mode": "trash"})

    def act(self, rc: RepairContext, step: RepairStep, tx: Transaction) -> list[str]:
        prefix = Path(step.subject)
        done: list[str] = []
        if step.params.get("mode") == "trash":
            if proven_environment(prefix) is None:
                raise NotAnEnvironment(f"{prefix} is no longer provably an environment")
            tx.move_to_trash(prefix)
            done.append(f"moved {prefix} to the trash")
        with rc.store() as store:
            if store.forget_environment(str(prefix)):
                done.append(f"forgot {prefix}")
        return done

    def check(self, rc: RepairContext, step: RepairStep) -> str | None:
        return None


register_strategy(Cleanup())
