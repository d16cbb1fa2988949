"""AINLP: keeps a machine's Python interpreters and environments healthy, from plain words.

`import ainlp` is light: the public api (`ainlp.api`, re-exported here) is imported on the
first use of one of its names, so `ainlp find` and `ainlp parse` pay only for what they use.

    from ainlp import find, doctor, execute
"""

from __future__ import annotations

import os as _os

__version__ = "0.1.0"

# A source checkout keeps ainlp.core in core/ beside this folder (installed, it is ainlp/core/):
# map it and its siblings there (_checkout.py). Installed, this costs one stat.
_HERE = _os.path.dirname(__file__)
if not _os.path.isdir(_os.path.join(_HERE, "core")) and _os.path.isdir(
    _os.path.join(_HERE, _os.pardir, "core")
):
    from ainlp import _checkout

    _checkout.install(_os.path.dirname(_HERE))

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
    if name in _API:
        # PEP 562, the api boundary: the api loads on first use, so `import ainlp` (every
        # start, _launch's warm `find` fast path included) does not pay for ainlp.api (0.8 ms)
        from ainlp import api

        return getattr(api, name)
    raise AttributeError(f"module 'ainlp' has no attribute {name!r}")
