"""Actions that change environments: repair, clean up, switch, create.

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


@action(
    "switch_environment",
    description="Select the active environment for this project (or globally)",
    params=(
        Param("target", str, None, "an environment name or path, or 'project'"),
        Param("version", str, None, "a Python version such as 3.12"),
        Param("scope", str, None, "'global' for every project (the default interpreter)",
              choices=("project", "global")),
    ),
    intents=("switch",),
    phrases=("switch to virtual environment for this project", "use python 3.12 for this project",
             "activate environment datasci"),
    changes_machine=True,
    unavailable=Unavailable("switching environments is not available yet in this version; nothing "
                       "was changed", "activate one by hand: `source <env>/bin/activate`"),
)
def switch_environment(ctx: ActionContext, target: str | None = None,
                       version: str | None = None, scope: str | None = None) -> Result:
    raise AssertionError("unreachable: ActionSpec.run raises the Unavailable")


@action(
    "create_environment",
    description="Create a virtual environment",
    params=(
        Param("path", str, None, "where to create it (default .venv in this project)"),
        Param("version", str, None, "the Python version to use, such as 3.11"),
        Param("target", str, None, "'project' for this project's .venv"),
    ),
    intents=("create_environment",),
    phrases=("create a virtual environment with python 3.11", "make a new venv here"),
    changes_machine=True,
    unavailable=Unavailable("creating environments is not available yet in this version; nothing "
                       "was created", "`python3 -m venv .venv` creates one by hand"),
)
def create_environment(ctx: ActionContext, path: str | None = None, version: str | None = None,
                       target: str | None = None) -> Result:
    raise AssertionError("unreachable: ActionSpec.run raises the Unavailable")
