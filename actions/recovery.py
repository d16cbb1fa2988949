"""Actions that repair environments: fix and clean up (switch and create are in active_env).

Both plan first (cli.md's plan document) and apply only with `assume_yes` (and no dry run):
each step then runs in a transaction of `core.recovery` (journal, snapshot, act, verify,
roll back from the trash, a history event that `ainlp undo` reverts).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ainlp.actions.registry import ActionContext, Param, action
from ainlp.actions.result import Result
from ainlp.core.jsondoc import JSONObject

if TYPE_CHECKING:
    from ainlp.core.recovery import Outcome, RepairPlan

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: ainlp.core.recovery 163 ms

NOTHING_APPLIED = "plan only: nothing was applied; run again with --yes to apply it"


def _plan_only(ctx: ActionContext) -> bool:
    return ctx.dry_run or not ctx.assume_yes


def _document(plan: RepairPlan, outcome: Outcome | None, summary: str) -> JSONObject:
    steps = plan.to_json()
    return {
        "plan": steps,
        "applied": list(outcome.applied) if outcome else [],
        "failed": [f.to_json() for f in outcome.failed] if outcome else [],
        "snapshot": outcome.snapshot if outcome else None,
        "summary": summary,
    }


@action(
    "apply_automatic_recovery_strategies",
    description="Plan and apply automatic repairs for the problems found",
    params=(
        Param("target", str, None, "an environment name or path, 'project' or 'all'"),
        Param("topic", str, None, "only repairs of this kind (path, pip, venv, ...)"),
        Param("rc_file", bool, False, "write PATH repairs into your shell's rc file, in a "
                                      "marked block `ainlp undo` removes"),
    ),
    intents=("fix",),
    phrases=("fix python environment issues", "repair broken virtual environments",
             "fix the venv for this project"),
    changes_machine=True,
)
def apply_automatic_recovery_strategies(ctx: ActionContext, target: str | None = None,
                                        topic: str | None = None,
                                        rc_file: bool = False) -> Result:
    from ainlp.core.recovery import fix

    run = fix(ctx.world, target=target, topic=topic, apply=not _plan_only(ctx),
              progress=ctx.progress, rc_file=rc_file)
    plan = run.plan
    runnable = [s for s in plan.steps if s.blocked is None]
    messages = [f"{s.id}: {s.blocked}" for s in plan.steps if s.blocked is not None]
    if plan.unfixable:
        messages.append(f"{len(plan.unfixable)} finding(s) have no automatic repair: each "
                        "one's hint says what to do (`ainlp doctor`)")
    if run.outcome is None:
        summary = (f"{len(runnable)} repair(s) planned" if runnable else "nothing to repair"
                   + (" automatically" if plan.steps or plan.unfixable else ""))
        if runnable:
            summary += "; " + NOTHING_APPLIED
        doc = _document(plan, None, summary)
        failed = False
        problems = False
    else:
        out = run.outcome
        summary = (f"applied {len(out.applied)} of {len(runnable)} repair(s)"
                   + (f"; {len(out.failed)} failed and were rolled back" if out.failed else "")
                   + (f"; {len(run.remaining)} error(s) remain" if run.remaining
                      else "; no error is left"))
        if out.events:
            summary += " (undo: `ainlp undo`)"
        doc = _document(plan, out, summary)
        messages = [*out.messages, *messages]
        messages.extend(f"still wrong: {f.id} ({f.subject}): {f.message}"
                        for f in run.remaining)
        failed = bool(out.failed)
        problems = bool(run.remaining)
    doc["unfixable"] = [f.to_json() for f in plan.unfixable]
    doc["remaining"] = [f.to_json() for f in run.remaining]
    doc["problems_found"] = problems
    doc["events"] = list(run.outcome.events) if run.outcome else []
    for step, item in zip(plan.steps, doc_steps(doc), strict=True):
        item["notes"] = list(step.notes)
    result = Result("apply_automatic_recovery_strategies", doc, messages,
                    problems_found=problems, failed=failed, value=run)
    return result


def doc_steps(doc: JSONObject) -> list[JSONObject]:
    plan = doc.get("plan")
    steps = plan.get("steps") if isinstance(plan, dict) else None
    return [s for s in steps if isinstance(s, dict)] if isinstance(steps, list) else []


@action(
    "cleanup_broken_environments",
    description="Forget broken environment records (and, confirmed, remove broken folders)",
    params=(Param("target", str, None, "one broken environment, or all of them"),),
    intents=("cleanup",),
    phrases=("remove broken environments", "clean up stale environments"),
    changes_machine=True,
)
def cleanup_broken_environments(ctx: ActionContext, target: str | None = None) -> Result:
    from ainlp.core.recovery import apply_cleanup, plan_cleanup

    plan, rc = plan_cleanup(ctx.world, target, progress=ctx.progress)
    runnable = [s for s in plan.steps if s.blocked is None]
    messages = [f"{s.id}: left alone: {s.blocked}" for s in plan.steps if s.blocked is not None]
    if _plan_only(ctx):
        summary = (f"{len(runnable)} environment(s) to forget or move to the trash; "
                   + NOTHING_APPLIED if runnable else "nothing to clean up")
        result = Result("cleanup_broken_environments", _document(plan, None, summary),
                        messages, value=plan)
        return result
    out = apply_cleanup(rc, plan)
    summary = (f"cleaned up {len(out.applied)} of {len(runnable)} environment(s)"
               + (f"; {len(out.failed)} failed and were put back" if out.failed else "")
               + ("; moved folders are in the trash (`ainlp undo` brings the last one back)"
                  if any(s.undoable for s in runnable) else ""))
    doc = _document(plan, out, summary)
    return Result("cleanup_broken_environments", doc, [*out.messages, *messages],
                  failed=bool(out.failed), value=plan)
