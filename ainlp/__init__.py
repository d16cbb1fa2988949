"""AINLP: keeps a machine's Python interpreters and environments healthy, from plain words.

`import ainlp` is light: the public api (`ainlp.api`, re-exported here) is imported on the
first use of one of its names, so `ainlp find` and `ainlp parse` pay only for what they use.

    from ainlp import find, doctor, execute
"""

from __future__ import annotations

__version__ = "0.1.0"

_API = frozenset({
    "AinlpError", "AiosPythonIntegration", "BadInput", "CancelToken", "Cancelled",
    "CheckedScript", "EnvRecord", "Event", "Execution", "Finding", "HealthReport", "Intent",
    "Interrupted", "Inventory", "NotAvailable", "Plan", "Result", "Script", "ScriptError",
    "StateError", "UnknownPhrase", "World", "check_script", "doctor", "execute", "explain",
    "find", "get_aios_python_integration", "packages", "parse", "plan", "report", "run_script",
    "watch", "which",
    # state: backups, restore, the active environment, create, history, undo
    "backup", "backups", "create", "history", "restore", "undo", "use",
    "cleanup", "export", "fix", "import_bundle",
})

__all__ = ["__version__", *sorted(_API)]


def __getattr__(name: str) -> object:
    # PEP 562: the api loads on first use, keeping `import ainlp` (and the CLI's start) light
    if name in _API:
        from ainlp import api

        return getattr(api, name)
    raise AttributeError(f"module 'ainlp' has no attribute {name!r}")
