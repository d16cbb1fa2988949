"""Argument validation with pydantic, the model of each action built on first use."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from ainlp.core.errors import BadInput

if TYPE_CHECKING:
    from ainlp.actions.registry import ActionSpec
    from pydantic import BaseModel

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: pydantic 62 ms


@functools.cache
def _model(spec: ActionSpec) -> type[BaseModel]:
    from pydantic import ConfigDict, create_model

    fields: dict[str, Any] = {}
    for param in spec.params:
        annotation: Any = param.type
        if param.choices:
            annotation = Literal[param.choices]  # type: ignore[valid-type]
        if not param.required and param.default is None:
            annotation = annotation | None
        fields[param.name] = (annotation, ... if param.required else param.default)
    config = ConfigDict(extra="forbid", strict=True)
    return create_model(f"{spec.name}_arguments", __config__=config, **fields)


def _already_valid(spec: ActionSpec, arguments: Mapping[str, object]) -> dict[str, object] | None:
    """Arguments that already have their exact types (as argparse gives them) skip pydantic."""
    known = {p.name: p for p in spec.params}
    if not set(arguments) <= set(known):
        return None
    checked: dict[str, object] = {}
    for param in spec.params:
        if param.name not in arguments:
            if param.required:
                return None
            checked[param.name] = param.default
            continue
        value = arguments[param.name]
        if value is None and not param.required and param.default is None:
            checked[param.name] = None
            continue
        if type(value) is not param.type or (param.choices and value not in param.choices):
            return None
        checked[param.name] = value
    return checked


def validate_arguments(spec: ActionSpec, arguments: Mapping[str, object]) -> dict[str, object]:
    fast = _already_valid(spec, arguments)
    if fast is not None:
        return fast
    from pydantic import ValidationError

    try:
        model = _model(spec).model_validate(dict(arguments))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or spec.name
        if first["type"] == "extra_forbidden":
            known = ", ".join(p.name for p in spec.params) or "none"
            raise BadInput(
                f"{spec.name}() takes no argument {where!r}", hint=f"its arguments: {known}"
            ) from exc
        raise BadInput(
            f"{spec.name}(): argument {where!r}: {first['msg']}", hint=spec.signature
        ) from exc
    return model.model_dump()

