"""Remembering what discovery saw, so that an environment whose folder goes is "missing"."""

from __future__ import annotations

import calendar
import hashlib
import os
import time
from pathlib import Path

from ainlp.core import jsondoc
from ainlp.core.discovery.records import EnvRecord, EnvState, Inventory
from ainlp.core.ownfiles import BadOwnFile, read_bytes, write_text
from ainlp.core.state.rows import KnownEnvironment
from ainlp.core.state.salvage import utc
from ainlp.core.state.store import StateStore
from ainlp.core.world import World

# A row is rewritten only when something but last_seen changed, or it is this old: a
# write moves state.db, which invalidates the warm `find` snapshot.
REFRESH_SECONDS = 86400.0


# What the last remembering saw, beside state.db: when the same environments (and the same
# state.db) come again, nothing is opened at all. Opening the store validates its rows with
# pydantic: about 100 ms of a 490 ms `ainlp doctor` here (-X importtime), every time.
FINGERPRINT = "known-environments.sha256"


def remember_discovered(world: World, inventory: Inventory) -> int:
    """Record every present environment (ok or broken) of `inventory`; how many rows changed."""
    now = world.clock()
    seen = [
        known(record, now)
        for record in inventory.environments
        if record.state is not EnvState.MISSING
    ]
    mark = world.state_dir / FINGERPRINT
    if _read_mark(mark) == _fingerprint(world, seen, now):
        return 0
    with StateStore.open(world.state_dir, clock=world.clock) as store:
        stored = {env.id: env for env in store.known_environments()}
        changed = [env for env in seen if _stale(stored.get(env.id), env, now)]
        if changed:
            store.remember_environments(changed)
    _write_mark(mark, _fingerprint(world, seen, now))
    return len(changed)


def _fingerprint(world: World, seen: list[KnownEnvironment], now: float) -> str:
    """The environments as remembered (not when), the day (rows are refreshed daily) and
    state.db's own files as they are: another writer or a restored database changes it."""
    parts = [jsondoc.dumps([[e.id, e.prefix, e.kind, e.name, e.version, e.executable, e.health]
                         for e in sorted(seen, key=lambda e: e.id)]), str(int(now // 86400))]
    for name in ("state.db", "state.db-wal"):
        try:
            info = os.stat(world.state_dir / name)
        except OSError:
            parts.append("-")
            continue
        parts.append(f"{info.st_ino}:{info.st_size}:{info.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _read_mark(path: Path) -> str | None:
    try:
        data = read_bytes(str(path), 128)
    except BadOwnFile:
        return None  # a bad mark is no mark: the store is opened and the mark written again
    return data.decode("ascii", "replace") if data is not None else None


def _write_mark(path: Path, text: str) -> None:
    write_text(str(path), text)  # not written: the next run opens the store again


def known(record: EnvRecord, now: float) -> KnownEnvironment:
    health = {"state": record.state.value, "problems": [p.id for p in record.problems]}
    return KnownEnvironment(
        id=record.id,
        prefix=str(record.prefix),
        kind=record.kind.value,
        name=record.name,
        version=record.version.text if record.version is not None else None,
        executable=str(record.executable) if record.executable else None,
        last_seen=utc(now),
        health=jsondoc.dumps(health, sort_keys=True),
    )


def _stale(old: KnownEnvironment | None, new: KnownEnvironment, now: float) -> bool:
    if old is None:
        return True
    same = (old.prefix, old.kind, old.name, old.version, old.executable, old.health) == (
        new.prefix,
        new.kind,
        new.name,
        new.version,
        new.executable,
        new.health,
    )
    seen = calendar.timegm(time.strptime(old.last_seen, "%Y-%m-%dT%H:%M:%SZ"))
    return not same or now - seen >= REFRESH_SECONDS
