"""The probe cache: what an interpreter said about itself, keyed by the files behind it.

The key of an executable is its path plus (mtime, ctime, size, inode) of every link in its
symlink chain and of the final file, so replacing or upgrading any of them invalidates it.

The file is read through ainlp.core.ownfiles (a regular file of at most DISCOVERY_CACHE_MAX
bytes, strict JSON, `valid` checked before use) and written atomically; a bad one is an
empty cache, rebuilt by this run, and doctor's `state.damaged` says so.
"""

from __future__ import annotations

from pathlib import Path

from ainlp.core.discovery.probe import ProbeResult
from ainlp.core.discovery.snapshot import file_key, link_chain
from ainlp.core.jsondoc import dumps
from ainlp.core.ownfiles import DISCOVERY_CACHE_MAX, BadOwnFile, read_json, write_text

CACHE_FILE = "discovery-cache.json"
_FORMAT = 1


def stat_key(path: Path) -> str | None:
    """The stat fingerprint of path and its symlink chain; None if any of it cannot be read."""
    parts: list[str] = []
    for link in link_chain(str(path)):
        key = file_key(link)
        if key is None:
            return None
        parts.append(f"{link}:{key}")
    return "|".join(parts)


class ProbeCache:
    def __init__(self, state_dir: Path) -> None:
        self.path = state_dir / CACHE_FILE
        self._entries: dict[str, dict[str, object]] = {}
        self._dirty = False
        self.hits = 0
        self.misses = 0
        self.loaded = False  # a readable cache file of our format was there

    def load(self) -> ProbeCache:
        """Read the cache file; a missing or damaged one is an empty cache, never an error."""
        try:
            data = read_json(str(self.path), DISCOVERY_CACHE_MAX, valid)
        except BadOwnFile:
            return self
        if isinstance(data, dict):
            entries = data["entries"]
            self._entries = {k: v for k, v in entries.items() if isinstance(v, dict)}
            self.loaded = True
        return self

    def get(self, executable: Path) -> ProbeResult | None:
        entry = self._entries.get(str(executable))
        key = stat_key(executable)
        result = entry.get("result") if entry else None
        if entry is None or key is None or entry.get("key") != key or not isinstance(result, dict):
            self.misses += 1
            return None
        self.hits += 1
        return ProbeResult.from_json(executable, result)

    def put(self, result: ProbeResult) -> None:
        key = stat_key(result.executable)
        if key is None:
            return
        self._entries[str(result.executable)] = {"key": key, "result": result.to_json()}
        self._dirty = True

    def save(self) -> None:
        if not self._dirty and self.loaded:
            return
        try:
            text = dumps({"format": _FORMAT, "entries": self._entries})
        except (ValueError, TypeError):
            return
        # atomic on one filesystem: a reader never sees half a file; a cache we cannot write
        # only costs speed next time
        if write_text(str(self.path), text):
            self._dirty = False


def valid(value: object) -> bool:
    """The shape `save` writes: {"format": 1, "entries": {path: {"key": str, "result": {}}}}."""
    if not isinstance(value, dict) or value.get("format") != _FORMAT:
        return False
    entries = value.get("entries")
    return isinstance(entries, dict) and all(
        isinstance(entry, dict) and isinstance(entry.get("key"), str)
        and isinstance(entry.get("result"), dict) for entry in entries.values())
