"""Discovery: every interpreter and environment on the machine, read from files first.

The names below load on first use, so importing a submodule (or the snapshot fast path)
does not pay for the whole engine.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ainlp.core.discovery.finder import discover
    from ainlp.core.discovery.records import (
        EnvKind,
        EnvRecord,
        EnvState,
        Inventory,
        Manager,
        Problem,
    )

__all__ = ["EnvKind", "EnvRecord", "EnvState", "Inventory", "Manager", "Problem", "discover"]

_HOMES = {"discover": "finder", **{name: "records" for name in __all__ if name != "discover"}}


def __getattr__(name: str) -> Any:
    # on first use, not at import: a warm `ainlp find --json` imports this package for
    # snapshot.py alone, and the finder with the records would cost it 87 ms or more
    if name in _HOMES:
        module = importlib.import_module(f"{__name__}.{_HOMES[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
