"""Actions of bundles: export and import (backups, restore, history and undo are in
state_actions).

The bundle engine comes in a later issue; until then these actions say so and fail (exit 1)
instead of pretending to have done anything.
"""

from __future__ import annotations

from ainlp.actions.registry import ActionContext, Param, Unavailable, action
from ainlp.actions.result import Result


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
