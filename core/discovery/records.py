"""The values discovery hands out: one EnvRecord per interpreter or environment."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import Any

from ainlp.core.versions import PyVersion


class EnvKind(str, Enum):
    SYSTEM = "system"
    PYENV = "pyenv"
    PYENV_VIRTUALENV = "pyenv-virtualenv"
    CONDA = "conda"
    VENV = "venv"
    VIRTUALENV = "virtualenv"
    PIPX = "pipx"
    UV_TOOL = "uv-tool"
    UV_PYTHON = "uv-python"
    POETRY = "poetry"
    PDM = "pdm"
    HATCH = "hatch"
    PIPENV = "pipenv"
    HOMEBREW = "homebrew"
    WINDOWS_REGISTRY = "windows-registry"
    WINDOWS_STORE = "windows-store"
    UNKNOWN = "unknown"


# When two locators see the same prefix, the more specific kind wins (lower is stronger).
KIND_PRIORITY: dict[EnvKind, int] = {
    kind: rank
    for rank, kind in enumerate(
        [
            EnvKind.CONDA,
            EnvKind.PYENV_VIRTUALENV,
            EnvKind.PIPX,
            EnvKind.UV_TOOL,
            EnvKind.POETRY,
            EnvKind.PDM,
            EnvKind.HATCH,
            EnvKind.PIPENV,
            EnvKind.VIRTUALENV,
            EnvKind.VENV,
            EnvKind.PYENV,
            EnvKind.UV_PYTHON,
            EnvKind.WINDOWS_STORE,
            EnvKind.WINDOWS_REGISTRY,
            EnvKind.HOMEBREW,
            EnvKind.SYSTEM,
            EnvKind.UNKNOWN,
        ]
    )
}


class EnvState(str, Enum):
    OK = "ok"
    BROKEN = "broken"
    MISSING = "missing"


@dataclass(frozen=True, slots=True)
class Problem:
    id: str  # stable, dotted kebab-case: "venv.base-missing"
    message: str
    hint: str

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "message": self.message, "hint": self.hint}


@dataclass(frozen=True, slots=True)
class Manager:
    """The tool that manages an environment (conda, mamba, pyenv, pipx, uv, poetry ...)."""

    tool: str
    executable: Path | None
    version: PyVersion | None = None  # the tool's own, as its files tell it: conda 24.1.2

    def to_json(self) -> dict[str, Any]:
        return {
            "tool": self.tool,
            "executable": str(self.executable) if self.executable else None,
            "version": _text(self.version),
        }


@dataclass(frozen=True, slots=True)
class EnvRecord:
    kind: EnvKind
    prefix: Path
    executable: Path | None
    # as exact as the evidence allows, its text as found: "3.9.18", "3.13-dev", "3.10.14+"
    version: PyVersion | None = None
    name: str | None = None
    implementation: str | None = None  # "cpython", "pypy", ...
    base_executable: Path | None = None
    state: EnvState = EnvState.OK
    problems: tuple[Problem, ...] = ()
    found_by: tuple[str, ...] = ()
    manager: Manager | None = None
    arch: str | None = None
    version_source: str | None = None  # where the version came from: "pyvenv.cfg", "probe", ...
    extra: tuple[tuple[str, str], ...] = field(default=())  # locator-specific facts, sorted

    @property
    def id(self) -> str:
        return env_id(self.prefix, self.executable, self.kind)

    def with_problem(self, problem: Problem, *, broken: bool = True) -> EnvRecord:
        state = EnvState.BROKEN if broken else self.state
        return replace(self, problems=(*self.problems, problem), state=state)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind.value,
            "name": self.name,
            "executable": str(self.executable) if self.executable else None,
            "prefix": str(self.prefix),
            "version": _text(self.version),
            "implementation": self.implementation,
            "base_executable": str(self.base_executable) if self.base_executable else None,
            "state": self.state.value,
            "problems": [p.to_json() for p in self.problems],
            "found_by": list(self.found_by),
            "manager": self.manager.to_json() if self.manager else None,
            "arch": self.arch,
            "version_source": self.version_source,
        }


def _text(version: PyVersion | None) -> str | None:
    """JSON keeps a version's text as found."""
    return version.text if version is not None else None


# Bare interpreters share a prefix (/usr holds python3.11 and python3.12): their identity
# is the interpreter itself, while an environment's identity is its folder.
_INTERPRETER_KINDS = frozenset({EnvKind.SYSTEM, EnvKind.HOMEBREW, EnvKind.UNKNOWN})


def identity_key(prefix: Path, executable: Path | None, kind: EnvKind) -> str:
    if kind in _INTERPRETER_KINDS and executable is not None:
        return f"{prefix}#{executable.name}"
    return str(prefix)


def env_id(prefix: Path, executable: Path | None, kind: EnvKind) -> str:
    key = identity_key(prefix, executable, kind)
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Inventory:
    environments: tuple[EnvRecord, ...]
    elapsed_ms: float
    cache: str  # "cold" | "warm" | "partial" | "off"
    # every path whose change can change this inventory (empty when it was not recorded)
    depends_on: tuple[str, ...] = ()

    @property
    def summary(self) -> dict[str, int]:
        counts = {"total": len(self.environments), "ok": 0, "broken": 0, "missing": 0}
        for env in self.environments:
            counts[env.state.value] += 1
        return counts

    @classmethod
    def from_json(cls, document: object, *, source: str = "find --json") -> Inventory:
        """The `find --json` document read back (validated: BadInput names what is wrong)."""
        # here, not at the top: documents.py imports this module, and the health engine
        # with it: 48 ms that a cold `ainlp find` never needs
        from ainlp.core.documents import inventory_from_json

        return inventory_from_json(document, source=source)

    def to_json(self) -> dict[str, Any]:
        return {
            "environments": [env.to_json() for env in self.environments],
            "summary": self.summary,
            "elapsed_ms": round(self.elapsed_ms, 1),
            "cache": self.cache,
        }
