"""Checks of AINLP's own records: a change the journal still calls running (its process
died half-way), and an active environment choice whose folder is gone."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

from ainlp.core.errors import AinlpError
from ainlp.core.health.context import CheckContext
from ainlp.core.health.findings import Finding
from ainlp.core.health.registry import CheckSpec, health_check

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: ainlp.core.state 12 ms


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


@health_check("state.interrupted-change")
def interrupted_change(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    if not ctx.machine_wide or not _store_exists(ctx):
        return
    from ainlp.core.state import StateStore

    try:
        with StateStore.open(ctx.world.state_dir) as store:
            entries = store.unfinished_changes()
    except AinlpError:
        return  # an unreadable state folder is state.unwritable's and the store's to say
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


@health_check("env.active-missing")
def active_missing(ctx: CheckContext, spec: CheckSpec) -> Iterator[Finding]:
    if not ctx.machine_wide or not _store_exists(ctx):
        return
    from ainlp.core.state import StateStore

    try:
        with StateStore.open(ctx.world.state_dir) as store:
            choices = store.active_choices()
    except AinlpError:
        return
    for choice in choices:
        if os.path.lexists(Path(choice.prefix)):
            continue
        where = "every project" if choice.scope == "global" else f"the project {choice.project}"
        subject = "global" if choice.scope == "global" else str(choice.project)
        yield spec.finding(subject,
                           f"{choice.prefix}, the active environment of {where}, is gone",
                           "ainlp fix chooses a replacement; or `ainlp use` another one")
