"""conda's configuration files (.condarc): where it keeps environments (envs_dirs)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ainlp.core import foreign
from ainlp.core.world import World

_KEY = re.compile(r"^(envs_dirs|envs_path)\s*:\s*(.*)$")
_VAR = re.compile(r"\$\{(\w+)\}|\$(\w+)")


@dataclass(frozen=True, slots=True)
class CondaRc:
    files: tuple[Path, ...]  # the .condarc files read, most important first; () when none exist
    envs_dirs: tuple[Path, ...]  # as configured, in order, without conda's defaults


def condarc_files(world: World) -> list[Path]:
    """conda's search path for its configuration, most important first."""
    env = world.env
    places: list[Path] = []
    if env.get("CONDARC"):
        places.append(Path(env["CONDARC"]))
    if env.get("CONDA_PREFIX"):
        places += _rc_in(Path(env["CONDA_PREFIX"]))
    places.append(world.home / ".condarc")
    places += _rc_in(world.home / ".conda")
    places += _rc_in(world.home / ".config" / "conda")
    if env.get("XDG_CONFIG_HOME"):
        places += _rc_in(Path(env["XDG_CONFIG_HOME"]) / "conda")
    if env.get("CONDA_ROOT"):
        places += _rc_in(Path(env["CONDA_ROOT"]))
    for system in ("/var/lib/conda", "/etc/conda"):
        places += _rc_in(world.system_path(system))
    return list(dict.fromkeys(places))


def _rc_in(folder: Path) -> list[Path]:
    return [folder / ".condarc", folder / "condarc"]


def read_condarc(world: World) -> CondaRc:
    """Every .condarc that exists, and the envs_dirs they configure (first mention wins)."""
    files: list[Path] = []
    dirs: list[Path] = []
    for path in condarc_files(world):
        text = foreign.read_text(path, "config").text
        if text is None:
            continue
        files.append(path)
        dirs += (_expand(world, item) for item in envs_dirs_of(text))
    return CondaRc(tuple(files), tuple(dict.fromkeys(dirs)))


def envs_dirs_of(text: str) -> Iterator[str]:
    """The items of `envs_dirs:` (or its old name `envs_path:`), block or flow list."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        match = _KEY.match(line)
        if not match:
            continue
        rest = _strip_comment(match.group(2))
        if rest.startswith("["):
            yield from (_unquote(item) for item in rest.strip("[]").split(",") if item.strip())
            continue
        if rest:
            yield _unquote(rest)
            continue
        for item in lines[index + 1 :]:
            stripped = item.strip()
            if not stripped or stripped.startswith("#"):
                continue
            if not stripped.startswith("-"):
                break
            yield _unquote(_strip_comment(stripped[1:]))


def _strip_comment(text: str) -> str:
    return re.split(r"\s#", text, maxsplit=1)[0].strip()


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def _expand(world: World, text: str) -> Path:
    expanded = _VAR.sub(lambda m: world.env.get(m.group(1) or m.group(2), m.group(0)), text)
    return world.expand(expanded)


__all__ = ["CondaRc", "condarc_files", "envs_dirs_of", "read_condarc"]
