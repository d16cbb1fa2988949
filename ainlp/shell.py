"""The interactive AINLP shell: phrases, blocks and RUN, one input at a time.

`Session` does the work and knows nothing of terminals (tests drive it directly); `run_shell`
wraps it in prompt_toolkit, which is imported there only: multi-line input while a block is
open, a history file in the state folder, completion of action and command names.

Commands defined by a CONTEXT block stay defined for the rest of the session and can be
called by `RUN name` or by saying their words ("diagnose python issues").
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TextIO

from ainlp import api
from ainlp.api import AinlpError, Interrupted
from ainlp.errors import one_line
from ainlp.language.phrases import match_command_words
from ainlp.render import console

if TYPE_CHECKING:
    from ainlp.api import CommandDef, ContextBlock, Plan, Script, ScriptResult, World

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: prompt_toolkit 110 ms, prompt_toolkit.completion 108 ms, prompt_toolkit.history 105 ms
# lazy: ainlp.renderers.meta 78 ms, ainlp.language.script 16 ms, ainlp.language.templates 2.8 ms

KEYWORDS = ("CONTEXT", "COMMAND", "ACTION:", "RECOVERY:", "REPORT:", "EXPORT:", "RUN")
QUIT_WORDS = frozenset({"exit", "quit", "bye", ":q"})
_CONTEXT_HEADER = re.compile(r"\s*context\b", re.IGNORECASE)
_ACTION_NAME = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\s*\(\s*\))?")


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


_LISTABLE = ("environments", "python interpreters", "backups", "snapshots", "packages",
             "installed packages", "broken environments", "missing environments",
             "healthy environments", "venvs", "conda environments", "pyenv versions",
             "packages in this project")


def phrase_completions() -> tuple[str, ...]:
    """Phrases the shell completes, sorted: every intent's and action's examples, the
    diagnose and fix phrases of each topic of the vocabulary, and everything `list` shows."""
    from ainlp.language import templates as t

    found: set[str] = set(t.EXAMPLES.values())
    for spec in api.actions():
        found.update(spec.phrases)
    for topic in sorted(set(t.TOPICS.values())):
        found.add(f"diagnose {topic} problems")
        found.add(f"fix {topic} problems")
    found.update(("diagnose python problems", "diagnose this project", "diagnose all environments",
                  "fix python environment issues", "show history", "what did you change"))
    found.update(f"list {thing}" for thing in _LISTABLE)
    found.update(f"show {thing}" for thing in _LISTABLE)
    return tuple(sorted(p.lower() for p in found))


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

    def complete(self, line: str) -> list[str]:
        """What Tab offers for the line typed so far, as whole lines (indentation kept).

        The first word may become a keyword, an action or command name, or a phrase; a line
        led by RUN or a clause keyword completes its name; any other line with a space is a
        phrase being typed, completed from the phrases the templates and actions give as
        examples and from what can be listed, never with a keyword in its middle.
        """
        indent = line[:len(line) - len(line.lstrip())]
        typed = line.lstrip()
        lowered = typed.lower()
        if " " not in typed:
            names = [n for n in self.names() if n.lower().startswith(lowered)]
            phrases = [p for p in phrase_completions() if p.startswith(lowered)] if typed else []
            return [indent + n for n in _unique([*names, *phrases])]
        head, _, rest = typed.partition(" ")
        if head.upper() in KEYWORDS[1:]:
            rest = rest.lstrip()
            lead = typed[:len(typed) - len(rest)]
            names = [n for n in self.names()[len(KEYWORDS):] if n.lower().startswith(rest.lower())]
            return [indent + lead + n for n in names]
        return [indent + p for p in phrase_completions() if p.startswith(lowered)
                and p != lowered]

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
        action = self._action_name(text)
        if action is not None:
            return action
        return self._run(self._load(text))

    def _action_name(self, text: str) -> Outcome | None:
        """An action's name typed alone (`show_history`, `which_python()`): run as that action
        with no arguments; a name that is nearly an action's gets a hint, not "phrase not
        understood"."""
        match = _ACTION_NAME.fullmatch(text.strip())
        if match is None:
            return None
        name = match.group(1)
        actions = {spec.name.lower(): spec.name for spec in api.actions()}
        if name.lower() in actions:
            name = actions[name.lower()]
            block = f"CONTEXT shell {{\n COMMAND {name} {{\n  ACTION: {name}()\n }}\n}}"
            commands = api.commands_of(api.continue_script([], block))
            span = api.Span(1, 1, 1, len(text.strip()) + 1)
            return self._run(api.Script("<shell>", (api.RunStatement(name, span),)),
                             commands)
        if "_" not in name:
            return None  # one plain word: a phrase ("help", "backups")
        close = api.suggest(name, actions.values(), n=3)
        hint = ("did you mean " + " or ".join(close) + "?" if close
                else "`help` lists the actions; or say what you want in words")
        return Outcome("error", error=AinlpError(f"no action named {name}", hint=hint))

    def _command_words(self, text: str) -> str | None:
        """The defined command whose words the input says, if any ("diagnose python issues")."""
        from ainlp.language.script import is_plain_phrase

        if not self.blocks or not is_plain_phrase(text):
            return None

        names = [c.name for c in self.commands.values()]
        found: str | None = match_command_words(text.strip(), names)
        return found

    def _load(self, text: str) -> Script:
        """Parse and check the input together with the blocks defined before it."""
        checked = api.continue_script(self.blocks, text)
        self.blocks.extend(s for s in checked.statements if isinstance(s, api.ContextBlock))
        return checked

    def _run(self, script: Script, extra: dict[str, CommandDef] | None = None) -> Outcome:
        defined = tuple(c.name for s in script.statements if isinstance(s, api.ContextBlock)
                        for c in s.commands)
        runnable = api.Script("<shell>", script.statements,
                              {**self.commands, **api.commands_of(script), **(extra or {})})
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
    stdin = stdin if stdin is not None else sys.stdin
    if not stdin.isatty():
        return run_piped(stdin.read(), world, assume_yes=assume_yes)
    from prompt_toolkit import PromptSession
    from prompt_toolkit.completion import Completer, Completion
    from prompt_toolkit.history import FileHistory

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

    class PhraseCompleter(Completer):  # type: ignore[misc]
        def get_completions(self, document: Any, complete_event: Any) -> Iterator[Completion]:
            line = document.current_line_before_cursor
            for completed in session.complete(line):
                yield Completion(completed, start_position=-len(line),
                                 display=completed.strip())

    completer = PhraseCompleter()
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


def error_text(error: AinlpError) -> str:
    """An error as the shell shows it, once: the diagnostic with its source line and hint when
    there is one (it already says the message), else the one-line form."""
    details = getattr(error, "details", None)
    return str(details) if details else one_line(error)


def show_outcome(outcome: Outcome) -> None:
    """What one input did, for people: its error, the plan declined, what it defined or ran."""
    from ainlp.renderers.meta import render_script

    out = console()
    if outcome.kind == "error" and outcome.error is not None:
        out.print(error_text(outcome.error), markup=False, highlight=False)
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
