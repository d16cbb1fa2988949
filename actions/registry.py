"""The action registry: name, typed parameters, description, and the intents and phrases
that reach each action."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ainlp.actions.result import Result
from ainlp.core.errors import BadInput
from ainlp.core.world import World

_REQUIRED: Any = object()

# Modules that register actions; imported on first use of the registry.
ACTION_MODULES: tuple[str, ...] = (
    "discovery",
    "health",
    "packages",
    "report",
    "backup",
    "recovery",
    "meta",
)


@dataclass(frozen=True)
class Param:
    name: str
    type: type  # str, int, float, bool or list
    default: Any = _REQUIRED
    help: str = ""
    choices: tuple[str, ...] | None = None

    @property
    def required(self) -> bool:
        return self.default is _REQUIRED


@dataclass
class ActionContext:
    """What an action gets besides its arguments."""

    world: World
    dry_run: bool = False
    assume_yes: bool = False
    interactive: bool = False
    previous: list[Result] = field(
        default_factory=list
    )  # results of earlier steps (EXPORT reads them)
    progress: Callable[[str], None] | None = None


@dataclass(frozen=True)
class ActionSpec:
    name: str
    func: Callable[..., Result]
    description: str
    params: tuple[Param, ...] = ()
    intents: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    changes_machine: bool = False
    # False for an action this version cannot carry out (it raises NotAvailable): nothing
    # offers a plan for it, and `--yes` would apply nothing.
    available: bool = True

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def validate(self, arguments: Mapping[str, Any]) -> dict[str, Any]:
        """Arguments checked against the parameters; BadInput names what is wrong."""
        from ainlp.actions._validate import validate_arguments

        return validate_arguments(self, arguments)

    def __call__(self, ctx: ActionContext, arguments: Mapping[str, Any] | None = None) -> Result:
        return self.func(ctx, **self.validate(arguments or {}))


_REGISTRY: dict[str, ActionSpec] = {}
_loaded = False


def action(
    name: str,
    *,
    description: str,
    params: tuple[Param, ...] = (),
    intents: tuple[str, ...] = (),
    phrases: tuple[str, ...] = (),
    changes_machine: bool = False,
    available: bool = True,
) -> Callable[[Callable[..., Result]], Callable[..., Result]]:
    def decorate(func: Callable[..., Result]) -> Callable[..., Result]:
        if name in _REGISTRY:
            raise ValueError(f"action {name!r} registered twice")
        _REGISTRY[name] = ActionSpec(
            name, func, description, params, intents, phrases, changes_machine, available
        )
        return func

    return decorate


def registry() -> Mapping[str, ActionSpec]:
    global _loaded
    if not _loaded:
        for module in ACTION_MODULES:
            importlib.import_module(f"ainlp.actions.{module}")
        _loaded = True
    return _REGISTRY


def get_action(name: str, *, module: str | None = None) -> ActionSpec:
    """The action registered under `name` (matched case-insensitively).

    With `module`, only that actions module is imported when it registers the name.
    """
    if module is not None:
        importlib.import_module(f"ainlp.actions.{module}")
        if name in _REGISTRY:
            return _REGISTRY[name]
    actions = registry()
    found = actions.get(name) or next(
        (spec for key, spec in actions.items() if key.lower() == name.lower()), None
    )
    if found is None:
        from difflib import get_close_matches

        close = get_close_matches(name.lower(), list(actions), n=1)
        hint = f"did you mean {close[0]}?" if close else "ainlp help lists the actions"
        raise BadInput(f"unknown action {name!r}", hint=hint)
    return found


def for_intent(intent: str) -> ActionSpec | None:
    return next((spec for spec in registry().values() if intent in spec.intents), None)
