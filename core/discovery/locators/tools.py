"""Environments that tools keep in their own folders: pipx, uv, poetry, pdm, hatch, pipenv."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from ainlp.core import foreign
from ainlp.core.discovery.locators import register_locator
from ainlp.core.discovery.locators.tools_config import (
    config_home,
    data_home,
    load_toml,
    project_dir_of,
    read_poetry_config,
)
from ainlp.core.discovery.records import EnvKind, EnvRecord, Manager
from ainlp.core.discovery.resolve import executable_in, interpreter_record, venv_record
from ainlp.core.versions import PyVersion
from ainlp.core.world import World

# uv's key of a managed Python: cpython-3.12.1-linux-x86_64-gnu, pypy-3.10.14-macos-aarch64-none,
# cpython-3.13.0+freethreaded-linux-x86_64-gnu (the version part is PyVersion.of_full's to read)
_UV_KEY = re.compile(
    r"^(?P<impl>[a-z]+)-(?P<version>[^-+]+)(?:\+(?P<variant>\w+))?"
    r"-(?P<os>[a-z0-9_]+)-(?P<arch>[a-z0-9_]+)-(?P<libc>[a-z0-9_]+)$"
)
_ARCH_NAMES = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64",
               "i686": "x86", "x86": "x86"}


def which(world: World, tool: str) -> Path | None:
    """The first `tool` on PATH (the tool's own executable, never run)."""
    names = (f"{tool}.exe", f"{tool}.bat", tool) if world.platform == "win32" else (tool,)
    for folder in world.path_dirs:
        for name in names:
            candidate = folder / name
            if foreign.is_file(candidate):
                return candidate
    return None


def venv_folders(folder: Path, depth: int = 1) -> list[Path]:
    """Environments in a tool's folder, `depth` levels down; hidden entries are the tool's own."""
    found: list[Path] = []
    entries = [p for p in foreign.subdirs(folder) if not p.name.startswith(".")]
    for entry in entries:
        if _looks_like_env(entry):
            found.append(entry)
        elif depth > 1:
            found += venv_folders(entry, depth - 1)
    return found


def _looks_like_env(folder: Path) -> bool:
    # a venv whose pyvenv.cfg got lost still has its bin/ (or Scripts/) and lib/
    return foreign.is_file(folder / "pyvenv.cfg") or any(
        foreign.is_dir(folder / sub) for sub in ("bin", "Scripts")
    )


class _ToolVenvs:
    """A tool that keeps one venv per entry under folders it decides."""

    name: str
    kind: EnvKind
    tool: str
    depth = 1

    def folders(self, world: World) -> list[Path]:
        raise NotImplementedError

    def env_name(self, prefix: Path) -> str:
        return prefix.name

    def locate(self, world: World) -> Iterator[EnvRecord]:
        manager = Manager(self.tool, which(world, self.tool))
        seen: set[Path] = set()
        for folder in dict.fromkeys(self.folders(world)):
            for prefix in venv_folders(folder, self.depth):
                if prefix in seen:
                    continue
                seen.add(prefix)
                record = venv_record(prefix, self.kind, self.name, name=self.env_name(prefix),
                                     platform=world.platform)
                yield replace(record, manager=manager)


@register_locator("pipx")
class PipxLocator(_ToolVenvs):
    kind = EnvKind.PIPX
    tool = "pipx"

    def folders(self, world: World) -> list[Path]:
        if world.env.get("PIPX_HOME"):
            return [Path(world.env["PIPX_HOME"]) / "venvs"]
        found = [data_home(world) / "pipx" / "venvs", world.home / ".local" / "pipx" / "venvs"]
        if world.platform == "darwin":
            found.append(world.home / "Library" / "Application Support" / "pipx" / "venvs")
        if world.platform == "win32":
            found.insert(0, world.home / "pipx" / "venvs")
        return found

    def env_name(self, prefix: Path) -> str:
        """The app's package (with pipx's --suffix) from pipx_metadata.json, else the folder."""
        text = foreign.read_text(prefix / "pipx_metadata.json", "config").text
        try:
            data = json.loads(text) if text is not None else None
            main = data["main_package"]  # type: ignore[index]
            return f"{main['package']}{main.get('suffix') or ''}"
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
            return prefix.name


@register_locator("uv-tool")
class UvToolLocator(_ToolVenvs):
    kind = EnvKind.UV_TOOL
    tool = "uv"

    def folders(self, world: World) -> list[Path]:
        if world.env.get("UV_TOOL_DIR"):
            return [Path(world.env["UV_TOOL_DIR"])]
        return [uv_data_dir(world) / "tools"]


@register_locator("poetry")
class PoetryLocator(_ToolVenvs):
    kind = EnvKind.POETRY
    tool = "poetry"

    def folders(self, world: World) -> list[Path]:
        config = read_poetry_config(world, project_dir_of(world))
        path = config.virtualenvs_path
        return [path if path.is_absolute() else world.cwd / path]


@register_locator("pdm")
class PdmLocator(_ToolVenvs):
    kind = EnvKind.PDM
    tool = "pdm"

    def folders(self, world: World) -> list[Path]:
        found = [data_home(world) / "pdm" / "venvs"]
        config = load_toml(config_home(world) / "pdm" / "config.toml") or {}
        venv = config.get("venv")
        location = venv.get("location") if isinstance(venv, dict) else None
        if isinstance(location, str) and location:
            found.insert(0, world.expand(location))
        return found


@register_locator("hatch")
class HatchLocator(_ToolVenvs):
    kind = EnvKind.HATCH
    tool = "hatch"
    depth = 3  # env/virtual/<project>/<hash>/<env>

    def folders(self, world: World) -> list[Path]:
        env = world.env
        if env.get("HATCH_DATA_DIR"):
            base = Path(env["HATCH_DATA_DIR"])
        elif world.platform == "darwin":
            base = world.home / "Library" / "Application Support" / "hatch"
        else:
            base = data_home(world) / "hatch"
        found = [base / "env" / "virtual"]
        config = load_toml(Path(env["HATCH_CONFIG"]) if env.get("HATCH_CONFIG")
                           else config_home(world) / "hatch" / "config.toml") or {}
        dirs = config.get("dirs")
        envs = dirs.get("env") if isinstance(dirs, dict) else None
        virtual = envs.get("virtual") if isinstance(envs, dict) else None
        if isinstance(virtual, str) and virtual:
            found.insert(0, world.expand(virtual))
        return found


@register_locator("pipenv")
class PipenvLocator(_ToolVenvs):
    kind = EnvKind.PIPENV
    tool = "pipenv"

    def folders(self, world: World) -> list[Path]:
        # WORKON_HOME belongs to virtualenvwrapper (the virtualenvs locator reads it)
        return [data_home(world) / "virtualenvs"]


def uv_data_dir(world: World) -> Path:
    """uv's data folder: ~/.local/share/uv (macOS too), %APPDATA%\\uv\\data on Windows."""
    if world.platform == "win32" and world.env.get("APPDATA") and not world.env.get(
            "XDG_DATA_HOME"):
        return Path(world.env["APPDATA"]) / "uv" / "data"
    return data_home(world) / "uv"


def uv_python_dir(world: World) -> Path:
    if world.env.get("UV_PYTHON_INSTALL_DIR"):
        return Path(world.env["UV_PYTHON_INSTALL_DIR"])
    return uv_data_dir(world) / "python"


@register_locator("uv-python")
class UvPythonLocator:
    name = "uv-python"

    def locate(self, world: World) -> Iterator[EnvRecord]:
        folder = uv_python_dir(world)
        # uv links cpython-3.12-... to the newest 3.12.x: a link is no Python of its own
        entries = [p for p in foreign.subdirs(folder)
                   if not p.name.startswith(".") and not foreign.is_symlink(p)]
        if not entries:
            return
        manager = Manager("uv", which(world, "uv"))
        for prefix in entries:
            yield replace(uv_python_record(prefix, self.name, world.platform), manager=manager)


def uv_python_record(prefix: Path, found_by: str, platform: str = "linux") -> EnvRecord:
    """A uv-managed Python: version from its headers, else from uv's folder name."""
    record = interpreter_record(prefix, executable_in(prefix, platform), EnvKind.UV_PYTHON,
                                found_by)
    key = _UV_KEY.match(prefix.name)
    version = PyVersion.of_full(key["version"]) if key is not None else None
    if key is None or version is None:
        return record
    if record.version_source in (None, "executable-name"):
        record = replace(record, version=version, version_source="folder-name")
    return replace(
        record,
        implementation=key["impl"],
        arch=_ARCH_NAMES.get(key["arch"], key["arch"]),
        extra=(("uv-key", prefix.name),),
    )


__all__ = [
    "HatchLocator",
    "PdmLocator",
    "PipenvLocator",
    "PipxLocator",
    "PoetryLocator",
    "UvPythonLocator",
    "UvToolLocator",
    "uv_data_dir",
    "uv_python_dir",
    "uv_python_record",
    "venv_folders",
    "which",
]
