"""The grammar and the script parser: package data, Lark's cache, block ASTs, `ainlp parse`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
from conftest import make_world

from ainlp.cli import main
from ainlp.language import parse_text
from ainlp.language.ast import (
    Call,
    CommandDef,
    ContextBlock,
    Intent,
    Phrase,
    RunStatement,
    Script,
    Span,
)
from ainlp.language.grammar import parser
from ainlp.language.normalise import is_plain_phrase
from ainlp.language.script import parse_script

SEED = """\
# comments start with '#'
CONTEXT python_environment_management {
    COMMAND diagnose_python_issues {
        ACTION: run_environment_health_check()
        RECOVERY: apply_automatic_recovery_strategies()
        REPORT: generate_diagnostic_report()
    }

    COMMAND prepare_for_os_reinstall {
        ACTION: create_comprehensive_backup()
        EXPORT: environment_configuration_and_instructions(path="~/aios-export")
    }
}

RUN diagnose_python_issues
diagnose python path problems        # a free-form phrase is a statement too
"""


def parsed(text: str) -> Script:
    script, diagnostics = parse_script(text, "t.ainlp")
    assert diagnostics == []
    return script


def test_grammar_ships_inside_the_package() -> None:
    grammar = resources.files("ainlp.grammar").joinpath("ainlp.lark")
    assert grammar.is_file()
    assert "PHRASE" in grammar.read_text(encoding="utf-8")


def test_the_parser_is_built_once_per_process() -> None:
    assert parser() is parser()


def _load_in_subprocess(tmp_path: Path, env: dict[str, str]) -> None:
    cwd = tmp_path / "cwd"
    cwd.mkdir(exist_ok=True)
    full = {k: v for k, v in os.environ.items() if k not in ("AINLP_HOME", "XDG_DATA_HOME")}
    full.update(env)
    subprocess.run([sys.executable, "-c", "from ainlp.language.grammar import parser; parser()"],
                   cwd=cwd, env=full, check=True, capture_output=True)
    assert list(cwd.iterdir()) == []  # nothing written where the user stands


def test_no_grammar_cache_is_written_or_read_anywhere(tmp_path: Path) -> None:
    """Issue 12: a pickle in the state folder could run code, so Lark caches nothing."""
    state = tmp_path / "state"
    _load_in_subprocess(tmp_path, {"AINLP_HOME": str(state), "HOME": str(tmp_path / "home")})
    assert not state.exists()
    data = tmp_path / "data"
    _load_in_subprocess(tmp_path, {"XDG_DATA_HOME": str(data), "HOME": str(tmp_path / "home")})
    assert not data.exists() and not (tmp_path / "home").exists()
    source = resources.files("ainlp.grammar")
    assert not [p for p in source.iterdir() if p.name.endswith(".cache")]


@pytest.mark.parametrize("platform", ["linux", "darwin", "win32"])
@pytest.mark.parametrize("env", [
    {"AINLP_HOME": "/s/ainlp"}, {"XDG_DATA_HOME": "/x"}, {}, {"LOCALAPPDATA": "/l"},
    {"AINLP_HOME": "", "XDG_DATA_HOME": "/x", "LOCALAPPDATA": "/l"},
])
def test_grammar_state_dir_follows_the_world_rule(tmp_path: Path, env: dict[str, str],
                                                  platform: str) -> None:
    from dataclasses import replace

    from ainlp.language.grammar import state_dir

    world = replace(make_world(tmp_path, env=env), platform=platform)
    if not env.get("AINLP_HOME"):
        world = world.with_env(AINLP_HOME=None)
    assert state_dir(world.env, world.home, platform) == world.state_dir


def test_seed_script_parses_into_the_ast() -> None:
    script = parsed(SEED)
    context, run, phrase = script.statements
    assert isinstance(context, ContextBlock)
    assert context.name == "python_environment_management"
    assert [c.name for c in context.commands] == ["diagnose_python_issues",
                                                 "prepare_for_os_reinstall"]
    diagnose = context.commands[0]
    assert [c.kind for c in diagnose.clauses] == ["ACTION", "RECOVERY", "REPORT"]
    first = diagnose.clauses[0].value
    assert first == Call("run_environment_health_check", (), Span(4, 17, 4, 47))
    export = context.commands[1].clauses[1]
    assert export.kind == "EXPORT"
    assert isinstance(export.value, Call)
    assert export.value.arguments == (("path", "~/aios-export"),)
    assert export.value.argument_spans == (Span(11, 60, 11, 80),)
    assert run == RunStatement("diagnose_python_issues", Span(15, 1, 15, 27))
    assert phrase == Phrase("diagnose python path problems", Span(16, 1, 16, 30))
    assert set(script.commands) == {"diagnose_python_issues", "prepare_for_os_reinstall"}
    assert script.commands["diagnose_python_issues"] is diagnose


def test_keywords_are_case_insensitive_and_names_keep_their_spelling() -> None:
    script = parsed('context Ctx {\n  Command Diagnose_Python {\n    action: Run_Check()\n'
                    '    Report: "show snapshots"\n  }\n}\nrun Diagnose_Python\n')
    context = script.statements[0]
    assert isinstance(context, ContextBlock)
    command = context.commands[0]
    assert command.name == "Diagnose_Python"
    assert [c.kind for c in command.clauses] == ["ACTION", "REPORT"]
    assert isinstance(command.clauses[0].value, Call)
    assert command.clauses[0].value.name == "Run_Check"
    assert command.clauses[1].value == Phrase("show snapshots", Span(4, 13, 4, 29))
    assert script.statements[1] == RunStatement("Diagnose_Python", Span(7, 1, 7, 20))
    assert list(script.commands) == ["diagnose_python"]


@pytest.mark.parametrize("line", [
    "run the health check", "RUN", "run 3x", "RUN a b", "context of my environment",
    "Context switching is slow", "command me", "report", "action", "restore 2026-01-01",
])
def test_a_line_that_is_not_a_whole_keyword_statement_is_a_phrase(line: str) -> None:
    script = parsed(line)
    assert script.statements == (Phrase(line, Span(1, 1, 1, len(line) + 1)),)
    assert is_plain_phrase(line)


@pytest.mark.parametrize("line", ["RUN diagnose_python_issues", "run x   # why", "  Run Y"])
def test_run_of_a_name_is_a_run_statement(line: str) -> None:
    (statement,) = parsed(line).statements
    assert isinstance(statement, RunStatement)
    assert not is_plain_phrase(line)


def test_values_strings_numbers_booleans_lists() -> None:
    script = parsed('CONTEXT c {\n COMMAND k {\n  ACTION: f(s="a \\"q\\" \\\\ b", w="C:\\envs", '
                    'i=42, n=-3, d=2.5, e=1e3, t=TRUE, f=false, l=[1, "x", [true]], m=[], '
                    'z=[2,],)\n }\n}')
    context = script.statements[0]
    assert isinstance(context, ContextBlock)
    call = context.commands[0].clauses[0].value
    assert isinstance(call, Call)
    assert dict(call.arguments) == {
        "s": 'a "q" \\ b', "w": "C:\\envs", "i": 42, "n": -3, "d": 2.5, "e": 1000.0,
        "t": True, "f": False, "l": (1, "x", (True,)), "m": (), "z": (2,)}
    assert isinstance(dict(call.arguments)["i"], int)
    assert call.to_json()["arguments"]["l"] == [1, "x", [True]]


def test_one_line_block_and_brace_on_the_next_line() -> None:
    one = parsed("CONTEXT a { COMMAND b { ACTION: f() } }")
    assert isinstance(one.statements[0], ContextBlock)
    assert one.statements[0].commands[0].clauses[0].kind == "ACTION"
    two = parsed("CONTEXT a\n{\n  COMMAND b {\n    ACTION: f()\n  }\n}\nRUN b")
    assert [type(s) for s in two.statements] == [ContextBlock, RunStatement]


def test_empty_blocks_comments_blank_lines_and_crlf() -> None:
    assert parsed("").statements == ()
    assert parsed("# only a comment\n\n   \n").statements == ()
    script = parsed("CONTEXT a {\r\n  COMMAND b {\r\n  }\r\n}\r\nlist backups\r\n")
    context, phrase = script.statements
    assert isinstance(context, ContextBlock) and context.commands[0].clauses == ()
    assert isinstance(phrase, Phrase) and phrase.text == "list backups"


def test_duplicate_command_names_are_reported_by_the_parser() -> None:
    text = "CONTEXT a {\n COMMAND go {\n }\n}\nCONTEXT b {\n COMMAND GO {\n }\n}\n"
    script, diagnostics = parse_script(text, "d.ainlp")
    assert [(d.code, d.span.line, d.span.column) for d in diagnostics] == [
        ("script.duplicate-command", 6, 10)]
    assert script.commands["go"].span.line == 2


def test_script_json_shape() -> None:
    doc = parsed(SEED).to_json()
    assert doc["kind"] == "script" and doc["source"] == "t.ainlp"
    assert [s["type"] for s in doc["statements"]] == ["context", "run", "phrase"]
    command = doc["statements"][0]["commands"][1]
    assert command["clauses"][1]["value"]["arguments"] == {"path": "~/aios-export"}
    json.dumps(doc)


def test_parse_text_tells_phrases_from_scripts() -> None:
    assert isinstance(parse_text("list backups"), Intent)
    assert isinstance(parse_text("run the health check"), Intent)
    assert isinstance(parse_text("RUN diagnose_python_issues"), Script)
    assert isinstance(parse_text(SEED), Script)
    assert isinstance(parse_text("list backups   # a comment"), Intent)
    from ainlp.core.errors import ScriptError

    with pytest.raises(ScriptError) as caught:
        parse_text('CONTEXT a {\n COMMAND b {\n  ACTION: f("x)\n }\n}')
    assert "unterminated string" in str(getattr(caught.value, "details", ""))


def test_cli_parse_prints_the_ast_of_a_block(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "--json", "CONTEXT a { COMMAND b { ACTION: f(x=1) } }\nRUN b"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["kind"] == "script"
    assert doc["statements"][0]["commands"][0]["clauses"][0]["value"]["arguments"] == {"x": 1}
    assert doc["statements"][1] == {"type": "run", "command": "b",
                                    "span": {"line": 2, "column": 1, "end_line": 2,
                                             "end_column": 6}}


def test_cli_parse_reads_a_file_and_stdin(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "seed.ainlp"
    script.write_text(SEED)
    assert main(["parse", "--file", str(script), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["source"] == str(script)
    phrase = doc["statements"][2]
    assert phrase["intent"]["intent"] == "diagnose"  # parse shows what phrases mean
    done = subprocess.run([sys.executable, "-m", "ainlp.cli", "parse", "-"], input=SEED,
                          capture_output=True, text=True, cwd=tmp_path,
                          env={**os.environ, "AINLP_WIDTH": "100"})
    assert done.returncode == 0, done.stderr
    assert "COMMAND prepare_for_os_reinstall" in done.stdout
    assert "RUN diagnose_python_issues" in done.stdout


def test_the_transformer_only_builds_nodes() -> None:
    import ast

    import ainlp.language.transform as transform

    tree = ast.parse(Path(transform.__file__).read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {a.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                 for a in node.names}
    assert imported <= {"__future__", "re", "typing", "lark", "lark.tree", "ainlp.language.ast",
                        "ainlp.language.blocks"}
    called = {node.func.id for node in ast.walk(tree)
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    assert not called & {"open", "print", "exec", "eval", "__import__"}


def test_commands_are_looked_up_by_lower_case_name() -> None:
    script = parsed("CONTEXT a {\n COMMAND Mixed_Case {\n }\n}")
    assert isinstance(script.commands["mixed_case"], CommandDef)
    assert script.commands["mixed_case"].name == "Mixed_Case"


def test_human_rendering_of_a_script() -> None:
    import io

    from rich.console import Console

    from ainlp.language.annotate import with_intents
    from ainlp.renderers.language import render_script

    buffer = io.StringIO()
    render_script(with_intents(parsed(SEED)),
                  Console(file=buffer, width=100, color_system=None, highlight=False))
    assert buffer.getvalue() == (
        "t.ainlp\n"
        "├── CONTEXT python_environment_management  line 2\n"
        "│   ├── COMMAND diagnose_python_issues  line 3\n"
        "│   │   ├── ACTION: run_environment_health_check()\n"
        "│   │   ├── RECOVERY: apply_automatic_recovery_strategies()\n"
        "│   │   └── REPORT: generate_diagnostic_report()\n"
        "│   └── COMMAND prepare_for_os_reinstall  line 9\n"
        "│       ├── ACTION: create_comprehensive_backup()\n"
        '│       └── EXPORT: environment_configuration_and_instructions(path="~/aios-export")\n'
        "├── RUN diagnose_python_issues  line 15\n"
        '└── "diagnose python path problems" → diagnose  line 16\n')
