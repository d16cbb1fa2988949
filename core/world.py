"""Everything the engine reads from outside, in one injected value."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from ainlp.core.paths import home_for, state_dir_for
from ainlp.core.process import Runner, run_process


@dataclass(frozen=True)
class World:
    """The machine as the engine sees it.

    `root` stands in for "/" when the engine looks at fixed system places (/usr/bin,
    /opt, /etc/conda); HOME, the environment and cwd carry real absolute paths.
    """

    root: Path
    home: Path
    env: Mapping[str, str]
    cwd: Path
    run: Runner = run_process
    clock: Callable[[], float] = time.time
    platform: str = sys.platform
    probe_timeout: float = 2.0
    state_dir_override: Path | None = field(default=None)

    @classmethod
    def current(cls) -> World:
        """The real machine; only front ends call this."""
        env = dict(os.environ)
        home = Path(home_for(env))
        return cls(root=Path("/"), home=home, env=env, cwd=Path.cwd())

    def system_path(self, absolute: str) -> Path:
        """A fixed system location (such as "/usr/bin") under this world's root."""
        if self.root == Path("/"):
            return Path(absolute)
        return self.root / absolute.lstrip("/")

    def expand(self, text: str) -> Path:
        """A user-written path: `~` is this world's HOME, relative paths start at cwd."""
        if text == "~" or text.startswith("~/"):
            return self.home / text[2:]
        path = Path(text)
        return path if path.is_absolute() else self.cwd / path

    @property
    def path_dirs(self) -> list[Path]:
        sep = ";" if self.platform == "win32" else ":"
        return [Path(part) for part in self.env.get("PATH", "").split(sep) if part]

    @property
    def state_dir(self) -> Path:
        """AINLP_HOME, else the platform's user data folder for ainlp."""
        if self.state_dir_override is not None:
            return self.state_dir_override
        return Path(state_dir_for(self.env, str(self.home), self.platform))

    def with_env(self, **changes: str | None) -> World:
        env = dict(self.env)
        for key, value in changes.items():
            if value is None:
                env.pop(key, None)
            else:
                env[key] = value
        return replace(self, env=env)
