"""Loading the grammar once per process, from the package, with Lark's cache in the state dir.

Paths are plain strings here: pathlib (with its urllib and ipaddress imports) would cost a cold
`ainlp parse` of a block some 4 ms, and nothing else on that path needs it.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Mapping

TYPE_CHECKING = False  # not `from typing import ...`: typing costs a cold start 3 ms

if TYPE_CHECKING:
    from pathlib import Path

    from lark import Lark

__all__ = ["cache_file", "parser", "state_dir"]


def state_dir(env: Mapping[str, str] | None = None, home: Path | None = None,
              platform: str | None = None) -> Path:
    """AINLP_HOME, else the platform's user data folder for ainlp (World.state_dir's rule,
    without importing World and its process machinery)."""
    from pathlib import Path

    from ainlp.core.paths import home_for, state_dir_for

    env = os.environ if env is None else env
    return Path(state_dir_for(env, str(home) if home else home_for(env), platform or sys.platform))


def _cache_file() -> str:
    import lark

    from ainlp.core.paths import home_for, state_dir_for

    directory = state_dir_for(os.environ, home_for(os.environ), sys.platform)
    # Named after the Lark version: its table format may change between versions.
    return os.path.join(directory, "cache", f"grammar-lark-{lark.__version__}.cache")


def cache_file() -> Path:
    """Where Lark keeps the parse tables of ainlp.lark."""
    from pathlib import Path

    return Path(_cache_file())


@functools.cache
def parser() -> Lark:
    """The LALR(1) parser of ainlp.lark, built on first use and then loaded from Lark's cache."""
    from lark import Lark

    cache: str | bool = _cache_file()
    try:
        os.makedirs(os.path.dirname(str(cache)), exist_ok=True)
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
