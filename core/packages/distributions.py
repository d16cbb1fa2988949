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


def metadata_folders(location: Path) -> list[Path]:
    """dist-info first, then egg-info, each in directory order (as importlib.metadata)."""
    if location.name.endswith(".egg"):
        return [location] if (location / "EGG-INFO").is_dir() else []
    try:
        names = [entry.name for entry in os.scandir(location)]
    except OSError:
        return []
    infos = [location / n for n in names if n.lower().endswith(INFO_SUFFIXES[0])]
    eggs = [location / n for n in names if n.lower().endswith(INFO_SUFFIXES[1])]
    return infos + eggs


Reader = Callable[[Path, Path, str], Distribution]


def installed_distributions(world: World, record: EnvRecord, *,
                            reader: Reader = read_distribution) -> Installed:
    """Every metadata folder on the environment's search path, read by `reader`."""
    layout = site_layout(world, record)
    paths = search_path(layout)
    egg_links = _egg_links(paths)
    first: dict[str, Distribution] = {}
    shadowed: list[Distribution] = []
    invalid: list[Distribution] = []
    for entry in paths:
        for folder in metadata_folders(entry.path):
            dist = reader(folder, entry.path, entry.scope)
            if not dist.valid:
                invalid.append(dist)
                continue
            if not dist.editable and dist.direct_url is None and _has_egg_link(dist, egg_links):
                dist = replace(dist, editable_location=dist.location)
            key = dist.canonical_name
            if key in first:
                shadowed.append(dist)
            else:
                first[key] = dist
    ordered = tuple(sorted(first.values(), key=lambda d: d.canonical_name))
    return Installed(record, layout, tuple(paths), ordered, tuple(shadowed), tuple(invalid))


def _egg_links(paths: list[SearchPath]) -> set[str]:
    names: set[str] = set()
    for entry in paths:
        try:
            names.update(e.name for e in os.scandir(entry.path) if e.name.endswith(".egg-link"))
        except OSError:
            continue
    return names


def _has_egg_link(dist: Distribution, egg_links: set[str]) -> bool:
    """pip's legacy editable test: a `<name>.egg-link` on sys.path (`setup.py develop`)."""
    if not egg_links or dist.name is None:
        return False
    candidates = {f"{dist.name}.egg-link", f"{re.sub('[^A-Za-z0-9.]+', '-', dist.name)}.egg-link"}
    return bool(candidates & egg_links)
