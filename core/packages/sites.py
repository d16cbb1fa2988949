"""Where an environment's distributions live: its site folders, in the order Python reads them.

Everything comes from the prefix's files (pyvenv.cfg, lib/pythonX.Y/...); no interpreter runs.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from ainlp.core.discovery import static
from ainlp.core.discovery.records import EnvRecord
from ainlp.core.versions import PyVersion
from ainlp.core.world import World


@dataclass(frozen=True, slots=True)
class SiteDir:
    path: Path
    scope: str  # "user" (the user site), "env" (the environment's own), "base" (a venv's base)


@dataclass(frozen=True, slots=True)
class SiteLayout:
    """The site folders of one environment, earliest on sys.path first."""

    dirs: tuple[SiteDir, ...]
    user_site_enabled: bool
    user_site: Path | None  # where the user site is for this Python, enabled or not

    @property
    def env_dirs(self) -> tuple[Path, ...]:
        return tuple(d.path for d in self.dirs if d.scope == "env")


@functools.lru_cache(maxsize=256)  # a pure function of the text, asked per venv
def minor_version(version: PyVersion | str | None) -> str | None:
    """"3.11.7" -> "3.11"; "3.13-dev" -> "3.13"; None or garbage -> None."""
    if isinstance(version, PyVersion):
        return version.minor
    return PyVersion(version).minor if version else None


def is_free_threaded(record: EnvRecord) -> bool:
    executable = record.executable
    name = executable.name if executable is not None else ""
    return name.startswith("python3.") and name.endswith("t")


def prefix_site_dirs(prefix: Path, minor: str | None, platform: str, *,
                     implementation: str | None = None, free_threaded: bool = False) -> list[Path]:
    """The site-packages folders a Python with this prefix reads (existing ones only)."""
    if platform == "win32":
        found = [prefix / "Lib" / "site-packages"]
        return [p for p in found if p.is_dir()]
    # Debian's own Python reads dist-packages folders only (site-packages is for others)
    candidates = _debian_dist_packages(prefix, minor)
    if not candidates:
        # site reads platlib (lib64 on Fedora) before purelib; a lib64 link to lib is one folder
        lib64 = os.path.join(prefix, "lib64")
        libs = (("lib64", "lib") if os.path.isdir(lib64) and not os.path.islink(lib64)
                else ("lib", "lib64"))
        for lib in libs:
            if not os.path.isdir(os.path.join(prefix, lib)):
                continue  # nothing under it can be a folder: spares a stat per candidate
            for folder in _version_folders(prefix / lib, minor, implementation, free_threaded):
                candidates.append(folder / "site-packages")
        # PyPy before 3.8 keeps it at the top (a Path only when it is there: most venvs)
        if os.path.isdir(os.path.join(prefix, "site-packages")):
            candidates.append(prefix / "site-packages")
    unique: list[Path] = []
    for path in candidates:
        if path not in unique and os.path.isdir(path):
            unique.append(path)
    return _drop_same_folders(unique) if len(unique) > 1 else unique


def _version_folders(lib: Path, minor: str | None, implementation: str | None,
                     free_threaded: bool) -> list[Path]:
    if minor is not None:
        suffix = "t" if free_threaded else ""
        names = [f"python{minor}{suffix}"]
        if implementation == "pypy" or not (lib / names[0]).is_dir():
            names.append(f"pypy{minor}")
        return [lib / name for name in names]
    try:
        return sorted(p for p in lib.iterdir() if p.name.startswith(("python3", "pypy3")))
    except OSError:
        return []


def _debian_dist_packages(prefix: Path, minor: str | None) -> list[Path]:
    """Debian's Python reads local/lib/python3.X/dist-packages, then lib/python3/dist-packages."""
    if minor is None or not os.path.isdir(os.path.join(prefix, "lib", "python3", "dist-packages")):
        return []
    return [
        prefix / "local" / "lib" / f"python{minor}" / "dist-packages",
        prefix / "lib" / "python3" / "dist-packages",
        prefix / "lib" / f"python{minor}" / "dist-packages",
    ]


def _drop_same_folders(paths: list[Path]) -> list[Path]:
    """lib64 is often a link to lib: one folder read twice would list each package twice."""
    seen: set[str] = set()
    kept: list[Path] = []
    for path in paths:
        key = os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            kept.append(path)
    return kept


def user_site_dir(world: World, minor: str | None, prefix: Path,
                  free_threaded: bool = False) -> Path | None:
    """The user site of a Python of that version on this world (PYTHONUSERBASE honoured)."""
    if minor is None:
        return None
    base_text = world.env.get("PYTHONUSERBASE")
    if world.platform == "win32":
        appdata = world.env.get("APPDATA")
        base = Path(base_text) if base_text else (Path(appdata) / "Python" if appdata else None)
        if base is None:
            return None
        folder = f"Python{minor.replace('.', '')}{'t' if free_threaded else ''}"
        return base / folder / "site-packages"
    if world.platform == "darwin" and "Python.framework" in str(prefix):
        base = Path(base_text) if base_text else world.home / "Library" / "Python" / minor
        return base / "lib" / "python" / "site-packages"
    return _posix_user_site(base_text or None, os.fspath(world.home), minor, free_threaded)


@functools.lru_cache(maxsize=64)
def _posix_user_site(base_text: str | None, home: str, minor: str, free_threaded: bool) -> Path:
    """Built once per run, not once per environment (no file is read: safe to keep)."""
    base = Path(base_text) if base_text else Path(home) / ".local"
    return base / "lib" / f"python{minor}{'t' if free_threaded else ''}" / "site-packages"


def base_prefix(cfg: dict[str, str]) -> Path | None:
    home = cfg.get("home")
    return static.prefix_of_bin_dir(Path(home)) if home else None


def site_layout(world: World, record: EnvRecord) -> SiteLayout:
    """The site folders of `record`: user site (when Python would read it), own, base."""
    minor = minor_version(record.version)
    threaded = is_free_threaded(record)
    own = prefix_site_dirs(record.prefix, minor, world.platform,
                           implementation=record.implementation, free_threaded=threaded)
    if minor is None and own:
        minor = _minor_of_site(own[0])
    cfg = static.read_pyvenv_cfg(record.prefix)
    base_dirs: list[Path] = []
    user_enabled = "PYTHONNOUSERSITE" not in world.env
    if cfg is not None:
        system_site = cfg.get("include-system-site-packages", "false").lower() == "true"
        user_enabled = user_enabled and system_site
        base = base_prefix(cfg) if system_site else None
        if base is not None:
            base_dirs = prefix_site_dirs(base, minor, world.platform, free_threaded=threaded)
    user = user_site_dir(world, minor, record.prefix, threaded)
    dirs: list[SiteDir] = []
    if user_enabled and user is not None and user.is_dir():
        dirs.append(SiteDir(user, "user"))
    dirs += [SiteDir(p, "env") for p in own]
    dirs += [SiteDir(p, "base") for p in base_dirs if p not in own]
    return SiteLayout(tuple(dirs), user_enabled, user)


def _minor_of_site(site: Path) -> str | None:
    """The X.Y of lib/pythonX.Y/site-packages (pypyX.Y too)."""
    for part in reversed(site.parts):
        found = PyVersion.of_name(part)
        if found is not None:
            return found.minor
    return None
