"""`ainlp do "PHRASE" [--dry-run] [--yes]`: understand a phrase and run its intent's action."""

from __future__ import annotations

import argparse
import sys

from ainlp import api, jsontext
from ainlp.commands._action import add_change_flags, show_warnings
from ainlp.commands._gate import settle
from ainlp.render import render_result

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: ainlp.renderers.meta 85 ms


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("phrase", nargs="+",
                        help='what to do, in words ("list python interpreters")')
    add_change_flags(parser)


def run(args: argparse.Namespace) -> int:
    text = " ".join(args.phrase).strip()
    if not text:
        raise api.BadInput("say what to do",
                           hint='for example: ainlp do "list python interpreters"')
    parsed = api.parse(text)
    if args.debug and isinstance(parsed, api.Intent):
        print(f"intent {parsed.name} ({parsed.confidence:.2f}) by template {parsed.template!r}",
              file=sys.stderr)
    execution = api.execute(parsed, apply=args.yes, dry_run=args.dry_run, on_event=show_warnings)
    shown = settle(execution, args,
                   lambda: api.execute(parsed, apply=True, on_event=show_warnings))
    if shown is None:
        return 0
    if args.json:
        print(jsontext.dumps(shown.to_json(), default=str))
    elif shown.result is not None:
        render_result(shown.result)
    elif shown.script_result is not None:
        from ainlp.renderers.meta import render_script

        render_script(shown.script_result)
    return shown.exit_code
