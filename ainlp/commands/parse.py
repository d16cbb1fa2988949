"""`ainlp parse TEXT | --file F | -`: a phrase's intent, or the AST of a block; runs nothing.

A phrase prints the intent object of intents.md: {"kind": "phrase", "text", "intent", "slots",
"confidence", "alternatives": [{"intent", "confidence"}], "template", "suggestions"?}.

A block or script prints its AST, every node with a 1-based "span" {line, column, end_line,
end_column}:
    {"kind": "script", "source": "<text>" | file, "statements": [statement, ...]}
    statement: {"type": "context", "name", "commands": [command, ...], "span"}
             | {"type": "run", "command", "span"}
             | phrase
    command:   {"type": "command", "name", "clauses": [clause, ...], "span"}
    clause:    {"type": "clause", "clause": "ACTION" | "RECOVERY" | "REPORT" | "EXPORT",
                "value": call | phrase, "span"}
    call:      {"type": "call", "name", "arguments": {name: value}, "span"}
    phrase:    {"type": "phrase", "text", "intent": intent object, "span"}
Values are JSON strings, numbers, booleans and lists. Syntax errors exit 2 with every
diagnostic (file:line:col, the line, a caret) on stderr, or the error document with --json.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace

TYPE_CHECKING = False  # not `from typing import ...`: typing costs a cold `ainlp parse` 3 ms

if TYPE_CHECKING:
    from ainlp.language.ast import Clause, CommandDef, Phrase, Script, Statement


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", nargs="*",
                        help='a phrase ("diagnose python path problems") or a block;'
                             ' "-" reads stdin')
    parser.add_argument("--file", "-f", metavar="FILE", help="parse this .ainlp file instead")


def _read(args: argparse.Namespace) -> tuple[str, str]:
    if args.file:
        from pathlib import Path

        from ainlp.core.errors import BadInput

        try:
            return Path(args.file).read_text(encoding="utf-8-sig"), args.file  # BOM dropped
        except (OSError, UnicodeDecodeError) as exc:
            raise BadInput(f"cannot read {args.file}: {exc}",
                           hint="give the path of a readable UTF-8 .ainlp file") from exc
    if args.text == ["-"]:
        return sys.stdin.read().removeprefix("\ufeff"), "<stdin>"
    text = " ".join(args.text)
    if not text.strip():
        from ainlp.core.errors import BadInput

        raise BadInput("nothing to parse",
                       hint='say a phrase: ainlp parse "list python interpreters"')
    return text, "<text>"


def run(args: argparse.Namespace) -> int:
    from ainlp.language.normalise import is_plain_phrase

    text, source = _read(args)
    if is_plain_phrase(text):
        if args.json:
            from ainlp.language.phrases import phrase_document

            print(json.dumps(phrase_document(text.strip())))
            return 0
        from ainlp.language.phrases import match_phrase
        from ainlp.renderers.language import render_intent

        render_intent(match_phrase(text.strip()), debug=args.debug)
        return 0
    from ainlp.language.diagnostics import error_from
    from ainlp.language.script import parse_script

    script, diagnostics = parse_script(text, source)
    if diagnostics:
        raise error_from(diagnostics, source, text)  # exit 2, every diagnostic on stderr
    script = with_intents(script)
    if args.json:
        print(json.dumps(script.to_json()))
    else:
        from ainlp.renderers.language import render_script

        render_script(script)
    return 0


def with_intents(script: Script) -> Script:
    """The script with each phrase's intent filled in (parse shows what phrases mean)."""
    from ainlp.language.ast import ContextBlock, Phrase
    from ainlp.language.phrases import match_phrase

    def phrase(node: Phrase) -> Phrase:
        return replace(node, intent=match_phrase(node.text))

    def clause(node: Clause) -> Clause:
        return replace(node, value=phrase(node.value)) if isinstance(node.value, Phrase) else node

    def command(node: CommandDef) -> CommandDef:
        return replace(node, clauses=tuple(clause(c) for c in node.clauses))

    def statement(node: Statement) -> Statement:
        if isinstance(node, Phrase):
            return phrase(node)
        if isinstance(node, ContextBlock):
            return replace(node, commands=tuple(command(c) for c in node.commands))
        return node

    statements = tuple(statement(s) for s in script.statements)
    commands = {c.name.lower(): c for s in statements if isinstance(s, ContextBlock)
                for c in s.commands}
    return replace(script, statements=statements,
                   commands={k: commands.get(k, v) for k, v in script.commands.items()})
