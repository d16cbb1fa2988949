"""Opening state.db safely: integrity check, and recovery from a backup layer when damaged.

A damaged database is moved aside (never deleted), with its -wal and -shm files first so a
stale WAL cannot replay onto the restored copy; the newest layer that passes its own check
is copied in. A database from a newer ainlp is refused and left exactly where it is.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

from ainlp.core.errors import StateError
from ainlp.core.state import layers, schema
from ainlp.core.state.rows import RecoveryNote

BUSY_TIMEOUT = 10.0
_DAMAGE_NAMES = frozenset({"SQLITE_NOTADB", "SQLITE_CORRUPT"})
_DAMAGE_WORDS = ("not a database", "malformed", "corrupt")


class Damaged(Exception):
    """The file cannot be used as our database (internal: becomes a recovery)."""


def connect(path: Path) -> sqlite3.Connection:
    try:
        return sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
    except sqlite3.Error as exc:
        raise unusable(path, exc) from exc


def use_wal(conn: sqlite3.Connection) -> None:
    """Switch a database to WAL (once in its life: the mode is kept in the file).

    Two processes creating state.db together can collide here, and SQLite answers that
    collision with "locked" at once instead of waiting: so wait for it ourselves.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if time.monotonic() > deadline:
                raise
            time.sleep(0.005)


def unusable(path: Path, exc: sqlite3.Error) -> StateError:
    """The StateError for a sqlite3 error that is not damage (busy, unreadable, full disk)."""
    text = str(exc)
    if "locked" in text or "busy" in text:
        return StateError(
            f"{path} is busy: another ainlp kept it locked for {BUSY_TIMEOUT:.0f} s",
            hint="Wait for the other ainlp to finish, then try again.",
        )
    return StateError(
        f"{path} cannot be used: {text}",
        hint="Check that the state folder is writable and the disk is not full "
        "(AINLP_HOME chooses another folder).",
    )


def is_damage(exc: sqlite3.Error) -> bool:
    name = getattr(exc, "sqlite_errorname", None)  # Python 3.11+
    return name in _DAMAGE_NAMES or any(word in str(exc).lower() for word in _DAMAGE_WORDS)


def check(conn: sqlite3.Connection, path: Path) -> None:
    """Raise Damaged when the database fails; StateError when a newer ainlp wrote it."""
    try:
        found = schema.version(conn)
        verdict = [str(row[0]) for row in conn.execute("PRAGMA quick_check").fetchall()]
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            raise Damaged(str(exc)) from exc
        raise unusable(path, exc) from exc
    if found > schema.SCHEMA_VERSION:
        raise StateError(
            f"{path} was written by a newer ainlp (schema {found}; this one knows "
            f"{schema.SCHEMA_VERSION}); it was left untouched",
            hint="Upgrade ainlp, or point AINLP_HOME at another folder.",
        )
    if found < 0:
        raise Damaged(f"schema version {found}")
    if verdict != ["ok"]:
        raise Damaged("quick_check: " + "; ".join(verdict[:3]))


def header_damage(path: Path) -> str | None:
    """What is wrong with the file's 100-byte header, read without SQLite.

    Checked first so that a file SQLite cannot even read is never opened: opening it
    could checkpoint or delete the -wal that we move aside with it.
    """
    try:
        with open(path, "rb") as handle:
            head = handle.read(100)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StateError(f"{path} cannot be read: {exc}") from exc
    if not head:
        return None  # an empty file is a new database
    page = int.from_bytes(head[16:18], "big")
    if (
        len(head) < 100
        or head[:16] != b"SQLite format 3\x00"
        or not (page == 1 or (512 <= page <= 32768 and page & (page - 1) == 0))
        or head[18] not in (1, 2)
        or head[19] not in (1, 2)
        or head[21:24] != b"\x40\x20\x20"
    ):
        return "file is not a database"
    return None


def open_checked(path: Path, now: float) -> tuple[sqlite3.Connection, RecoveryNote | None]:
    """A connection to a database that passed its check, and what recovery did if any."""
    if header_damage(path) is None:
        conn = connect(path)
        try:
            check(conn, path)
            return conn, None
        except Damaged:
            conn.close()
        except BaseException:
            conn.close()
            raise
    with _exclusive(path):
        reason = header_damage(path)  # again: another process may have recovered it meanwhile
        if reason is not None:
            return _recover(path, now, reason)
        conn = connect(path)
        try:
            check(conn, path)
            return conn, None
        except Damaged as damage:
            conn.close()
            return _recover(path, now, str(damage))
        except BaseException:
            conn.close()
            raise


def _recover(path: Path, now: float, reason: str) -> tuple[sqlite3.Connection, RecoveryNote]:
    try:
        aside = _move_aside(path, now)
        for layer in layers.layers(path.parent / layers.LAYERS_DIR):
            if _good(layer.path):
                tmp = path.with_name(f"{path.name}.restoring-{os.getpid()}")
                shutil.copyfile(layer.path, tmp)
                os.replace(tmp, path)  # rename: never half a database under the real name
                message = (
                    f"{path.name} was damaged ({reason}) and moved to {aside.name}; restored "
                    f"the backup layer of {layer.taken_iso}: changes after that time are lost"
                )
                note = RecoveryNote(aside, layer.path, layer.taken_iso, message)
                break
        else:
            message = (
                f"{path.name} was damaged ({reason}) and moved to {aside.name}; no usable "
                "backup layer: starting empty (known environments, active choices, backups "
                "list, history and settings are lost)"
            )
            note = RecoveryNote(aside, None, None, message)
    except OSError as exc:
        raise StateError(
            f"{path} is damaged and could not be replaced: {exc}",
            hint=f"Move {path} away by hand; ainlp starts a new one.",
        ) from exc
    conn = connect(path)
    try:
        check(conn, path)
    except Damaged as exc:
        conn.close()
        raise StateError(f"{path} is still unusable after recovery: {exc}") from exc
    return conn, note


def _move_aside(path: Path, now: float) -> Path:
    base = f"{path.name}.damaged-{layers.stamp(now)}"
    aside = path.with_name(base)
    counter = 1
    while any(path.with_name(aside.name + s).exists() for s in ("", "-wal", "-shm")):
        counter += 1
        aside = path.with_name(f"{base}-{counter}")
    # the WAL and shared memory go first: a stale WAL must never replay onto a restored copy
    for suffix in ("-wal", "-shm", ""):
        source = path.with_name(path.name + suffix)
        if source.exists():
            os.replace(source, path.with_name(aside.name + suffix))
    return aside


def _good(layer: Path) -> bool:
    try:
        conn = sqlite3.connect(f"{layer.as_uri()}?mode=ro", uri=True, isolation_level=None)
    except sqlite3.Error:
        return False
    try:
        check(conn, layer)
        return True
    except (Damaged, StateError):
        return False
    finally:
        conn.close()


@contextlib.contextmanager
def _exclusive(path: Path) -> Iterator[None]:
    """One recovery at a time among processes (where the platform offers file locks)."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    with open(path.with_name(path.name + ".recover-lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def utc(now: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))
