"""Creating a virtual environment with uv (or python -m venv), cleaning up when it fails."""

from __future__ import annotations

import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ainlp.core.discovery import static
from ainlp.core.discovery.resolve import executable_in, prefix_of_executable
from ainlp.core.envsnap.installer import Installer, Tool, installer, run, tail, venv_argv
from ainlp.core.errors import AinlpError, BadInput, NotAvailable
from ainlp.core.world import World

VENV_TIMEOUT = 300.0


class BuildFailed(AinlpError):
    """Creating an environment or installing into it failed; the new folder is removed."""

    code = "env.build-failed"

    def __init__(self, message: str, *, failed: Sequence[str] = (), output: str = "",
                 hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.failed = tuple(failed)  # canonical names of the distributions that did not install
        self.output = output  # the installer's last stderr lines

    def to_document(self) -> dict[str, object]:
        doc = super().to_document()
        error = doc["error"]
        assert isinstance(error, dict)
        error["failed"] = list(self.failed)
        error["output"] = self.output
        return doc


@dataclass(frozen=True, slots=True)
class CreatedVenv:
    prefix: Path
    executable: Path  # the new environment's python
    base: Path  # the interpreter it was made from
    tool: Tool
    elapsed_ms: float

    def to_json(self) -> dict[str, Any]:
        return {"prefix": str(self.prefix), "executable": str(self.executable),
                "base": str(self.base), "tool": self.tool,
                "elapsed_ms": round(self.elapsed_ms, 1)}


def interpreter_version(python: Path) -> str | None:
    """The version of an interpreter from its files (pyvenv.cfg, headers, its name)."""
    found = static.static_version(prefix_of_executable(python), python)
    return found.version.text if found is not None else None


def refuse_python2(python: Path, version: str | None = None) -> None:
    """Python 2 has no venv module and uv does not run it: say so instead of failing later."""
    version = version or interpreter_version(python) or ""
    if version.startswith("2.") or python.name.startswith("python2"):
        raise NotAvailable(
            f"{python} is Python {version or '2'}: a Python 2 environment cannot be rebuilt here "
            "(Python 2 has no venv module and uv does not support it; it needs virtualenv, "
            "which cannot be installed offline)",
            hint="create it with virtualenv (`virtualenv -p PYTHON2 PREFIX`), then install the "
                 "snapshot's distributions with its pip",
        )


def check_target(prefix: Path, python: Path) -> None:
    if prefix.exists() or prefix.is_symlink():
        raise BadInput(f"{prefix} already exists",
                       hint="move the old environment away first (restore does this for you)")
    if not python.exists():
        raise BadInput(f"{python} does not exist", hint="pick an installed interpreter")


def create_venv(world: World, prefix: Path, python: Path, *, seed_pip: bool,
                tool: Tool | None = None, find_links: Sequence[Path] = (),
                offline: bool = False, timeout: float = VENV_TIMEOUT) -> CreatedVenv:
    """A new venv at `prefix` made by the interpreter `python` (pip inside when `seed_pip`)."""
    check_target(prefix, python)
    refuse_python2(python)
    inst = installer(world, tool, offline=offline, find_links=find_links)
    return make_venv(world, inst, prefix, python, seed=seed_pip, timeout=timeout)


def make_venv(world: World, inst: Installer, prefix: Path, python: Path, *, seed: bool,
              timeout: float) -> CreatedVenv:
    started = time.perf_counter()
    prefix.parent.mkdir(parents=True, exist_ok=True)
    # run beside the new folder: uv would otherwise look for a project around cwd
    done = run(world, inst, venv_argv(inst, python, prefix, seed=seed), timeout=timeout,
               cwd=prefix.parent)
    executable = executable_in(prefix, world.platform)
    if not done.ok or executable is None:
        remove_tree(prefix)
        raise BuildFailed(f"creating the environment {prefix} with {inst.tool} failed",
                          output=tail(done), hint="see the output of the tool above")
    return CreatedVenv(prefix, executable, python, inst.tool,
                       (time.perf_counter() - started) * 1000)


def remove_tree(prefix: Path) -> None:
    """Remove a folder this module created (never one that was there before)."""
    if prefix.is_symlink():
        prefix.unlink()
    elif prefix.exists():
        shutil.rmtree(prefix, ignore_errors=True)
