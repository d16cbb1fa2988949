"""Recovery: repair plans made from health findings, each step applied in a transaction
(journal, snapshot, act, verify, roll back from the trash, history event for `undo`).

    run = fix(world, target=None, apply=True)   # plan, apply, re-check
    plan, rc = plan_cleanup(world); apply_cleanup(rc, plan)
"""

from ainlp.core.recovery.cleanup import apply_cleanup, plan_cleanup
from ainlp.core.recovery.context import RepairContext
from ainlp.core.recovery.model import FindingRef, Outcome, RepairPlan, RepairStep, StepFailure
from ainlp.core.recovery.planner import FixRun, apply_plan, fix, plan_fix
from ainlp.core.recovery.strategies import names as strategy_names
from ainlp.core.recovery.transaction import KILL_VARIABLE

__all__ = [
    "KILL_VARIABLE",
    "FindingRef",
    "FixRun",
    "Outcome",
    "RepairContext",
    "RepairPlan",
    "RepairStep",
    "StepFailure",
    "apply_cleanup",
    "apply_plan",
    "fix",
    "plan_cleanup",
    "plan_fix",
    "strategy_names",
]
