"""Planning: what a script or an intent would run, in order, before anything runs.

This is the plan `--dry-run` prints and the one a confirmation shows; its `to_json` is the
plan document of cli.md ("Commands that change things").
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Literal

from ainlp.core import jsondoc
from ainlp.core.errors import AinlpError
from ainlp.core.jsondoc import JSONObject
from ainlp.core.world import World
from ainlp.dispatch.resolve import Step, step_for_intent
from ainlp.dispatch.running import clauses_of, command_for, command_table, label_of, resolve
from ainlp.language.ast import Call, ClauseKind, CommandDef, Intent, Phrase, RunStatement, Script
from ainlp.language.phrases import intent_of

CLAUSE_ORDER: tuple[ClauseKind, ...] = ("ACTION", "RECOVERY", "EXPORT", "REPORT")
WHEN: dict[ClauseKind, str] = {
    "ACTION": "in order; a failed ACTION stops the remaining ACTIONs",
    "RECOVERY": "only if an ACTION found problems and none failed",
    "EXPORT": "only if no ACTION failed",
    "REPORT": "always, last",
}


@dataclass(frozen=True)
class PlannedStep:
    statement: int  # 1-based among the statements that run
    index: int  # 1-based within the statement
    when: str
    step: Step | None
    label: str
    clause: ClauseKind | None = None
    error: str | None = None  # why it could not be resolved

    @property
    def id(self) -> str:
        return f"{self.statement}.{self.index}"

    @property
    def available(self) -> bool:
        return self.step is None or self.step.spec.available

    @property
    def changes_machine(self) -> bool:
        return self.step is not None and self.step.spec.changes_machine

    def to_json(self) -> JSONObject:
        return {
            "id": self.id,
            "does": (f"{self.clause} " if self.clause else "") + self.label,
            "fixes": None,
            "touches": [],
            "undoable": False,
            "clause": self.clause,
            "action": self.step.action if self.step else None,
            "arguments": dict(self.step.arguments) if self.step else {},
            "when": self.when,
            "changes_machine": self.changes_machine,
            "available": self.available,
            **({"error": self.error} if self.error else {}),
        }


@dataclass(frozen=True)
class PlannedStatement:
    type: Literal["run", "phrase"]
    name: str
    line: int
    steps: tuple[PlannedStep, ...]
    intent: Intent | None = None

    def to_json(self) -> JSONObject:
        doc: JSONObject = {"type": self.type, "line": self.line,
                           "command" if self.type == "run" else "text": self.name}
        if self.intent is not None:
            doc["intent"] = self.intent.to_json()
        doc["steps"] = [s.to_json() for s in self.steps]
        return doc


@dataclass(frozen=True)
class Plan:
    """The one plan type: ordered steps, what each runs, and whether any changes the machine."""

    source: str
    statements: tuple[PlannedStatement, ...]

    @property
    def steps(self) -> Iterator[PlannedStep]:
        for statement in self.statements:
            yield from statement.steps

    @property
    def changes_machine(self) -> bool:
        return any(s.changes_machine for s in self.steps)

    @property
    def read_only(self) -> bool:
        return not self.changes_machine

    @property
    def needs_confirmation(self) -> bool:
        """Whether a step that can run would change the machine: an action this version cannot
        carry out changes nothing, so it never asks for a yes that could not be honoured."""
        return any(s.changes_machine and s.available for s in self.steps)

    @property
    def id(self) -> str:
        text = jsondoc.dumps([s.to_json() for s in self.statements], sort_keys=True, default=str)
        return hashlib.sha256(f"{self.source}\n{text}".encode()).hexdigest()[:12]

    def to_json(self, *, summary: str) -> JSONObject:
        """The plan document of cli.md ("Commands that change things"), nothing applied."""
        return {
            "plan": {"id": self.id, "steps": [s.to_json() for s in self.steps]},
            "applied": [],
            "failed": [],
            "snapshot": None,
            "summary": summary,
            "source": self.source,
            "statements": [s.to_json() for s in self.statements],
            "changes_machine": self.changes_machine,
        }


def _planned(number: int, index: int, value: Call | Phrase, kind: ClauseKind | None,
             when: str, world: World) -> PlannedStep:
    resolved = resolve(value, kind, world)
    if isinstance(resolved, AinlpError):
        return PlannedStep(number, index, when, None, label_of(value), kind, resolved.message)
    return PlannedStep(number, index, when, resolved, resolved.describe(), kind)


def plan_command(command: CommandDef, world: World, number: int = 1) -> PlannedStatement:
    steps: list[PlannedStep] = []
    for kind in CLAUSE_ORDER:
        for value in clauses_of(command, kind):
            steps.append(_planned(number, len(steps) + 1, value, kind, WHEN[kind], world))
    return PlannedStatement("run", command.name, command.span.line, tuple(steps))


def plan_phrase(phrase: Phrase, world: World, number: int = 1) -> PlannedStatement:
    step = _planned(number, 1, phrase, None, "always", world)
    return PlannedStatement("phrase", phrase.text, phrase.span.line, (step,), intent_of(phrase))


def plan_script(script: Script, world: World) -> Plan:
    commands = command_table(script)
    planned: list[PlannedStatement] = []
    for statement in _runnable(script.statements):
        number = len(planned) + 1
        if isinstance(statement, RunStatement):
            command = command_for(script, statement, commands)
            planned.append(replace(plan_command(command, world, number),
                                   line=statement.span.line))
        else:
            planned.append(plan_phrase(statement, world, number))
    return Plan(script.source, tuple(planned))


PHRASE_SOURCE = "<phrase>"  # the source of a plan made from one phrase (`ainlp do`)


def plan_intent(intent: Intent, world: World) -> Plan:
    step = step_for_intent(intent, world=world)
    planned = PlannedStep(1, 1, "always", step, step.describe())
    return Plan(PHRASE_SOURCE,
                (PlannedStatement("phrase", intent.text, 1, (planned,), intent),))


def _runnable(statements: Iterable[object]) -> Iterator[RunStatement | Phrase]:
    for statement in statements:
        if isinstance(statement, (RunStatement, Phrase)):
            yield statement
