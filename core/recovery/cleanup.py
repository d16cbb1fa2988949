"""`ainlp cleanup`: forget records of environments that are gone; move broken ones that
provably are environments (pyvenv.cfg or conda-meta, not a link) to the trash."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from ainlp.core.discovery import discover
from ainlp.core.discovery.records import EnvKind, EnvRecord, EnvState
from ainlp.core.discovery.select import select_environments
from ainlp.core.health import Finding, Severity, subject_of
from ainlp.core.recovery.context import RepairContext
from ainlp.core.recovery.model import FindingRef, Outcome, RepairPlan, RepairStep
from ainlp.core.recovery.planner import apply_plan, with_trash
from ainlp.core.recovery.strategies._common import proven_environment
from ainlp.core.recovery.strategies.forget import NAME, Cleanup
from ainlp.core.world import World

_BARE = frozenset({EnvKind.SYSTEM, EnvKind.HOMEBREW, EnvKind.UNKNOWN, EnvKind.PYENV,
                   EnvKind.UV_PYTHON, EnvKind.WINDOWS_REGISTRY, EnvKind.WINDOWS_STORE})


def plan_cleanup(world: World, target: str | None = None,
                 progress: Callable[[str], None] | None = None) -> tuple[RepairPlan,
                                                                         RepairContext]:
    inventory = discover(world, refresh=True)
    rc = RepairContext(world, inventory, progress)
    records = select_environments(world, inventory, target, default="all")
    steps: list[RepairStep] = []
    doer = Cleanup()
    for record in records:
        if record.state is EnvState.OK:
            continue
        step = _step(rc, doer, record, f"s{len(steps) + 1}")
        if step is not None:
            steps.append(with_trash(world, step))
    return RepairPlan(f"cleanup-{uuid.uuid4().hex[:8]}", steps, []), rc


def _step(rc: RepairContext, doer: Cleanup, record: EnvRecord,
          step_id: str) -> RepairStep | None:
    subject = str(record.prefix)
    findings = [Finding(p.id, Severity.ERROR, subject_of(record), p.message, p.hint)
                for p in record.problems] or [
        Finding("env.missing", Severity.WARNING, subject, "gone", "")]
    if record.state is EnvState.MISSING:
        return doer.plan(rc, subject, findings, step_id)
    if record.kind in _BARE and proven_environment(record.prefix) is None:
        return None  # a broken interpreter installation: reinstall it, never delete it
    step = doer.plan(rc, subject, findings, step_id)
    step.fixes = tuple(FindingRef(f.id, f.subject) for f in findings)
    return step


def apply_cleanup(rc: RepairContext, plan: RepairPlan) -> Outcome:
    """Each step as `fix` applies one: journalled, snapshotted, verified, in a transaction."""
    return apply_plan(rc, plan)


__all__ = ["NAME", "apply_cleanup", "plan_cleanup"]
