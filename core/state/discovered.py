"""Remembering what discovery saw, so that an environment whose folder goes is "missing"."""

from __future__ import annotations

import calendar
import time

from ainlp.core import jsondoc
from ainlp.core.discovery.records import EnvRecord, EnvState, Inventory
from ainlp.core.state.rows import KnownEnvironment
from ainlp.core.state.salvage import utc
from ainlp.core.state.store import StateStore
from ainlp.core.world import World

# A row is rewritten only when something but last_seen changed, or it is this old: a
# write moves state.db, which invalidates the warm `find` snapshot.
REFRESH_SECONDS = 86400.0


def remember_discovered(world: World, inventory: Inventory) -> int:
    """Record every present environment (ok or broken) of `inventory`; how many rows changed."""
    now = world.clock()
    seen = [
        known(record, now)
        for record in inventory.environments
        if record.state is not EnvState.MISSING
    ]
    with StateStore.open(world.state_dir, clock=world.clock) as store:
        stored = {env.id: env for env in store.known_environments()}
        changed = [env for env in seen if _stale(stored.get(env.id), env, now)]
        if changed:
            store.remember_environments(changed)
    return len(changed)


def known(record: EnvRecord, now: float) -> KnownEnvironment:
    health = {"state": record.state.value, "problems": [p.id for p in record.problems]}
    return KnownEnvironment(
        id=record.id,
        prefix=str(record.prefix),
        kind=record.kind.value,
        name=record.name,
        version=record.version,
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
