"""The probe cache: what an interpreter said about itself, keyed by the files behind it.

The key of an executable is its path plus (mtime, ctime, size, inode) of every link in its
symlink chain and of the final file, so replacing or upgrading any of them invalidates it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ainlp.core.discovery.probe import ProbeResult
from ainlp.core.discovery.snapshot import file_key, link_chain

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
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return self
        if isinstance(data, dict) and data.get("format") == _FORMAT:
            entries = data.get("entries")
            if isinstance(entries, dict):
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
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(f".tmp{os.getpid()}")
            tmp.write_text(json.dumps({"format": _FORMAT, "entries": self._entries}), "utf-8")
            os.replace(tmp, self.path)  # atomic on one filesystem: a reader never sees half a file
        except OSError:
            return  # a cache we cannot write only costs speed next time
        self._dirty = False
