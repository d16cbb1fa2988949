"""`ainlp parse TEXT | FILE.ainlp | --file F | -`: a phrase's intent, or a block's AST.

It runs nothing.

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
import sys

from ainlp import api, jsontext

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: ainlp.renderers.language 88 ms, pathlib 4.8 ms


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", nargs="*",
                        help='a phrase ("diagnose python path problems") or a block;'
                             ' "-" reads stdin; an existing FILE.ainlp is read')
    parser.add_argument("--file", "-f", metavar="FILE", help="parse this .ainlp file instead")


def _read(args: argparse.Namespace) -> tuple[str, str]:
    if args.file:
        from pathlib import Path

        try:
            return Path(args.file).read_text(encoding="utf-8-sig"), args.file  # BOM dropped
        except (OSError, UnicodeDecodeError) as exc:
            raise api.BadInput(f"cannot read {args.file}: {exc}",
                               hint="give the path of a readable UTF-8 .ainlp file") from exc
    if args.text == ["-"]:
        return sys.stdin.read().removeprefix("\ufeff"), "<stdin>"
    if len(args.text) == 1 and args.text[0].endswith(".ainlp"):
        from pathlib import Path

        if Path(args.text[0]).is_file():  # `ainlp parse examples/seed.ainlp`: the file
            args.file = args.text[0]
            return _read(args)
    text = " ".join(args.text)
    if not text.strip():
        raise api.BadInput("nothing to parse",
                           hint='say a phrase: ainlp parse "list python interpreters"')
    return text, "<text>"


def run(args: argparse.Namespace) -> int:
    text, source = _read(args)
    if args.json:  # a ScriptError (exit 2) has every diagnostic
        print(jsontext.dumps(api.parse_document(text, source=source)))
        return 0
    parsed = api.parse(text, source=source)
    if isinstance(parsed, api.Intent):
        from ainlp.renderers.language import render_intent

        render_intent(parsed, debug=args.debug)
    else:
        from ainlp.renderers.language import render_script

        render_script(parsed)
    return 0
