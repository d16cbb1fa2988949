"""The interactive AINLP shell: phrases, blocks and RUN, one input at a time.

`Session` does the work and knows nothing of terminals (tests drive it directly); `run_shell`
wraps it in prompt_toolkit, which is imported there only: multi-line input while a block is
open, a history file in the state folder, completion of action and command names.

Commands defined by a CONTEXT block stay defined for the rest of the session and can be
called by `RUN name` or by saying their words ("diagnose python issues").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, TextIO

from ainlp import api
from ainlp.api import AinlpError, Interrupted

if TYPE_CHECKING:
    from ainlp.api import CommandDef, ContextBlock, Plan, Script, ScriptResult, World

KEYWORDS = ("CONTEXT", "COMMAND", "ACTION:", "RECOVERY:", "REPORT:", "EXPORT:", "RUN")
QUIT_WORDS = frozenset({"exit", "quit", "bye", ":q"})
_CONTEXT_HEADER = re.compile(r"\s*context\b", re.IGNORECASE)


def open_braces(text: str) -> int:
    """How many `{` are still open, outside strings and comments."""
    from ainlp.language.script import code_characters

    depth = 0
    for line in text.split("\n"):
        for _, ch in code_characters(line):
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
    return depth


def is_complete(text: str) -> bool:
    """True when the input can run: no block left open, no CONTEXT header waiting for `{`."""
    if open_braces(text) > 0:
        return False
    lines = [line for line in text.split("\n") if line.strip()]
    return not (lines and _CONTEXT_HEADER.match(lines[-1]) and "{" not in text)


@dataclass
class Outcome:
    """What one input did, for the front end to show."""

    kind: Literal["nothing", "quit", "defined", "ran", "plan", "declined", "error"]
    result: ScriptResult | None = None
    plan: Plan | None = None
    error: AinlpError | None = None
    defined: tuple[str, ...] = ()


Confirm = Callable[["Plan"], bool]


@dataclass
class Session:
    """The shell's state: the commands defined so far and how to run things."""

    world: World
    confirm: Confirm = field(default=lambda plan: False)
    blocks: list[ContextBlock] = field(default_factory=list)
    assume_yes: bool = False

    @property
    def commands(self) -> dict[str, CommandDef]:
        return api.commands_of(api.Script("<shell>", tuple(self.blocks)))

    def names(self) -> list[str]:
        """Words to complete: keywords, action names and the commands defined so far."""
        actions = sorted(spec.name for spec in api.actions())
        return [*KEYWORDS, *actions, *(c.name for c in self.commands.values())]

    def handle(self, text: str) -> Outcome:
        """Run one complete input; errors the user can cause come back as an Outcome."""
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            return Outcome("nothing")
        if stripped.lower() in QUIT_WORDS:
            return Outcome("quit")
        try:
            return self._handle(text)
        except Interrupted:
            raise
        except AinlpError as error:
            return Outcome("error", error=error)

    def _handle(self, text: str) -> Outcome:
        called = self._command_words(text)
        if called is not None:
            span = api.Span(1, 1, 1, len(text.strip()) + 1)
            return self._run(api.Script("<shell>", (api.RunStatement(called, span),)))
        return self._run(self._load(text))

    def _command_words(self, text: str) -> str | None:
        """The defined command whose words the input says, if any ("diagnose python issues")."""
        from ainlp.language.script import is_plain_phrase

        if not self.blocks or not is_plain_phrase(text):
            return None
        from ainlp.language.phrases import match_command_words

        names = [c.name for c in self.commands.values()]
        found: str | None = match_command_words(text.strip(), names)
        return found

    def _load(self, text: str) -> Script:
        """Parse and check the input together with the blocks defined before it."""
        checked = api.continue_script(self.blocks, text)
        self.blocks.extend(s for s in checked.statements if isinstance(s, api.ContextBlock))
        return checked

    def _run(self, script: Script) -> Outcome:
        defined = tuple(c.name for s in script.statements if isinstance(s, api.ContextBlock)
                        for c in s.commands)
        runnable = api.Script("<shell>", script.statements,
                              {**self.commands, **api.commands_of(script)})
        execution = api.run_script(runnable, apply=self.assume_yes, world=self.world,
                                   interactive=True)
        plan = execution.plan
        if not plan.statements:
            return Outcome("defined", defined=defined)
        if not execution.applied:
            if not self.confirm(plan):
                return Outcome("declined", plan=plan, defined=defined)
            execution = api.run_script(runnable, apply=True, world=self.world, interactive=True)
        return Outcome("ran", result=execution.script_result, plan=plan, defined=defined)


