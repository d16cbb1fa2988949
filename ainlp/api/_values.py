"""The typed values the api returns that the engine does not define itself."""

from __future__ import annotations

from dataclasses import dataclass

from ainlp.actions.result import Result, exit_code_of
from ainlp.core.jsondoc import JSONObject
from ainlp.dispatch import Plan, ScriptResult, Step
from ainlp.language.ast import Intent, Script

PLAN_ONLY = "plan only: nothing was applied; run again with --yes to apply it"


@dataclass(frozen=True)
class Execution:
    """What `execute` and `run_script` did: a plan shown (nothing applied), or the outcome.

    `to_json()` is `ainlp do --json` for a phrase, `ainlp run --json` for a script, and
    cli.md's plan document when only the plan was returned.
    """

    plan: Plan
    intent: Intent | None = None
    script: Script | None = None
    step: Step | None = None
    result: Result | None = None  # a phrase's outcome
    script_result: ScriptResult | None = None  # a script's outcome
    summary: str = PLAN_ONLY  # said of a plan that was not applied

    @property
    def applied(self) -> bool:
        return self.result is not None or self.script_result is not None

    @property
    def failed(self) -> bool:
        outcome = self.result or self.script_result
        return outcome is not None and outcome.failed

    @property
    def problems_found(self) -> bool:
        outcome = self.result or self.script_result
        return outcome is not None and outcome.problems_found

    @property
    def exit_code(self) -> int:
        """0 for a plan that was only shown (cli.md), else the outcome's."""
        return exit_code_of(failed=self.failed, problems_found=self.problems_found)

    def to_json(self) -> JSONObject:
        if self.script_result is not None:
            return self.script_result.to_json()
        if self.result is not None and self.intent is not None and self.step is not None:
            result = self.result
            return {"intent": self.intent.to_json(), "action": self.step.action,
                    "arguments": self.step.arguments, "result": result.data,
                    "problems_found": result.problems_found, "failed": result.failed,
                    "exit_code": result.exit_code}
        return self.plan.to_json(summary=self.summary)


@dataclass(frozen=True)
class CheckedScript:
    """A script that parsed and checked clean (`ainlp check`)."""

    script: Script
    commands: tuple[str, ...]
    statements_to_run: int

    def to_json(self) -> JSONObject:
        return {"kind": "script", "source": self.script.source, "ok": True,
                "commands": list(self.commands), "statements_to_run": self.statements_to_run,
                "diagnostics": []}
