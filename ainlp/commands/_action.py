"""Subcommands that run one action: flags built from the action's params, run by the api."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from ainlp import api, jsontext
from ainlp.render import render_result

if TYPE_CHECKING:
    from ainlp.cli import ActionCommand


def configure_action(parser: argparse.ArgumentParser, command: ActionCommand) -> None:
    spec = api.action_spec(command.action, module=command.module)
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
                *param.flags,
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


def show_warnings(event: api.Event) -> None:
    """Warnings reach people on stderr at once; progress is for the shell and the service."""
    if event.kind == "warning":
        print(f"ainlp: {event.message}", file=sys.stderr)


def interactive(args: argparse.Namespace) -> bool:
    return sys.stdin.isatty() and not getattr(args, "json", False)


def run_action_command(args: argparse.Namespace, command: ActionCommand) -> int:
    spec = api.action_spec(command.action, module=command.module)
    arguments = {p.name: getattr(args, p.name) for p in spec.params if hasattr(args, p.name)}
    result = api.run_action(command.action, arguments, dry_run=getattr(args, "dry_run", False),
                            assume_yes=getattr(args, "yes", False),
                            interactive=interactive(args), on_event=show_warnings)
    return emit(result, json_mode=args.json)


def emit(result: api.Result, *, json_mode: bool) -> int:
    """Print a result: its JSON document on stdout, or rich output for people."""
    if json_mode:
        print(jsontext.dumps(result.data, default=str))
    else:
        render_result(result)
    return result.exit_code
