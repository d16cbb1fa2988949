"""`ainlp run FILE [--dry-run] [--yes]`: check a script, then run it statement by statement."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ainlp.commands._action import add_change_flags, context_from_args

if TYPE_CHECKING:
    from ainlp.actions.registry import ActionContext
    from ainlp.dispatch import Plan


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="the .ainlp script to run")
    add_change_flags(parser)


def print_plan(plan: Plan, args: argparse.Namespace, summary: str) -> None:
    if args.json:
        print(json.dumps(plan.to_json(summary=summary), default=str))
    else:
        from ainlp.renderers.meta import print_plan as show

        show(plan, footer=summary)


def gate(plan: Plan, args: argparse.Namespace, ctx: ActionContext) -> ActionContext | None:
    """The context to run with, or None when nothing is to run (the plan was shown instead).

    `--dry-run` shows the plan. A plan that changes the machine runs with `--yes`, or after
    a yes on a terminal; where nobody can answer it is shown and nothing is applied (exit 0).
    Steps this version cannot carry out change nothing: they ask for no yes (they fail when run).
    """
    steps = sum(1 for _ in plan.steps)
    if args.dry_run:
        print_plan(plan, args, f"dry run: {steps} step(s) would run; nothing was run")
        return None
    if not plan.needs_confirmation or args.yes:
        return replace(ctx, assume_yes=ctx.assume_yes or plan.needs_confirmation)
    if ctx.interactive:
        print_plan(plan, args, "some steps change the machine")
        print("Apply? [y/N] ", end="", file=sys.stderr, flush=True)
        answer = sys.stdin.readline().strip().lower()
        if answer in ("y", "yes"):
            return replace(ctx, assume_yes=True)
        print("nothing was applied", file=sys.stderr)
        return None
    print_plan(plan, args, "plan only: nothing was applied; run again with --yes to apply it")
    return None


def run(args: argparse.Namespace) -> int:
    from ainlp.dispatch import plan_script, run_script
    from ainlp.language.check import load_script

    script = load_script(Path(args.file))
    ctx = context_from_args(args)
    go = gate(plan_script(script, ctx.world), args, ctx)
    if go is None:
        return 0
    result = run_script(script, go)
    if not result.statements and not args.json:
        print(f"{script.source}: nothing to run (it only defines commands; RUN one of them)",
              file=sys.stderr)
    if args.json:
        print(json.dumps(result.to_json(), default=str))
    else:
        from ainlp.renderers.meta import render_script

        render_script(result)
    return result.exit_code
