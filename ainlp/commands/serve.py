"""`ainlp serve`: the JSON-RPC 2.0 service on stdin/stdout for other programs.

The protocol (frames, errors, cancellation) is ainlp.rpc; this module says which methods
exist and what each answers. Results have the shapes of the matching command's `--json`:

    parse {text}                      the intent object, or a block's AST (`ainlp parse --json`)
    execute {text | intent, apply}    as `ainlp do --json` (a script: as `ainlp run --json`);
                                      with apply false, what changes the machine returns its
                                      plan instead, to be applied by `apply {plan_id}`
    find {refresh}                    `ainlp find --json`; notifications `environment {id,
                                      record}` and `progress {id, message, done, total}`
    doctor {target?, topic?}          `ainlp doctor --json`
    plan {target?} / apply {plan_id}  the repair plan (`ainlp fix --dry-run`), then applied
    snapshot {target?} · restore {source?} · export {path} · import {path}
    cancel {id}                       {"cancelled": true | false}
    shutdown                          null; then `exit` (or end of input) ends the service

A method call is the caller's consent: snapshot, restore, export and import run as with
`--yes`; `execute` and `plan` are the ways to see a plan first.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, BinaryIO

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ainlp.rpc import Call, Method, Service, Strict, serve

if TYPE_CHECKING:
    from ainlp.actions.result import Result
    from ainlp.core.discovery.records import EnvRecord
    from ainlp.dispatch import Plan
    from ainlp.language.ast import Intent, Script

PLAN_ONLY = ("plan only: nothing was applied; apply it with `apply` and this plan's id, "
             "or `execute` with apply true")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = ("JSON-RPC 2.0 on stdin/stdout, each message framed as "
                          "'Content-Length: N' + a blank line + N bytes of JSON")


def run(args: argparse.Namespace) -> int:
    with frames_only() as (reader, writer):
        return serve(reader, writer, methods())


@contextmanager
def frames_only() -> Iterator[tuple[BinaryIO, BinaryIO]]:
    """Private handles on stdin/stdout for frames; while serving, fd 1 and sys.stdout are
    stderr and fd 0 is /dev/null, so no stray print or child process can break a frame."""
    sys.stdout.flush()
    saved_out, saved_in = sys.stdout, sys.stdin
    try:
        in_fd, out_fd, err_fd = sys.stdin.fileno(), sys.stdout.fileno(), sys.stderr.fileno()
    except (AttributeError, ValueError, OSError):  # no descriptors (embedded): Python level only
        sys.stdout = sys.stderr
        try:
            yield saved_in.buffer, saved_out.buffer
        finally:
            sys.stdout = saved_out
        return
    frames_in, frames_out = os.dup(in_fd), os.dup(out_fd)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, in_fd)
    os.close(null)
    os.dup2(err_fd, out_fd)
    sys.stdout = sys.stderr
    with os.fdopen(frames_in, "rb") as reader, os.fdopen(frames_out, "wb") as writer:
        try:
            yield reader, writer
        finally:
            sys.stdout = saved_out
            os.dup2(reader.fileno(), in_fd)
            os.dup2(writer.fileno(), out_fd)


# --- params -----------------------------------------------------------------------------------


class ParseParams(Strict):
    text: str


class IntentParams(BaseModel):
    """An intent object as `parse` returns it; keys not needed here are ignored."""

    model_config = ConfigDict(extra="ignore", strict=True)
    intent: str
    slots: dict[str, str] = Field(default_factory=dict)
    text: str = ""
    confidence: float = 1.0


class ExecuteParams(Strict):
    text: str | None = None
    intent: IntentParams | None = None
    apply: bool = False

    @model_validator(mode="after")
    def _one_source(self) -> ExecuteParams:
        if (self.text is None) == (self.intent is None):
            raise ValueError("give exactly one of text and intent")
        return self


class FindParams(Strict):
    refresh: bool = False


class DoctorParams(Strict):
    target: str | None = None
    topic: str | None = None


class TargetParams(Strict):
    target: str | None = None


class ApplyParams(Strict):
    plan_id: str


class RestoreParams(Strict):
    source: str | None = None


class PathParams(Strict):
    path: str


class CancelParams(Strict):
    id: int | str


class NoParams(Strict):
    pass


def _always(params: object) -> bool:
    return True


def methods() -> dict[str, Method]:
    return {
        "parse": Method(ParseParams, _parse),
        "execute": Method(ExecuteParams, _execute, lambda params: bool(params.apply)),
        "find": Method(FindParams, _find),
        "doctor": Method(DoctorParams, _doctor),
        "plan": Method(TargetParams, _plan),
        "apply": Method(ApplyParams, _apply, _always),
        "snapshot": Method(TargetParams, _snapshot, _always),
        "restore": Method(RestoreParams, _restore, _always),
        "export": Method(PathParams, _export, _always),
        "import": Method(PathParams, _import, _always),
        "cancel": Method(CancelParams, _cancel),
        "shutdown": Method(NoParams, _shutdown),
    }


# --- methods ----------------------------------------------------------------------------------


def _parse(service: Service, params: ParseParams, call: Call) -> dict[str, Any]:
    from ainlp.core.errors import BadInput
    from ainlp.language.normalise import is_plain_phrase

    text: str = params.text
    if not text.strip():
        raise BadInput("nothing to parse", hint='for example {"text": "list python interpreters"}')
    if is_plain_phrase(text):
        from ainlp.language.phrases import phrase_document

        return phrase_document(text.strip())
    from ainlp.commands.parse import with_intents
    from ainlp.language.diagnostics import error_from
    from ainlp.language.script import parse_script

    script, diagnostics = parse_script(text, "<text>")
    if diagnostics:
        raise error_from(diagnostics, "<text>", text)
    return with_intents(script).to_json()


def _execute(service: Service, params: ExecuteParams, call: Call) -> dict[str, Any]:
    from ainlp.core.errors import BadInput
    from ainlp.language.normalise import is_plain_phrase

    if params.intent is not None:
        return _execute_intent(service, _intent(params.intent), params.apply, call)
    text = params.text or ""
    if not text.strip():
        raise BadInput("nothing to execute",
                       hint='for example {"text": "list python interpreters"}')
    if is_plain_phrase(text):
        from ainlp.language.phrases import match_phrase

        return _execute_intent(service, match_phrase(text.strip()), params.apply, call)
    from ainlp.language.check import load_script

    return _execute_script(service, load_script(text, "<text>"), params.apply, call)


def _intent(given: IntentParams) -> Intent:
    from ainlp.actions.registry import for_intent, registry
    from ainlp.core.errors import BadInput
    from ainlp.language.ast import Intent

    name: str = given.intent
    if name != "unknown" and for_intent(name) is None:
        known = sorted({i for spec in registry().values() for i in spec.intents})
        raise BadInput(f"unknown intent {name!r}", hint="intents: " + ", ".join(known))
    return Intent(name, dict(given.slots), float(given.confidence), given.text)


def _execute_intent(service: Service, intent: Intent, apply: bool, call: Call) -> dict[str, Any]:
    from ainlp.dispatch import plan_intent

    plan = plan_intent(intent, call.world)  # unknown -> UnknownPhrase (bad input)
    step = next(plan.steps).step
    assert step is not None  # plan_intent raises instead of planning an unresolved step

    def run(now: Call) -> dict[str, Any]:
        result = step.spec(now.context(assume_yes=plan.changes_machine), step.arguments)
        return {"intent": intent.to_json(), "action": step.action,
                "arguments": step.arguments, "result": result.data,
                "problems_found": result.problems_found, "failed": result.failed,
                "exit_code": result.exit_code}

    return _run_or_plan(service, plan, apply, run, call)


def _execute_script(service: Service, script: Script, apply: bool, call: Call) -> dict[str, Any]:
    from ainlp.dispatch import plan_script, run_script

    plan = plan_script(script, call.world)

    def run(now: Call) -> dict[str, Any]:
        return run_script(script, now.context(assume_yes=plan.changes_machine)).to_json()

    return _run_or_plan(service, plan, apply, run, call)


def _run_or_plan(service: Service, plan: Plan, apply: bool,
                 run: Callable[[Call], dict[str, Any]], call: Call) -> dict[str, Any]:
    if plan.needs_confirmation and not apply:
        service.remember(plan.id, run)
        return plan.to_json(summary=PLAN_ONLY)
    return run(call)


def _find(service: Service, params: FindParams, call: Call) -> dict[str, Any]:
    from ainlp.core.discovery import discover

    call.progress("discovering interpreters and environments", 0, None)
    seen = 0

    def on_record(record: EnvRecord) -> None:
        nonlocal seen
        seen += 1
        call.check()
        call.notify("environment", {"id": call.id, "record": record.to_json()})
        call.progress(f"found {record.kind.value} at {record.prefix}", seen, None)

    inventory = discover(call.context().world, refresh=params.refresh, on_record=on_record)
    total = len(inventory.environments)
    call.progress(f"found {total} interpreters and environments", total, total)
    return inventory.to_json()


def _doctor(service: Service, params: DoctorParams, call: Call) -> dict[str, Any]:
    return _action(call, "run_environment_health_check", "health",
                   target=params.target, topic=params.topic).data


def _plan(service: Service, params: TargetParams, call: Call) -> dict[str, Any]:
    name, module = "apply_automatic_recovery_strategies", "recovery"
    result = _action(call, name, module, dry_run=True, target=params.target)
    plan = result.data.get("plan")
    plan_id = plan.get("id") if isinstance(plan, dict) else None
    if isinstance(plan_id, str):
        service.remember(plan_id, lambda now: _action(now, name, module, assume_yes=True,
                                                      target=params.target).data)
    return result.data


def _apply(service: Service, params: ApplyParams, call: Call) -> Any:
    return service.take_plan(params.plan_id)(call)


def _snapshot(service: Service, params: TargetParams, call: Call) -> dict[str, Any]:
    return _action(call, "create_comprehensive_backup", "backup", assume_yes=True,
                   target=params.target).data


def _restore(service: Service, params: RestoreParams, call: Call) -> dict[str, Any]:
    return _action(call, "restore_backup", "backup", assume_yes=True, source=params.source).data


def _export(service: Service, params: PathParams, call: Call) -> dict[str, Any]:
    return _action(call, "environment_configuration_and_instructions", "backup",
                   assume_yes=True, path=params.path).data


def _import(service: Service, params: PathParams, call: Call) -> dict[str, Any]:
    return _action(call, "import_environments", "backup", assume_yes=True,
                   path=params.path).data


def _cancel(service: Service, params: CancelParams, call: Call) -> dict[str, bool]:
    return {"cancelled": service.cancel(params.id)}


def _shutdown(service: Service, params: NoParams, call: Call) -> None:
    service.shutting_down = True


def _action(call: Call, name: str, module: str, *, dry_run: bool = False,
            assume_yes: bool = False, **arguments: str | None) -> Result:
    """Run a registered action; arguments left out (None) take the action's defaults."""
    from ainlp.actions.registry import get_action

    spec = get_action(name, module=module)
    given = {key: value for key, value in arguments.items() if value is not None}
    return spec(call.context(dry_run=dry_run, assume_yes=assume_yes), given)
