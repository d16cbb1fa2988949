"""`ainlp shell` (and `ainlp` alone on a terminal): the interactive AINLP shell."""

from __future__ import annotations

import argparse

from ainlp import api

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: ainlp.shell 14 ms


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--yes", "-y", action="store_true",
                        help="apply changes without asking (the shell asks otherwise)")


def run(args: argparse.Namespace) -> int:
    from ainlp.shell import run_shell

    if args.json:
        raise api.BadInput("the shell has no --json output", hint="use `ainlp do --json` or "
                       "`ainlp run FILE --json` in programs")
    return run_shell(assume_yes=args.yes)
