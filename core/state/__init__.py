"""AINLP's state: known environments, active choices, backups, history, the change journal
and settings, kept in one SQLite database (state.db) with backup layers beside it.

    with StateStore.open(world.state_dir) as store:
        store.set_active(scope="global", project=None, prefix=..., reason="ainlp use")
"""

from __future__ import annotations

from ainlp.core.state.discovered import remember_discovered
from ainlp.core.state.rows import (
    ActiveChoice,
    BackupRow,
    ChangeState,
    Event,
    JournalEntry,
    KnownEnvironment,
    RecoveryNote,
    Scope,
)
from ainlp.core.state.schema import DB_NAME, SCHEMA_VERSION
from ainlp.core.state.store import StateStore

__all__ = [
    "DB_NAME",
    "SCHEMA_VERSION",
    "ActiveChoice",
    "BackupRow",
    "ChangeState",
    "Event",
    "JournalEntry",
    "KnownEnvironment",
    "RecoveryNote",
    "Scope",
    "StateStore",
    "remember_discovered",
]
