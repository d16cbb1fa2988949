"""Taking a snapshot of one environment from its files; no interpreter runs."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

from ainlp.core import jsondoc
from ainlp.core.discovery import static
from ainlp.core.discovery.records import EnvKind, EnvRecord
from ainlp.core.discovery.resolve import implementation_hint, prefix_of_executable
from ainlp.core.envsnap.model import EnvSnapshot, Interpreter, Origin, Package
from ainlp.core.packages.distributions import installed_distributions
from ainlp.core.packages.metadata import Distribution
from ainlp.core.world import World

# the user site and a venv's base site belong to other environments
_OWN_SCOPES = frozenset({"env", "pth", "link"})

_BY_KIND = {
    EnvKind.CONDA: "conda",
    EnvKind.PYENV: "pyenv",
    EnvKind.PYENV_VIRTUALENV: "pyenv",
    EnvKind.UV_PYTHON: "uv",
    EnvKind.HOMEBREW: "homebrew",
}
_BY_MANAGER = {"pyenv": "pyenv", "uv": "uv", "conda": "conda", "mamba": "conda",
               "micromamba": "conda", "brew": "homebrew", "homebrew": "homebrew"}
_PATH_MARKS = (
    ("/.pyenv/versions/", "pyenv"),
    ("/uv/python/", "uv"),
    ("/Cellar/", "homebrew"),
    ("/opt/homebrew/", "homebrew"),
    ("/.linuxbrew/", "homebrew"),
)
_SYSTEM_DIRS = ("/usr/bin/", "/bin/", "/usr/local/bin/", "/System/Library/", "/Library/Frameworks/")


def own_distributions(world: World, record: EnvRecord) -> tuple[Distribution, ...]:
    """The distributions installed in the environment itself, one per name, sorted."""
    installed = installed_distributions(world, record)
    kept: dict[str, Distribution] = {}
    # a user-site copy can shadow the environment's own: the own one is what a rebuild needs
    for dist in (*installed.distributions, *installed.shadowed):
        if dist.scope in _OWN_SCOPES and dist.canonical_name not in kept:
            kept[dist.canonical_name] = dist
    return tuple(sorted(kept.values(), key=lambda d: d.canonical_name))


def capture(world: World, record: EnvRecord) -> EnvSnapshot:
    """What rebuilds `record`: interpreter, kind, prefix, pyvenv.cfg and every distribution."""
    packages = tuple(package_of(dist) for dist in own_distributions(world, record))
    stamp = datetime.fromtimestamp(world.clock(), tz=timezone.utc)
    return EnvSnapshot(
        interpreter=interpreter_of(record),
        kind=record.kind,
        prefix=record.prefix,
        has_pip=any(pkg.canonical_name == "pip" for pkg in packages),
        pyvenv_cfg=_read_text(record.prefix / "pyvenv.cfg"),
        distributions=packages,
        captured=stamp.isoformat(timespec="seconds").replace("+00:00", "Z"),
    )


def interpreter_of(record: EnvRecord) -> Interpreter:
    return Interpreter(
        implementation=implementation_of(record),
        version=record.version.text if record.version is not None else None,
        executable=record.executable,
        base_executable=record.base_executable,
        installed_by=installed_by(record),
    )


def implementation_of(record: EnvRecord) -> str | None:
    """"cpython", "pypy": the record's word, pyvenv.cfg's (uv writes it), else the layout."""
    cfg = static.read_pyvenv_cfg(record.prefix) or {}
    found = record.implementation or cfg.get("implementation")
    if not found:
        prefixes = [record.prefix]
        if record.base_executable is not None:
            prefixes.append(prefix_of_executable(record.base_executable))
        found = next(filter(None, map(implementation_hint, prefixes)), None)
    if not found and any((record.prefix / "lib").glob("python[23].*")):
        found = "cpython"  # PyPy names its folder lib/pypy3.X
    return found.lower() if found else None


def installed_by(record: EnvRecord) -> str:
    """pyenv, uv, conda, system, homebrew or unknown: from the kind, the manager, the paths."""
    if record.kind in _BY_KIND:
        return _BY_KIND[record.kind]
    if record.manager is not None and record.manager.tool in _BY_MANAGER:
        return _BY_MANAGER[record.manager.tool]
    interpreter = record.base_executable or record.executable
    if interpreter is None:
        return "unknown"
    for text in dict.fromkeys([str(interpreter), os.path.realpath(interpreter)]):
        for mark, tool in _PATH_MARKS:
            if mark in text:
                return tool
        if (Path(text).parent.parent / "conda-meta").is_dir():
            return "conda"
        if text.startswith(_SYSTEM_DIRS):
            return "system"
    return "system" if record.kind is EnvKind.SYSTEM else "unknown"


def package_of(dist: Distribution) -> Package:
    return Package(
        name=dist.name or "",
        version=dist.version or "",
        installer=dist.installer,
        requested=dist.requested,
        origin=read_origin(dist.path) if dist.direct_url is not None else None,
        editable_source=dist.editable_location,
    )


def read_origin(info: Path) -> Origin | None:
    """The PEP 610 direct_url.json of a dist-info folder; None when absent or unusable."""
    try:
        data = jsondoc.loads((info / "direct_url.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("url"), str):
        return None
    vcs_info = _mapping(data.get("vcs_info"))
    dir_info = _mapping(data.get("dir_info"))
    return Origin(
        url=data["url"],
        vcs=_str(vcs_info.get("vcs")),
        commit=_str(vcs_info.get("commit_id")),
        requested_revision=_str(vcs_info.get("requested_revision")),
        editable=dir_info.get("editable") is True,
        subdirectory=_str(data.get("subdirectory")),
    )


def _mapping(value: object) -> dict[str, object]:
    return value if isinstance(value, dict) else {}


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
