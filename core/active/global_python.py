"""`use --global`: how the chosen interpreter becomes the user's default Python.

pyenv reads `$PYENV_ROOT/version`; uv keeps its own pin (`uv python pin --global`, which
the caller runs); anything else is put first on PATH by a line in the shell's startup file.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ainlp.core.active.project_files import PlannedEdit, read_current
from ainlp.core.discovery.locators.pyenv import pyenv_root
from ainlp.core.discovery.records import EnvKind, EnvRecord
from ainlp.core.world import World

GlobalHow = Literal["pyenv", "uv", "shell"]
SHELLS = ("bash", "zsh", "fish", "powershell")


@dataclass(frozen=True, slots=True)
class GlobalPlan:
    how: GlobalHow
    message: str
    edit: PlannedEdit | None = None  # pyenv: the version file
    argv: tuple[str, ...] = ()  # uv: the command to run
    shell_lines: tuple[tuple[str, str], ...] = ()  # shell: (shell name, line) pairs

    def to_json(self) -> dict[str, object]:
        return {"how": self.how, "message": self.message,
                "edit": self.edit.to_json() if self.edit else None,
                "argv": list(self.argv), "shell_lines": dict(self.shell_lines)}


def plan_global(world: World, record: EnvRecord) -> GlobalPlan:
    name = pyenv_version_name(world, record)
    if name is not None:
        path = pyenv_root(world) / "version"
        current = read_current(path)
        if current is not None and current.decode("utf-8", "replace").split()[:1] == [name]:
            edit = PlannedEdit(path, "unchanged", None, f"{path} already names {name}")
        else:
            edit = PlannedEdit(path, "write", f"{name}\n".encode(), f"{path} will name {name}")
        return GlobalPlan("pyenv", f"pyenv's global version becomes {name}", edit=edit)
    if record.kind is EnvKind.UV_PYTHON:
        uv = record.manager.executable if record.manager and record.manager.executable else None
        request = record.version.text if record.version else record.prefix.name
        argv = (str(uv) if uv else "uv", "python", "pin", "--global", request)
        return GlobalPlan("uv", f"uv's global Python pin becomes {request}", argv=argv)
    folder = bin_folder(world, record)
    return GlobalPlan("shell", f"put {folder} first on PATH in your shell's startup file",
                      shell_lines=tuple((shell, path_line(shell, folder)) for shell in SHELLS))


def pyenv_version_name(world: World, record: EnvRecord) -> str | None:
    """The name pyenv knows the interpreter by, when pyenv manages it."""
    versions = pyenv_root(world) / "versions"
    try:
        parts = record.prefix.relative_to(versions).parts
    except ValueError:
        return record.name if record.kind is EnvKind.PYENV_VIRTUALENV and record.name else None
    if len(parts) >= 3 and parts[1] == "envs":
        return parts[2]  # versions/3.11.7/envs/NAME: pyenv-virtualenv's env, known as NAME
    return parts[0] if parts else None


def bin_folder(world: World, record: EnvRecord) -> Path:
    if record.executable is not None:
        return record.executable.parent
    return record.prefix / ("Scripts" if world.platform == "win32" else "bin")


def path_line(shell: str, folder: Path) -> str:
    text = str(folder)
    if shell == "fish":
        quoted = "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
        return f"set -gx PATH {quoted} $PATH"
    if shell == "powershell":
        quoted = "'" + text.replace("'", "''") + "'"
        return f"$env:PATH = {quoted} + [IO.Path]::PathSeparator + $env:PATH"
    return f'export PATH={shlex.quote(text)}:"$PATH"'
