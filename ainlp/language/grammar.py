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


def _state_dir(env: Mapping[str, str], home: str, platform: str) -> str:
    if env.get("AINLP_HOME"):
        return env["AINLP_HOME"]
    if platform == "win32" and env.get("LOCALAPPDATA"):
        return os.path.join(env["LOCALAPPDATA"], "ainlp")
    if platform == "darwin":
        return os.path.join(home, "Library", "Application Support", "ainlp")
    return os.path.join(env.get("XDG_DATA_HOME") or os.path.join(home, ".local", "share"), "ainlp")


def _home(env: Mapping[str, str]) -> str:
    return env.get("HOME") or os.path.expanduser("~")


def state_dir(env: Mapping[str, str] | None = None, home: Path | None = None,
              platform: str | None = None) -> Path:
    """AINLP_HOME, else the platform's user data folder for ainlp.

    The rule of World.state_dir (a test holds the two together), without importing the engine's
    World and its process machinery: loading the grammar should not cost 10 ms of imports.
    """
    from pathlib import Path

    env = os.environ if env is None else env
    return Path(_state_dir(env, str(home) if home else _home(env), platform or sys.platform))


def _cache_file() -> str:
    import lark

    directory = _state_dir(os.environ, _home(os.environ), sys.platform)
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
