"""Actions of health: run the checks (the seed's run_environment_health_check)."""

from __future__ import annotations

from ainlp.actions.registry import ActionContext, Param, action
from ainlp.actions.result import Result
from ainlp.core.discovery.records import Inventory
from ainlp.core.errors import AinlpError
from ainlp.core.health import run_checks
from ainlp.core.health.topics import TOPICS

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: ainlp.core.state 12 ms


@action(
    "run_environment_health_check",
    description="Run the health checks over every environment (or one target / topic)",
    params=(
        Param("target", str, None, "an environment: name, path, 'project' or 'all'"),
        Param("topic", str, None, "only the checks of this topic", choices=TOPICS),
    ),
    intents=("diagnose",),
    phrases=("diagnose python path problems", "check my environments", "run a health check",
             "why does pip install into the wrong python"),
)
def run_environment_health_check(
    ctx: ActionContext, target: str | None = None, topic: str | None = None
) -> Result:
    report = run_checks(ctx.world, target=target, topic=topic)
    _remember(ctx, report.inventory)
    return Result("run_environment_health_check", report.to_json(),
                  problems_found=report.has_errors, value=report)


def _remember(ctx: ActionContext, inventory: Inventory) -> None:
    """The environments doctor saw and their health go to the state database, so that one
    whose folder goes is reported `missing` later. A state folder that cannot take it is
    doctor's own finding (state.unwritable / state.damaged), not a reason to fail here."""
    from ainlp.core.state import remember_discovered

    try:
        remember_discovered(ctx.world, inventory)
    except (AinlpError, OSError) as error:
        if ctx.warn is not None:
            ctx.warn(f"the state database was not updated: {error}")
