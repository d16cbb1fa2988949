"""The `ainlp` command: thin argument parsing over the api (`ainlp.api`), then rendering.

Only the chosen subcommand's arguments are built, and its module imported, so
`ainlp find` never pays for the parser, the shell or rich.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from ainlp import __version__, api
from ainlp.commands._action import configure_action, run_action_command

if TYPE_CHECKING:
    from typing import NoReturn

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: ainlp.errors 2.3 ms


# NamedTuples, not dataclasses: `dataclasses` (and the `inspect` it imports) would cost every
# cold command 5 ms, a third of what `ainlp parse` adds to Python's own start
class ActionCommand(NamedTuple):
    """A subcommand that runs one registered action; its flags come from the action's params."""

    action: str
    module: str  # the actions module that registers it: only that one is imported
    help: str
    positional: tuple[str, ...] = ()


class ModuleCommand(NamedTuple):
    """A subcommand with its own module: `configure(parser)` and `run(args) -> int`."""

    module: str
    help: str


Command = ActionCommand | ModuleCommand

COMMANDS: dict[str, Command] = {
    "shell": ModuleCommand("ainlp.commands.shell", "the interactive AINLP shell"),
    "do": ModuleCommand("ainlp.commands.do", "parse a phrase and run its intent"),
    "parse": ModuleCommand("ainlp.commands.parse", "the intent of a phrase or block; runs nothing"),
    "check": ModuleCommand("ainlp.commands.check", "parse and validate an .ainlp file"),
    "run": ModuleCommand("ainlp.commands.run", "check, then run an .ainlp file"),
    "find": ActionCommand("list_environments", "discovery", "every interpreter and environment"),
    "which": ActionCommand(
        "which_python",
        "discovery",
        "which interpreter python/python3 resolves to, and why",
        positional=("version",),
    ),
    "doctor": ModuleCommand("ainlp.commands.doctor", "health checks and findings"),
    "report": ActionCommand("generate_diagnostic_report", "report", "the full diagnostic report"),
    "packages": ActionCommand(
        "list_packages",
        "packages",
        "installed distributions of an environment",
        positional=("target",),
    ),
    "fix": ActionCommand(
        "apply_automatic_recovery_strategies",
        "recovery",
        "plan and apply repairs",
        positional=("target",),
    ),
    "use": ActionCommand(
        "switch_environment", "active_env", "set the active environment", positional=("target",)
    ),
    "create": ActionCommand(
        "create_environment", "active_env", "create a virtual environment", positional=("path",)
    ),
    "backup": ActionCommand(
        "create_comprehensive_backup",
        "backups",
        "snapshot environments now",
        positional=("target",),
    ),
    "backups": ActionCommand(
        "list_backups", "backups", "list snapshots (--diff A B compares two)",
        positional=("against",),
    ),
    "restore": ActionCommand(
        "restore_backup", "backups", "restore from a snapshot", positional=("source",)
    ),
    "export": ActionCommand(
        "environment_configuration_and_instructions",
        "bundle",
        "portable bundle + recovery instructions",
        positional=("path",),
    ),
    "import": ActionCommand(
        "import_environments", "bundle", "recreate environments from a bundle", positional=("path",)
    ),
    "cleanup": ActionCommand(
        "cleanup_broken_environments",
        "recovery",
        "forget/remove broken environments",
        positional=("target",),
    ),
    "history": ActionCommand(
        "show_history", "history", "the log of state-changing actions"
    ),
    "undo": ActionCommand(
        "undo_last_change", "history", "undo the newest state-changing action"
    ),
    "serve": ModuleCommand("ainlp.commands.serve", "JSON-RPC 2.0 service on stdin/stdout"),
    "fleet-report": ModuleCommand("ainlp.commands.fleet_report",
                                  "one report of many hosts' facts (the Ansible collection's)"),
    "help": ActionCommand("show_help", "meta", "what can be said, with examples"),
}


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as BadInput, so --json gets its error document."""

    def error(self, message: str) -> NoReturn:
        from ainlp.errors import BadInput

        raise BadInput(message, hint=f"{self.prog} --help shows the usage")


def _common_options(*, inherit: bool = False) -> _Parser:
    """`--json` and `--debug`; a subcommand's copy (`inherit`) keeps what the main parser saw.

    argparse copies a subparser's defaults over the main parser's values, so a subcommand's
    own `False` would undo `ainlp --json doctor`: its defaults are suppressed instead.
    """
    common = _Parser(add_help=False)
    default: object = argparse.SUPPRESS if inherit else False
    common.add_argument("--json", action="store_true", default=default,
                        help="one JSON document on stdout")
    common.add_argument("--debug", action="store_true", default=default,
                        help="show tracebacks")
    return common


def _chosen(argv: Sequence[str]) -> str | None:
    return next((arg for arg in argv if not arg.startswith("-")), None)


DESCRIPTION = ("Find the Python interpreters and environments of this machine, explain which "
               "one `python` runs, and diagnose their problems")
# what the description adds when the action that does it is available
_ALSO = (("apply_automatic_recovery_strategies", "repair them"),
         ("create_comprehensive_backup", "back them up"),
         ("environment_configuration_and_instructions", "export them"))
NOT_YET = "not available yet"


def _unavailable() -> set[str]:
    """The actions this version cannot carry out (their specs say so)."""
    return {spec.name for spec in api.actions() if not spec.available}


def describe(unavailable: set[str]) -> str:
    """`ainlp --help`'s description: only what works."""
    also = [words for name, words in _ALSO if name not in unavailable]
    if not also:
        return DESCRIPTION + "."
    return DESCRIPTION + "; " + ", ".join(also) + "."


