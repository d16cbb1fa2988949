"""A cache of package facts in the state folder, for `ainlp doctor` run after run.

Three kinds of entries, each trusted only while what it was computed from is unchanged:
- a distribution's metadata, keyed by its metadata folder's mtime and its METADATA /
  PKG-INFO (and requires.txt) mtime and size;
- the pip-check result of an environment, keyed by a hash of every distribution's name,
  version and requirements plus the marker values: content, not time;
- which RECORD files are missing, keyed by RECORD (mtime, size) and the mtime of every
  folder it names (deleting or adding a file changes its folder's mtime).

The file is read through ainlp.core.ownfiles: a regular file of at most PACKAGES_CACHE_MAX
bytes (a device or a 200 MB file is refused before a byte is read), strict JSON, and
`valid` checks every entry's shape before any is used; a bad file is an empty cache,
rebuilt by this run, and doctor's `state.damaged` reports it.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ainlp.core.jsondoc import dumps
from ainlp.core.ownfiles import PACKAGES_CACHE_MAX, BadOwnFile, read_json, write_text
from ainlp.core.packages.conflicts import BadRequirement, CheckResult, Conflict, check
from ainlp.core.packages.metadata import Distribution, read_distribution
from ainlp.core.packages.record import scan_missing
from ainlp.core.packages.tags import TagContext, Unsupported

CACHE_FILE = "packages-cache.json"
_FORMAT = 4
_SECTIONS = ("dists", "checks", "records")
_DIST_FIELDS = ("format", "name", "version", "requires", "requires_python", "installer",
                "requested", "direct_url", "editable_location", "metadata_error", "wheel_tags")


# mtimes tick coarsely (a few ms): a stamp this fresh could hide a change made in the same
# tick, so it is not stored (git's "racily clean" rule)
_SETTLED_NS = 2_000_000_000


class PackageCache:
    def __init__(self, state_dir: Path | None, clock: Callable[[], float] = time.time) -> None:
        self.path = state_dir / CACHE_FILE if state_dir is not None else None
        self._clock = clock
        self._lock = threading.Lock()  # checks may one day run in threads: save copies safely
        self._data: dict[str, dict[str, Any]] = {name: {} for name in _SECTIONS}
        self._used: dict[str, set[str]] = {name: set() for name in _SECTIONS}
        self._dirty = False
        self.hits = 0
        self.misses = 0

    def load(self) -> PackageCache:
        """Read the cache file; a missing or damaged one is an empty cache, never an error."""
        if self.path is None:
            return self
        try:
            data = read_json(str(self.path), PACKAGES_CACHE_MAX, valid)
        except BadOwnFile:
            return self
        if isinstance(data, dict):
            for name in _SECTIONS:
                section = data.get(name)
                if isinstance(section, dict):
                    self._data[name] = {k: v for k, v in section.items() if isinstance(v, dict)}
        return self

    def _get(self, section: str, key: str, stamp: object) -> Any:
        entry = self._data[section].get(key)
        self._used[section].add(key)
        if entry is not None and stamp is not None and entry.get("stamp") == stamp:
            self.hits += 1
            return entry.get("value")
        self.misses += 1
        return None

    def _put(self, section: str, key: str, stamp: object, value: object,
              mtimes: Iterable[int] = ()) -> None:
        settled = int(self._clock() * 1e9) - _SETTLED_NS
        if stamp is not None and all(m < settled for m in mtimes):
            with self._lock:
                self._data[section][key] = {"stamp": stamp, "value": value}
                self._dirty = True

    def distribution(self, path: Path, location: Path, scope: str) -> Distribution:
        """read_distribution, from the cache while the metadata files are unchanged."""
        stamp = _dist_stamp(path)
        cached = self._get("dists", str(path), stamp)
        if isinstance(cached, dict):
            try:
                return _dist_from_json(path, location, scope, cached)
            except (KeyError, TypeError, ValueError):
                pass
        dist = read_distribution(path, location, scope)
        self._put("dists", str(path), stamp, _dist_to_json(dist), _stamp_mtimes(stamp))
        return dist

    def check(self, distributions: Iterable[Distribution], environment: Mapping[str, str],
              tags: TagContext | None = None) -> CheckResult:
        """pip check of these distributions, cached by their content, the marker values and
        the tag context."""
        dists = list(distributions)
        blob = dumps([sorted(environment.items()), tags.key if tags else None,
                           [(d.name, d.version, d.requires, d.wheel_tags) for d in dists]])
        key = hashlib.sha256(blob.encode("utf-8", "surrogateescape")).hexdigest()
        cached = self._get("checks", key, 1)
        if isinstance(cached, dict):
            try:
                return CheckResult(
                    tuple(Conflict(**c) for c in cached["conflicts"]),
                    tuple(BadRequirement(**b) for b in cached["unparsable"]),
                    tuple(Unsupported(u["package"], u["version"], tuple(u["tags"]))
                          for u in cached["unsupported"]))
            except (KeyError, TypeError):
                pass
        result = check(dists, environment, tags)
        self._put("checks", key, 1, {"conflicts": [asdict(c) for c in result.conflicts],
                                     "unparsable": [asdict(b) for b in result.unparsable],
                                     "unsupported": [asdict(u) for u in result.unsupported]})
        return result

    def missing(self, dist: Distribution) -> list[Path]:
        """The RECORD files of `dist` that are gone (see scan_missing)."""
        record = dist.record_file
        if record is None:
            return []
        stamp = _stat(record)
        cached = self._get("records", str(dist.path), stamp)
        if isinstance(cached, dict) and _fresh(str(dist.location), cached.get("folders")):
            gone = cached.get("missing")
            if isinstance(gone, list):
                return [Path(str(p)) for p in gone]
        found, folders = scan_missing(dist)
        self._put("records", str(dist.path), stamp,
                  {"folders": folders, "missing": [str(p) for p in found]},
                  [*folders.values(), *(stamp[:1] if stamp else [])])
        return found

    def save(self) -> None:
        """Write atomically, keeping what this run used and what still exists on disk."""
        if self.path is None or not self._dirty:
            return
        kept: dict[str, Any] = {"format": _FORMAT}
        for name in _SECTIONS:
            with self._lock:
                section = dict(self._data[name])
            if name == "checks":  # content-keyed: keep only the ones asked for this time
                kept[name] = {k: v for k, v in section.items() if k in self._used[name]}
            else:
                kept[name] = {k: v for k, v in section.items() if os.path.lexists(k)}
        try:
            text = dumps(kept)
        except (ValueError, TypeError):
            return
        if write_text(str(self.path), text):  # rename: same folder, atomic
            self._dirty = False


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _valid_dist(value: object) -> bool:
    return (isinstance(value, dict) and all(name in value for name in _DIST_FIELDS)
            and isinstance(value["name"], str) and isinstance(value["version"], str)
            and _strings(value["requires"]) and _strings(value["wheel_tags"])
            and (value["editable_location"] is None or isinstance(value["editable_location"],
                                                                  str)))


def valid(value: object) -> bool:
    """The shape `save` writes: {"format", "dists", "checks", "records"}, each section a map
    of {"stamp", "value"} entries; a distribution's value has its fields with their types."""
    if not isinstance(value, dict) or value.get("format") != _FORMAT:
        return False
    for name in _SECTIONS:
        section = value.get(name, {})
        if not isinstance(section, dict):
            return False
        for entry in section.values():
            if not isinstance(entry, dict) or "stamp" not in entry or "value" not in entry:
                return False
            if name == "dists" and not _valid_dist(entry["value"]):
                return False
            if name != "dists" and not isinstance(entry["value"], dict):
                return False
    return True


