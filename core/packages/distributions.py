"""The installed distributions of an environment, in the order its Python would find them."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from ainlp.core.discovery.records import EnvRecord
from ainlp.core.packages.metadata import INFO_SUFFIXES, Distribution, read_distribution
from ainlp.core.packages.pth import added_paths
from ainlp.core.packages.sites import SiteLayout, site_layout
from ainlp.core.world import World


@dataclass(frozen=True, slots=True)
class SearchPath:
    path: Path
    scope: str  # "user", "env", "base", "pth"


@dataclass(frozen=True)
class Installed:
    """What is installed in one environment.

    `distributions` holds what Python imports: the first valid distribution of each name
    along sys.path. Later ones of the same name are in `shadowed`; metadata folders
    without a usable name and version are in `invalid`.
    """

    record: EnvRecord
    layout: SiteLayout
    search_path: tuple[SearchPath, ...]
    distributions: tuple[Distribution, ...]
    shadowed: tuple[Distribution, ...]
    invalid: tuple[Distribution, ...]

    def by_name(self) -> dict[str, Distribution]:
        return {dist.canonical_name: dist for dist in self.distributions}


def search_path(layout: SiteLayout) -> list[SearchPath]:
    """Site folders in sys.path order, each followed by the folders its `.pth` files add."""
    ordered: list[SearchPath] = []
    seen: set[Path] = set()
    for site in layout.dirs:
        for path, scope in [(site.path, site.scope),
                            *((p, "pth") for p in added_paths(site.path))]:
            if path not in seen:
                seen.add(path)
                ordered.append(SearchPath(path, scope))
    return ordered


def metadata_folders(location: Path, names: list[str] | None = None) -> list[Path]:
    """dist-info first, then egg-info, each in directory order (as importlib.metadata)."""
    if location.name.endswith(".egg"):
        return [location] if (location / "EGG-INFO").is_dir() else []
    if names is None:
        names = _names(location)
    infos = [location / n for n in names if n.lower().endswith(INFO_SUFFIXES[0])]
    eggs = [location / n for n in names if n.lower().endswith(INFO_SUFFIXES[1])]
    return infos + eggs


def _names(folder: Path) -> list[str]:
    try:
        return [entry.name for entry in os.scandir(folder)]
    except OSError:
        return []


Found = tuple[Path, Path, str]  # metadata folder, the location it was found in, scope


def _found_in(entry: SearchPath) -> list[Found]:
    """What pip finds in one sys.path entry, in its order: metadata folders, then `*.egg`
    folders, then what `*.egg-link` files point at (a `setup.py develop` install)."""
    names = _names(entry.path)
    found: list[Found] = [(f, entry.path, entry.scope)
                          for f in metadata_folders(entry.path, names)]
    for name in names:
        egg = entry.path / name
        if name.endswith(".egg") and (egg / "EGG-INFO").is_dir():
            found.append((egg, egg, entry.scope))
    for name in names:
        if name.endswith(".egg-link"):
            target = _egg_link_target(entry.path / name)
            if target is not None:
                found += [(f, target, "link") for f in metadata_folders(target)]
    return found


def _egg_link_target(link: Path) -> Path | None:
    """The first non-empty line of an .egg-link, against the link's folder."""
    try:
        lines = link.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    first = next((line.strip() for line in lines if line.strip()), "")
    return Path(os.path.join(link.parent, first)) if first else None


Reader = Callable[[Path, Path, str], Distribution]


def installed_distributions(world: World, record: EnvRecord, *,
                            reader: Reader = read_distribution) -> Installed:
    """Every distribution on the environment's search path, read by `reader`."""
    layout = site_layout(world, record)
    paths = search_path(layout)
    egg_links = {n for entry in paths for n in _names(entry.path) if n.endswith(".egg-link")}
    first: dict[str, Distribution] = {}
    shadowed: list[Distribution] = []
    invalid: list[Distribution] = []
    for entry in paths:
        for folder, location, scope in _found_in(entry):
            dist = reader(folder, location, scope)
            if not dist.valid:
                invalid.append(dist)
                continue
            if not dist.editable and dist.direct_url is None and _has_egg_link(dist, egg_links):
                dist = replace(dist, editable_location=dist.location)
            key = dist.canonical_name
            if key in first:
                if first[key].path != dist.path:  # an egg-link target also on sys.path
                    shadowed.append(dist)
            else:
                first[key] = dist
    ordered = tuple(sorted(first.values(), key=lambda d: d.canonical_name))
    return Installed(record, layout, tuple(paths), ordered, tuple(shadowed), tuple(invalid))


def _has_egg_link(dist: Distribution, egg_links: set[str]) -> bool:
    """pip's legacy editable test: a `<name>.egg-link` on sys.path (`setup.py develop`)."""
    if not egg_links or dist.name is None:
        return False
    candidates = {f"{dist.name}.egg-link", f"{re.sub('[^A-Za-z0-9.]+', '-', dist.name)}.egg-link"}
    return bool(candidates & egg_links)
