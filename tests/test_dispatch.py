"""The dispatcher: clause semantics of a COMMAND, intents to actions, scripts, plans.

Small test-only actions are registered for the duration of each test; they record the order
they ran in and what they were handed, so each rule of language.md is checked on its own.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from ainlp.actions.registry import ActionContext, Param, Unavailable, action, registry
from ainlp.actions.result import Result
from ainlp.core.errors import BadInput, NotAvailable

from ainlp.dispatch import (
    UnknownPhrase,
    arguments_for_intent,
    not_available,
    plan_command,
    plan_intent,
    plan_script,
    run_command,
    run_phrase,
    run_script,
    step_for_intent,
)
from ainlp.language.ast import (
    Call,
    Clause,
    ClauseKind,
    CommandDef,
    ContextBlock,
    Intent,
    Phrase,
    RunStatement,
    Script,
    Span,
    Value,
)
from tests.conftest import make_world

# `ainlp.actions.registry` the attribute is the function; the module holds the table
registry_module = importlib.import_module("ainlp.actions.registry")
P = "tdisp_"  # prefix of the test-only actions
SPAN = Span(1, 1, 1, 2)
CLOCK = 1_795_000_000.0  # 2026-11-18 11:06:40 UTC


@dataclass
class Log:
    calls: list[str] = field(default_factory=list)
    seen: dict[str, Any] = field(default_factory=dict)


@pytest.fixture
def log() -> Iterator[Log]:
    registry()  # load the real actions first, so the test ones never shadow them
    log = Log()
    names: list[str] = []

    def register(name: str, *, params: tuple[Param, ...] = (), intents: tuple[str, ...] = (),
                 changes_machine: bool = False, problems: bool = False, failed: bool = False,
                 raises: bool = False, available: bool = True) -> None:
        def run(ctx: ActionContext, **arguments: Any) -> Result:
            log.calls.append(name)
            log.seen[name] = {"arguments": arguments,
                              "previous": [r.action for r in ctx.previous]}
            if raises:
                raise NotAvailable(f"{name} is not available", hint="a test hint")
            return Result(P + name, {"ran": name, "arguments": arguments},
                          problems_found=problems, failed=failed)

        action(P + name, description=f"test action {name}", params=params, intents=intents,
               changes_machine=changes_machine,
               unavailable=None if available else Unavailable(f"{name} is not available",
                                                              "a test hint"))(run)
        names.append(P + name)

    register("a1")
    register("a2")
    register("a3")
    register("problems", problems=True)
    register("fail", failed=True)
    register("raises", raises=True)
    register("fix", changes_machine=True)
    register("fix2")
    register("unavailable", changes_machine=True, raises=True, available=False,
             intents=("tdisp_unavailable",))
    register("export", params=(Param("path", str, None),))
    register("export2")
    register("report")
    register("report2")
    register("typed", params=(Param("count", int, 1), Param("names", list, None),
                              Param("target", str, None)))
    register("slots", params=(Param("version", str, None), Param("target", str, None),
                              Param("verbose", bool, False)), intents=("tdisp_intent",))
    yield log
    for name in names:
        registry_module._REGISTRY.pop(name, None)


@pytest.fixture
def ctx(tmp_path: Path) -> ActionContext:
    return ActionContext(world=replace(make_world(tmp_path), clock=lambda: CLOCK))


def call(name: str, **arguments: Value) -> Call:
    return Call(P + name, tuple(arguments.items()), SPAN)


def command(*clauses: tuple[ClauseKind, Call | Phrase], name: str = "cmd") -> CommandDef:
    return CommandDef(name, tuple(Clause(kind, value, SPAN) for kind, value in clauses), SPAN)


def statuses(result: Any) -> list[tuple[str | None, str]]:
    return [(r.clause, r.status) for r in result.steps]


# --- clause semantics -------------------------------------------------------------------------


def test_actions_run_in_order_and_a_clean_command_exits_0(log: Log, ctx: ActionContext) -> None:
    result = run_command(command(("ACTION", call("a1")), ("ACTION", call("a2")),
                                 ("ACTION", call("a3"))), ctx)
    assert log.calls == ["a1", "a2", "a3"]
    assert (result.problems_found, result.failed, result.exit_code) == (False, False, 0)


def test_a_failed_action_stops_the_remaining_actions(log: Log, ctx: ActionContext) -> None:
    result = run_command(command(("ACTION", call("a1")), ("ACTION", call("fail")),
                                 ("ACTION", call("a2"))), ctx)
    assert log.calls == ["a1", "fail"]
    assert statuses(result) == [("ACTION", "ok"), ("ACTION", "failed"), ("ACTION", "skipped")]
    assert result.failed and not result.problems_found and result.exit_code == 1


def test_an_action_that_raises_is_a_failed_step_with_its_error(log: Log,
                                                                ctx: ActionContext) -> None:
    result = run_command(command(("ACTION", call("raises")), ("ACTION", call("a1")),
                                 ("REPORT", call("report"))), ctx)
    assert log.calls == ["raises", "report"]
    failed = result.steps[0]
    assert failed.status == "failed" and failed.result is not None
    assert failed.result.data["error"]["code"] == "action.not-available"
    assert failed.result.data["error"]["hint"] == "a test hint"
    assert result.failed and result.exit_code == 1


def test_recovery_runs_only_when_an_action_found_problems(log: Log, ctx: ActionContext) -> None:
    found = run_command(command(("ACTION", call("a1")), ("ACTION", call("problems")),
                                ("RECOVERY", call("fix")), ("RECOVERY", call("fix2"))), ctx)
    assert log.calls == ["a1", "problems", "fix", "fix2"]
    assert (found.problems_found, found.failed, found.exit_code) == (True, False, 1)

    log.calls.clear()
    clean = run_command(command(("ACTION", call("a1")), ("RECOVERY", call("fix"))), ctx)
    assert log.calls == ["a1"]
    assert statuses(clean) == [("ACTION", "ok"), ("RECOVERY", "skipped")]
    assert clean.steps[1].reason == "no ACTION found problems"
    assert clean.exit_code == 0


def test_recovery_does_not_run_when_an_action_failed_even_with_problems(
        log: Log, ctx: ActionContext) -> None:
    result = run_command(command(("ACTION", call("problems")), ("ACTION", call("fail")),
                                 ("RECOVERY", call("fix")), ("REPORT", call("report"))), ctx)
    assert log.calls == ["problems", "fail", "report"]
    assert result.steps[2].reason == "an ACTION failed"
    # both facts are kept: they are different things
    assert result.problems_found and result.failed and result.exit_code == 1


def test_export_runs_only_when_no_action_failed(log: Log, ctx: ActionContext) -> None:
    run_command(command(("ACTION", call("a1")), ("EXPORT", call("export"))), ctx)
    assert log.calls == ["a1", "export"]
    log.calls.clear()
    result = run_command(command(("ACTION", call("fail")), ("EXPORT", call("export"))), ctx)
    assert log.calls == ["fail"]
    assert statuses(result) == [("ACTION", "failed"), ("EXPORT", "skipped")]


def test_export_runs_after_problems_and_gets_the_action_results(log: Log,
                                                                ctx: ActionContext) -> None:
    result = run_command(command(("EXPORT", call("export")), ("ACTION", call("a1")),
                                 ("ACTION", call("problems")), ("RECOVERY", call("fix"))), ctx)
    assert log.calls == ["a1", "problems", "fix", "export"]
    assert log.seen["export"]["previous"] == [P + "a1", P + "problems"]
    assert result.problems_found and not result.failed


def test_export_without_path_writes_to_the_timestamped_default(log: Log,
                                                               ctx: ActionContext) -> None:
    run_command(command(("ACTION", call("a1")), ("EXPORT", call("export"))), ctx)
    assert log.seen["export"]["arguments"]["path"] == "~/ainlp-export/20261118-110640"
    run_command(command(("ACTION", call("a1")), ("EXPORT", call("export", path="~/x"))), ctx)
    assert log.seen["export"]["arguments"]["path"] == "~/x"
    # an EXPORT action without a `path` parameter is not handed one
    run_command(command(("ACTION", call("a1")), ("EXPORT", call("export2"))), ctx)
    assert log.seen["export2"]["arguments"] == {}


def test_report_runs_last_always_and_sees_every_earlier_result(log: Log,
                                                               ctx: ActionContext) -> None:
    run_command(command(("REPORT", call("report")), ("ACTION", call("problems")),
                        ("RECOVERY", call("fix")), ("EXPORT", call("export"))), ctx)
    assert log.calls == ["problems", "fix", "export", "report"]
    assert log.seen["report"]["previous"] == [P + "problems", P + "fix", P + "export"]


def test_report_runs_after_a_failure_and_every_report_runs(log: Log, ctx: ActionContext) -> None:
    result = run_command(command(("ACTION", call("fail")), ("REPORT", call("raises")),
                                 ("REPORT", call("report2"))), ctx)
    assert log.calls == ["fail", "raises", "report2"]
    assert statuses(result) == [("ACTION", "failed"), ("REPORT", "failed"), ("REPORT", "ok")]


def test_a_failed_recovery_stops_recovery_but_not_export_or_report(log: Log,
                                                                   ctx: ActionContext) -> None:
    result = run_command(command(("ACTION", call("problems")), ("RECOVERY", call("raises")),
                                 ("RECOVERY", call("fix")), ("EXPORT", call("export2")),
                                 ("REPORT", call("report"))), ctx)
    assert log.calls == ["problems", "raises", "export2", "report"]
    assert result.failed and result.problems_found


def test_an_unknown_action_in_an_unchecked_command_fails_that_step(log: Log,
                                                                   ctx: ActionContext) -> None:
    result = run_command(command(("ACTION", Call("no_such_action_here", (), SPAN)),
                                 ("ACTION", call("a1")), ("REPORT", call("report"))), ctx)
    assert log.calls == ["report"]
    assert result.steps[0].status == "failed" and result.steps[0].result is not None
    assert result.steps[0].result.data["error"]["code"] == "input.invalid"


def test_arguments_are_validated_and_lists_arrive_as_lists(log: Log, ctx: ActionContext) -> None:
    run_command(command(("ACTION", call("typed", count=3, names=("a", "b")))), ctx)
    assert log.seen["typed"]["arguments"] == {"count": 3, "names": ["a", "b"], "target": None}
    result = run_command(command(("ACTION", call("typed", count="three"))), ctx)
    assert result.failed and "typed" not in log.calls[1:]
    assert result.steps[0].result is not None
    assert "count" in result.steps[0].result.data["error"]["message"]


# --- intents ----------------------------------------------------------------------------------


def intent(name: str, text: str = "words", **slots: str) -> Intent:
    return Intent(name, dict(slots), 0.9, text, suggestions=("list python interpreters",))


def test_slots_map_to_parameters_of_the_same_name_others_are_dropped(log: Log) -> None:
    spec = registry()[P + "slots"]
    got = arguments_for_intent(intent("tdisp_intent", version="3.12", target="project",
                                      topic="path", verbose="yes"), spec)
    assert got == {"version": "3.12", "target": "project"}  # no `topic` param; verbose no slot


def test_a_phrase_statement_runs_its_intents_action(log: Log, ctx: ActionContext) -> None:
    phrase = Phrase("use 3.12 here", SPAN, intent("tdisp_intent", version="3.12", kind="venv"))
    result = run_phrase(phrase, ctx)
    assert log.calls == ["slots"]
    assert log.seen["slots"]["arguments"] == {"version": "3.12", "target": None, "verbose": False}
    assert result.exit_code == 0 and result.to_json()["intent"]["intent"] == "tdisp_intent"


def test_a_quoted_phrase_is_a_clause_value(log: Log, ctx: ActionContext) -> None:
    phrase = Phrase("check things", SPAN, intent("tdisp_intent", target="all"))
    run_command(command(("ACTION", call("a1")), ("ACTION", phrase)), ctx)
    assert log.calls == ["a1", "slots"]
    assert log.seen["slots"]["arguments"]["target"] == "all"


def test_unknown_never_runs_anything_and_is_bad_input_with_suggestions(log: Log) -> None:
    with pytest.raises(UnknownPhrase) as caught:
        step_for_intent(intent("unknown", "what's the weather"))
    assert caught.value.exit_code == 2
    assert caught.value.hint is not None and "list python interpreters" in caught.value.hint
    doc = caught.value.to_document()
    assert list(doc) == ["error"]  # cli.md: exactly one error document (QA #7)
    error = doc["error"]
    assert isinstance(error, dict)
    assert error["intent"]["intent"] == "unknown"
    assert error["suggestions"] and "list python interpreters" in error["suggestions"]
    assert log.calls == []


def test_an_intent_without_an_action_is_not_available(log: Log) -> None:
    with pytest.raises(NotAvailable):
        step_for_intent(intent("tdisp_no_such_intent"))


def test_a_slot_the_action_rejects_is_bad_input(log: Log) -> None:
    registry_module._REGISTRY[P + "slots"]  # registered above
    with pytest.raises(BadInput):
        step_for_intent(Intent("tdisp_intent", {"version": "3.12"}, 0.9, "x"),
                        clause=None).spec.validate({"version": 3})


# --- scripts ----------------------------------------------------------------------------------


def script(*statements: Any) -> Script:
    return Script("t.ainlp", tuple(statements))


def context(*commands: CommandDef) -> ContextBlock:
    return ContextBlock("ctx", commands, SPAN)


def run(name: str, line: int = 1) -> RunStatement:
    return RunStatement(name, Span(line, 1, line, 5))


def test_a_script_runs_statements_in_order_and_run_may_come_first(log: Log,
                                                                  ctx: ActionContext) -> None:
    phrase = Phrase("words", SPAN, intent("tdisp_intent"))
    block = context(command(("ACTION", call("a1")), name="first"),
                    command(("ACTION", call("a2")), name="Second"))
    result = run_script(script(run("second"), block, phrase, run("FIRST")), ctx)
    assert log.calls == ["a2", "slots", "a1"]
    assert [s.name for s in result.statements] == ["Second", "words", "first"]
    assert result.exit_code == 0


def test_problems_do_not_stop_a_script_but_a_failure_does(log: Log, ctx: ActionContext) -> None:
    block = context(command(("ACTION", call("problems")), name="p"),
                    command(("ACTION", call("fail")), name="f"),
                    command(("ACTION", call("a1")), name="ok"))
    result = run_script(script(block, run("p", 2), run("ok", 3), run("f", 4), run("ok", 5)), ctx)
    assert log.calls == ["problems", "a1", "fail"]
    doc = result.to_json()
    assert [s["status"] for s in doc["statements"]] == ["problems", "ok", "failed", "skipped"]
    assert doc["statements"][3]["reason"] == "statement at line 4 failed"
    assert (doc["problems_found"], doc["failed"], doc["exit_code"]) == (True, True, 1)
    json.dumps(doc)  # the --json document is plain JSON


def test_the_script_document_has_per_statement_steps(log: Log, ctx: ActionContext) -> None:
    block = context(command(("ACTION", call("problems")), ("RECOVERY", call("fix")),
                            ("REPORT", call("report")), name="diag"))
    doc = run_script(script(block, run("diag")), ctx).to_json()
    (statement,) = doc["statements"]
    assert statement["type"] == "run" and statement["command"] == "diag"
    assert [(s["clause"], s["action"], s["status"]) for s in statement["steps"]] == [
        ("ACTION", P + "problems", "problems"), ("RECOVERY", P + "fix", "ok"),
        ("REPORT", P + "report", "ok")]
    assert statement["steps"][0]["result"] == {"ran": "problems", "arguments": {}}
    assert statement["problems_found"] is True and statement["failed"] is False


# --- plans (--dry-run) ------------------------------------------------------------------------


def test_a_plan_lists_steps_in_run_order_with_conditions_and_runs_nothing(
        log: Log, ctx: ActionContext) -> None:
    cmd = command(("REPORT", call("report")), ("EXPORT", call("export")),
                  ("RECOVERY", call("fix")), ("ACTION", call("a1")),
                  ("ACTION", call("typed", count=2)), name="all")
    plan = plan_script(script(context(cmd), run("all"),
                              Phrase("words", SPAN, intent("tdisp_intent", version="3.11"))),
                       ctx.world)
    assert log.calls == []
    steps = [s.to_json() for s in plan.steps]
    assert [(s["id"], s["clause"], s["action"]) for s in steps] == [
        ("1.1", "ACTION", P + "a1"), ("1.2", "ACTION", P + "typed"),
        ("1.3", "RECOVERY", P + "fix"), ("1.4", "EXPORT", P + "export"),
        ("1.5", "REPORT", P + "report"), ("2.1", None, P + "slots")]
    assert steps[1]["arguments"] == {"count": 2}
    assert steps[3]["arguments"] == {"path": "~/ainlp-export/20261118-110640"}
    assert steps[2]["when"] == "only if an ACTION found problems and none failed"
    assert steps[4]["when"] == "always, last"
    assert [s["changes_machine"] for s in steps] == [False, False, True, False, False, False]
    assert plan.changes_machine
    doc = plan.to_json(summary="dry run")
    assert doc["applied"] == [] and doc["failed"] == [] and doc["snapshot"] is None
    assert set(doc["plan"]["steps"][0]) >= {"id", "does", "fixes", "touches", "undoable"}
    assert plan.id == plan_script(script(context(cmd), run("all"),
                                         Phrase("words", SPAN, intent("tdisp_intent",
                                                                      version="3.11"))),
                                  ctx.world).id


def test_a_plan_of_an_unresolvable_step_says_why(log: Log, ctx: ActionContext) -> None:
    planned = plan_command(command(("ACTION", call("typed", count="x"))), ctx.world)
    (step,) = planned.steps
    assert step.step is None and step.error and "count" in step.error


def test_plan_intent_of_unknown_raises(log: Log, ctx: ActionContext) -> None:
    with pytest.raises(UnknownPhrase):
        plan_intent(intent("unknown"), ctx.world)
    plan = plan_intent(intent("tdisp_intent", target="x"), ctx.world)
    assert [s.step.arguments for s in plan.steps if s.step] == [{"target": "x"}]
    assert log.calls == []


def test_an_action_not_available_is_no_plan_to_confirm(log: Log, ctx: ActionContext) -> None:
    # QA #2: `do "fix ..."` offered "run again with --yes" for an action that cannot run.
    step = next(plan_intent(intent("tdisp_unavailable"), ctx.world).steps).step
    assert step is not None
    error = not_available(step)
    assert isinstance(error, NotAvailable) and "unavailable is not available" in error.message
    assert log.calls == []  # the message is data on its spec: nothing runs to get it
    plan = plan_script(script(context(command(("ACTION", call("a1")),
                                              ("RECOVERY", call("unavailable")))),
                              run("cmd")), ctx.world)
    recovery = plan.statements[0].steps[1]
    assert recovery.changes_machine and not recovery.available
    assert recovery.to_json()["available"] is False
    assert not plan.needs_confirmation  # nothing in it can change the machine
    with_fix = plan_script(script(context(command(("RECOVERY", call("fix")),
                                                  ("RECOVERY", call("unavailable")))),
                                  run("cmd")), ctx.world)
    assert with_fix.needs_confirmation


def test_the_plan_for_people_marks_a_step_not_available(log: Log, ctx: ActionContext) -> None:
    from ainlp.renderers.meta import plan_lines

    plan = plan_script(script(context(command(("ACTION", call("unavailable")),
                                              ("ACTION", call("fix")))), run("cmd")), ctx.world)
    lines = plan_lines(plan)
    assert lines[1].endswith("[not available yet]")
    assert lines[2].endswith("[changes the machine]")


# --- every combination, against a model written from language.md's sentence -------------------

OUTCOMES = {"a1": "ok", "problems": "problems", "fail": "failed", "raises": "failed",
            "fix": "ok", "fix2": "ok", "export": "ok", "export2": "ok", "report": "ok",
            "report2": "ok"}
CHOICES: list[tuple[ClauseKind, str]] = [
    ("ACTION", "a1"), ("ACTION", "problems"), ("ACTION", "fail"), ("ACTION", "raises"),
    ("RECOVERY", "fix"), ("RECOVERY", "raises"), ("EXPORT", "export"), ("EXPORT", "raises"),
    ("REPORT", "report"), ("REPORT", "raises")]


def model(clauses: list[tuple[ClauseKind, str]]) -> tuple[list[str], bool, bool]:
    """Every ACTION in order, a failed one stops the rest; RECOVERY only if an ACTION found
    problems and none failed; EXPORT only if no ACTION failed; REPORT always, last."""
    ran: list[str] = []
    failed = problems = action_failed = False
    for kind in ("ACTION", "RECOVERY", "EXPORT", "REPORT"):
        if kind == "RECOVERY" and (action_failed or not problems):
            continue
        if kind == "EXPORT" and action_failed:
            continue
        for clause_kind, name in clauses:
            if clause_kind != kind:
                continue
            ran.append(name)
            outcome = OUTCOMES[name]
            problems = problems or outcome == "problems"
            if outcome == "failed":
                failed = True
                if kind == "ACTION":
                    action_failed = True
                if kind != "REPORT":
                    break
    return ran, problems, failed


def test_every_short_command_runs_as_the_model_says(log: Log, ctx: ActionContext) -> None:
    import itertools

    checked = 0
    for size in range(1, 4):
        for combo in itertools.product(CHOICES, repeat=size):
            clauses = list(combo)
            log.calls.clear()
            result = run_command(command(*((k, call(n)) for k, n in clauses)), ctx)
            ran, problems, failed = model(clauses)
            assert log.calls == ran, clauses
            assert (result.problems_found, result.failed) == (problems, failed), clauses
            assert result.exit_code == (1 if problems or failed else 0)
            assert len(result.steps) == len(clauses)  # every clause is accounted for
            checked += 1
    assert checked == 10 + 100 + 1000


def test_a_skipped_step_still_names_its_action(log: Log, ctx: ActionContext) -> None:
    result = run_command(command(("ACTION", call("fail")), ("EXPORT", call("export", path="~/b"))),
                         ctx)
    skipped = result.to_json()["steps"][1]
    assert (skipped["status"], skipped["action"], skipped["arguments"]) == (
        "skipped", P + "export", {"path": "~/b"})
    assert skipped["reason"] == "an ACTION failed" and "result" not in skipped
