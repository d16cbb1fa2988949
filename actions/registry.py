"""The action registry: name, typed parameters, description, and the intents and phrases
that reach each action."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ainlp.actions._validate import validate_arguments
from ainlp.actions.result import Result
from ainlp.core.errors import BadInput, NotAvailable
from ainlp.core.jsondoc import JSONObject
from ainlp.core.registry import Registry
from ainlp.core.suggest import suggest
from ainlp.core.world import World

if TYPE_CHECKING:
    from ainlp.core.discovery.records import EnvRecord

_REQUIRED: object = object()


@dataclass(frozen=True)
class Unavailable:
    """Why an action cannot run in this version, and what to do instead (its NotAvailable)."""

    message: str
    hint: str

    def error(self) -> NotAvailable:
        return NotAvailable(self.message, hint=self.hint)

# Modules that register actions; imported on first use of the registry.
ACTION_MODULES: tuple[str, ...] = (
    "discovery",
    "health",
    "packages",
    "report",
    "bundle",
    "recovery",
    "backups",
    "active_env",
    "history",
    "meta",
)


@dataclass(frozen=True)
class Param:
    name: str
    type: type  # str, int, float, bool or list
    default: object = _REQUIRED
    help: str = ""
    choices: tuple[str, ...] | None = None
    flags: tuple[str, ...] = ()  # more command-line spellings (cli.md's `create --python V`)

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
    # called with each environment as discovery finds it (the service's notifications)
    on_record: Callable[[EnvRecord], None] | None = None
    # turns a report document into text of a format; handed in by the front end, which owns
    # rendering (the REPORT clause writes files with it)
    render_report: Callable[[JSONObject, str], str] | None = None
    # something the user must hear now, whatever the action's outcome (a state database that
    # was restored from a backup layer); front ends show it on stderr
    warn: Callable[[str], None] | None = None


@dataclass(frozen=True)
class ActionSpec:
    name: str
    func: Callable[..., Result]
    description: str
    params: tuple[Param, ...] = ()
    intents: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    changes_machine: bool = False
    # Set for an action this version cannot carry out: nothing offers a plan for it, `--yes`
    # would apply nothing, and running it raises this NotAvailable.
    unavailable: Unavailable | None = None

    @property
    def available(self) -> bool:
        return self.unavailable is None

    @property
    def signature(self) -> str:
        """How to call it: "name(param: type, other: type (optional))"."""
        parts = [f"{p.name}: {p.type.__name__}" + ("" if p.required else " (optional)")
                 for p in self.params]
        return f"{self.name}({', '.join(parts)})"

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def validate(self, arguments: Mapping[str, object]) -> dict[str, object]:
        """Arguments checked against the parameters; BadInput names what is wrong."""
        return validate_arguments(self, arguments)

    def run(self, ctx: ActionContext, validated: Mapping[str, object]) -> Result:
        """Run with arguments `validate` returned (the dispatcher validates once)."""
        if self.unavailable is not None:
            raise self.unavailable.error()
        return self.func(ctx, **validated)

    def __call__(self, ctx: ActionContext, arguments: Mapping[str, object] | None = None
                 ) -> Result:
        return self.run(ctx, self.validate(arguments or {}))


# The module that registers each action: asking for one action imports only its module (all of
# them cost `ainlp find` about 25 ms, measured with -X importtime). A test keeps it complete.
HOMES: dict[str, str] = {
    "list_environments": "discovery", "which_python": "discovery",
    "run_environment_health_check": "health", "generate_diagnostic_report": "report",
    "list_packages": "packages", "check_packages": "packages",
    "create_comprehensive_backup": "backups", "list_backups": "backups",
    "restore_backup": "backups", "switch_environment": "active_env",
    "create_environment": "active_env", "show_history": "history",
    "undo_last_change": "history", "apply_automatic_recovery_strategies": "recovery",
    "cleanup_broken_environments": "recovery",
    "environment_configuration_and_instructions": "bundle", "import_environments": "bundle",
    "show_help": "meta",
}

_ACTIONS: Registry[ActionSpec] = Registry(
    "action", lambda: (f"ainlp.actions.{module}" for module in ACTION_MODULES),
    homes={name: f"ainlp.actions.{module}" for name, module in HOMES.items()})
_REGISTRY = _ACTIONS.entries  # what is registered so far, without importing the modules


def action(
    name: str,
    *,
    description: str,
    params: tuple[Param, ...] = (),
    intents: tuple[str, ...] = (),
    phrases: tuple[str, ...] = (),
    changes_machine: bool = False,
    unavailable: Unavailable | None = None,
) -> Callable[[Callable[..., Result]], Callable[..., Result]]:
    def decorate(func: Callable[..., Result]) -> Callable[..., Result]:
        _ACTIONS.add(name, ActionSpec(
            name, func, description, params, intents, phrases, changes_machine, unavailable
        ))
        return func

    return decorate


def registry() -> Mapping[str, ActionSpec]:
    return _ACTIONS.all()


def get_action(name: str, *, module: str | None = None) -> ActionSpec:
    """The action registered under `name` (matched case-insensitively).

    With `module`, only that actions module is imported when it registers the name.
    """
    if module is not None:
        _ACTIONS.load_module(f"ainlp.actions.{module}")
    found = _REGISTRY.get(name) or _ACTIONS.get(name) or find_action(name)
    if found is None:
        close = suggest(name, registry())
        hint = f"did you mean {close[0]}?" if close else "ainlp help lists the actions"
        raise BadInput(f"unknown action {name!r}", hint=hint)
    return found


def for_intent(intent: str) -> ActionSpec | None:
    return next((spec for spec in registry().values() if intent in spec.intents), None)


def find_action(name: str) -> ActionSpec | None:
    """The action registered under `name`, matched case-insensitively; None when none is."""
    actions = registry()
    return actions.get(name) or next(
        (spec for key, spec in actions.items() if key.lower() == name.lower()), None)


class Catalog:
    """The registry as the language's ActionCatalog (handed to the script checker)."""

    def get(self, name: str) -> ActionSpec | None:
        return find_action(name)

    def names(self) -> list[str]:
        return list(registry())

    def for_intent(self, intent: str) -> ActionSpec | None:
        return for_intent(intent)
