"""Golden tests of script error messages: exact text, with the line and a caret under the column."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ainlp.core.errors import ScriptError
from fuzzing import fuzz
from hypothesis import given
from hypothesis import strategies as st

from ainlp.cli import main
from ainlp.language import blocks, script
from ainlp.language.ast import Span, Statement
from ainlp.language.diagnostics import SHOWN_WIDTH, Diagnostic, error_from, format_diagnostics
from ainlp.language.script import MAX_BRACES_PER_LINE, MAX_DIAGNOSTICS, parse_script


def rendered(text: str, name: str = "demo.ainlp") -> str:
    _script, diagnostics = parse_script(text, name)
    return format_diagnostics(diagnostics, name, text)


def test_unterminated_string() -> None:
    text = (
        "CONTEXT python_environment_management {\n"
        "    COMMAND diagnose_python_issues {\n"
        '        ACTION: run_environment_health_check(topic="path)\n'
        "        REPORT: generate_diagnostic_report()\n"
        "    }\n"
        "}\n"
    )
    assert rendered(text) == (
        "demo.ainlp:3:52: unterminated string\n"
        '        ACTION: run_environment_health_check(topic="path)\n'
        "                                                   ^\n"
        '  hint: close the string with " on the same line'
    )


def test_unterminated_block() -> None:
    text = (
        "CONTEXT python_environment_management {\n"
        "    COMMAND diagnose_python_issues {\n"
        "        ACTION: run_environment_health_check()\n"
        "\n"
        "    COMMAND prepare_for_os_reinstall {\n"
        "        ACTION: create_comprehensive_backup()\n"
        "    }\n"
        "}\n"
        "\n"
        "RUN diagnose_python_issues\n"
    )
    assert rendered(text) == (
        "demo.ainlp:2:5: unterminated block: COMMAND diagnose_python_issues is never closed\n"
        "    COMMAND diagnose_python_issues {\n"
        "    ^\n"
        "  hint: add '}' to close it"
    )


def test_unterminated_block_at_the_end_of_the_file() -> None:
    text = "CONTEXT c {\n  COMMAND k {\n    ACTION: f()\n  }\n"
    assert rendered(text, "end.ainlp") == (
        "end.ainlp:1:1: unterminated block: CONTEXT c is never closed\n"
        "CONTEXT c {\n"
        "^\n"
        "  hint: add '}' to close it"
    )


def test_bad_token() -> None:
    text = (
        "CONTEXT c {\n"
        "    COMMAND k {\n"
        "        ACTION: run_environment_health_check(topic=)\n"
        "    }\n"
        "}\n"
    )
    assert rendered(text) == (
        "demo.ainlp:3:52: expected a value (a quoted string, a number, true, false or a [list]),"
        " found ')'\n"
        "        ACTION: run_environment_health_check(topic=)\n"
        "                                                   ^"
    )


def test_unquoted_phrase_and_positional_argument() -> None:
    text = (
        "CONTEXT c {\n"
        "    COMMAND k {\n"
        "        ACTION: check environment health\n"
        "        REPORT: generate_diagnostic_report(42)\n"
        "    }\n"
        "}\n"
    )
    assert rendered(text) == (
        "demo.ainlp:3:23: expected '(' after the action name, found 'environment'\n"
        "        ACTION: check environment health\n"
        "                      ^\n"
        '  hint: to say it in words, quote it: "check environment health"\n'
        "demo.ainlp:4:44: expected an argument name=value or ')', found '42'\n"
        "        REPORT: generate_diagnostic_report(42)\n"
        "                                           ^\n"
        "  hint: arguments are written name=value"
    )


def test_bad_character_under_tabs_keeps_the_caret_aligned() -> None:
    text = "CONTEXT c {\n\tCOMMAND k {\n\t\tACTION: f(x=@)\n\t}\n}\n"
    assert rendered(text, "tabs.ainlp") == (
        "tabs.ainlp:3:15: expected a value (a quoted string, a number, true, false or a [list]),"
        " found '@'\n"
        "\t\tACTION: f(x=@)\n"
        "\t\t            ^"
    )


SEVERAL = (
    "CONTEXT python_environment_management {\n"
    "    COMMAND diagnose_python_issues {\n"
    "        ACTON: run_environment_health_check()\n"
    '        RECOVERY: apply_automatic_recovery_strategies(mode="auto)\n'
    "        REPORT: generate_diagnostic_report(format=json)\n"
    "    }\n"
    "    COMAND prepare_for_os_reinstall {\n"
    "        ACTION: create_comprehensive_backup()\n"
    "    }\n"
    "    COMMAND diagnose_python_issues {\n"
    '        EXPORT: environment_configuration_and_instructions(path="~/x")\n'
    "    }\n"
    "}\n"
    "}\n"
    "ACTION: create_comprehensive_backup()\n"
    "RUN diagnose_python_issues\n"
)

SEVERAL_RENDERED = (
    "many.ainlp:3:9: unknown clause 'ACTON'\n"
    "        ACTON: run_environment_health_check()\n"
    "        ^\n"
    "  hint: did you mean ACTION?\n"
    "many.ainlp:4:60: unterminated string\n"
    '        RECOVERY: apply_automatic_recovery_strategies(mode="auto)\n'
    "                                                           ^\n"
    '  hint: close the string with " on the same line\n'
    "many.ainlp:5:51: expected a value (a quoted string, a number, true, false or a [list]),"
    " found 'json'\n"
    "        REPORT: generate_diagnostic_report(format=json)\n"
    "                                                  ^\n"
    '  hint: write text in double quotes: "json"\n'
    "many.ainlp:7:5: expected COMMAND, found 'COMAND'\n"
    "    COMAND prepare_for_os_reinstall {\n"
    "    ^\n"
    "  hint: did you mean COMMAND?\n"
    "many.ainlp:10:13: duplicate command 'diagnose_python_issues' (first defined at line 2)\n"
    "    COMMAND diagnose_python_issues {\n"
    "            ^\n"
    "  hint: give each COMMAND its own name\n"
    "many.ainlp:14:1: unmatched '}'\n"
    "}\n"
    "^\n"
    "  hint: remove it, or open a block with CONTEXT name { ... }\n"
    "many.ainlp:15:1: ACTION clause outside a COMMAND\n"
    "ACTION: create_comprehensive_backup()\n"
    "^\n"
    "  hint: clauses belong inside COMMAND name { ... } in a CONTEXT block"
)


def test_several_errors_in_one_file_are_all_reported() -> None:
    assert rendered(SEVERAL, "many.ainlp") == SEVERAL_RENDERED


def test_the_good_parts_of_a_broken_file_still_parse() -> None:
    script, diagnostics = parse_script(SEVERAL, "many.ainlp")
    assert len(diagnostics) == 7
    command = script.commands["diagnose_python_issues"]
    assert [c.kind for c in command.clauses] == ["RECOVERY"]  # the clauses that were sound
    assert script.statements[-1].to_json()["type"] == "run"


@pytest.mark.parametrize(("text", "code", "line", "column"), [
    ("CONTEXT {\n}\n", "script.syntax", 1, 9),
    ("COMMAND k {\n  ACTION: f()\n}\n", "script.misplaced", 1, 1),
    ("CONTXT c {\n}\n", "script.syntax", 1, 1),
    ("CONTEXT c {\n  ACTION: f()\n}\n", "script.misplaced", 2, 3),
    ("CONTEXT c {\n  COMMAND k {\n    COMMAND j {\n    }\n  }\n}\n", "script.syntax", 3, 5),
    ("CONTEXT c {\n  COMMAND k {\n    ACTION f()\n  }\n}\n", "script.syntax", 3, 12),
    ("}\n", "script.syntax", 1, 1),
    ('CONTEXT c {\n  COMMAND k {\n    REPORT: "oops\n  }\n}\n', "script.unterminated-string",
     3, 13),
])
def test_each_mistake_has_its_code_and_place(text: str, code: str, line: int,
                                             column: int) -> None:
    _script, diagnostics = parse_script(text, "x.ainlp")
    assert [(d.code, d.span.line, d.span.column) for d in diagnostics][:1] == [
        (code, line, column)]


def test_a_quote_in_a_phrase_line_is_just_a_character() -> None:
    script, diagnostics = parse_script('say "hello\n', "q.ainlp")
    assert diagnostics == []
    assert script.statements[0].to_json()["text"] == 'say "hello'


def test_deeply_nested_lists_are_an_error_not_a_crash() -> None:
    deep = "[" * 5000 + "]" * 5000
    text = f"CONTEXT c {{\n  COMMAND k {{\n    ACTION: f(x={deep})\n    REPORT: g()\n  }}\n}}\n"
    script, diagnostics = parse_script(text, "deep.ainlp")
    assert [(d.message, d.span.line, d.span.column) for d in diagnostics] == [
        ("lists nested more than 16 deep", 3, 33)]
    assert script.commands["k"].clauses[0].kind == "REPORT"
    ok = "[" * 16 + "]" * 16
    _script, fine = parse_script(text.replace(deep, ok), "deep.ainlp")
    assert fine == []


@pytest.mark.parametrize("number", ["9" * 5000, "1234567890123456789", "1e9999", "1.2.3"])
def test_numbers_too_long_for_an_argument_are_an_error_not_a_crash(number: str) -> None:
    text = f"CONTEXT c {{\n  COMMAND k {{\n    ACTION: f(x={number})\n  }}\n}}\n"
    _script, diagnostics = parse_script(text, "n.ainlp")
    assert [(d.code, d.span.line, d.span.column) for d in diagnostics] == [("script.syntax", 3, 17)]
    assert len(diagnostics[0].message) <= 120


def test_error_from_builds_one_script_error_with_every_diagnostic() -> None:
    _script, diagnostics = parse_script(SEVERAL, "many.ainlp")
    error = error_from(diagnostics, "many.ainlp", SEVERAL)
    assert isinstance(error, ScriptError)
    assert error.exit_code == 2
    assert error.code == "script.bad-clause"
    assert error.message == "unknown clause 'ACTON' (and 6 more errors)"
    assert error.where == "many.ainlp:3:9"
    assert error.hint == "did you mean ACTION?"
    assert getattr(error, "details", None) == SEVERAL_RENDERED
    doc = error.to_document()["error"]
    assert isinstance(doc, dict)
    assert doc["code"] == "script.bad-clause"
    assert len(doc["diagnostics"]) == 7


def test_error_from_a_single_diagnostic_has_no_count() -> None:
    diag = Diagnostic("script.unknown-action", "unknown action 'x'", Span(2, 3, 2, 4), None)
    error = error_from([diag], "f.ainlp", "a\nb x\n")
    assert (error.message, error.where, error.hint) == ("unknown action 'x'", "f.ainlp:2:3", None)
    assert getattr(error, "details", None) == "f.ainlp:2:3: unknown action 'x'\nb x\n  ^"
    with pytest.raises(ValueError):
        error_from([], "f.ainlp", "")


def test_cli_parse_of_a_broken_file_prints_every_error_and_exits_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "many.ainlp"
    script.write_text(SEVERAL)
    assert main(["parse", "--file", str(script)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == SEVERAL_RENDERED.replace("many.ainlp:", f"{script}:") + (
        f"\nainlp: {script}:3:9: unknown clause 'ACTON' (and 6 more errors)"
        " (hint: did you mean ACTION?)\n")
    assert main(["parse", "--file", str(script), "--json"]) == 2
    doc = json.loads(capsys.readouterr().out)
    assert doc["error"]["code"] == "script.bad-clause"
    assert doc["error"]["where"] == f"{script}:3:9"


def test_cli_parse_of_a_missing_file_is_bad_input(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "--file", str(tmp_path / "nope.ainlp")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_a_line_of_too_many_braces_is_cut_with_one_error() -> None:
    text = "CONTEXT a { COMMAND b {" + " {" * 300 + " } }\n"
    _script, diagnostics = parse_script(text, "b.ainlp")
    cut = [d for d in diagnostics if "braces on one line" in d.message]
    assert len(cut) == 1
    column = cut[0].span.column - 1
    assert text[column] == "{"
    assert text[:column].count("{") + text[:column].count("}") == MAX_BRACES_PER_LINE
    assert cut[0].hint is not None and "lines of its own" in cut[0].hint
    assert len(diagnostics) <= MAX_DIAGNOSTICS


def test_a_long_line_is_shown_as_a_window_around_the_caret() -> None:
    line = "x" * 5_000 + " ACTION: f(" + "y" * 5_000
    diag = Diagnostic("script.syntax", "boom", Span(1, 5_002, 1, 5_003), None)
    shown = format_diagnostics([diag], "w.ainlp", line).split("\n")
    assert len(shown[1]) <= SHOWN_WIDTH + 2  # the window and its two ellipses
    assert shown[1].startswith("…") and shown[1].endswith("…")
    caret = shown[2].index("^")
    assert shown[1][caret] == "A"  # still under the column it names
    short = format_diagnostics([Diagnostic("script.syntax", "boom", Span(1, 3, 1, 4), None)],
                               "w.ainlp", "ab ACTION")
    assert short.split("\n")[1:] == ["ab ACTION", "  ^"]  # short lines as written


GOOD_COMMANDS = ['  COMMAND c { ACTION: f(a=1, b="x") }', "  COMMAND d {}",
                 '  command e{ report: "r" }',
                 "  COMMAND f {\n    RECOVERY: g(l=[1, [2]],)  # c\n  }", "\n", "  # comment"]
MISTAKES = ["  oops x", "  COMMAND", "  ACTION: f()", "  COMMAND z {", "  }", '  REPORT: "r', "x {",
            "  COMMAND y { ACTION: f(x=) }", "RUN y", "  COMMAND w { BOGUS: f() }", "[[", "}"]


@fuzz(150)
@given(st.lists(st.sampled_from(GOOD_COMMANDS + MISTAKES), max_size=14),
       st.sampled_from(["CONTEXT a {", "context b{", "x CONTEXT a {"]), st.booleans())
def test_lark_is_spared_the_commands_read_before_a_mistake(
        body: list[str], head: str, closed: bool) -> None:
    """The statement parser hands Lark a block with the commands the reader read before its
    first mistake blanked (but the first): the same diagnostics and statements as Lark reading
    it all."""
    text = "\n".join([head, *GOOD_COMMANDS[:2], *body, *(["}"] if closed else [])])
    spared = parse_script(text, "l.ainlp")

    def without_progress(text: str, line_offset: int, max_nesting: int,
                         resume: blocks.Progress | None = None
                         ) -> tuple[list[Statement] | None, None]:
        return blocks.read_chunk(text, line_offset, max_nesting)[0], None

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(script, "read_chunk", without_progress)
        assert parse_script(text, "l.ainlp") == spared


def test_a_mistake_after_many_commands_is_found_as_after_one() -> None:
    """Each of 24 mistakes after 2,000 commands is reported where it is (Lark reads the
    commands before it as blanks; it used to read all of them again for each mistake)."""
    commands = "".join(f"  COMMAND b{number} {{ ACTION: f() }}\n" for number in range(2000))
    text = "CONTEXT a {\n" + commands + "  oops x\n" * 24 + "}\n"
    parsed, diagnostics = parse_script(text, "m.ainlp")
    assert [(d.span.line, d.message) for d in diagnostics] == [
        (line, "expected COMMAND, found 'oops'") for line in range(2002, 2026)]
    assert len(parsed.commands) == 2000
