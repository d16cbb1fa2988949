"""The public Python api: the one way in for the CLI, the shell, scripts, the service and
other programs. Each function returns a typed value with `to_json()` (the matching command's
`--json` document) and takes `world=` (the current machine when omitted), `on_event=`
(progress events) and `cancel=` (a token long work checks).

    >>> from ainlp import find, doctor, execute
    >>> inventory = find()                  # Inventory: .environments, .summary, .to_json()
    >>> health = doctor(topic="path")       # HealthReport: .findings, .has_errors
    >>> done = execute("list python interpreters")   # Execution: .result, .exit_code

Errors are `AinlpError` subclasses carrying code, message, hint, where and exit_code.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ainlp.actions.registry import ActionSpec, Param
    from ainlp.actions.result import Result
    from ainlp.api._client import Client, ConnectionLost, Pending, connect, server_info
    from ainlp.api._fleet import fleet_report
    from ainlp.api._functions import (
        action_spec,
        actions,
        check_script,
        commands_of,
        continue_script,
        doctor,
        execute,
        explain,
        find,
        load,
        packages,
        plan,
        report,
        run_action,
        run_script,
        watch,
        which,
    )
    from ainlp.api._options import Cancelled, CancelToken, Event, OnEvent
    from ainlp.api._recovery import cleanup, export, fix, import_bundle
    from ainlp.api._state import backup, backups, create, history, restore, undo, use
    from ainlp.api._text import parse, parse_document
    from ainlp.api._values import PLAN_ONLY, CheckedScript, Execution
    from ainlp.api.seed import AiosPythonIntegration, get_aios_python_integration
    from ainlp.core.discovery.records import EnvRecord, Inventory
    from ainlp.core.errors import (
        AinlpError,
        BadInput,
        Interrupted,
        NotAvailable,
        ScriptError,
        StateError,
    )
    from ainlp.core.fleet import FleetReport
    from ainlp.core.health.engine import HealthReport
    from ainlp.core.health.findings import Finding
    from ainlp.core.health.topics import TOPICS
    from ainlp.core.jsondoc import JSONObject
    from ainlp.core.suggest import suggest
    from ainlp.core.world import World
    from ainlp.dispatch import Plan, ScriptResult, UnknownPhrase
    from ainlp.language.ast import CommandDef, ContextBlock, Intent, RunStatement, Script, Span

# Where each public name lives. Loading on first use keeps `ainlp parse PHRASE` (which needs
# only `parse`) from importing the actions, the dispatcher and discovery: 7 ms of a 45 ms run.
_WHERE: dict[str, str] = {
    **dict.fromkeys(("action_spec", "actions", "check_script", "commands_of", "continue_script",
                     "doctor", "execute", "explain", "find", "load", "packages", "plan", "report",
                     "run_action", "run_script", "watch", "which"), "ainlp.api._functions"),
    **dict.fromkeys(("backup", "backups", "create", "history", "restore", "undo", "use"),
                    "ainlp.api._state"),
    **dict.fromkeys(("cleanup", "export", "fix", "import_bundle"), "ainlp.api._recovery"),
    **dict.fromkeys(("parse", "parse_document"), "ainlp.api._text"),
    **dict.fromkeys(("Client", "ConnectionLost", "Pending", "connect", "server_info"),
                    "ainlp.api._client"),
    "fleet_report": "ainlp.api._fleet",
    "FleetReport": "ainlp.core.fleet",
    **dict.fromkeys(("CancelToken", "Cancelled", "Event", "OnEvent"), "ainlp.api._options"),
    **dict.fromkeys(("PLAN_ONLY", "CheckedScript", "Execution"), "ainlp.api._values"),
    **dict.fromkeys(("AiosPythonIntegration", "get_aios_python_integration"), "ainlp.api.seed"),
    **dict.fromkeys(("ActionSpec", "Param"), "ainlp.actions.registry"),
    "Result": "ainlp.actions.result",
    **dict.fromkeys(("EnvRecord", "Inventory"), "ainlp.core.discovery.records"),
    **dict.fromkeys(("AinlpError", "BadInput", "Interrupted", "NotAvailable", "ScriptError",
                     "StateError"), "ainlp.core.errors"),
    "HealthReport": "ainlp.core.health.engine",
    "Finding": "ainlp.core.health.findings",
    "World": "ainlp.core.world",
    "suggest": "ainlp.core.suggest",
    "TOPICS": "ainlp.core.health.topics",
    "JSONObject": "ainlp.core.jsondoc",
    **dict.fromkeys(("Plan", "ScriptResult", "UnknownPhrase"), "ainlp.dispatch"),
    **dict.fromkeys(("CommandDef", "ContextBlock", "Intent", "RunStatement", "Script", "Span"),
                    "ainlp.language.ast"),
}


def __getattr__(name: str) -> object:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'ainlp.api' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "PLAN_ONLY",
    "TOPICS",
    "ActionSpec",
    "AinlpError",
    "AiosPythonIntegration",
    "BadInput",
    "CancelToken",
    "Cancelled",
    "CheckedScript",
    "Client",
    "CommandDef",
    "ConnectionLost",
    "ContextBlock",
    "EnvRecord",
    "Event",
    "Execution",
    "Finding",
    "FleetReport",
    "HealthReport",
    "Intent",
    "Interrupted",
    "Inventory",
    "JSONObject",
    "NotAvailable",
    "OnEvent",
    "Param",
    "Pending",
    "Plan",
    "Result",
    "RunStatement",
    "Script",
    "ScriptError",
    "ScriptResult",
    "Span",
    "StateError",
    "UnknownPhrase",
    "World",
    "action_spec",
    "actions",
    "backup",
    "backups",
    "check_script",
    "cleanup",
    "commands_of",
    "connect",
    "continue_script",
    "create",
    "doctor",
    "execute",
    "explain",
    "export",
    "find",
    "fix",
    "fleet_report",
    "get_aios_python_integration",
    "history",
    "import_bundle",
    "load",
    "packages",
    "parse",
    "parse_document",
    "plan",
    "report",
    "restore",
    "run_action",
    "run_script",
    "server_info",
    "suggest",
    "undo",
    "use",
    "watch",
    "which",
]