def _stat(path: Path) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_mtime_ns, st.st_size]


def _dist_stamp(path: Path) -> list[object] | None:
    folder = _stat(path)
    if folder is None:
        return None
    if path.name.endswith(".dist-info"):
        files = [path / "METADATA"]
    elif path.name.endswith(".egg"):
        files = [path / "EGG-INFO" / "PKG-INFO", path / "EGG-INFO" / "requires.txt"]
    elif os.path.isdir(path):
        files = [path / "PKG-INFO", path / "requires.txt"]
    else:
        files = []
    return [folder[0], *(_stat(f) for f in files)]


def _stamp_mtimes(stamp: list[object] | None) -> list[int]:
    mtimes: list[int] = []
    for part in stamp or ():
        if isinstance(part, int):
            mtimes.append(part)
        elif isinstance(part, list) and part:
            mtimes.append(int(part[0]))
    return mtimes


def _dist_to_json(dist: Distribution) -> dict[str, Any]:
    value = {name: getattr(dist, name) for name in _DIST_FIELDS}
    value["requires"] = list(dist.requires)
    value["wheel_tags"] = list(dist.wheel_tags)
    value["editable_location"] = str(dist.editable_location) if dist.editable_location else None
    return value


def _dist_from_json(path: Path, location: Path, scope: str,
                    value: Mapping[str, Any]) -> Distribution:
    editable = value["editable_location"]
    fields = {name: value[name] for name in _DIST_FIELDS}
    fields["requires"] = tuple(value["requires"])
    fields["wheel_tags"] = tuple(value["wheel_tags"])
    fields["editable_location"] = Path(editable) if editable else None
    return Distribution(path, location, scope, **fields)


def _fresh(base: str, folders: object) -> bool:
    if not isinstance(folders, dict):
        return False
    for folder, mtime in folders.items():
        try:
            now = os.stat(os.path.join(base, folder)).st_mtime_ns
        except OSError:
            now = -1
        if now != mtime:
            return False
    return True
