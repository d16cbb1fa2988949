"""Checks of AINLP's own records: a change the journal still calls running (its process
died half-way), and an active environment choice whose folder is gone."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

from ainlp.core.health.context import CheckContext
from ainlp.core.health.findings import Finding, Severity
from ainlp.core.health.registry import get_check, health_check


def _store_exists(ctx: CheckContext) -> bool:
    from ainlp.core.state import DB_NAME

    return (ctx.world.state_dir / DB_NAME).is_file()


def _alive(pid: object) -> bool:
    """Whether the process that started a change still runs (then it is not interrupted)."""
    if not isinstance(pid, int) or pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


@health_check(
    "state.interrupted-change", severity=Severity.ERROR, topics=("state",),
    fix="resume-change",
    title="A change was interrupted half-way",
    explanation="AINLP's journal holds a change (a repair of `ainlp fix` or `ainlp cleanup`) "
                "that started and never finished: its process was killed, or the machine went "
                "down, between its first and last step.",
    why="The environment it was changing may be half rebuilt, or its old folder may still be "
        "in the trash.",
    repair="`resume-change` re-checks what the change repairs: when the repair verifies it is "
           "completed and recorded in the history (`ainlp undo` reverts it), otherwise "
           "everything it did is rolled back from the trash.",
)
def interrupted_change(ctx: CheckContext) -> Iterator[Finding]:
    if not ctx.machine_wide or not _store_exists(ctx):
        return
    from ainlp.core.errors import AinlpError
    from ainlp.core.state import StateStore

    try:
        with StateStore.open(ctx.world.state_dir) as store:
            entries = store.unfinished_changes()
    except AinlpError:
        return  # an unreadable state folder is state.unwritable's and the store's to say
    spec = get_check("state.interrupted-change")
    for entry in entries:
        try:
            plan = json.loads(entry.plan, parse_constant=int)
        except ValueError:
            plan = {}
        if isinstance(plan, dict) and _alive(plan.get("pid")):
            continue
        step = plan.get("step") if isinstance(plan, dict) else None
        what = step.get("does") if isinstance(step, dict) else None
        yield spec.finding(f"change {entry.id}",
                           f"the {entry.action} started at {entry.started_at} never finished"
                           + (f": {what}" if what else ""),
                           "ainlp fix completes it, or rolls it back when it does not verify")


@health_check(
    "env.active-missing", severity=Severity.ERROR, topics=("state", "venv"),
    fix="replace-active",
    title="The active environment is gone",
    explanation="`ainlp use` chose an environment for a project (or for every project) and "
                "that environment's folder no longer exists.",
    why="Whatever asks AINLP which environment is active gets a folder that is not there.",
    repair="`replace-active` picks a replacement by the ranking rule of `ainlp use --best` "
           "(the project's other environments, the same Python minor, its requirements) and "
           "says which and why; `ainlp undo` puts the old choice back.",
)
def active_missing(ctx: CheckContext) -> Iterator[Finding]:
    if not ctx.machine_wide or not _store_exists(ctx):
        return
    from ainlp.core.errors import AinlpError
    from ainlp.core.state import StateStore

    try:
        with StateStore.open(ctx.world.state_dir) as store:
            choices = store.active_choices()
    except AinlpError:
        return
    spec = get_check("env.active-missing")
    for choice in choices:
        if os.path.lexists(Path(choice.prefix)):
            continue
        where = "every project" if choice.scope == "global" else f"the project {choice.project}"
        subject = "global" if choice.scope == "global" else str(choice.project)
        yield spec.finding(subject,
                           f"{choice.prefix}, the active environment of {where}, is gone",
                           "ainlp fix chooses a replacement; or `ainlp use` another one")
