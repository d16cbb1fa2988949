"""Actions about AINLP itself: what can be said, with examples."""

from __future__ import annotations

from dataclasses import dataclass

from ainlp.actions.registry import ActionContext, ActionSpec, action, registry
from ainlp.actions.result import Result
from ainlp.core.jsondoc import JSONObject

SCRIPT_EXAMPLE = (
    "CONTEXT python_environment_management {\n"
    "    COMMAND diagnose_python_issues {\n"
    "        ACTION: run_environment_health_check()\n"
    "        RECOVERY: apply_automatic_recovery_strategies()\n"
    "        REPORT: generate_diagnostic_report()\n"
    "    }\n"
    "}\n"
    "RUN diagnose_python_issues\n"
)


@dataclass(frozen=True)
class Help:
    """What can be said: every action (in help order) and an example script."""

    actions: tuple[ActionSpec, ...]
    script_example: str

    def to_json(self) -> JSONObject:
        return {"actions": [describe_action(spec) for spec in self.actions],
                "script_example": self.script_example}


def describe_action(spec: ActionSpec) -> JSONObject:
    return {
        "action": spec.name,
        "description": spec.description,
        "intents": list(spec.intents),
        "examples": list(spec.phrases),
        "changes_machine": spec.changes_machine,
        "available": spec.available,
        "params": [{"name": p.name, "type": p.type.__name__, "required": p.required,
                    "default": None if p.required else p.default, "help": p.help,
                    "choices": list(p.choices) if p.choices else None} for p in spec.params],
    }


@action(
    "show_help",
    description="What can be said, with examples",
    intents=("help",),
    phrases=("help", "what can you do", "what can i say"),
)
def show_help(ctx: ActionContext) -> Result:
    actions = sorted(registry().values(), key=lambda spec: (spec.intents[:1] or ("~",), spec.name))
    help = Help(tuple(actions), SCRIPT_EXAMPLE)
    return Result("show_help", help.to_json(), value=help)
