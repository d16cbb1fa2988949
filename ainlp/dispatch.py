"""The dispatcher: an Intent or a Call becomes a registered action with validated arguments.

It also runs a COMMAND with the clause semantics of language.md and a script statement by
statement, and builds the plan `--dry-run` shows. There is no other way to run anything:
only registered actions, with arguments their parameters accept.

Clause order of a COMMAND: every ACTION in source order (a failed ACTION stops the rest);
RECOVERY only when an ACTION found problems and none failed; EXPORT only when no ACTION
failed, handed the ACTION results; REPORT always, last, also after a failure. A failed
RECOVERY or EXPORT stops the remaining clauses of its own kind only.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from ainlp.actions.registry import ActionContext, ActionSpec, for_intent, get_action
from ainlp.actions.result import Result
from ainlp.core.errors import AinlpError, BadInput, Interrupted, NotAvailable
from ainlp.core.world import World
from ainlp.language.ast import (
    Call,
    ClauseKind,
    CommandDef,
    ContextBlock,
    Intent,
    Phrase,
    RunStatement,
    Script,
    Value,
)

# Slots of intents.md that feed the parameter of the same name, when the action takes one.
SLOT_PARAMS: tuple[str, ...] = ("version", "kind", "topic", "target", "source", "path", "format",
                                "scope")
CLAUSE_ORDER: tuple[ClauseKind, ...] = ("ACTION", "RECOVERY", "EXPORT", "REPORT")
WHEN: dict[ClauseKind, str] = {
    "ACTION": "in order; a failed ACTION stops the remaining ACTIONs",
    "RECOVERY": "only if an ACTION found problems and none failed",
    "EXPORT": "only if no ACTION failed",
    "REPORT": "always, last",
}
EXPORT_FOLDER = "~/ainlp-export"
Status = Literal["ok", "problems", "failed", "skipped"]


class UnknownPhrase(BadInput):
    """A phrase that matched no intent well enough: exit 2, with what the user may have meant."""

    code = "phrase.unknown"

    def __init__(self, intent: Intent) -> None:
        from ainlp.language.display import quoted

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


# --- resolving: an Intent or a Call to an action with arguments ---------------------------


@dataclass(frozen=True)
class Step:
    """One action to run, with the arguments it was given (already validated)."""

    spec: ActionSpec
    arguments: dict[str, Any]
    clause: ClauseKind | None = None
    phrase: str | None = None  # the words this step came from, if any

    @property
    def action(self) -> str:
        return self.spec.name

    def describe(self) -> str:
        args = ", ".join(f"{k}={json.dumps(v)}" for k, v in self.arguments.items())
        return f"{self.spec.name}({args})"

    def to_json(self) -> dict[str, Any]:
        return {"clause": self.clause, "action": self.spec.name, "arguments": dict(self.arguments),
                "phrase": self.phrase, "changes_machine": self.spec.changes_machine}


def plain(value: Value) -> Any:
    """A script value as the action receives it: AST tuples become lists."""
    return [plain(v) for v in value] if isinstance(value, tuple) else value


def arguments_for_intent(intent: Intent, spec: ActionSpec) -> dict[str, Any]:
    """The intent's slots that name a parameter of the action; other slots are dropped."""
    return {name: value for name, value in intent.slots.items()
            if name in SLOT_PARAMS and spec.param(name) is not None}


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
    arguments = {name: plain(value) for name, value in call.arguments}
    return _validated(spec, arguments, clause, None, world if clause == "EXPORT" else None)


def step_for_clause_value(value: Call | Phrase, *, clause: ClauseKind | None = None,
                          world: World | None = None) -> Step:
    if isinstance(value, Call):
        return step_for_call(value, clause=clause, world=world)
    return step_for_intent(intent_of(value), clause=clause, world=world)


def intent_of(phrase: Phrase) -> Intent:
    """The phrase's intent: filled by the checker, matched here for an unchecked phrase."""
    if phrase.intent is not None:
        return phrase.intent
    from ainlp.language.phrases import match_phrase

    matched: Intent = match_phrase(phrase.text)
    return matched


