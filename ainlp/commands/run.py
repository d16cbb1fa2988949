"""`ainlp run FILE [--dry-run] [--yes]`: check a script, then run it statement by statement."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ainlp import api, jsontext
from ainlp.commands._action import add_change_flags, show_warnings
from ainlp.commands._gate import settle

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: ainlp.renderers.meta 82 ms


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="the .ainlp script to run")
    add_change_flags(parser)


def run(args: argparse.Namespace) -> int:
    script = api.load(Path(args.file))
    execution = api.run_script(script, apply=args.yes, dry_run=args.dry_run,
                               on_event=show_warnings)
    shown = settle(execution, args,
                   lambda: api.run_script(script, apply=True, on_event=show_warnings))
    if shown is None or shown.script_result is None:
        return 0
    result = shown.script_result
    if not result.statements and not args.json:
        print(f"{script.source}: nothing to run (it only defines commands; RUN one of them)",
              file=sys.stderr)
    if args.json:
        print(jsontext.dumps(shown.to_json(), default=str))
    else:
        from ainlp.renderers.meta import render_script

        render_script(result)
    return shown.exit_code
