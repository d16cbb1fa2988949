"""The semantic checker: a parsed script against the action registry, every error at once.

It reports unknown actions, unknown, missing or ill-typed arguments, duplicate COMMAND names,
RUN of an undefined command and phrases that match no intent, each at its position with a
"did you mean" where one is close. It returns the script with every Phrase's intent filled
and every name in its registered spelling; it runs nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from ainlp.core import jsondoc
from ainlp.core.errors import AinlpError, BadInput
from ainlp.core.suggest import suggest
from ainlp.language.ast import (
    Call,
    Clause,
    CommandDef,
    ContextBlock,
    Phrase,
    RunStatement,
    Script,
    Span,
    Statement,
    Value,
    plain,
)
from ainlp.language.catalog import ActionCatalog, ActionInfo, ParamInfo, arguments_for_intent
from ainlp.language.diagnostics import Diagnostic, error_from, sort_key
from ainlp.language.display import clip, quoted
from ainlp.language.phrases import intent_of

# lazy: ainlp.language.script 4.6 ms (python -X importtime after this module's own imports)

__all__ = ["check_parsed", "check_script", "load_script"]

_TYPE_NAMES = {str: "a string", int: "an integer", float: "a number", bool: "true or false",
               list: "a list"}


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate (compared case-insensitively), in its own spelling."""
    close = suggest(word, candidates)
    return close[0] if close else None


class _Checker:
    def __init__(self, catalog: ActionCatalog) -> None:
        self.diagnostics: list[Diagnostic] = []
        self.actions = catalog
        self.commands: dict[str, CommandDef] = {}
        self.defined: dict[str, str] = {}  # every COMMAND of the script: lower-cased -> name

    def report(self, code: str, message: str, span: Span, hint: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(code, message, span, hint))

    # -- the script --------------------------------------------------------------------------

    def script(self, script: Script) -> Script:
        self.defined = {key: command.name for key, command in script.commands.items()}
        statements: list[Statement] = []
        for statement in script.statements:
            if isinstance(statement, ContextBlock):
                commands = tuple(self.command(c) for c in statement.commands)
                statements.append(replace(statement, commands=commands))
            elif isinstance(statement, Phrase):
                statements.append(self.phrase(statement, statement=True))
            else:
                statements.append(statement)
        # RUN may name a command defined further down: the whole file is known before running.
        statements = [self.run(s) if isinstance(s, RunStatement) else s for s in statements]
        return replace(script, statements=tuple(statements), commands=dict(self.commands))

    def command(self, command: CommandDef) -> CommandDef:
        key = command.name.lower()
        first = self.commands.get(key)
        clauses = tuple(self.clause(c) for c in command.clauses)
        checked = replace(command, clauses=clauses)
        if first is not None:
            self.report("script.duplicate-command", f"duplicate command {command.name!r}",
                        command.span, f"{first.name} is first defined at line {first.span.line}; "
                        "give this one another name")
        else:
            self.commands[key] = checked
        return checked

    def clause(self, clause: Clause) -> Clause:
        value = clause.value
        checked = self.call(value) if isinstance(value, Call) else self.phrase(value)
        return replace(clause, value=checked)

    def run(self, statement: RunStatement) -> RunStatement:
        command = self.commands.get(statement.command.lower())
        if command is not None:
            return replace(statement, command=command.name)
        close = did_you_mean(statement.command, (c.name for c in self.commands.values()))
        if close:
            hint = f"did you mean {close}?"
        elif self.commands:
            hint = "defined commands: " + ", ".join(c.name for c in self.commands.values())
        else:
            hint = "define it first: CONTEXT name { COMMAND " + statement.command + " { ... } }"
        self.report("script.undefined-command",
                    f"RUN of an undefined command {clip(statement.command)!r}", statement.span,
                    hint)
        return statement

    # -- values ------------------------------------------------------------------------------

    def call(self, call: Call) -> Call:
        spec = self.actions.get(call.name)
        if spec is None:
            close = did_you_mean(call.name, self.actions.names())
            self.report("script.unknown-action", f"unknown action {clip(call.name)!r}", call.span,
                        f"did you mean {close}?" if close else "`ainlp help` lists the actions")
            return call
        if self.arguments(spec, call):
            self.whole_call(spec, call)
        return replace(call, name=spec.name)

    def arguments(self, spec: ActionInfo, call: Call) -> bool:
        """Each argument on its own; True when all were fine (so the call as a whole is next)."""
        ok = True
        seen: set[str] = set()
        for index, (name, value) in enumerate(call.arguments):
            span = call.argument_spans[index] if index < len(call.argument_spans) else call.span
            param = spec.param(name)
            if param is None:
                ok = False
                close = did_you_mean(name, (p.name for p in spec.params))
                known = ", ".join(p.name for p in spec.params) or "none"
                hint = f"did you mean {close}?" if close else f"its arguments: {known}"
                self.report("script.unknown-argument",
                            f"{spec.name}() takes no argument {clip(name)!r}", span, hint)
            elif name in seen:
                ok = False
                self.report("script.duplicate-argument",
                            f"argument {name!r} given twice to {spec.name}()", span)
            else:
                problem = type_problem(param, value)
                if problem:
                    ok = False
                    self.report("script.bad-argument", f"{spec.name}(): argument {name!r} "
                                f"{problem}", span, spec.signature)
            seen.add(name)
        for param in spec.params:
            if param.required and param.name not in seen:
                ok = False
                self.report("script.missing-argument",
                            f"{spec.name}() needs the argument {param.name!r}", call.span,
                            spec.signature)
        return ok

    def whole_call(self, spec: ActionInfo, call: Call) -> None:
        try:
            spec.validate({name: plain(value) for name, value in call.arguments})
        except BadInput as error:
            self.report("script.bad-argument", error.message, call.span, error.hint)

    def phrase(self, phrase: Phrase, *, statement: bool = False) -> Phrase:
        intent = intent_of(phrase)
        checked = replace(phrase, intent=intent)
        if intent.name == "unknown" and statement and self.run_without_name(phrase):
            return checked
        if intent.name == "unknown":
            hint = ("did you mean: " + "; ".join(f'"{s}"' for s in intent.suggestions[:3])
                    if intent.suggestions else "`ainlp help` lists what can be said")
            self.report("script.unknown-phrase", f"phrase not understood: {quoted(phrase.text)}",
                        phrase.span, hint)
            return checked
        spec = self.actions.for_intent(intent.name)
        if spec is None:
            self.report("script.no-action", f"no action does {intent.name!r} in this version",
                        phrase.span, "`ainlp help` lists what can be said")
            return checked
        try:
            spec.validate(arguments_for_intent(intent.slots, spec))
        except BadInput as error:
            self.report("script.bad-argument", f"{quoted(phrase.text)} gives {error.message}",
                        phrase.span, error.hint)
        return checked


    def run_without_name(self, phrase: Phrase) -> bool:
        """Report a RUN the grammar could not read ("RUN" alone, "RUN y<TAB>RUN z") as the RUN
        it was meant to be, not as a phrase; True when reported."""
        words = phrase.text.split()
        if not words or words[0].lower() != "run":
            return False
        if len(words) == 1:
            self.report("script.syntax", "RUN needs a command name", phrase.span,
                        "write RUN name, with the name of a COMMAND"
                        + (": " + ", ".join(sorted(self.defined.values())[:5])
                           if self.defined else ""))
            return True
        if words[1].lower() in self.defined:
            self.report("script.syntax", f"RUN takes one command name, found more after "
                        f"{clip(words[1])!r}", phrase.span, "put each RUN on a line of its own")
            return True
        return False