def _validated(spec: ActionSpec, arguments: dict[str, Any], clause: ClauseKind | None,
               phrase: str | None, export_world: World | None) -> Step:
    if export_world is not None:
        arguments = with_export_default(spec, arguments, export_world)
    spec.validate(arguments)  # BadInput names the argument that is wrong
    return Step(spec, arguments, clause, phrase)


def default_export_path(world: World) -> str:
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(world.clock()))
    return f"{EXPORT_FOLDER}/{stamp}"


def with_export_default(spec: ActionSpec, arguments: Mapping[str, Any],
                        world: World) -> dict[str, Any]:
    """An EXPORT without `path` writes to ~/ainlp-export/<timestamp>: said here, not hidden."""
    given = dict(arguments)
    if spec.param("path") is not None and given.get("path") is None:
        given["path"] = default_export_path(world)
    return given


# --- running ----------------------------------------------------------------------------------


@dataclass
class StepRecord:
    """What happened to one step: its result, or why it did not run."""

    step: Step | None
    status: Status
    result: Result | None = None
    reason: str | None = None  # why skipped or why it could not be resolved
    clause: ClauseKind | None = None
    label: str = ""

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "clause": self.clause,
            "action": self.step.action if self.step else None,
            "does": self.label,
            "arguments": dict(self.step.arguments) if self.step else {},
            "status": self.status,
        }
        if self.reason:
            doc["reason"] = self.reason
        if self.result is not None:
            doc["result"] = self.result.data
            doc["messages"] = list(self.result.messages)
            doc["problems_found"] = self.result.problems_found
            doc["failed"] = self.result.failed
        return doc


def status_of(result: Result) -> Status:
    if result.failed:
        return "failed"
    return "problems" if result.problems_found else "ok"


def failed_result(action: str, error: AinlpError) -> Result:
    doc = error.to_document()
    return Result(action, {"error": doc["error"]}, [_one_line(error)], failed=True)


def _one_line(error: AinlpError) -> str:
    return f"{error.message} (hint: {error.hint})" if error.hint else error.message


def execute(step: Step, ctx: ActionContext, previous: Sequence[Result] = ()) -> Result:
    """Run one step; an AinlpError it raises becomes a failed result (interrupts go up)."""
    try:
        return step.spec(replace(ctx, previous=list(previous)), step.arguments)
    except Interrupted:
        raise
    except AinlpError as error:
        return failed_result(step.action, error)


@dataclass
class StatementResult:
    """The outcome of one RUN (a COMMAND) or one phrase statement."""

    type: Literal["run", "phrase"]
    name: str  # the command's name, or the phrase's text
    steps: list[StepRecord] = field(default_factory=list)
    intent: Intent | None = None
    line: int | None = None
    skipped: str | None = None  # why the whole statement did not run

    @property
    def problems_found(self) -> bool:
        return any(r.result is not None and r.result.problems_found for r in self.steps)

    @property
    def failed(self) -> bool:
        return any(r.status == "failed" for r in self.steps)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed or self.problems_found else 0

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"type": self.type, "line": self.line}
        doc["command" if self.type == "run" else "text"] = self.name
        if self.intent is not None:
            doc["intent"] = self.intent.to_json()
        doc["status"] = ("skipped" if self.skipped else "failed" if self.failed
                         else "problems" if self.problems_found else "ok")
        if self.skipped:
            doc["reason"] = self.skipped
        doc.update(steps=[r.to_json() for r in self.steps], problems_found=self.problems_found,
                   failed=self.failed, exit_code=self.exit_code)
        return doc


def _clauses(command: CommandDef, kind: ClauseKind) -> list[Call | Phrase]:
    return [c.value for c in command.clauses if c.kind == kind]


def _label(value: Call | Phrase) -> str:
    return f"{value.name}()" if isinstance(value, Call) else json.dumps(value.text)


def _resolve(value: Call | Phrase, kind: ClauseKind, world: World) -> Step | AinlpError:
    try:
        return step_for_clause_value(value, clause=kind, world=world)
    except Interrupted:
        raise
    except AinlpError as error:
        return error


