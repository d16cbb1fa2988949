"""The semantic checker: every error at once, each with its id, position and suggestion."""

from __future__ import annotations

import functools
import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ainlp.actions.registry import Catalog, Param, action, registry
from ainlp.actions.result import Result

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
from ainlp.language.check import check_script as check_with
from ainlp.language.check import did_you_mean, type_problem

check_script = functools.partial(check_with, catalog=Catalog())

registry_module = importlib.import_module("ainlp.actions.registry")
T = "tcheck_"


@pytest.fixture(autouse=True)
def test_actions() -> Iterator[None]:
    registry()

    def run(ctx: Any, **arguments: Any) -> Result:
        return Result(T + "typed", arguments)

    action(T + "typed", description="typed test action",
           params=(Param("count", int, 1), Param("ratio", float, 0.5), Param("name", str, None),
                   Param("flag", bool, False), Param("items", list, None),
                   Param("mode", str, "fast", choices=("fast", "slow"))))(run)
    action(T + "needs", description="needs an argument", params=(Param("path", str),))(run)
    action(T + "by_intent", description="for a test intent", intents=("tcheck_intent",),
           params=(Param("version", str, None),))(run)
    yield
    for name in (T + "typed", T + "needs", T + "by_intent"):
        registry_module._REGISTRY.pop(name, None)


def span(line: int, column: int, width: int = 3) -> Span:
    return Span(line, column, line, column + width)


def call(action_name: str, line: int, column: int, **arguments: Value) -> Call:
    spans = tuple(span(line, column + len(action_name) + 1 + 6 * i)
                  for i in range(len(arguments)))
    return Call(action_name, tuple(arguments.items()), span(line, column, len(action_name)), spans)


def command(name: str, line: int, *clauses: tuple[ClauseKind, Call | Phrase]) -> CommandDef:
    return CommandDef(name, tuple(Clause(k, v, v.span) for k, v in clauses), span(line, 5))


def script(*statements: Any) -> Script:
    return Script("t.ainlp", tuple(statements))


def block(*commands: CommandDef) -> ContextBlock:
    return ContextBlock("ctx", commands, span(1, 1))


def codes(diags: list[Any]) -> list[tuple[str, int, int]]:
    return [(d.code, d.span.line, d.span.column) for d in diags]


def intent(name: str, text: str = "words", **slots: str) -> Intent:
    return Intent(name, dict(slots), 0.9, text,
                  suggestions=("check environment health", "list python interpreters"))


def test_a_good_script_has_no_diagnostics_and_gets_registered_spellings() -> None:
    cmd = command("Diag", 2, ("ACTION", call("TCHECK_TYPED", 3, 9, count=2, items=("a",))))
    checked, diags = check_script(script(block(cmd), RunStatement("diag", span(5, 1))), "", "t")
    assert diags == []
    context = checked.statements[0]
    assert isinstance(context, ContextBlock)
    value = context.commands[0].clauses[0].value
    assert isinstance(value, Call) and value.name == T + "typed"
    run = checked.statements[1]
    assert isinstance(run, RunStatement) and run.command == "Diag"
    assert list(checked.commands) == ["diag"]


def test_every_error_is_reported_at_once_with_its_place() -> None:
    cmd = command("first", 2,
                  ("ACTION", call("tcheck_typd", 3, 9)),
                  ("ACTION", call(T + "typed", 4, 9, cuont=1)),
                  ("REPORT", call(T + "typed", 5, 9, count="three")))
    dup = command("FIRST", 7, ("ACTION", call(T + "needs", 8, 9)))
    statements = (block(cmd, dup), RunStatement("frist", span(10, 1)),
                  RunStatement("nothing_like_it", span(11, 1)))
    _, diags = check_script(script(*statements), "", "t")
    assert codes(diags) == [
        ("script.unknown-action", 3, 9),
        ("script.unknown-argument", 4, 22),  # at the argument, not the call
        ("script.bad-argument", 5, 22),
        ("script.duplicate-command", 7, 5),
        ("script.missing-argument", 8, 9),
        ("script.undefined-command", 10, 1),
        ("script.undefined-command", 11, 1),
    ]
    hints = [d.hint for d in diags]
    assert hints[0] == f"did you mean {T}typed?"
    assert hints[1] == "did you mean count?"
    assert hints[3] is not None and "line 2" in hints[3]
    assert hints[5] == "did you mean first?"
    assert hints[6] == "defined commands: first"


def test_run_without_any_command_says_how_to_define_one() -> None:
    _, diags = check_script(script(RunStatement("go", span(1, 1))), "", "t")
    assert codes(diags) == [("script.undefined-command", 1, 1)]
    assert diags[0].hint is not None and "COMMAND go" in diags[0].hint


def test_ill_typed_arguments_are_named_with_what_they_must_be() -> None:
    checks: dict[str, tuple[Value, str]] = {
              "count": (1.5, "an integer"), "flag": ("yes", "true or false"),
              "ratio": (True, "a number"), "items": ("a", "a list"), "mode": ("medium", "one of"),
              "name": (3, "a string")}
    cmd = command("c", 1, *(("ACTION", call(T + "typed", i + 2, 1, **{k: v[0]}))
                            for i, (k, v) in enumerate(checks.items())))
    _, diags = check_script(script(block(cmd)), "", "t")
    assert [d.code for d in diags] == ["script.bad-argument"] * len(checks)
    for diag, (name, (_, must)) in zip(diags, checks.items(), strict=True):
        assert f"argument {name!r} must be {must}" in diag.message


def test_well_typed_values_pass() -> None:
    param = Param("ratio", float, 0.5)
    assert type_problem(param, 2) is None and type_problem(param, 2.5) is None
    assert type_problem(Param("items", list, None), ("a", 1)) is None


