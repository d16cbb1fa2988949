"""Running: one step, a COMMAND with the clause semantics of language.md, a script.

Clause order of a COMMAND: every ACTION in source order (a failed ACTION stops the rest);
RECOVERY only when an ACTION found problems and none failed; EXPORT only when no ACTION
failed, handed the ACTION results; REPORT always, last, also after a failure. A failed
RECOVERY or EXPORT stops the remaining clauses of its own kind only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from ainlp.actions.registry import ActionContext
from ainlp.actions.result import Result, exit_code_of
from ainlp.core import jsondoc
from ainlp.core.errors import AinlpError, BadInput, Interrupted
from ainlp.core.jsondoc import JSONObject
from ainlp.core.world import World
from ainlp.dispatch.resolve import Step, step_for_clause_value, step_for_intent
from ainlp.language.ast import (
    Call,
    ClauseKind,
    CommandDef,
    ContextBlock,
    Intent,
    Phrase,
    RunStatement,
    Script,
)
from ainlp.language.display import clip
from ainlp.language.phrases import intent_of

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: ainlp.core.health 35 ms

Status = Literal["ok", "problems", "failed", "skipped"]


@dataclass
class StepRecord:
    """What happened to one step: its result, or why it did not run."""

    step: Step | None
    status: Status
    result: Result | None = None
    reason: str | None = None  # why skipped or why it could not be resolved
    clause: ClauseKind | None = None
    label: str = ""

    def to_json(self) -> JSONObject:
        doc: JSONObject = {
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
        validated = step.validated if step.validated is not None else step.spec.validate(
            step.arguments)
        return step.spec.run(replace(ctx, previous=list(previous)), validated)
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
    # RECOVERY ran and the re-check after it found no error: the problems the ACTIONs (and
    # the RECOVERY's own plan) reported no longer count (language.md)
    recovered: bool = False

    @property
    def problems_found(self) -> bool:
        return any(r.result is not None and r.result.problems_found for r in self.steps
                   if not (self.recovered and r.clause in ("ACTION", "RECOVERY")))

    @property
    def failed(self) -> bool:
        return any(r.status == "failed" for r in self.steps)

    @property
    def exit_code(self) -> int:
        return exit_code_of(failed=self.failed, problems_found=self.problems_found)

    @property
    def status(self) -> str:
        return ("skipped" if self.skipped else "failed" if self.failed
                else "problems" if self.problems_found else "ok")

    def to_json(self) -> JSONObject:
        doc: JSONObject = {"type": self.type, "line": self.line}
        doc["command" if self.type == "run" else "text"] = self.name
        if self.intent is not None:
            doc["intent"] = self.intent.to_json()
        doc["status"] = self.status
        if self.skipped:
            doc["reason"] = self.skipped
        doc.update(steps=[r.to_json() for r in self.steps], problems_found=self.problems_found,
                   failed=self.failed, recovered=self.recovered, exit_code=self.exit_code)
        return doc


def clauses_of(command: CommandDef, kind: ClauseKind) -> list[Call | Phrase]:
    return [c.value for c in command.clauses if c.kind == kind]


def label_of(value: Call | Phrase) -> str:
    return f"{value.name}()" if isinstance(value, Call) else jsondoc.dumps(value.text)


def resolve(value: Call | Phrase, kind: ClauseKind | None, world: World) -> Step | AinlpError:
    """The step of a clause value (or of a phrase statement), or why it cannot run."""
    try:
        if kind is None:
            assert isinstance(value, Phrase)
            return step_for_intent(intent_of(value), world=world)
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
        for value in clauses_of(command, kind):
            resolved = resolve(value, kind, ctx.world)  # pure: names a skipped step too
            if stop is not None:
                step = resolved if isinstance(resolved, Step) else None
                out.steps.append(StepRecord(step, "skipped", reason=stop, clause=kind,
                                            label=step.describe() if step else label_of(value)))
                continue
            if isinstance(resolved, AinlpError):
                record = StepRecord(None, "failed", failed_result(label_of(value), resolved),
                                    reason=resolved.message, clause=kind, label=label_of(value))
            else:
                result = execute(resolved, ctx, previous)
                record = StepRecord(resolved, status_of(result), result, clause=kind,
                                    label=resolved.describe(),
                                    reason=_why_failed(result))
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
    out.recovered = _recovered(out, ctx)
    run_kind("EXPORT", list(action_results), "an ACTION failed" if action_failed else None)
    run_kind("REPORT", list(done), None)
    return out


def _recovered(out: StatementResult, ctx: ActionContext) -> bool:
    """Whether RECOVERY ran, applied repairs, none of it failed, and a re-check (the health
    checks again, with the target and topic of each ACTION that found problems) finds no
    error left."""
    recovery = [r for r in out.steps if r.clause == "RECOVERY"]
    if not recovery or any(r.status in ("failed", "skipped") for r in recovery):
        return False
    # a RECOVERY that applied nothing (a plan only) repaired nothing: its problems stand
    if not any(r.result is not None and r.result.data.get("applied") for r in recovery):
        return False
    from ainlp.core.health import run_checks

    scopes: set[tuple[str | None, str | None]] = set()
    for record in out.steps:
        if record.clause == "ACTION" and record.result is not None \
                and record.result.problems_found:
            args = record.step.arguments if record.step is not None else {}
            target, topic = args.get("target"), args.get("topic")
            scopes.add((target if isinstance(target, str) else None,
                        topic if isinstance(topic, str) else None))
    try:
        return not any(run_checks(ctx.world, target=target, topic=topic).has_errors
                       for target, topic in sorted(scopes, key=str))
    except AinlpError:
        return False


def _why_failed(result: Result) -> str | None:
    """A failed step's reason, as `ainlp do` would say it: its first message, else the error
    or hint its document carries."""
    if not result.failed:
        return None
    if result.messages:
        return result.messages[0]
    error = result.data.get("error")
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        return str(error["message"])
    hint = result.data.get("hint")
    return hint if isinstance(hint, str) else "it could not do what it was asked"


def run_phrase(phrase: Phrase, ctx: ActionContext) -> StatementResult:
    intent = intent_of(phrase)
    out = StatementResult("phrase", phrase.text, intent=intent, line=phrase.span.line)
    resolved = resolve(phrase, None, ctx.world)
    if isinstance(resolved, AinlpError):
        out.steps.append(StepRecord(None, "failed", failed_result(intent.name, resolved),
                                    reason=resolved.message, label=jsondoc.dumps(phrase.text)))
        return out
    result = execute(resolved, ctx)
    out.steps.append(StepRecord(resolved, status_of(result), result, label=resolved.describe(),
                                reason=_why_failed(result)))
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
        return exit_code_of(failed=self.failed, problems_found=self.problems_found)

    def to_json(self) -> JSONObject:
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


def command_for(script: Script, statement: RunStatement,
                commands: dict[str, CommandDef]) -> CommandDef:
    """The COMMAND a RUN names; the one place that says a RUN names nothing defined."""
    command = commands.get(statement.command.lower())
    if command is None:
        raise BadInput(f"RUN of an undefined command {clip(statement.command)!r}",
                       where=f"{script.source}:{statement.span.line}:{statement.span.column}",
                       hint="`ainlp check` reports every error of a script")
    return command


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
            result = run_command(command_for(script, statement, commands), ctx)
            result.line = statement.span.line
        else:
            result = run_phrase(statement, ctx)
        out.statements.append(result)
        if result.failed:
            stop = f"statement at line {result.line} failed"
    return out


def _skipped(statement: RunStatement | Phrase, reason: str) -> StatementResult:
    if isinstance(statement, RunStatement):
        return StatementResult("run", statement.command, line=statement.span.line, skipped=reason)
    return StatementResult("phrase", statement.text, intent=statement.intent,
                           line=statement.span.line, skipped=reason)
