"""`ainlp check FILE`: parse and validate a script; every error at once, nothing runs."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="the .ainlp script to check")


def run(args: argparse.Namespace) -> int:
    from ainlp.dispatch import command_table
    from ainlp.language.ast import Phrase, RunStatement
    from ainlp.language.check import load_script

    script = load_script(Path(args.file))  # a ScriptError (exit 2) carries every diagnostic
    commands = [c.name for c in command_table(script).values()]
    runs = sum(1 for s in script.statements if isinstance(s, (RunStatement, Phrase)))
    if args.json:
        print(json.dumps({"kind": "script", "source": script.source, "ok": True,
                          "commands": commands, "statements_to_run": runs, "diagnostics": []}))
    else:
        from ainlp.language.display import printable

        print(f"{printable(script.source)}: ok ({len(commands)} command(s), {runs} statement(s) "
              "to run)")
    return 0
