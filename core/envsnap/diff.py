"""What changed between two snapshots of an environment, by canonical name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ainlp.core.envsnap.model import EnvSnapshot


@dataclass(frozen=True, slots=True)
class Change:
    name: str
    before: str  # version, with the origin when it is not an index
    after: str

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "from": self.before, "to": self.after}


@dataclass(frozen=True, slots=True)
class SnapshotDiff:
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[Change, ...]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def to_json(self) -> dict[str, Any]:
        return {"added": list(self.added), "removed": list(self.removed),
                "changed": [change.to_json() for change in self.changed]}


def diff(a: EnvSnapshot, b: EnvSnapshot) -> SnapshotDiff:
    """From `a` to `b`: names only in b, only in a, and in both with another version or origin."""
    old, new = a.by_name(), b.by_name()
    changed = []
    for name in sorted(old.keys() & new.keys()):
        before, after = old[name], new[name]
        if (before.version, before.origin, before.editable_source) != (
                after.version, after.origin, after.editable_source):
            changed.append(Change(name, before.describe(), after.describe()))
    return SnapshotDiff(
        added=tuple(sorted(new.keys() - old.keys())),
        removed=tuple(sorted(old.keys() - new.keys())),
        changed=tuple(changed),
    )
