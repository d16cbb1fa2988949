"""Loading the grammar once per process, from the package, with Lark's cache in the state dir."""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lark import Lark

__all__ = ["cache_file", "parser", "state_dir"]


def state_dir() -> Path:
    """AINLP_HOME, else the platform's user data folder for ainlp (the rule of World.state_dir)."""
    from ainlp.core.world import World

    env = os.environ
    home = Path(env.get("HOME") or os.path.expanduser("~"))
    return World(root=Path("/"), home=home, env=env, cwd=Path("."), platform=sys.platform).state_dir


def cache_file() -> Path:
    """Where Lark keeps the parse tables; named after the Lark version, as table formats change."""
    import lark

    return state_dir() / "cache" / f"grammar-lark-{lark.__version__}.cache"


@functools.cache
def parser() -> Lark:
    """The LALR(1) parser of ainlp.lark, built on first use and then loaded from Lark's cache."""
    from lark import Lark

    cache: str | bool = False
    target = cache_file()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        cache = str(target)
    except OSError:
        cache = False  # a read-only state folder costs speed, not correctness
    return Lark.open_from_package(
        "ainlp.grammar",
        "ainlp.lark",
        parser="lalr",
        lexer="contextual",
        propagate_positions=True,
        maybe_placeholders=True,
        cache=cache,
    )
