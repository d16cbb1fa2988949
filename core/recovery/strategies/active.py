"""replace-active: an active choice (of a project, or the global one) whose environment is
gone gets a replacement by the ranking rule (core.active.replacement_for), which says why."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ainlp.core.errors import AinlpError
from ainlp.core.health.findings import Finding
from ainlp.core.jsondoc import JSONObject
from ainlp.core.recovery.model import FindingRef, RepairStep
from ainlp.core.recovery.strategies import register_strategy
from ainlp.core.recovery.strategies._common import blocked

if TYPE_CHECKING:
    from ainlp.core.recovery.context import RepairContext
    from ainlp.core.recovery.transaction import Transaction

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: ainlp.core.active 23 ms

NAME = "replace-active"
GLOBAL = "global"


class ChoiceChanged(AinlpError):
    code = "recovery.choice-changed"


class ReplaceActive:
    name = NAME
    transactional = True

    def plan(self, rc: RepairContext, subject: str, findings: Sequence[Finding],
             step_id: str) -> RepairStep:
        from ainlp.core.active import replacement_for
        with rc.store() as store:
            choice = store.global_active() if subject == GLOBAL else store.active_for(subject)
        does = f"choose another active environment for {subject}"
        if choice is None or Path(choice.prefix).exists():
            return blocked(NAME, subject, findings, step_id, does,
                           "the active choice changed since the check")
        project = rc.world.home if subject == GLOBAL else Path(subject)
        found = replacement_for(rc.world, project, Path(choice.prefix),
                                rc.inventory.environments)
        if found is None:
            return blocked(NAME, subject, findings, step_id, does,
                           "no usable environment could replace it: `ainlp create` makes one")
        new = found.candidate.record.prefix
        return RepairStep(step_id, NAME, subject,
                          f"make {new} the active environment of {subject}: {found.reason}",
                          tuple(FindingRef.of(f) for f in findings),
                          (str(rc.world.state_dir / "state.db"),), True,
                          params={"gone": choice.prefix, "new": str(new),
                                  "reason": found.reason})

    def act(self, rc: RepairContext, step: RepairStep, tx: Transaction) -> list[str]:
        is_global = step.subject == GLOBAL
        project = None if is_global else step.subject
        with rc.store() as store:
            choice = store.global_active() if is_global else store.active_for(project)
            if choice is None or choice.prefix != step.params["gone"]:
                raise ChoiceChanged(f"the active choice of {step.subject} changed meanwhile")
            before: JSONObject = {"scope": "global" if is_global else "project",
                                  "project": project, "prefix": choice.prefix,
                                  "reason": choice.reason}
            tx.remember_active(before)
            store.set_active(scope="global" if is_global else "project", project=project,
                             prefix=step.params["new"], reason="ainlp fix: the active "
                             "environment was gone")
        return [f"{step.params['new']} is now active for {step.subject} "
                f"({step.params['reason']})"]

    def check(self, rc: RepairContext, step: RepairStep) -> str | None:
        return None


register_strategy(ReplaceActive())
