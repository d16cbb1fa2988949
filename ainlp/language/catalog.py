"""What the language needs to know of the actions, passed in by the caller.

The checker and the slot-to-argument rule look actions up through an `ActionCatalog`; the
action registry is one, handed over by the api. The language never imports the actions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

# Slots of intents.md that feed the parameter of the same name, when the action takes one.
SLOT_PARAMS: tuple[str, ...] = ("version", "kind", "topic", "target", "source", "path", "format",
                                "scope")


class ParamInfo(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def type(self) -> type: ...
    @property
    def choices(self) -> tuple[str, ...] | None: ...
    @property
    def required(self) -> bool: ...


class ActionInfo(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def params(self) -> Sequence[ParamInfo]: ...
    @property
    def signature(self) -> str: ...  # how to call it: "name(param: type, other: type (optional))"
    def param(self, name: str) -> ParamInfo | None: ...
    def validate(self, arguments: Mapping[str, object]) -> dict[str, object]: ...


class ActionCatalog(Protocol):
    def get(self, name: str) -> ActionInfo | None:
        """The action of that name, matched case-insensitively; None when there is none."""

    def names(self) -> list[str]: ...

    def for_intent(self, intent: str) -> ActionInfo | None: ...


def arguments_for_intent(slots: Mapping[str, str], action: ActionInfo) -> dict[str, object]:
    """The intent's slots that name a parameter of the action; other slots are dropped."""
    return {name: value for name, value in slots.items()
            if name in SLOT_PARAMS and action.param(name) is not None}
