"""Everything the engine reads from outside, in one injected value."""

from __future__ import annotations

import os
import platform
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from ainlp.core.paths import home_for, state_dir_for
from ainlp.core.process import Runner, run_process

_SYSTEMS = {"linux": "Linux", "darwin": "Darwin", "win32": "Windows", "cygwin": "CYGWIN_NT",
            "freebsd": "FreeBSD"}


@dataclass(frozen=True)
class MachineFacts:
    """platform.system(), machine(), release() and version() of a machine."""

    system: str  # "Linux", "Windows", "Darwin"
    machine: str  # "x86_64", "AMD64", "arm64"; "" when not known
    release: str
    version: str

    @classmethod
    def of_host(cls) -> MachineFacts:
        return cls(platform.system(), platform.machine(), platform.release(),
                   platform.version())

    @classmethod
    def of_platform(cls, name: str) -> MachineFacts:
        """What a sys.platform value alone tells (another OS than the host's)."""
        system = _SYSTEMS.get(name) or next(
            (s for key, s in _SYSTEMS.items() if name.startswith(key)), name)
        return cls(system, "", "", "")


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
    machine_facts: MachineFacts | None = None  # None: see `machine`

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
    def pathsep(self) -> str:
        """What separates the folders of PATH, PYTHONPATH and the like on this world's OS."""
        return ";" if self.platform == "win32" else ":"

    def split_paths(self, value: str) -> list[str]:
        """A PATH-like variable's entries, empty ones dropped, split the way its OS does."""
        return [part for part in value.split(self.pathsep) if part]

    @property
    def path_dirs(self) -> list[Path]:
        return [Path(part) for part in self.split_paths(self.env.get("PATH", ""))]

    @property
    def machine(self) -> MachineFacts:
        """The OS and hardware PEP 508 markers ask about: those given, else the host's when
        this world is the host's OS, else only what the platform name tells."""
        if self.machine_facts is not None:
            return self.machine_facts
        if self.platform == sys.platform:
            return MachineFacts.of_host()
        return MachineFacts.of_platform(self.platform)

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
