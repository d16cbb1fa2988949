"""Running from a source checkout, where `ainlp.core` is the top-level folder `core/`.

SUBPACKAGES is the one statement of the layout: setup.py reads it to build the wheel (where
`ainlp/core/` is a real folder), and `ainlp/__init__.py`, when it finds itself in a checkout,
calls `install`, which puts a finder for exactly these names first on `sys.meta_path`. So from
the root `python -c "import ainlp.core"`, `pytest` and a plain or strict editable install all
import the checkout and see a new module at once; no other folder becomes importable.
"""

from __future__ import annotations

import os
import sys
from importlib.machinery import ModuleSpec, PathFinder
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import ModuleType

# ainlp.<name> is the folder <name> beside ainlp/ in the checkout, ainlp/<name>/ when installed
SUBPACKAGES = ("core", "actions", "grammar")


class CheckoutFinder:
    """Finds `ainlp.core`, `ainlp.actions` and `ainlp.grammar` in the checkout's root."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.names = frozenset(f"ainlp.{name}" for name in SUBPACKAGES)

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None, /
    ) -> ModuleSpec | None:
        if fullname not in self.names:
            return None
        # PathFinder looks for the last part of the name ("core") in root: ainlp.core is core/
        return PathFinder.find_spec(fullname, [self.root])


def install(root: str) -> None:
    if not any(isinstance(finder, CheckoutFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, CheckoutFinder(os.path.abspath(root)))
