"""Actions of health: run the checks (the seed's run_environment_health_check)."""

from __future__ import annotations

from ainlp.actions.registry import ActionContext, Param, action
from ainlp.actions.result import Result
from ainlp.core.health.topics import TOPICS


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
    from ainlp.core.health import run_checks

    report = run_checks(ctx.world, target=target, topic=topic)
    return Result("run_environment_health_check", report.to_json(),
                  problems_found=report.has_errors, value=report)
