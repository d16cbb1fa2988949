"""Environments the state database knows whose folder is gone: reported as "missing".

Read with sqlite3 alone, and only when state.db exists: discovery must stay light (no
pydantic, no state store). A database that cannot be read gives no missing records here;
opening the state store reports (and recovers) it.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path

from ainlp.core.discovery.records import EnvKind, EnvRecord, EnvState, Problem
from ainlp.core.versions import PyVersion
from ainlp.core.world import World

DB_NAME = "state.db"  # ainlp.core.state.schema.DB_NAME, not imported: that loads the store
_KINDS = {kind.value: kind for kind in EnvKind}


def watched_files(world: World) -> list[str]:
    """The files whose change can change `missing_records` (for the inventory snapshot)."""
    db = os.path.join(str(world.state_dir), DB_NAME)
    return [db, db + "-wal"]


def missing_records(world: World, seen_prefixes: Collection[str]) -> list[EnvRecord]:
    db = os.path.join(str(world.state_dir), DB_NAME)
    if not os.path.isfile(db):
        return []
    # only when there is a database to read: a cold `find` without one saves 8.7 ms
    import sqlite3

    try:
        # read-write, not mode=ro: a read-only connection leaves -wal/-shm files behind
        conn = sqlite3.connect(db, timeout=2.0, isolation_level=None)
        try:
            rows = conn.execute(
                "SELECT prefix, kind, name, version, executable, last_seen FROM environments"
            ).fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return []
    missing: dict[str, EnvRecord] = {}
    for prefix, kind, name, version, executable, last_seen in rows:
        record = _record(prefix, kind, name, version, executable, last_seen)
        if record is None or prefix in seen_prefixes or os.path.lexists(prefix):
            continue
        missing.setdefault(record.id, record)
    return list(missing.values())


def _record(
    prefix: object,
    kind: object,
    name: object,
    version: object,
    executable: object,
    last_seen: object,
) -> EnvRecord | None:
    """The row as a missing record; None for a row that is not what we wrote."""
    texts = (name, version, executable, last_seen)
    if not isinstance(prefix, str) or not os.path.isabs(prefix) or kind not in _KINDS:
        return None
    if any(value is not None and not isinstance(value, str) for value in texts):
        return None
    when = f" (last seen {last_seen})" if last_seen else ""
    return EnvRecord(
        kind=_KINDS[str(kind)],
        prefix=Path(prefix),
        executable=Path(executable) if isinstance(executable, str) else None,
        version=PyVersion(version) if isinstance(version, str) else None,
        name=name if isinstance(name, str) else None,
        state=EnvState.MISSING,
        problems=(
            Problem(
                "env.missing",
                f"{prefix} is gone{when}; ainlp knew this environment",
                "ainlp cleanup forgets it",
            ),
        ),
        found_by=("state",),
    )
