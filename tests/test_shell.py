"""The shell's session (no terminal): blocks stay defined, RUN and command words call them."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ainlp.actions.registry import ActionContext, action, registry
from ainlp.actions.result import Result

from ainlp.shell import Session, is_complete, open_braces
from tests.conftest import make_world

registry_module = importlib.import_module("ainlp.actions.registry")
T = "tshell_"


@pytest.fixture
def calls() -> Iterator[list[str]]:
    registry()
    calls: list[str] = []

    def register(name: str, changes_machine: bool = False) -> None:
        def run(ctx: ActionContext, **arguments: Any) -> Result:
            calls.append(name)
            return Result(T + name, {"assume_yes": ctx.assume_yes})

        action(T + name, description=name, changes_machine=changes_machine)(run)

    register("look")
    register("change", changes_machine=True)
    yield calls
    for name in ("look", "change"):
        registry_module._REGISTRY.pop(T + name, None)


@pytest.mark.parametrize(("text", "complete"), [
    ("list python interpreters", True),
    ("CONTEXT c {", False),
    ("CONTEXT c {\n COMMAND x {\n  ACTION: a()\n }", False),
    ("CONTEXT c {\n COMMAND x {\n  ACTION: a()\n }\n}", True),
    ("CONTEXT c", False),
    ("CONTEXT c\n{\n}", True),
    ('CONTEXT c { COMMAND x { ACTION: a(s="{") } }', True),
    ("CONTEXT c {  # } not this one", False),
    ('CONTEXT c { COMMAND x { ACTION: a(s="\\"{") } }', True),
])
def test_an_input_is_complete_when_no_block_is_open(text: str, complete: bool) -> None:
    assert is_complete(text) is complete


def test_open_braces_counts_only_code() -> None:
    assert open_braces('{ "}" # }\n{') == 2


def session(tmp_path: Path, answer: bool = False) -> tuple[Session, list[Any]]:
    asked: list[Any] = []

    def confirm(plan: Any) -> bool:
        asked.append(plan)
        return answer

    return Session(make_world(tmp_path), confirm), asked


BLOCK = f"CONTEXT c {{\n  COMMAND look_around {{\n    ACTION: {T}look()\n  }}\n}}"


def test_a_block_defines_and_a_later_run_calls_it(tmp_path: Path, calls: list[str]) -> None:
    shell, _ = session(tmp_path)
    defined = shell.handle(BLOCK)
    assert (defined.kind, defined.defined, calls) == ("defined", ("look_around",), [])
    ran = shell.handle("RUN Look_Around")
    assert ran.kind == "ran" and ran.result is not None
    assert calls == ["look"] and ran.result.exit_code == 0
    assert [s.name for s in ran.result.statements] == ["look_around"]


def test_errors_are_outcomes_and_define_nothing(tmp_path: Path, calls: list[str]) -> None:
    shell, _ = session(tmp_path)
    bad = shell.handle(BLOCK.replace(f"{T}look()", f"{T}lok()"))
    assert bad.kind == "error" and bad.error is not None and bad.error.exit_code == 2
    assert "did you mean" in (bad.error.hint or "")
    missing = shell.handle("RUN look_around")
    assert missing.kind == "error" and missing.error is not None
    assert missing.error.code == "script.undefined-command"
    assert calls == []


def test_a_change_is_asked_first_and_declining_runs_nothing(tmp_path: Path,
                                                             calls: list[str]) -> None:
    shell, asked = session(tmp_path, answer=False)
    block = BLOCK.replace(f"{T}look()", f"{T}change()") + "\nRUN look_around"
    outcome = shell.handle(block)
    assert outcome.kind == "declined" and len(asked) == 1 and calls == []
    yes, asked_again = session(tmp_path, answer=True)
    outcome = yes.handle(block)
    assert outcome.kind == "ran" and calls == ["change"] and len(asked_again) == 1
    assert outcome.result is not None
    step = outcome.result.statements[0].steps[0]
    assert step.result is not None and step.result.data == {"assume_yes": True}


def test_quit_and_blank_input(tmp_path: Path) -> None:
    shell, _ = session(tmp_path)
    assert shell.handle("   ").kind == "nothing"
    assert shell.handle("# a comment").kind == "nothing"
    assert shell.handle("exit").kind == "quit"


def test_completion_words_include_actions_and_defined_commands(tmp_path: Path,
                                                               calls: list[str]) -> None:
    shell, _ = session(tmp_path)
    shell.handle(BLOCK)
    words = shell.names()
    assert {"CONTEXT", "RUN", "ACTION:", "list_environments", "look_around"} <= set(words)


needs_phrases = pytest.mark.skipif(
    importlib.util.find_spec("ainlp.language.phrases") is None,
    reason="the phrase matcher has not landed yet")


@needs_phrases
def test_saying_a_commands_words_runs_it(tmp_path: Path, calls: list[str]) -> None:
    shell, _ = session(tmp_path)
    shell.handle(BLOCK)
    outcome = shell.handle("look around")
    assert outcome.kind == "ran" and calls == ["look"]


def test_the_shell_module_imports_no_prompt_toolkit_until_it_runs() -> None:
    import subprocess

    code = "import sys, ainlp.shell; print('prompt_toolkit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, cwd="/")
    assert out.stdout.strip() == "False", out.stderr


def drive_shell(tmp_path: Path, lines: list[str], timeout: float = 60.0) -> tuple[str, int]:
    """`ainlp shell` on a pseudo-terminal, typing `lines`; its screen text and exit code."""
    import os
    import pty
    import re
    import select
    import time

    env = {**os.environ, "HOME": str(tmp_path / "home"), "AINLP_HOME": str(tmp_path / "state"),
           "TERM": "dumb", "COLUMNS": "100"}
    (tmp_path / "home").mkdir(exist_ok=True)
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        os.chdir(tmp_path)  # not the repo, whose ainlp/ folder would shadow the package
        os.execve(sys.executable, [sys.executable, "-m", "ainlp.cli", "shell"], env)
    screen = b""
    deadline = time.monotonic() + timeout

    def read_until(marker: bytes) -> None:
        nonlocal screen
        while marker not in screen and time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                try:
                    screen += os.read(fd, 65536)
                except OSError:
                    return

    for line in lines:
        read_until(b"> ")
        screen = screen.replace(b"> ", b">\x00", screen.count(b"> "))  # consume the prompts
        os.write(fd, line.encode() + b"\r")
    read_until(b"\x00never")  # to the end: the shell exits on the last line
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen.decode(errors="replace"))
    return text.replace("\x00", " "), os.waitstatus_to_exitcode(status)


def test_the_shell_on_a_terminal_defines_runs_and_keeps_history(tmp_path: Path) -> None:
    text, code = drive_shell(tmp_path, [
        "CONTEXT c {", "  COMMAND where_is_python {", "    ACTION: which_python()", "  }", "}",
        "where is python", "RUN where_is_pyton", "exit"])
    assert code == 0, text
    assert "defined: where_is_python" in text
    assert "RUN where_is_python: ok" in text
    assert "did you mean where_is_python?" in text
    history = (tmp_path / "state" / "shell_history").read_text()
    assert "+RUN where_is_pyton" in history


def test_tab_completes_phrases_not_only_keywords(tmp_path: Path) -> None:
    shell, _ = session(tmp_path)
    after_di = shell.complete("di")
    assert "diagnose python path problems" in after_di
    assert all(line.startswith("di") for line in after_di)
    assert any(line.startswith("diagnose ") and line.endswith(" problems") for line in after_di)
    after_list = shell.complete("list ")
    assert {"list environments", "list backups", "list packages"} <= set(after_list)
    assert all(line.startswith("list ") for line in after_list)
    assert not any(k.lower() in line.lower().split() for line in after_list
                   for k in ("CONTEXT", "COMMAND", "RUN"))
    assert shell.complete("list b") == ["list backups", "list broken environments"]
    assert shell.complete("CONT") == ["CONTEXT"]
    assert "RUN show_history" in shell.complete("RUN show_h")
    assert shell.complete("    ACTION: which_py") == ["    ACTION: which_python"]


def test_an_action_name_alone_runs_that_action(tmp_path: Path, calls: list[str]) -> None:
    shell, _ = session(tmp_path)
    for text in (f"{T}look", f"{T}look()"):
        outcome = shell.handle(text)
        assert outcome.kind == "ran" and outcome.result is not None, outcome
        assert outcome.result.exit_code == 0
    assert calls == ["look", "look"]
    assert shell.commands == {}  # nothing was defined by it


def test_a_misspelt_action_name_gets_a_hint_not_phrase_not_understood(tmp_path: Path,
                                                                      calls: list[str]) -> None:
    shell, _ = session(tmp_path)
    outcome = shell.handle(f"{T}lok")
    assert outcome.kind == "error" and outcome.error is not None
    assert "not understood" not in outcome.error.message
    assert f"{T}look" in (outcome.error.hint or "")
    assert calls == []


def test_an_error_is_printed_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ainlp.shell import show_outcome

    shell, _ = session(tmp_path)
    outcome = shell.handle("make me a sandwich please")
    assert outcome.kind == "error"
    show_outcome(outcome)
    out = capsys.readouterr()
    text = out.out + out.err
    assert text.count("phrase not understood") == 1, text
    assert text.count("did you mean") == 1, text
