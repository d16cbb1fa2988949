"""`ainlp check FILE`: parse and validate a script; every error at once, nothing runs."""

from __future__ import annotations

import argparse
from pathlib import Path

from ainlp import api, jsontext
from ainlp.language.display import printable


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="the .ainlp script to check")


def run(args: argparse.Namespace) -> int:
    checked = api.check_script(Path(args.file))  # a ScriptError (exit 2) has every diagnostic
    if args.json:
        print(jsontext.dumps(checked.to_json()))
    else:
        print(f"{printable(checked.script.source)}: ok ({len(checked.commands)} command(s), "
              f"{checked.statements_to_run} statement(s) to run)")
    return 0
