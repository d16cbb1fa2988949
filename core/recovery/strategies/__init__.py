"""Repair strategies by name: the `fix` names health checks give their findings.

A strategy plans one step for the findings of one subject (an environment, a journal entry)
and acts inside a transaction (`core.recovery.transaction`): every change it makes goes
through the transaction, so a failed verification rolls it back and `ainlp undo` reverts it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from ainlp.core.health.findings import Finding
from ainlp.core.registry import Registry

if TYPE_CHECKING:
    from ainlp.core.recovery.context import RepairContext
    from ainlp.core.recovery.model import RepairStep
    from ainlp.core.recovery.transaction import Transaction


class Strategy(Protocol):
    name: str
    # False: the step is itself the end of a journaled change (resume-change) and runs
    # without a transaction of its own
    transactional: bool

    def plan(self, rc: RepairContext, subject: str, findings: Sequence[Finding],
             step_id: str) -> RepairStep:
        """The step that repairs `findings` (all about `subject`); `blocked` says why not."""

    def act(self, rc: RepairContext, step: RepairStep, tx: Transaction) -> list[str]:
        """Carry the step out, every change through `tx`; what was done, one line each."""

    def check(self, rc: RepairContext, step: RepairStep) -> str | None:
        """A verification beyond "the findings are gone": why the step is not done, or None."""


# fix name -> module under strategies/ whose STRATEGY carries it out
_MODULES = {
    "rebuild": "rebuild",
    "install-missing-requirements": "install",
    "reinstall-packages": "install",
    "cleanup": "forget",
    "replace-active": "active",
    "resume-change": "resume",
    "rebase": "rebase",
    "install-pip": "pip",
    "clean-path": "path",
}


_STRATEGIES: Registry[Strategy] = Registry(
    "repair strategy", homes={name: f"{__name__}.{module}" for name, module in _MODULES.items()})


def register_strategy(*strategies: Strategy) -> None:
    """Called by each strategy module for the strategies it defines."""
    for found in strategies:
        _STRATEGIES.add(found.name, found)


def names() -> tuple[str, ...]:
    return _STRATEGIES.names()


def strategy(name: str) -> Strategy | None:
    """The strategy for fix `name`, its module imported on first use; None for no such fix."""
    return _STRATEGIES.get(name)
