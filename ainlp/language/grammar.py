"""Loading the grammar once per process, from the package; nothing is cached on disk.

Until issue 12 Lark kept its parse tables as a pickle in the state folder
(`cache/grammar-lark-<version>.cache`): anything that can write that folder could run code in
the next `ainlp check`, since the pickle is loaded before anything verifies it. The choices:

- Lark's `save`/`load` and its `cache=` are pickle; `memo_serialize` carries the loader and
  regex flags of the options and is not plain data (no JSON, no `ast.literal_eval`);
- an HMAC checked before unpickling needs a key the attacker cannot read, and there is no
  such place for a per-user tool: a key beside the cache protects nothing;
- a standalone parser generated at build time brings its own copies of Lark's exception
  classes, which every error path of the script parser catches by Lark's names;
- building the tables in-process costs, measured on this 2-core machine, 32 ms once per
  process (vs 2.8 ms loading the pickle), and only in processes that read a script with a
  syntax error: phrases never build it, and well-formed blocks are read by
  language/blocks.py, which checks nothing and leaves every error to Lark.

So: no cache, built once per process and kept in memory (`functools.cache`). `cache_file`
still names the old file, so that `ainlp doctor --topic state` can report one that is
lying there (it is never opened).

Paths are plain strings here: pathlib (with its urllib and ipaddress imports) would cost a cold
`ainlp parse` of a block some 4 ms, and nothing else on that path needs it.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ainlp.core.paths import home_for, state_dir_for

# lazy: pathlib 4.6 ms, lark 34.0 ms (python -X importtime after what a cold `ainlp parse`
# loads; only a script with a syntax error builds the parser)

if TYPE_CHECKING:
    from pathlib import Path

    from lark import Lark

__all__ = ["cache_file", "parser", "state_dir"]


def state_dir(env: Mapping[str, str] | None = None, home: Path | None = None,
              platform: str | None = None) -> Path:
    """AINLP_HOME, else the platform's user data folder for ainlp (World.state_dir's rule,
    without importing World and its process machinery)."""
    from pathlib import Path

    env = os.environ if env is None else env
    return Path(state_dir_for(env, str(home) if home else home_for(env), platform or sys.platform))


def _cache_file() -> str:
    import lark

    directory = state_dir_for(os.environ, home_for(os.environ), sys.platform)
    # Named after the Lark version: its table format may change between versions.
    return os.path.join(directory, "cache", f"grammar-lark-{lark.__version__}.cache")


def cache_file() -> Path:
    """Where Lark kept the parse tables of ainlp.lark before issue 12: never read now."""
    from pathlib import Path

    return Path(_cache_file())


@functools.cache
def parser() -> Lark:
    """The LALR(1) parser of ainlp.lark, built on first use in this process (no disk cache)."""
    from lark import Lark

    return Lark.open_from_package(
        "ainlp.grammar",
        "ainlp.lark",
        parser="lalr",
        lexer="contextual",
        propagate_positions=True,
        maybe_placeholders=True,
    )