def run_command(command: CommandDef, ctx: ActionContext) -> StatementResult:
    """Run a COMMAND's clauses in the order and under the conditions of language.md."""
    out = StatementResult("run", command.name, line=command.span.line)
    action_results: list[Result] = []
    done: list[Result] = []

    def run_kind(kind: ClauseKind, previous: Sequence[Result], skip: str | None) -> None:
        stop: str | None = skip
        for value in _clauses(command, kind):
            resolved = _resolve(value, kind, ctx.world)  # pure: names a skipped step too
            if stop is not None:
                step = resolved if isinstance(resolved, Step) else None
                out.steps.append(StepRecord(step, "skipped", reason=stop, clause=kind,
                                            label=step.describe() if step else _label(value)))
                continue
            if isinstance(resolved, AinlpError):
                record = StepRecord(None, "failed", failed_result(_label(value), resolved),
                                    reason=resolved.message, clause=kind, label=_label(value))
            else:
                result = execute(resolved, ctx, previous)
                record = StepRecord(resolved, status_of(result), result, clause=kind,
                                    label=resolved.describe())
                done.append(result)
                if kind == "ACTION":
                    action_results.append(result)
            out.steps.append(record)
            if record.status == "failed" and kind != "REPORT":
                stop = f"an earlier {kind} failed"

    run_kind("ACTION", done, None)
    action_failed = any(r.failed for r in action_results) or any(
        s.status == "failed" for s in out.steps if s.clause == "ACTION")
    found = any(r.problems_found for r in action_results)
    run_kind("RECOVERY", list(action_results),
             None if found and not action_failed else
             "an ACTION failed" if action_failed else "no ACTION found problems")
    run_kind("EXPORT", list(action_results), "an ACTION failed" if action_failed else None)
    run_kind("REPORT", list(done), None)
    return out


def run_phrase(phrase: Phrase, ctx: ActionContext) -> StatementResult:
    intent = intent_of(phrase)
    out = StatementResult("phrase", phrase.text, intent=intent, line=phrase.span.line)
    try:
        step = step_for_intent(intent, world=ctx.world)
    except Interrupted:
        raise
    except AinlpError as error:
        out.steps.append(StepRecord(None, "failed", failed_result(intent.name, error),
                                    reason=error.message, label=json.dumps(phrase.text)))
        return out
    result = execute(step, ctx)
    out.steps.append(StepRecord(step, status_of(result), result, label=step.describe()))
    return out


@dataclass
class ScriptResult:
    source: str
    statements: list[StatementResult]

    @property
    def problems_found(self) -> bool:
        return any(s.problems_found for s in self.statements)

    @property
    def failed(self) -> bool:
        return any(s.failed for s in self.statements)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed or self.problems_found else 0

    def to_json(self) -> dict[str, Any]:
        return {"kind": "script", "source": self.source,
                "statements": [s.to_json() for s in self.statements],
                "problems_found": self.problems_found, "failed": self.failed,
                "exit_code": self.exit_code}


def command_table(script: Script) -> dict[str, CommandDef]:
    """Every COMMAND of the script by lower-cased name (the first of duplicates wins)."""
    table: dict[str, CommandDef] = {}
    for statement in script.statements:
        if isinstance(statement, ContextBlock):
            for command in statement.commands:
                table.setdefault(command.name.lower(), command)
    return {**table, **script.commands}


def run_script(script: Script, ctx: ActionContext) -> ScriptResult:
    """Statements in order: CONTEXT defines, RUN runs a COMMAND, a phrase runs its intent.

    Problems found do not stop a script; a failed statement skips the statements after it,
    so nothing runs on top of a step that could not do its work.
    """
    commands = command_table(script)
    out = ScriptResult(script.source, [])
    stop: str | None = None
    for statement in script.statements:
        if isinstance(statement, ContextBlock):
            continue
        if stop is not None:
            out.statements.append(_skipped(statement, stop))
            continue
        if isinstance(statement, RunStatement):
            command = commands.get(statement.command.lower())
            if command is None:
                raise BadInput(f"RUN of an undefined command {_shown(statement.command)}",
                               where=f"{script.source}:{statement.span.line}:{statement.span.column}",
                               hint="`ainlp check` reports every error of a script")
            result = run_command(command, ctx)
            result.line = statement.span.line
        else:
            result = run_phrase(statement, ctx)
        out.statements.append(result)
        if result.failed:
            stop = f"statement at line {result.line} failed"
    return out


