"""Strict JSON text for the front ends and renderers, which import neither ainlp.core nor
ainlp.actions: the one helper is ainlp.core.jsondoc (NaN and Infinity refused on input, never
written); this names it above the engine, and costs a cold command nothing (no typing, no
rich: `ainlp parse PHRASE --json` is held to 5x a bare `python -c pass`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ainlp.core.jsondoc import dumps as strict
from ainlp.core.jsondoc import loads

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["dumps", "loads"]


def dumps(value: object, *, indent: int | None = None,
          default: Callable[[object], object] | None = str) -> str:
    """Strict JSON text of `value`; values JSON has no type for are written as their str()."""
    return strict(value, default=default, indent=indent)
