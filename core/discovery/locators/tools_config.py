"""Where tools keep their environments: data folders, and poetry's configuration."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ainlp.core import _toml, foreign
from ainlp.core.world import World


def data_home(world: World) -> Path:
    """$XDG_DATA_HOME, else ~/.local/share (the tools below use it on macOS too)."""
    xdg = world.env.get("XDG_DATA_HOME")
    return Path(xdg) if xdg else world.home / ".local" / "share"


def config_home(world: World) -> Path:
    xdg = world.env.get("XDG_CONFIG_HOME")
    return Path(xdg) if xdg else world.home / ".config"


def load_toml(path: Path) -> dict[str, Any] | None:
    """A TOML file as a dict; None when absent or not TOML (a bad config is no config)."""
    text = foreign.read_text(path, "config").text
    return parse_toml(text) if text is not None else None


def parse_toml(text: str) -> dict[str, Any] | None:
    """TOML text as a dict (tomllib, or tomli on 3.10: one parser on every Python); None when
    it is not TOML."""
    try:
        return _toml.loads(text)
    except ValueError:  # TOMLDecodeError
        return None


@dataclass(frozen=True, slots=True)
class PoetryConfig:
    files: tuple[Path, ...]  # config files read: the global one, then the project's poetry.toml
    cache_dir: Path
    virtualenvs_path: Path  # as configured (a relative path stays relative)
    virtualenvs_in_project: bool | None

    @property
    def file(self) -> Path | None:
        """The most specific file read (the project's poetry.toml when there is one)."""
        return self.files[-1] if self.files else None


def poetry_config_dir(world: World) -> Path:
    env = world.env
    if env.get("POETRY_CONFIG_DIR"):
        return Path(env["POETRY_CONFIG_DIR"])
    if world.platform == "darwin":
        return world.home / "Library" / "Application Support" / "pypoetry"
    if world.platform == "win32" and env.get("APPDATA"):
        return Path(env["APPDATA"]) / "pypoetry"
    return config_home(world) / "pypoetry"


def _default_poetry_cache(world: World) -> Path:
    env = world.env
    if world.platform == "darwin":
        return world.home / "Library" / "Caches" / "pypoetry"
    if world.platform == "win32" and env.get("LOCALAPPDATA"):
        return Path(env["LOCALAPPDATA"]) / "pypoetry" / "Cache"
    xdg = env.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else world.home / ".cache") / "pypoetry"


def read_poetry_config(world: World, project_dir: Path | None = None) -> PoetryConfig:
    """Poetry's settings as Poetry merges them: defaults < config.toml < poetry.toml < env."""
    settings: dict[str, Any] = {}
    files: list[Path] = []
    candidates = [poetry_config_dir(world) / "config.toml"]
    if project_dir is not None:
        candidates.append(project_dir / "poetry.toml")
    for path in candidates:
        data = load_toml(path)
        if data is None:
            continue
        files.append(path)
        _flatten(data, "", settings)
    env = world.env
    for key, var in (("cache-dir", "POETRY_CACHE_DIR"),
                     ("virtualenvs.path", "POETRY_VIRTUALENVS_PATH"),
                     ("virtualenvs.in-project", "POETRY_VIRTUALENVS_IN_PROJECT")):
        if env.get(var):
            settings[key] = env[var]
    cache_dir = _user_path(world, settings.get("cache-dir")) or _default_poetry_cache(world)
    raw_path = settings.get("virtualenvs.path")
    if isinstance(raw_path, str) and raw_path:
        venvs = _user_path(world, raw_path.replace("{cache-dir}", str(cache_dir)))
    else:
        venvs = None
    return PoetryConfig(
        files=tuple(files),
        cache_dir=cache_dir,
        virtualenvs_path=venvs or cache_dir / "virtualenvs",
        virtualenvs_in_project=_boolean(settings.get("virtualenvs.in-project")),
    )


def _flatten(data: dict[str, Any], prefix: str, into: dict[str, Any]) -> None:
    for key, value in data.items():
        if isinstance(value, dict):
            _flatten(value, f"{prefix}{key}.", into)
        else:
            into[f"{prefix}{key}"] = value


def _user_path(world: World, value: object) -> Path | None:
    if not isinstance(value, str) or not value:
        return None
    if value == "~" or value.startswith("~/"):
        return world.expand(value)
    return Path(value)


def _boolean(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "1", "false", "0"):
        return value.lower() in ("true", "1")
    return None


def project_dir_of(world: World) -> Path | None:
    """The nearest folder from cwd upwards holding a pyproject.toml."""
    folder = world.cwd
    while True:
        if foreign.is_file(folder / "pyproject.toml"):
            return folder
        if folder.parent == folder:
            return None
        folder = folder.parent


__all__ = [
    "PoetryConfig",
    "config_home",
    "data_home",
    "load_toml",
    "poetry_config_dir",
    "project_dir_of",
    "read_poetry_config",
]