# --- the terminal front end -------------------------------------------------------------------


def run_shell(world: World | None = None, *, assume_yes: bool = False,
              stdin: TextIO | None = None) -> int:
    """The shell on a terminal; with stdin not a terminal, its text runs as one script."""
    import sys

    stdin = stdin if stdin is not None else sys.stdin
    if not stdin.isatty():
        return run_piped(stdin.read(), world, assume_yes=assume_yes)
    from prompt_toolkit import PromptSession
    from prompt_toolkit.completion import WordCompleter
    from prompt_toolkit.history import FileHistory

    from ainlp.render import console
    from ainlp.renderers.meta import plan_lines

    out = console()
    world = world if world is not None else api.World.current()
    state = world.state_dir
    state.mkdir(parents=True, exist_ok=True)

    def confirm(plan: Plan) -> bool:
        for line in plan_lines(plan):
            out.print(line, markup=False, highlight=False)
        answer = prompt.prompt("Apply these changes? [y/N] ", multiline=False)
        return answer.strip().lower() in ("y", "yes")

    session = Session(world, confirm, assume_yes=assume_yes)
    completer = WordCompleter(lambda: session.names(), ignore_case=True, WORD=True)
    prompt: PromptSession[str] = PromptSession(
        history=FileHistory(str(state / "shell_history")), completer=completer)
    out.print("AINLP shell: say what you want (\"list python interpreters\"), write a block, "
              "or `help`; `exit` or Ctrl-D leaves.", highlight=False)
    while True:
        try:
            text = _read(prompt)
        except EOFError:
            return 0
        except KeyboardInterrupt:
            continue
        try:
            outcome = session.handle(text)
        except (KeyboardInterrupt, Interrupted):
            out.print("interrupted", highlight=False)  # back to the prompt, not out of the shell
            continue
        if outcome.kind == "quit":
            return 0
        show_outcome(outcome)


def script_text(text: str) -> str:
    """The lines of piped input up to a quit word (`exit`, `quit`, ...), as one script."""
    lines: list[str] = []
    for line in text.splitlines():
        if line.strip().lower() in QUIT_WORDS:
            break
        lines.append(line)
    return "\n".join(lines)


def run_piped(text: str, world: World | None = None, *, assume_yes: bool = False) -> int:
    """`ainlp shell < file`: no prompt; the text runs as one script, with its exit code.

    Nobody can answer a question here: a plan that changes the machine is shown and not
    applied (exit 0) unless `--yes` was given, as `ainlp run` does.
    """
    from ainlp.renderers.meta import plan_lines

    def show_plan(plan: Plan) -> bool:
        from ainlp.render import console

        out = console()
        for line in plan_lines(plan):
            out.print(line, markup=False, highlight=False)
        return False

    world = world if world is not None else api.World.current()
    session = Session(world, show_plan, assume_yes=assume_yes)
    outcome = session.handle(script_text(text))
    show_outcome(outcome)
    if outcome.kind == "error" and outcome.error is not None:
        return outcome.error.exit_code
    if outcome.result is not None:
        return outcome.result.exit_code
    return 0


def show_outcome(outcome: Outcome) -> None:
    """What one input did, for people: its error, the plan declined, what it defined or ran."""
    from ainlp.render import console
    from ainlp.renderers.meta import render_script

    out = console()
    if outcome.kind == "error" and outcome.error is not None:
        from ainlp.errors import one_line

        details = getattr(outcome.error, "details", None)
        if details:
            out.print(details, markup=False, highlight=False)
        out.print(one_line(outcome.error), markup=False, highlight=False)
    elif outcome.kind == "declined":
        out.print("nothing was applied", highlight=False)
    if outcome.defined:
        out.print("defined: " + ", ".join(outcome.defined), highlight=False)
    if outcome.result is not None:
        render_script(outcome.result)


def _read(prompt: object) -> str:
    from prompt_toolkit import PromptSession

    assert isinstance(prompt, PromptSession)
    lines = [prompt.prompt("ainlp> ")]
    while not is_complete("\n".join(lines)):
        lines.append(prompt.prompt("  ...> "))
    return "\n".join(lines)
