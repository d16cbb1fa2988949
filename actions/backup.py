"""Actions of state: snapshots, bundles (export, import), the history of changes, undo.

The state engine (snapshots, backup layers, bundles) comes in a later issue; until then
these actions say so and fail (exit 1) instead of pretending to have done anything.
"""

from __future__ import annotations

from ainlp.actions.registry import ActionContext, Param, Unavailable, action
from ainlp.actions.result import Result

_HINT = ("`ainlp find` and `ainlp doctor` work now; until backups exist, keep a copy of "
         "important environments with `pip freeze > requirements.txt` inside each")


@action(
    "create_comprehensive_backup",
    description="Snapshot the state of environments now (all, or one target)",
    params=(Param("target", str, None, "an environment name or path, 'project' or 'all'"),),
    intents=("backup",),
    phrases=("back up my environments", "create a backup", "snapshot environment datasci"),
    changes_machine=True,
    unavailable=Unavailable("backups are not available yet in this version; nothing was saved",
                       _HINT),
)
def create_comprehensive_backup(ctx: ActionContext, target: str | None = None) -> Result:
    raise AssertionError("unreachable: ActionSpec.run raises the Unavailable")


@action(
    "list_backups",
    description="List the snapshots and backups that can be restored",
    intents=("list_backups",),
    phrases=("list backups", "show snapshots"),
    unavailable=Unavailable("backups are not available yet in this version; there is nothing "
                            "to list", _HINT),
)
def list_backups(ctx: ActionContext) -> Result:
    raise AssertionError("unreachable: ActionSpec.run raises the Unavailable")


@action(
    "restore_backup",
    description="Restore environments from a snapshot (default: the latest)",
    params=(Param("source", str, "latest", "'latest', a snapshot id, or a path"),),
    intents=("restore",),
    phrases=("restore the latest backup", "restore environment from backup",
             "roll back to the previous snapshot"),
    changes_machine=True,
    unavailable=Unavailable("restoring backups is not available yet in this version; nothing was "
                       "changed", _HINT),
)
def restore_backup(ctx: ActionContext, source: str = "latest") -> Result:
    raise AssertionError("unreachable: ActionSpec.run raises the Unavailable")


@action(
    "environment_configuration_and_instructions",
    description="Write a portable bundle with recovery instructions for an OS reinstall",
    params=(Param("path", str, None, "the folder to write (default ~/ainlp-export/<timestamp>)"),),
    intents=("export",),
    phrases=("prepare environment for os reinstall", "export environment configuration",
             "export environments to ~/aios-export"),
    unavailable=Unavailable("export bundles are not available yet in this version; nothing was "
                       "written", "`ainlp find --json > environments.json` records what "
                       "is installed in the meantime"),
)
def environment_configuration_and_instructions(ctx: ActionContext,
                                               path: str | None = None) -> Result:
    raise AssertionError("unreachable: ActionSpec.run raises the Unavailable")


@action(
    "import_environments",
    description="Recreate environments from an exported bundle",
    params=(Param("path", str, None, "the bundle folder (default: the newest export)"),),
    intents=("import",),
    phrases=("import environments from ~/aios-export",
             "recreate my environments after the os reinstall"),
    changes_machine=True,
    unavailable=Unavailable("importing bundles is not available yet in this version; nothing was "
                       "changed", "recreate an environment with `python -m venv` and "
                       "`pip install -r requirements.txt` in the meantime"),
)
def import_environments(ctx: ActionContext, path: str | None = None) -> Result:
    raise AssertionError("unreachable: ActionSpec.run raises the Unavailable")


@action(
    "show_history",
    description="The log of state-changing actions",
    intents=("history",),
    phrases=("show history", "what did you change"),
    unavailable=Unavailable("the history of changes is not available yet in this version",
                       "no action of this version changes the machine, so there is "
                       "nothing to undo"),
)
def show_history(ctx: ActionContext) -> Result:
    raise AssertionError("unreachable: ActionSpec.run raises the Unavailable")


@action(
    "undo_last_change",
    description="Undo the newest state-changing action",
    intents=("undo",),
    phrases=("undo", "undo the last change"),
    changes_machine=True,
    unavailable=Unavailable("undo is not available yet in this version; nothing was changed",
                       "no action of this version changes the machine, so there is "
                       "nothing to undo"),
)
def undo_last_change(ctx: ActionContext) -> Result:
    raise AssertionError("unreachable: ActionSpec.run raises the Unavailable")
