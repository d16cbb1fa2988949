"""Resolving: an Intent or a Call becomes a registered action with validated arguments."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

from ainlp.actions.registry import ActionSpec, for_intent, get_action
from ainlp.core import jsondoc
from ainlp.core.errors import BadInput, NotAvailable
from ainlp.core.jsondoc import JSONObject
from ainlp.core.world import World
from ainlp.language.ast import Call, ClauseKind, Intent, Phrase, plain
from ainlp.language.catalog import SLOT_PARAMS
from ainlp.language.catalog import arguments_for_intent as _slot_arguments
from ainlp.language.display import quoted
from ainlp.language.phrases import intent_of

__all__ = ["SLOT_PARAMS", "Step", "UnknownPhrase", "action_for_intent", "arguments_for_intent",
           "intent_of", "step_for_call", "step_for_clause_value", "step_for_intent"]

EXPORT_FOLDER = "~/ainlp-export"


class UnknownPhrase(BadInput):
    """A phrase that matched no intent well enough: exit 2, with what the user may have meant."""

    code = "phrase.unknown"

    def __init__(self, intent: Intent) -> None:
        suggestions = list(intent.suggestions)
        hint = ("did you mean: " + "; ".join(f'"{s}"' for s in suggestions[:3])
                if suggestions else "`ainlp help` lists what can be said")
        super().__init__(f"not understood: {quoted(intent.text)}", hint=hint)
        self.intent = intent

    def to_document(self) -> dict[str, object]:
        """cli.md's one error document; what the phrase was taken for goes inside `error`."""
        doc = super().to_document()
        error = doc["error"]
        assert isinstance(error, dict)
        error["intent"] = self.intent.to_json()
        error["suggestions"] = list(self.intent.suggestions)
        return doc


@dataclass(frozen=True)
class Step:
    """One action to run: the arguments as given (shown in plans) and as validated (run)."""

    spec: ActionSpec
    arguments: JSONObject
    clause: ClauseKind | None = None
    phrase: str | None = None  # the words this step came from, if any
    validated: JSONObject | None = None

    @property
    def action(self) -> str:
        return self.spec.name

    def describe(self) -> str:
        args = ", ".join(f"{k}={jsondoc.dumps(v)}" for k, v in self.arguments.items())
        return f"{self.spec.name}({args})"

    def to_json(self) -> JSONObject:
        return {"clause": self.clause, "action": self.spec.name, "arguments": dict(self.arguments),
                "phrase": self.phrase, "changes_machine": self.spec.changes_machine}


def arguments_for_intent(intent: Intent, spec: ActionSpec) -> JSONObject:
    """The intent's slots that name a parameter of the action; other slots are dropped."""
    return _slot_arguments(intent.slots, spec)


def action_for_intent(intent: Intent) -> ActionSpec:
    if intent.name == "unknown":
        raise UnknownPhrase(intent)
    spec = for_intent(intent.name)
    if spec is None:
        raise NotAvailable(f"no action does {intent.name!r} in this version",
                           hint="`ainlp help` lists what can be said")
    return spec


def step_for_intent(intent: Intent, *, clause: ClauseKind | None = None,
                    world: World | None = None) -> Step:
    spec = action_for_intent(intent)
    arguments = arguments_for_intent(intent, spec)
    export = clause == "EXPORT" or intent.name == "export"
    return _validated(spec, arguments, clause, intent.text, world if export else None)


def step_for_call(call: Call, *, clause: ClauseKind | None = None,
                  world: World | None = None) -> Step:
    spec = get_action(call.name)
    arguments: JSONObject = {name: plain(value) for name, value in call.arguments}
    return _validated(spec, arguments, clause, None, world if clause == "EXPORT" else None)


def step_for_clause_value(value: Call | Phrase, *, clause: ClauseKind | None = None,
                          world: World | None = None) -> Step:
    if isinstance(value, Call):
        return step_for_call(value, clause=clause, world=world)
    return step_for_intent(intent_of(value), clause=clause, world=world)


def _validated(spec: ActionSpec, arguments: JSONObject, clause: ClauseKind | None,
               phrase: str | None, export_world: World | None) -> Step:
    if export_world is not None:
        arguments = with_export_default(spec, arguments, export_world)
    validated = spec.validate(arguments)  # BadInput names the argument that is wrong
    return Step(spec, arguments, clause, phrase, validated)


def default_export_path(world: World) -> str:
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(world.clock()))
    return f"{EXPORT_FOLDER}/{stamp}"


def with_export_default(spec: ActionSpec, arguments: Mapping[str, object],
                        world: World) -> JSONObject:
    """An EXPORT without `path` writes to ~/ainlp-export/<timestamp>: said here, not hidden."""
    given = dict(arguments)
    if spec.param("path") is not None and given.get("path") is None:
        given["path"] = default_export_path(world)
    return given