def type_problem(param: ParamInfo, value: Value) -> str | None:
    """Why `value` does not fit the parameter (strict: no conversions), or None."""
    fits = {
        str: isinstance(value, str),
        bool: isinstance(value, bool),
        int: isinstance(value, int) and not isinstance(value, bool),
        float: isinstance(value, (int, float)) and not isinstance(value, bool),
        list: isinstance(value, (tuple, list)),
    }.get(param.type, True)
    if not fits:
        return f"must be {_TYPE_NAMES.get(param.type, param.type.__name__)}, not {_show(value)}"
    if param.choices and value not in param.choices:
        return f"must be one of {', '.join(param.choices)}, not {_show(value)}"
    return None


def _show(value: Value) -> str:
    return jsondoc.dumps(plain(value)) if not isinstance(value, bool) else str(value).lower()


def check_script(script: Script, text: str, source: str, *,
                 catalog: ActionCatalog) -> tuple[Script, list[Diagnostic]]:
    """The script with intents filled and names in registered spelling, and every error found.

    `text` and `source` are what the diagnostics are later shown against; the checker itself
    needs only the positions the parser recorded.
    """
    checker = _Checker(catalog)
    checked = checker.script(script)
    return checked, sorted(checker.diagnostics, key=sort_key)


def read_script(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")  # a leading BOM (Notepad) is no code
    except FileNotFoundError as exc:
        raise BadInput(f"no such script: {path}", hint="check the file name") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"cannot read script {path}: {exc}",
                       hint="an .ainlp script is a UTF-8 text file") from exc


def load_script(path_or_text: Path | str, source: str | None = None, *,
                catalog: ActionCatalog) -> Script:
    """Parse and check a script (a Path is read, a str is the text itself).

    Raises the ScriptError of every diagnostic (exit 2) when anything is wrong: nothing of a
    script with an error ever runs.
    """
    from ainlp.language.script import parse_script

    if isinstance(path_or_text, Path):
        text = read_script(path_or_text)
        source = source or str(path_or_text)
    else:
        text = path_or_text
        source = source or "<text>"
    script, syntax = parse_script(text, source)
    return check_parsed(script, syntax, text, source, catalog=catalog)


def check_parsed(script: Script, syntax: list[Diagnostic], text: str, source: str, *,
                 catalog: ActionCatalog) -> Script:
    """A parsed script checked: the ScriptError of its syntax and semantic diagnostics together
    (each mistake once), or the checked script."""
    checked, semantic = check_script(script, text, source, catalog=catalog)
    # The parser reports duplicate commands too (at the name): one report per mistake.
    said = {(d.code, d.span.line) for d in syntax}
    diagnostics = sorted([*syntax, *(d for d in semantic if (d.code, d.span.line) not in said)],
                         key=sort_key)
    if diagnostics:
        error: AinlpError = error_from(diagnostics, source, text)
        raise error
    return checked
