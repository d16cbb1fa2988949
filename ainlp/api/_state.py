"""The public functions of state: backups, restore, the active environment, create, history
and undo. Functions that change the machine return their plan unless `apply` is true."""

from __future__ import annotations

from collections.abc import Sequence

from ainlp.actions.result import Result
from ainlp.api._functions import run_action
from ainlp.api._options import CancelToken, OnEvent
from ainlp.core.world import World

__all__ = ["backup", "backups", "create", "history", "restore", "undo", "use"]


def backup(target: str | None = None, with_wheels: bool = False, *, world: World | None = None,
           on_event: OnEvent | None = None, cancel: CancelToken | None = None) -> Result:
    """Snapshot environments now (`ainlp backup`); only the state folder is written."""
    return run_action("create_comprehensive_backup",
                      {"target": target, "with_wheels": with_wheels},
                      world=world, on_event=on_event, cancel=cancel)


def backups(diff: Sequence[str] | str | None = None, *, world: World | None = None,
            on_event: OnEvent | None = None, cancel: CancelToken | None = None) -> Result:
    """The backups kept (`ainlp backups`), or with `diff=(A, B)` what changed from A to B."""
    if diff is not None and not isinstance(diff, str):
        diff = " ".join(diff)
    return run_action("list_backups", {"diff": diff}, world=world, on_event=on_event,
                      cancel=cancel)


def restore(source: str = "latest", only: str | None = None, apply: bool = False, *,
            context_only: bool = False, dry_run: bool = False, world: World | None = None,
            on_event: OnEvent | None = None, cancel: CancelToken | None = None) -> Result:
    """Restore environments from a backup (`ainlp restore`): the plan unless `apply`.
    `context_only` puts back only the active-environment choices the backup recorded."""
    return run_action("restore_backup", {"source": source, "only": only,
                                         "context_only": context_only}, world=world,
                      on_event=on_event, cancel=cancel, dry_run=dry_run, assume_yes=apply)


def use(target: str | None = None, scope: str | None = None, best: bool = False,
        apply: bool = False, *, version: str | None = None, pin: bool = False,
        dry_run: bool = False, world: World | None = None, on_event: OnEvent | None = None,
        cancel: CancelToken | None = None) -> Result:
    """The active environment (`ainlp use`); with a target (or `best`) the plan to switch,
    applied when `apply` is true; `pin` also writes the project's .python-version."""
    return run_action("switch_environment", {"target": target, "version": version,
                                             "scope": scope, "best": best, "pin": pin},
                      world=world, on_event=on_event, cancel=cancel, dry_run=dry_run,
                      assume_yes=apply)


def create(path: str | None = None, python: str | None = None, apply: bool = False, *,
           dry_run: bool = False, world: World | None = None, on_event: OnEvent | None = None,
           cancel: CancelToken | None = None) -> Result:
    """A new virtual environment (`ainlp create [PATH] --version V`): the plan unless `apply`."""
    return run_action("create_environment", {"path": path, "version": python}, world=world,
                      on_event=on_event, cancel=cancel, dry_run=dry_run, assume_yes=apply)


def history(*, world: World | None = None, on_event: OnEvent | None = None,
            cancel: CancelToken | None = None) -> Result:
    """The log of state-changing actions (`ainlp history`)."""
    return run_action("show_history", {}, world=world, on_event=on_event, cancel=cancel)


def undo(apply: bool = False, *, dry_run: bool = False, world: World | None = None,
         on_event: OnEvent | None = None, cancel: CancelToken | None = None) -> Result:
    """Revert the newest change not undone yet (`ainlp undo`): the plan unless `apply`."""
    return run_action("undo_last_change", {}, world=world, on_event=on_event, cancel=cancel,
                      dry_run=dry_run, assume_yes=apply)
