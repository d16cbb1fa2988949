"""Action of the report: the full diagnostic report, shown or written to a file."""

from __future__ import annotations

from pathlib import Path

from ainlp.actions.registry import ActionContext, Param, action
from ainlp.actions.result import Result
from ainlp.core.discovery import discover
from ainlp.core.errors import BadInput, NotAvailable
from ainlp.core.health import run_checks
from ainlp.core.report import build_report

from ainlp import __version__


@action(
    "generate_diagnostic_report",
    description="The full diagnostic report: machine, PATH, environments, findings, what to do",
    params=(
        Param("format", str, "text", "text, markdown or json",
              choices=("text", "markdown", "json")),
        Param("output", str, None, "write the report to this file instead of showing it"),
    ),
    intents=("report",),
    phrases=("generate a diagnostic report", "write a report", "report as markdown"),
)
def generate_diagnostic_report(ctx: ActionContext, format: str = "text",
                               output: str | None = None) -> Result:
    target = _output_path(ctx, output) if output is not None else None
    inventory = discover(ctx.world)
    health = run_checks(ctx.world, inventory=inventory)
    earlier = [{"action": r.action, "failed": r.failed, "problems_found": r.problems_found}
               for r in ctx.previous]
    doc = build_report(ctx.world, inventory, [f.to_json() for f in health.findings],
                       checks_run=health.checks_run, tool_version=__version__,
                       earlier_steps=earlier)
    if target is not None:
        if ctx.render_report is None:
            raise NotAvailable("no report renderer was handed to this action",
                               hint="run it through ainlp.api.report or a script")
        try:
            target.write_text(ctx.render_report(doc, format), encoding="utf-8")
        except OSError as exc:
            raise BadInput(f"cannot write the report to {target}: {exc.strerror or exc}",
                           hint="choose a file in a folder you can write to") from exc
        # said once, by the renderer ("...; report in FILE"), or in `output` of the JSON
    data = {**doc, "format": format, "output": str(target) if target is not None else None}
    return Result("generate_diagnostic_report", data,
                  problems_found=health.has_errors)


def _output_path(ctx: ActionContext, output: str) -> Path:
    target = ctx.world.expand(output)
    if target.is_dir():
        raise BadInput(f"{target} is a folder", hint="give a file name for the report")
    if not target.parent.is_dir():
        raise BadInput(f"the folder {target.parent} does not exist",
                       hint="create it first, or write the report somewhere else")
    return target