def test_a_duplicate_argument_is_an_error() -> None:
    dup = Call(T + "typed", (("count", 1), ("count", 2)), span(2, 1), (span(2, 10), span(2, 20)))
    _, diags = check_script(script(block(command("c", 1, ("ACTION", dup)))), "", "t")
    assert codes(diags) == [("script.duplicate-argument", 2, 20)]


def test_phrases_get_their_intent_and_unknown_ones_are_errors_with_suggestions() -> None:
    good = Phrase("use 3.12", span(3, 9), intent("tcheck_intent", version="3.12"))
    bad = Phrase("make me a sandwich", span(6, 1), intent("unknown", "make me a sandwich"))
    checked, diags = check_script(script(block(command("c", 2, ("ACTION", good))), bad), "", "t")
    assert codes(diags) == [("script.unknown-phrase", 6, 1)]
    assert diags[0].hint == 'did you mean: "check environment health"; "list python interpreters"'
    context = checked.statements[0]
    assert isinstance(context, ContextBlock)
    value = context.commands[0].clauses[0].value
    assert isinstance(value, Phrase) and value.intent is not None
    assert value.intent.name == "tcheck_intent"


def test_a_phrase_whose_intent_has_no_action_is_an_error() -> None:
    orphan = Phrase("frobnicate", span(1, 1), intent("tcheck_orphan_intent"))
    _, diags = check_script(script(orphan), "", "t")
    assert codes(diags) == [("script.no-action", 1, 1)]


def test_did_you_mean_keeps_the_candidates_spelling() -> None:
    assert did_you_mean("RUN_ENVIRONMENT_HELTH_CHECK",
                        ["run_environment_health_check", "x"]) == "run_environment_health_check"
    assert did_you_mean("zzz", ["run_environment_health_check"]) is None


# --- through the parser (the language helper's parse_script) ----------------------------------


def available(module: str) -> bool:
    try:
        importlib.import_module(module)
    except ModuleNotFoundError:
        return False
    return True


needs_parser = pytest.mark.skipif(not available("ainlp.language.script"),
                                  reason="the parser has not landed yet")
needs_phrases = pytest.mark.skipif(not available("ainlp.language.phrases"),
                                   reason="the phrase matcher has not landed yet")

BAD = """\
CONTEXT c {
    COMMAND diag {
        ACTION: list_enviroments()
        ACTION: list_environments(kind=3)
        REPORT: list_environments(colour="red")
    }
    COMMAND Diag {
        ACTION: which_python()
    }
}
RUN diagg
"""


@needs_parser
def test_load_script_raises_one_error_with_every_diagnostic(tmp_path: Path) -> None:
    from ainlp.core.errors import ScriptError

    from ainlp.api import load as load_script

    path = tmp_path / "bad.ainlp"
    path.write_text(BAD)
    with pytest.raises(ScriptError) as caught:
        load_script(path)
    error: Any = caught.value
    assert [(d.code, d.span.line, d.span.column) for d in error.diagnostics] == [
        ("script.unknown-action", 3, 17),
        ("script.bad-argument", 4, 35),
        ("script.unknown-argument", 5, 35),
        ("script.duplicate-command", 7, 13),
        ("script.undefined-command", 11, 1),
    ]
    assert error.exit_code == 2 and error.where == f"{path}:3:17"
    assert "        ACTION: list_enviroments()\n                ^" in error.details
    assert "did you mean list_environments?" in error.details


@needs_parser
@needs_phrases
def test_load_script_of_text_fills_intents_and_keeps_names_case_insensitive() -> None:
    from ainlp.api import load as load_script

    checked = load_script("context c {\n command Go {\n  action: LIST_ENVIRONMENTS()\n }\n}\n"
                          "run go\nlist python interpreters\n")
    assert checked.source == "<text>"
    phrase = checked.statements[-1]
    assert isinstance(phrase, Phrase) and phrase.intent is not None
    assert phrase.intent.name == "list_environments"
    run = checked.statements[1]
    assert isinstance(run, RunStatement) and run.command == "Go"


@needs_parser
def test_a_missing_file_is_bad_input(tmp_path: Path) -> None:
    from ainlp.core.errors import BadInput

    from ainlp.api import load as load_script

    with pytest.raises(BadInput, match="no such script"):
        load_script(tmp_path / "nope.ainlp")


# --- fuzz: any text is a checked script or a ScriptError, never anything else -----------------

FRAGMENTS = ["CONTEXT c {", "COMMAND go {", "}", "RUN go", "RUN nope", "ACTION: ", "REPORT: ",
             "RECOVERY: ", "EXPORT: ", "list_environments(", "which_python(", ")", "version=",
             "kind=", '"3.12"', "3", "true", "[1, 2]", ",", "list python interpreters",
             "what's the weather", '"check environment health"', "#", "\n", " ", '"', "{",
             "create_comprehensive_backup()", "environment_configuration_and_instructions()"]


@needs_parser
@needs_phrases
def test_any_text_checks_cleanly_or_raises_a_script_error() -> None:
    from ainlp.core.errors import ScriptError
    from fuzzing import fuzz
    from hypothesis import given
    from hypothesis import strategies as st

    from ainlp.api import load as load_script

    @fuzz(300)
    @given(st.lists(st.sampled_from(FRAGMENTS), max_size=30))
    def run(parts: list[str]) -> None:
        text = "".join(parts)
        try:
            script = load_script(text)
        except ScriptError as error:
            assert error.exit_code == 2 and error.where
            assert getattr(error, "details", "")
            return
        for statement in script.statements:  # a clean script is fully resolved
            if isinstance(statement, Phrase):
                assert statement.intent is not None and statement.intent.name != "unknown"

    run()
