"""The dispatcher: an Intent or a Call becomes a registered action with validated arguments.

Three jobs, one module each: `resolve` (names and arguments to a Step), `running` (a step,
a COMMAND with the clause semantics of language.md, a script) and `planning` (what would
run, for `--dry-run` and confirmations). There is no other way to run anything: only
registered actions, with arguments their parameters accept.
"""

from ainlp.core.errors import NotAvailable
from ainlp.dispatch.planning import (
    CLAUSE_ORDER,
    PHRASE_SOURCE,
    WHEN,
    Plan,
    PlannedStatement,
    PlannedStep,
    plan_command,
    plan_intent,
    plan_phrase,
    plan_script,
)
from ainlp.dispatch.resolve import (
    SLOT_PARAMS,
    Step,
    UnknownPhrase,
    action_for_intent,
    arguments_for_intent,
    default_export_path,
    intent_of,
    step_for_call,
    step_for_clause_value,
    step_for_intent,
    with_export_default,
)
from ainlp.dispatch.running import (
    ScriptResult,
    StatementResult,
    Status,
    StepRecord,
    command_table,
    execute,
    failed_result,
    run_command,
    run_phrase,
    run_script,
    status_of,
)
from ainlp.language.ast import plain


def not_available(step: Step) -> NotAvailable:
    """The NotAvailable of an action this version cannot carry out (data on its spec)."""
    if step.spec.unavailable is not None:
        return step.spec.unavailable.error()
    return NotAvailable(f"{step.action} is not available in this version",
                        hint="`ainlp help` lists what can be said")


__all__ = [
    "CLAUSE_ORDER", "PHRASE_SOURCE", "SLOT_PARAMS", "WHEN", "Plan", "PlannedStatement",
    "PlannedStep", "ScriptResult", "StatementResult", "Status", "Step", "StepRecord",
    "UnknownPhrase", "action_for_intent", "arguments_for_intent", "command_table",
    "default_export_path", "execute", "failed_result", "intent_of", "not_available", "plain",
    "plan_command", "plan_intent", "plan_phrase", "plan_script", "run_command", "run_phrase",
    "run_script", "status_of", "step_for_call", "step_for_clause_value", "step_for_intent",
    "with_export_default",
]