def _shown(name: str) -> str:
    from ainlp.language.display import clip

    return repr(clip(name))


def _skipped(statement: RunStatement | Phrase, reason: str) -> StatementResult:
    if isinstance(statement, RunStatement):
        return StatementResult("run", statement.command, line=statement.span.line, skipped=reason)
    return StatementResult("phrase", statement.text, intent=statement.intent,
                           line=statement.span.line, skipped=reason)


# --- planning (what --dry-run prints) ---------------------------------------------------------


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

    def to_json(self) -> dict[str, Any]:
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

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"type": self.type, "line": self.line,
                               "command" if self.type == "run" else "text": self.name}
        if self.intent is not None:
            doc["intent"] = self.intent.to_json()
        doc["steps"] = [s.to_json() for s in self.steps]
        return doc


@dataclass(frozen=True)
class Plan:
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
    def needs_confirmation(self) -> bool:
        """Whether a step that can run would change the machine: an action this version cannot
        carry out changes nothing, so it never asks for a yes that could not be honoured."""
        return any(s.changes_machine and s.available for s in self.steps)

    @property
    def id(self) -> str:
        text = json.dumps([s.to_json() for s in self.statements], sort_keys=True, default=str)
        return hashlib.sha256(f"{self.source}\n{text}".encode()).hexdigest()[:12]

    def to_json(self, *, summary: str) -> dict[str, Any]:
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
    resolved = _resolve(value, kind, world) if kind else _resolve_phrase(value, world)
    if isinstance(resolved, AinlpError):
        return PlannedStep(number, index, when, None, _label(value), kind, resolved.message)
    return PlannedStep(number, index, when, resolved, resolved.describe(), kind)


def _resolve_phrase(value: Call | Phrase, world: World) -> Step | AinlpError:
    assert isinstance(value, Phrase)
    try:
        return step_for_intent(intent_of(value), world=world)
    except AinlpError as error:
        return error


def plan_command(command: CommandDef, world: World, number: int = 1) -> PlannedStatement:
    steps: list[PlannedStep] = []
    for kind in CLAUSE_ORDER:
        for value in _clauses(command, kind):
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
            command = commands.get(statement.command.lower())
            if command is None:
                raise BadInput(f"RUN of an undefined command {_shown(statement.command)}",
                               where=f"{script.source}:{statement.span.line}:{statement.span.column}")
            planned.append(replace(plan_command(command, world, number),
                                   line=statement.span.line))
        else:
            planned.append(plan_phrase(statement, world, number))
    return Plan(script.source, tuple(planned))


def plan_intent(intent: Intent, world: World) -> Plan:
    step = step_for_intent(intent, world=world)
    planned = PlannedStep(1, 1, "always", step, step.describe())
    return Plan("<phrase>", (PlannedStatement("phrase", intent.text, 1, (planned,), intent),))


def not_available(step: Step, world: World) -> NotAvailable:
    """The action's own NotAvailable (its message and hint say what to do instead).

    The action is asked under a dry run, with no yes and nobody to ask, so an action marked
    unavailable by mistake still changes nothing here.
    """
    ctx = ActionContext(world, dry_run=True, assume_yes=False, interactive=False)
    try:
        step.spec(ctx, step.arguments)
    except NotAvailable as error:
        return error
    return NotAvailable(f"{step.action} is not available in this version",
                        hint="`ainlp help` lists what can be said")


def _runnable(statements: Iterable[object]) -> Iterator[RunStatement | Phrase]:
    for statement in statements:
        if isinstance(statement, (RunStatement, Phrase)):
            yield statement
