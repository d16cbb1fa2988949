"""Subcommands that run one action: flags built from the action's parameters."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from ainlp.actions.registry import ActionContext, ActionSpec, get_action

if TYPE_CHECKING:
    from ainlp.actions.result import Result
    from ainlp.cli import ActionCommand


def configure_action(parser: argparse.ArgumentParser, command: ActionCommand) -> None:
    spec = get_action(command.action, module=command.module)
    for param in spec.params:
        if param.name in command.positional:
            parser.add_argument(
                param.name, nargs="?", default=param.default, help=param.help, choices=param.choices
            )
        elif param.type is bool:
            parser.add_argument(
                f"--{param.name.replace('_', '-')}",
                dest=param.name,
                action="store_true",
                help=param.help,
            )
        else:
            parser.add_argument(
                f"--{param.name.replace('_', '-')}",
                dest=param.name,
                type=param.type,
                default=param.default,
                help=param.help,
                choices=param.choices,
            )
    scope = spec.param("scope")
    if scope is not None and scope.choices and "global" in scope.choices:
        # cli.md: `ainlp use TARGET [--global]`
        parser.add_argument("--global", dest="scope", action="store_const", const="global",
                            help="the same as --scope global")
    if spec.changes_machine:
        add_change_flags(parser)


def add_change_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dry-run", action="store_true", help="show the plan, change nothing")
    parser.add_argument("--yes", "-y", action="store_true", help="apply without asking")


def context_from_args(args: argparse.Namespace) -> ActionContext:
    from ainlp.core.world import World

    interactive = sys.stdin.isatty() and not getattr(args, "json", False)
    return ActionContext(
        world=World.current(),
        dry_run=getattr(args, "dry_run", False),
        assume_yes=getattr(args, "yes", False),
        interactive=interactive,
    )


def run_action_command(args: argparse.Namespace, command: ActionCommand) -> int:
    spec = get_action(command.action, module=command.module)
    arguments = {p.name: getattr(args, p.name) for p in spec.params if hasattr(args, p.name)}
    result = spec(context_from_args(args), arguments)
    return emit(result, json_mode=args.json, spec=spec)


def emit(result: Result, *, json_mode: bool, spec: ActionSpec | None = None) -> int:
    """Print a result: its JSON document on stdout, or rich output for people."""
    if json_mode:
        print(json.dumps(result.data, indent=None, default=_json_default))
    else:
        from ainlp.render import render_result

        render_result(result)
    return result.exit_code


def _json_default(value: Any) -> Any:
    return str(value)
