"""Actions: the registry of things AINLP can do, each turning arguments into engine calls.

Registering costs nothing at import: action modules are imported when the registry is
first asked for, and parameter models are built on first validation.
"""

from ainlp.actions.registry import ActionContext, ActionSpec, Param, action, get_action, registry
from ainlp.actions.result import Result

__all__ = ["ActionContext", "ActionSpec", "Param", "Result", "action", "get_action", "registry"]