def build_parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    common = _common_options()
    chosen = _chosen(argv)
    # the marks of `ainlp --help` cost the registry: only when it is asked for
    listing = chosen is None and bool({"-h", "--help"} & set(argv))
    unavailable = _unavailable() if listing else set()
    parser = _Parser(prog="ainlp", description=describe(unavailable), parents=[common])
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    inherited = _common_options(inherit=True)
    for name, command in COMMANDS.items():
        if chosen in COMMANDS and name != chosen:
            continue  # a command's own parser alone: the other 23 cost a cold `ainlp parse` 6 ms
        text = command.help
        if isinstance(command, ActionCommand) and command.action in unavailable:
            text = f"{text} ({NOT_YET})"
        sub_parser = sub.add_parser(
            name, help=text, parents=[inherited], description=command.help
        )
        if name != chosen:
            continue
        if isinstance(command, ModuleCommand):
            importlib.import_module(command.module).configure(sub_parser)
        else:
            configure_action(sub_parser, command)
            spec = api.action_spec(command.action, module=command.module)
            if spec.unavailable is not None:
                sub_parser.description = (f"{command.help} ({NOT_YET}: "
                                          f"{spec.unavailable.message})")
    return parser


def _version() -> str:
    return f"ainlp {__version__}"


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args_list
    json_mode = "--json" in args_list
    try:
        if _chosen(args_list) is None and not {"-h", "--help", "--version"} & set(args_list):
            if sys.stdin.isatty() and sys.stdout.isatty() and not json_mode:
                args_list = ["shell", *args_list]
            elif json_mode:
                from ainlp.errors import BadInput

                raise BadInput("no command given", hint="ainlp --help lists the commands")
            else:
                build_parser(args_list).print_help(sys.stderr)
                return 2
        args = build_parser(args_list).parse_args(args_list)
        command = COMMANDS[args.command]
        if isinstance(command, ModuleCommand):
            code: int = importlib.import_module(command.module).run(args)
            return code

        return run_action_command(args, command)
    except KeyboardInterrupt:
        print("ainlp: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except Exception as exc:
        from ainlp.errors import report_error

        return report_error(exc, debug=debug, json_mode=json_mode)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
