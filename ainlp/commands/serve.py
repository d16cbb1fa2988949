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
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ainlp import api
from ainlp.api import JSONObject
from ainlp.rpc import Call, Method, Service, Strict, serve

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
    confidence: float = Field(1.0, allow_inf_nan=False)  # strict JSON has no NaN


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
        "initialize": Method(NoParams, _initialize),
        "cancel": Method(CancelParams, _cancel),
        "shutdown": Method(NoParams, _shutdown),
    }


# --- methods ---------------------------------------------------------------------------------


def _parse(service: Service, params: ParseParams, call: Call) -> JSONObject:
    return api.parse_document(params.text)


def _execute(service: Service, params: ExecuteParams, call: Call) -> JSONObject:
    if params.intent is not None:
        target: str | api.Intent | api.Script = _intent(params.intent)
    else:
        text = params.text or ""
        if not text.strip():
            raise api.BadInput("nothing to execute",
                               hint='for example {"text": "list python interpreters"}')
        target = text
    execution = api.execute(target, apply=params.apply, world=call.world,
                            on_event=call.on_event, cancel=call.token)
    if execution.applied:
        return execution.to_json()
    service.remember(execution.plan.id, lambda now: api.execute(
        target, apply=True, world=now.world, on_event=now.on_event, cancel=now.token).to_json())
    return execution.plan.to_json(summary=PLAN_ONLY)


def _intent(given: IntentParams) -> api.Intent:
    name: str = given.intent
    known = sorted({i for spec in api.actions() for i in spec.intents})
    if name != "unknown" and name not in known:
        raise api.BadInput(f"unknown intent {name!r}", hint="intents: " + ", ".join(known))
    return api.Intent(name, dict(given.slots), float(given.confidence), given.text)


def _find(service: Service, params: FindParams, call: Call) -> JSONObject:
    call.progress("discovering interpreters and environments", 0, None)
    seen = 0

    def on_event(event: api.Event) -> None:
        nonlocal seen
        if event.kind == "environment" and event.record is not None:
            seen += 1
            call.on_event(event)
            call.progress(f"found {event.record.kind.value} at {event.record.prefix}", seen, None)

    inventory = api.find(refresh=params.refresh, world=call.world, on_event=on_event,
                         cancel=call.token)
    total = len(inventory.environments)
    call.progress(f"found {total} interpreters and environments", total, total)
    return inventory.to_json()


def _doctor(service: Service, params: DoctorParams, call: Call) -> JSONObject:
    return api.doctor(params.target, params.topic, world=call.world, on_event=call.on_event,
                      cancel=call.token).to_json()


def _plan(service: Service, params: TargetParams, call: Call) -> JSONObject:
    name = "apply_automatic_recovery_strategies"
    result = _action(call, name, dry_run=True, target=params.target)
    plan = result.data.get("plan")
    plan_id = plan.get("id") if isinstance(plan, dict) else None
    if isinstance(plan_id, str):
        service.remember(plan_id, lambda now: _action(now, name, assume_yes=True,
                                                      target=params.target).data)
    return result.data


def _apply(service: Service, params: ApplyParams, call: Call) -> object:
    return service.take_plan(params.plan_id)(call)


def _snapshot(service: Service, params: TargetParams, call: Call) -> JSONObject:
    return _action(call, "create_comprehensive_backup", assume_yes=True,
                   target=params.target).data


def _restore(service: Service, params: RestoreParams, call: Call) -> JSONObject:
    return _action(call, "restore_backup", assume_yes=True, source=params.source).data


def _export(service: Service, params: PathParams, call: Call) -> JSONObject:
    return _action(call, "environment_configuration_and_instructions", assume_yes=True,
                   path=params.path).data


def _import(service: Service, params: PathParams, call: Call) -> JSONObject:
    return _action(call, "import_environments", assume_yes=True, path=params.path).data


def _initialize(service: Service, params: NoParams, call: Call) -> JSONObject:
    """A client's first request (cli.md): this server's version and protocol version."""
    return api.server_info()


def _cancel(service: Service, params: CancelParams, call: Call) -> dict[str, bool]:
    return {"cancelled": service.cancel(params.id)}


def _shutdown(service: Service, params: NoParams, call: Call) -> None:
    service.shutting_down = True


def _action(call: Call, name: str, *, dry_run: bool = False, assume_yes: bool = False,
            **arguments: str | None) -> api.Result:
    """Run a registered action; arguments left out (None) take the action's defaults."""
    return api.run_action(name, dict(arguments), world=call.world, on_event=call.on_event,
                          cancel=call.token, dry_run=dry_run, assume_yes=assume_yes)
