"""The tables of state.db and the ordered migrations that build them.

PRAGMA user_version is the number of migrations applied. A migration is appended, never
edited: a database written by an older ainlp runs the missing ones in order on open.
"""

from __future__ import annotations

import sqlite3

DB_NAME = "state.db"

_V1 = """
CREATE TABLE environments (
    id TEXT PRIMARY KEY,
    prefix TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT,
    version TEXT,
    executable TEXT,
    last_seen TEXT NOT NULL,
    health TEXT
);
CREATE INDEX environments_prefix ON environments(prefix);
CREATE TABLE active (
    scope TEXT NOT NULL CHECK (scope IN ('project', 'global')),
    project TEXT,
    prefix TEXT NOT NULL,
    reason TEXT NOT NULL,
    set_at TEXT NOT NULL,
    CHECK ((scope = 'global') = (project IS NULL))
);
CREATE UNIQUE INDEX active_one_per_place ON active(scope, ifnull(project, ''));
CREATE TABLE backups (
    id TEXT PRIMARY KEY,
    created TEXT NOT NULL,
    target TEXT NOT NULL,
    reason TEXT NOT NULL,
    environments INTEGER NOT NULL,
    content TEXT NOT NULL
);
CREATE TABLE backup_ids (id TEXT PRIMARY KEY);
CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    snapshot TEXT,
    changes TEXT NOT NULL,
    undone INTEGER NOT NULL DEFAULT 0 CHECK (undone IN (0, 1))
);
CREATE TABLE journal (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at TEXT NOT NULL,
    action TEXT NOT NULL,
    plan TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('running', 'done', 'rolled-back')),
    finished_at TEXT
);
CREATE INDEX journal_running ON journal(state) WHERE state = 'running';
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

# Index i holds the statements that take a database from version i to i + 1.
MIGRATIONS: tuple[str, ...] = (_V1,)
SCHEMA_VERSION = len(MIGRATIONS)


def version(conn: sqlite3.Connection) -> int:
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def migrate(conn: sqlite3.Connection) -> None:
    """Apply the migrations this database lacks, all in one write transaction."""
    if version(conn) == SCHEMA_VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = version(conn)  # again: another process may have migrated meanwhile
        for script in MIGRATIONS[current:]:
            for statement in _statements(script):
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _statements(script: str) -> list[str]:
    # executescript() would COMMIT first; one statement at a time keeps the transaction ours
    return [part.strip() for part in script.split(";") if part.strip()]
