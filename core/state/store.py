"""The state store: one SQLite database, state.db, in AINLP's state folder.

WAL mode, foreign keys on, synchronous=FULL (a committed write survives a crash), explicit
BEGIN IMMEDIATE transactions and a busy timeout so that two writers wait for each other
instead of failing. Every row read is validated (models.py) before it becomes a value.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import TracebackType

from ainlp.core import jsondoc
from ainlp.core.errors import BadInput, StateError
from ainlp.core.state import layers, salvage, schema
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

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: ainlp.core.state.models 121 ms

Row = dict[str, object]
_ENV_COLUMNS = "id, prefix, kind, name, version, executable, last_seen, health"
_EVENT_COLUMNS = "id, at, action, target, snapshot, changes, undone"
_BACKUP_ORDER = "created DESC, CAST(substr(id, 17) AS INTEGER) DESC"


def _refuse_special(path: Path) -> None:
    """Look before SQLite opens anything: the database and its journals must be regular files
    (through a link is fine), never a FIFO, a device, a socket or a folder (issue 12)."""
    for candidate in (path, *(path.with_name(path.name + tail)
                               for tail in ("-wal", "-shm", "-journal"))):
        try:
            st = os.stat(candidate)
        except FileNotFoundError:
            continue
        except (OSError, ValueError) as exc:
            raise StateError(f"cannot examine {candidate}: {exc}",
                             hint="Make the state folder readable, or point AINLP_HOME at "
                                  "another folder.") from exc
        if not stat.S_ISREG(st.st_mode):
            raise StateError(f"{candidate} is not a regular file",
                             hint=f"Remove {candidate} (AINLP makes a new one), or point "
                                  "AINLP_HOME at another folder.")


def _as_dict(cursor: sqlite3.Cursor, values: tuple[object, ...]) -> Row:
    return {column[0]: value for column, value in zip(cursor.description, values, strict=True)}


class StateStore:
    """Open with `StateStore.open(world.state_dir)`; close it (or use `with`)."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        clock: Callable[[], float],
        recovery: RecoveryNote | None,
    ) -> None:
        self._conn: sqlite3.Connection | None = conn
        self._depth = 0
        self._clock = clock
        self.path = path
        self.recovery = recovery
        self.layer_error: str | None = None  # why the last backup layer failed, if it did

    @classmethod
    def open(cls, state_dir: Path, *, clock: Callable[[], float] = time.time) -> StateStore:
        """Create the folder and database as needed, check it, recover it when damaged."""
        state_dir = Path(state_dir)
        try:
            state_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StateError(
                f"cannot create the state folder {state_dir}: {exc.strerror or exc}",
                hint="Make it writable, or point AINLP_HOME at a folder that is.",
            ) from exc
        path = state_dir / schema.DB_NAME
        _refuse_special(path)
        conn, note = salvage.open_checked(path, clock())
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            salvage.use_wal(conn)
            conn.execute("PRAGMA synchronous = FULL")
            schema.migrate(conn)
        except sqlite3.Error as exc:
            conn.close()
            raise salvage.unusable(path, exc) from exc
        except BaseException:
            conn.close()
            raise
        conn.row_factory = _as_dict
        return cls(conn, path, clock, note)

    @property
    def layers_dir(self) -> Path:
        return self.path.parent / layers.LAYERS_DIR

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> StateStore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    # -- transactions -------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on error; a nested one joins the outer."""
        conn = self._connection()
        if self._depth:
            self._depth += 1
            try:
                yield conn
            finally:
                self._depth -= 1
            return
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise salvage.unusable(self.path, exc) from exc
        self._depth = 1
        try:
            yield conn
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback(conn)
            raise self._failed(exc) from exc
        except BaseException:
            self._rollback(conn)
            raise
        finally:
            self._depth = 0
        self._after_write()

    def backup_layer(
        self, *, force: bool = False, progress: layers.Progress | None = None
    ) -> Path | None:
        """Take a backup layer unless one was taken in the last minute; its path, or None."""
        now = self._clock()
        if not force and not layers.due(self.layers_dir, now):
            return None
        keep = self.setting("backup_layers", layers.DEFAULT_ROLLING)
        keep = keep if isinstance(keep, int) and keep > 0 else layers.DEFAULT_ROLLING
        try:
            conn = self._connection()
            return layers.take(conn, self.layers_dir, now, keep=keep, progress=progress)
        except sqlite3.Error as exc:
            raise self._failed(exc) from exc
        except OSError as exc:
            raise StateError(
                f"cannot write a backup layer in {self.layers_dir}: {exc}",
                hint="Check free space and permissions of the state folder.",
            ) from exc

    def _after_write(self) -> None:
        # the write is committed: a failed layer must not turn it into an error
        try:
            self.backup_layer()
            self.layer_error = None
        except StateError as exc:
            self.layer_error = exc.message

    def _rollback(self, conn: sqlite3.Connection) -> None:
        if conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):  # nothing committed is lost either way
                conn.execute("ROLLBACK")

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StateError(f"{self.path} is closed", hint="Open the state store again.")
        return self._conn

    def _failed(self, exc: sqlite3.Error) -> StateError:
        if salvage.is_damage(exc):
            return StateError(
                f"{self.path} is damaged: {exc}",
                hint="Run ainlp again: it moves the file aside and restores a backup layer.",
            )
        if isinstance(exc, sqlite3.IntegrityError):
            return StateError(f"{self.path}: {exc}")
        return salvage.unusable(self.path, exc)

    def _write(self, sql: str, params: tuple[object, ...] = ()) -> sqlite3.Cursor:
        with self.transaction() as conn:
            return conn.execute(sql, params)

    def _rows(self, sql: str, params: tuple[object, ...] = ()) -> list[Row]:
        try:
            rows: list[Row] = self._connection().execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise self._failed(exc) from exc
        return rows

    def _now(self) -> str:
        return salvage.utc(self._clock())

    # -- known environments -------------------------------------------------------------

    def remember_environments(self, envs: Iterable[KnownEnvironment]) -> None:
        with self.transaction() as conn:
            for env in envs:
                _check_json(env.health, "health of " + env.prefix, object_only=True, null=True)
                conn.execute(
                    f"INSERT INTO environments ({_ENV_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT(id) DO UPDATE SET prefix = excluded.prefix,"
                    " kind = excluded.kind, name = excluded.name, version = excluded.version,"
                    " executable = excluded.executable, last_seen = excluded.last_seen,"
                    " health = excluded.health",
                    (
                        env.id,
                        env.prefix,
                        env.kind,
                        env.name,
                        env.version,
                        env.executable,
                        env.last_seen,
                        env.health,
                    ),
                )

    def known_environments(self) -> list[KnownEnvironment]:
        rows = self._rows(f"SELECT {_ENV_COLUMNS} FROM environments ORDER BY prefix, id")
        if not rows:
            return []  # nothing to validate: pydantic stays unloaded
        from ainlp.core.state import models

        return models.environments(self.path, rows)

    def forget_environment(self, prefix: str) -> bool:
        return self._write("DELETE FROM environments WHERE prefix = ?", (prefix,)).rowcount > 0

    # -- active environment -------------------------------------------------------------

    def set_active(
        self, *, scope: Scope, project: str | None, prefix: str, reason: str
    ) -> ActiveChoice:
        _check_place(scope, project)
        choice = ActiveChoice(scope, project, prefix, reason, self._now())
        with self.transaction() as conn:
            self._clear(conn, scope, project)
            conn.execute(
                "INSERT INTO active (scope, project, prefix, reason, set_at) VALUES (?,?,?,?,?)",
                (scope, project, prefix, reason, choice.set_at),
            )
        return choice

    def active_for(self, project: str | None) -> ActiveChoice | None:
        if project is None:
            return None
        found = self._active("WHERE scope = 'project' AND project = ?", (project,))
        return found[0] if found else None

    def global_active(self) -> ActiveChoice | None:
        found = self._active("WHERE scope = 'global'")
        return found[0] if found else None

    def active_choices(self) -> list[ActiveChoice]:
        return self._active("ORDER BY scope = 'project', project")

    def clear_active(self, *, scope: Scope, project: str | None) -> None:
        _check_place(scope, project)
        with self.transaction() as conn:
            self._clear(conn, scope, project)

    def _clear(self, conn: sqlite3.Connection, scope: Scope, project: str | None) -> None:
        conn.execute("DELETE FROM active WHERE scope = ? AND project IS ?", (scope, project))

    def _active(self, where: str, params: tuple[object, ...] = ()) -> list[ActiveChoice]:
        rows = self._rows(
            f"SELECT scope, project, prefix, reason, set_at FROM active {where}", params
        )
        if not rows:
            return []  # nothing to validate: pydantic stays unloaded
        from ainlp.core.state import models

        return models.active(self.path, rows)

    # -- backups ------------------------------------------------------------------------

    def new_backup_id(self) -> str:
        """ "20261124-031500-1": the clock's second and a counter unique in this database."""
        stamp = layers.stamp(self._clock())
        pattern = stamp + "-%"
        with self.transaction() as conn:
            row = conn.execute(
                "SELECT max(CAST(substr(id, 17) AS INTEGER)) AS n FROM"
                " (SELECT id FROM backups WHERE id LIKE ? UNION ALL"
                "  SELECT id FROM backup_ids WHERE id LIKE ?)",
                (pattern, pattern),
            ).fetchone()
            number = int(row["n"] or 0) + 1
            backup_id = f"{stamp}-{number}"
            # reserved: a second process asking in the same second gets the next number
            conn.execute("INSERT INTO backup_ids (id) VALUES (?)", (backup_id,))
        return backup_id

    def add_backup(self, backup: BackupRow) -> None:
        _check_json(backup.content, f"content of backup {backup.id}", object_only=True)
        with self.transaction() as conn:
            if conn.execute("SELECT 1 FROM backups WHERE id = ?", (backup.id,)).fetchone():
                raise StateError(f"a backup {backup.id} exists already in {self.path}")
            conn.execute(
                "INSERT INTO backups (id, created, target, reason, environments, content)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    backup.id,
                    backup.created,
                    backup.target,
                    backup.reason,
                    backup.environments,
                    backup.content,
                ),
            )
            conn.execute("DELETE FROM backup_ids WHERE id = ?", (backup.id,))

    def backups(self) -> list[BackupRow]:
        """Newest first."""
        return self._backups(f"ORDER BY {_BACKUP_ORDER}")

    def backup(self, id: str) -> BackupRow | None:
        found = self._backups("WHERE id = ?", (id,))
        return found[0] if found else None

    def prune_backups(self, keep_per_target: int, *, reason_prefix: str = "") -> list[str]:
        """Forget all but the newest `keep_per_target` backups of each target (only those whose
        reason starts with `reason_prefix`: "before " prunes the automatic ones); their ids."""
        if keep_per_target < 0:
            raise BadInput(f"cannot keep {keep_per_target} backups", hint="Keep 0 or more.")
        with self.transaction() as conn:
            doomed = [
                str(row["id"])
                for row in conn.execute(
                    "SELECT id FROM (SELECT id, row_number() OVER"
                    f" (PARTITION BY target ORDER BY {_BACKUP_ORDER}) AS n FROM backups"
                    " WHERE substr(reason, 1, length(?)) = ?)"
                    " WHERE n > ? ORDER BY id",
                    (reason_prefix, reason_prefix, keep_per_target),
                ).fetchall()
            ]
            conn.executemany("DELETE FROM backups WHERE id = ?", [(i,) for i in doomed])
        return doomed

    def _backups(self, tail: str, params: tuple[object, ...] = ()) -> list[BackupRow]:
        rows = self._rows(
            f"SELECT id, created, target, reason, environments, content FROM backups {tail}",
            params,
        )
        if not rows:
            return []  # nothing to validate: pydantic stays unloaded
        from ainlp.core.state import models

        return models.backups(self.path, rows)

    # -- history ------------------------------------------------------------------------

    def add_event(
        self, *, action: str, target: str | None, snapshot: str | None, changes: str
    ) -> Event:
        _check_json(changes, f"changes of {action}")
        at = self._now()
        cursor = self._write(
            "INSERT INTO events (at, action, target, snapshot, changes, undone)"
            " VALUES (?, ?, ?, ?, ?, 0)",
            (at, action, target, snapshot, changes),
        )
        return Event(int(cursor.lastrowid or 0), at, action, target, snapshot, changes, False)

    def events(self) -> list[Event]:
        """Newest first."""
        return self._events("ORDER BY id DESC")

    def mark_undone(self, event_id: int) -> None:
        cursor = self._write("UPDATE events SET undone = 1 WHERE id = ?", (event_id,))
        if cursor.rowcount == 0:
            raise StateError(f"there is no history event {event_id} in {self.path}")

    def newest_undoable(self) -> Event | None:
        found = self._events("WHERE undone = 0 ORDER BY id DESC LIMIT 1")
        return found[0] if found else None

    def _events(self, tail: str, params: tuple[object, ...] = ()) -> list[Event]:
        rows = self._rows(f"SELECT {_EVENT_COLUMNS} FROM events {tail}", params)
        if not rows:
            return []  # nothing to validate: pydantic stays unloaded
        from ainlp.core.state import models

        return models.events(self.path, rows)

    # -- journal of changes in progress ---------------------------------------------------

    def begin_change(self, action: str, plan: str) -> int:
        _check_json(plan, f"plan of {action}")
        cursor = self._write(
            "INSERT INTO journal (started_at, action, plan, state) VALUES (?, ?, ?, 'running')",
            (self._now(), action, plan),
        )
        return int(cursor.lastrowid or 0)

    def finish_change(self, change_id: int, state: ChangeState) -> None:
        if state not in ("done", "rolled-back"):
            raise BadInput(f"a change ends 'done' or 'rolled-back', not {state!r}")
        cursor = self._write(
            "UPDATE journal SET state = ?, finished_at = ? WHERE id = ? AND state = 'running'",
            (state, self._now(), change_id),
        )
        if cursor.rowcount == 0:
            raise StateError(f"there is no running change {change_id} in {self.path}")

    def unfinished_changes(self) -> list[JournalEntry]:
        """Changes still 'running': a process died half-way through them. Oldest first."""
        rows = self._rows(
            "SELECT id, started_at, action, plan, state FROM journal"
            " WHERE state = 'running' ORDER BY id"
        )
        if not rows:
            return []  # nothing to validate: pydantic stays unloaded
        from ainlp.core.state import models

        return models.journal(self.path, rows)

    # -- settings -----------------------------------------------------------------------

    def setting(self, key: str, default: object = None) -> object:
        rows = self._rows("SELECT value FROM settings WHERE key = ?", (key,))
        if not rows:
            return default
        from ainlp.core.state import models

        return models.setting_value(self.path, key, rows[0]["value"])

    def set_setting(self, key: str, value: object) -> None:
        try:
            text = jsondoc.dumps(value, allow_nan=False, sort_keys=True)
        except (TypeError, ValueError) as exc:
            raise BadInput(f"setting {key}: the value is not JSON ({exc})") from exc
        self._write(
            "INSERT INTO settings (key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, text),
        )


def _check_place(scope: Scope, project: str | None) -> None:
    if scope not in ("project", "global"):
        raise BadInput(f"the active environment is chosen per project or global, not {scope!r}")
    if (scope == "global") != (project is None):
        raise BadInput("a project choice names its project folder; the global choice names none")


def _check_json(
    text: str | None, what: str, *, object_only: bool = False, null: bool = False
) -> None:
    """Refuse to store JSON text that reading it back would reject."""
    if text is None and null:
        return
    try:
        parsed = jsondoc.loads(text) if isinstance(text, str) else None
    except ValueError as exc:
        raise BadInput(f"{what} is not JSON text: {exc}") from exc
    if not isinstance(text, str) or (object_only and not isinstance(parsed, dict)):
        raise BadInput(
            f"{what} must be the JSON text of an object"
            if object_only
            else f"{what} must be JSON text"
        )
