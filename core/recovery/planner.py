"""`ainlp fix`: findings -> a plan of repair steps -> each applied in a transaction."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from ainlp.core.changes import trash_location
from ainlp.core.foreign import exists
from ainlp.core.health import run_checks
from ainlp.core.health.engine import HealthReport
from ainlp.core.health.findings import Finding, Severity
from ainlp.core.recovery.context import RepairContext
from ainlp.core.recovery.model import Outcome, RepairPlan, RepairStep, StepFailure
from ainlp.core.recovery.strategies import strategy
from ainlp.core.recovery.strategies.rebase import moved_places
from ainlp.core.recovery.transaction import Transaction, run_step
from ainlp.core.world import World

# what settles state first: an interrupted change, then environments, then choices of them
_ORDER = {"resume-change": 0, "rebase": 1, "rebuild": 1, "cleanup": 3, "replace-active": 4,
          "clean-path": 5}


@dataclass
class FixRun:
    plan: RepairPlan
    report: HealthReport  # the findings the plan was made from
    outcome: Outcome | None = None
    remaining: list[Finding] = field(default_factory=list)  # errors a re-check still finds

    @property
    def applied(self) -> bool:
        return self.outcome is not None


def plan_fix(world: World, *, target: str | None = None, topic: str | None = None,
             progress: Callable[[str], None] | None = None,
             rc_file: bool = False) -> tuple[RepairPlan, RepairContext, HealthReport]:
    """A step per (strategy, subject) for the error and warning findings that have one."""
    report = run_checks(world, target=target, topic=topic)
    rc = RepairContext(world, report.inventory, progress, rc_file=rc_file)
    groups: dict[tuple[str, str], list[Finding]] = {}
    unfixable: list[Finding] = []
    for item in report.findings:
        if item.severity is Severity.INFO:
            continue  # notes: nothing is broken, nothing is repaired behind anyone's back
        if item.fix is None or strategy(item.fix) is None:
            unfixable.append(item)
            continue
        groups.setdefault((item.fix, item.subject), []).append(item)
    _absorb_into_rebase(rc, groups)
    ordered = sorted(groups.items(), key=lambda kv: _ORDER.get(kv[0][0], 2))
    steps: list[RepairStep] = []
    for number, ((name, subject), found) in enumerate(ordered, 1):
        doer = strategy(name)
        assert doer is not None
        steps.append(with_trash(world, doer.plan(rc, subject, found, f"s{number}")))
    return RepairPlan(f"fix-{uuid.uuid4().hex[:8]}", steps, unfixable), rc, report


# strategies that move their subject's folder to the trash before they act
_TRASHING = frozenset({"rebuild", "cleanup"})


def with_trash(world: World, step: RepairStep) -> RepairStep:
    """The step with the trash folder its subject goes to among what it touches: on another
    filesystem that is a trash of the subject's own mount, which the plan names so the user
    agrees to it before anything moves."""

    subject = Path(step.subject)
    if step.strategy not in _TRASHING or step.blocked is not None or not exists(subject):
        return step
    trash = str(trash_location(world, subject))
    return step if trash in step.touches else replace(step, touches=(*step.touches, trash))


def _absorb_into_rebase(rc: RepairContext, groups: dict[tuple[str, str], list[Finding]]) -> None:
    """A venv pointed at its new base needs no rebuild, and the active records that named the
    old base move with it: those findings join the rebase step."""

    for key in [k for k in groups if k[0] == "rebase"]:
        places = moved_places(rc, Path(key[1]))
        for other in [k for k in groups if k != key]:
            if (other == ("rebuild", key[1])
                    or (other[0] == "replace-active" and other[1] in places)):
                groups[key].extend(groups.pop(other))


def apply_plan(rc: RepairContext, plan: RepairPlan) -> Outcome:
    """Each runnable step in its own transaction; blocked steps are reported, not tried."""
    outcome = Outcome()
    for step in plan.steps:
        if step.blocked is not None:
            outcome.messages.append(f"{step.id}: not repaired automatically: {step.blocked}")
            continue
        doer = strategy(step.strategy)
        if doer is None:
            outcome.failed.append(StepFailure(step.id, f"no strategy {step.strategy!r}"))
            continue
        rc.say(f"{step.id}: {step.does}")
        if not doer.transactional:
            scratch = Transaction(rc.world, rc.world.state_dir / "recovery" / "unused.json")
            outcome.messages.extend(doer.act(rc, step, scratch))
            outcome.applied.append(step.id)
            continue
        run = run_step(rc, step, doer)
        outcome.messages.extend(run.messages)
        if outcome.snapshot is None:
            outcome.snapshot = run.snapshot
        if run.ok:
            outcome.applied.append(step.id)
            if run.event is not None:
                outcome.events.append(run.event)
        else:
            outcome.failed.append(StepFailure(step.id, run.error or "failed"))
    return outcome


def fix(world: World, *, target: str | None = None, topic: str | None = None,
        apply: bool = False, progress: Callable[[str], None] | None = None,
        rc_file: bool = False) -> FixRun:
    """Plan; with `apply`, carry the plan out and re-check what is left. `rc_file`: PATH
    repairs may write their lines into the shell's rc file (a marked block)."""
    plan, rc, report = plan_fix(world, target=target, topic=topic, progress=progress,
                                rc_file=rc_file)
    run = FixRun(plan, report)
    if not apply:
        return run
    run.outcome = apply_plan(rc, plan)
    if run.outcome.applied:
        rc.refresh()
        after = run_checks(world, inventory=rc.inventory, target=target, topic=topic)
    else:
        after = report
    run.remaining = [f for f in after.findings if f.severity is Severity.ERROR]
    return run
