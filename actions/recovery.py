"""Actions that repair environments: fix, clean up (switch and create are in state_actions).

The recovery engine (plans, transactions, trash, history) comes in a later issue; until
then these actions say so and fail (exit 1): nothing on the machine is touched.
"""

from __future__ import annotations

from ainlp.actions.registry import ActionContext, Param, Unavailable, action
from ainlp.actions.result import Result

_DIAGNOSE = "`ainlp doctor` shows what is wrong and how to repair it by hand"


@action(
    "apply_automatic_recovery_strategies",
    description="Plan and apply automatic repairs for the problems found",
    params=(
        Param("target", str, None, "an environment name or path, 'project' or 'all'"),
        Param("topic", str, None, "only repairs of this kind (path, pip, venv, ...)"),
    ),
    intents=("fix",),
    phrases=("fix python environment issues", "repair broken virtual environments",
             "fix the venv for this project"),
    changes_machine=True,
    unavailable=Unavailable("automatic repairs are not available yet in this version; nothing was "
                       "changed", _DIAGNOSE),
)
def apply_automatic_recovery_strategies(ctx: ActionContext, target: str | None = None,
                                        topic: str | None = None) -> Result:
    raise AssertionError("unreachable: ActionSpec.run raises the Unavailable")


@action(
    "cleanup_broken_environments",
    description="Forget broken environment records (and, confirmed, remove broken folders)",
    params=(Param("target", str, None, "one broken environment, or all of them"),),
    intents=("cleanup",),
    phrases=("remove broken environments", "clean up stale environments"),
    changes_machine=True,
    unavailable=Unavailable("cleanup is not available yet in this version; nothing was removed",
                       "`ainlp find` marks broken environments; remove a folder by hand "
                       "only after checking it"),
)
def cleanup_broken_environments(ctx: ActionContext, target: str | None = None) -> Result:
    raise AssertionError("unreachable: ActionSpec.run raises the Unavailable")
