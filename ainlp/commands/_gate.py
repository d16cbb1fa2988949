"""Confirmation at the terminal: show a plan, ask, and say what was (not) applied."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from ainlp import api, jsontext

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: ainlp.renderers.meta 87 ms

ASK = "some steps change the machine"


def print_plan(execution: api.Execution, args: argparse.Namespace, summary: str) -> None:
    if args.json:
        print(jsontext.dumps(execution.plan.to_json(summary=summary), default=str))
    else:
        from ainlp.renderers.meta import print_plan as show

        show(execution.plan, footer=summary)


def settle(execution: api.Execution, args: argparse.Namespace,
           apply: Callable[[], api.Execution]) -> api.Execution | None:
    """The execution to show, or None when only a plan was shown.

    `--dry-run` shows the plan. A plan that changes the machine runs with `--yes`, or after a
    yes on a terminal; where nobody can answer it is shown and nothing is applied (exit 0).
    """
    if execution.applied:
        return execution
    if args.dry_run:
        print_plan(execution, args, execution.summary)
        return None
    if sys.stdin.isatty() and not args.json:
        print_plan(execution, args, ASK)
        print("Apply? [y/N] ", end="", file=sys.stderr, flush=True)
        if sys.stdin.readline().strip().lower() in ("y", "yes"):
            return apply()
        print("nothing was applied", file=sys.stderr)
        return None
    print_plan(execution, args, execution.summary)
    return None
