"""The state store: tables, transactions, backup layers, validation and recovery of state.db."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from ainlp.core.errors import AinlpError, BadInput, StateError
from ainlp.core.state import (
    DB_NAME,
    SCHEMA_VERSION,
    ActiveChoice,
    BackupRow,
    KnownEnvironment,
    StateStore,
)
from ainlp.core.state.layers import LAYERS_DIR, layers
from conftest import make_world

T0 = 1795490100.0  # 2026-11-24T03:15:00Z


class Clock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return make_world(tmp_path).state_dir


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(state: Path, clock: Clock) -> Iterator[StateStore]:
    with StateStore.open(state, clock=clock) as opened:
        yield opened


def env(prefix: str, id: str | None = None, kind: str = "venv") -> KnownEnvironment:
    return KnownEnvironment(
        id or "id-" + prefix,
        prefix,
        kind,
        Path(prefix).name,
        "3.12.1",
        prefix + "/bin/python",
        "2026-11-24T03:15:00Z",
        '{"state": "ok", "problems": []}',
    )


def backup_row(
    store: StateStore, target: str = "all", created: str = "2026-11-24T03:15:00Z"
) -> BackupRow:
    return BackupRow(store.new_backup_id(), created, target, "manual", 2, '{"envs": []}')


def raw(state: Path) -> sqlite3.Connection:
    return sqlite3.connect(state / DB_NAME, isolation_level=None)


# -- the database itself ------------------------------------------------------------------


def test_open_creates_folder_and_database_in_wal_with_schema_version(
    store: StateStore, state: Path
) -> None:
    assert (state / DB_NAME).is_file()
    conn = raw(state)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"environments", "active", "backups", "events", "journal", "settings"} <= tables
    assert store._connection().execute("PRAGMA foreign_keys").fetchone()["foreign_keys"] == 1
    assert store.recovery is None


def test_reopening_keeps_everything(state: Path, clock: Clock) -> None:
    with StateStore.open(state, clock=clock) as store:
        store.remember_environments([env("/e/one")])
        store.set_setting("colour", {"on": True})
    with StateStore.open(state, clock=clock) as store:
        assert [e.prefix for e in store.known_environments()] == ["/e/one"]
        assert store.setting("colour") == {"on": True}


def test_transaction_rolls_back_everything_on_error(store: StateStore) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.set_setting("a", 1)
        store.add_event(action="use", target=None, snapshot=None, changes="{}")
        raise RuntimeError("half-way")
    assert store.setting("a") is None
    assert store.events() == []


def test_nested_transactions_join_the_outer_one(store: StateStore) -> None:
    with store.transaction() as conn:
        store.set_setting("a", 1)
        with store.transaction() as inner:
            assert inner is conn
            store.set_setting("b", 2)
        assert conn.in_transaction
    assert (store.setting("a"), store.setting("b")) == (1, 2)


def test_a_sqlite_error_inside_a_transaction_is_a_state_error(store: StateStore) -> None:
    with pytest.raises(StateError), store.transaction() as conn:
        conn.execute("INSERT INTO settings (key, value) VALUES (NULL, NULL)")
    assert not store._connection().in_transaction


def test_closed_store_says_so(state: Path) -> None:
    store = StateStore.open(state)
    store.close()
    store.close()
    with pytest.raises(StateError):
        store.events()


def test_unwritable_state_folder_is_a_state_error(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x")
    with pytest.raises(StateError) as caught:
        StateStore.open(afile / "state")
    assert caught.value.hint


def test_busy_writer_waits_instead_of_failing(state: Path, store: StateStore) -> None:
    other = sqlite3.connect(state / DB_NAME, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    import threading

    timer = threading.Timer(0.3, lambda: other.execute("COMMIT"))
    timer.start()
    store.set_setting("after", 1)  # blocks until the other writer commits
    timer.join()
    assert store.setting("after") == 1


# -- known environments ---------------------------------------------------------------------


def test_known_environments_upsert_and_forget(store: StateStore) -> None:
    store.remember_environments([env("/e/b"), env("/e/a")])
    newer = KnownEnvironment(
        "id-/e/a", "/e/a", "venv", "a", "3.13.0", None, "2026-11-25T00:00:00Z", None
    )
    store.remember_environments([newer])
    assert [e.prefix for e in store.known_environments()] == ["/e/a", "/e/b"]
    assert store.known_environments()[0] == newer
    assert store.forget_environment("/e/a") is True
    assert store.forget_environment("/e/a") is False
    assert [e.prefix for e in store.known_environments()] == ["/e/b"]


def test_bad_health_json_is_refused_on_write(store: StateStore) -> None:
    bad = KnownEnvironment("x", "/e/x", "venv", None, None, None, "2026-11-24T03:15:00Z", "[1")
    with pytest.raises(BadInput):
        store.remember_environments([bad])


# -- active environment ---------------------------------------------------------------------


def test_active_per_project_and_global(store: StateStore, clock: Clock) -> None:
    assert store.active_for("/p") is None and store.global_active() is None
    chosen = store.set_active(scope="project", project="/p", prefix="/e/a", reason="use")
    assert chosen == ActiveChoice("project", "/p", "/e/a", "use", "2026-11-24T03:15:00Z")
    clock.now += 60
    store.set_active(scope="project", project="/p", prefix="/e/b", reason="again")
    store.set_active(scope="global", project=None, prefix="/usr", reason="default")
    mine = store.active_for("/p")
    assert mine is not None and (mine.prefix, mine.set_at) == ("/e/b", "2026-11-24T03:16:00Z")
    assert store.active_for("/other") is None and store.active_for(None) is None
    assert store.global_active() == ActiveChoice(
        "global", None, "/usr", "default", "2026-11-24T03:16:00Z"
    )
    assert [c.scope for c in store.active_choices()] == ["global", "project"]
    store.clear_active(scope="project", project="/p")
    assert store.active_for("/p") is None and store.global_active() is not None


@pytest.mark.parametrize(("scope", "project"), [("global", "/p"), ("project", None)])
def test_active_scope_and_project_must_agree(
    store: StateStore, scope: str, project: str | None
) -> None:
    with pytest.raises(BadInput):
        store.set_active(scope=scope, project=project, prefix="/e", reason="x")  # type: ignore[arg-type]


# -- backups ----------------------------------------------------------------------------------


def test_backup_ids_count_within_the_second(store: StateStore, clock: Clock) -> None:
    ids = [store.new_backup_id() for _ in range(11)]
    assert ids[0] == "20261124-031500-1" and ids[10] == "20261124-031500-11"
    clock.now += 1
    assert store.new_backup_id() == "20261124-031501-1"


def test_backups_newest_first_and_json_shape(store: StateStore, clock: Clock) -> None:
    rows = []
    for _ in range(11):  # -10 sorts after -9 as a number, not as text
        rows.append(backup_row(store))
        store.add_backup(rows[-1])
    assert [b.id for b in store.backups()] == [r.id for r in reversed(rows)]
    assert store.backup(rows[0].id) == rows[0]
    assert store.backup("nope") is None
    assert rows[0].to_json() == {
        "id": "20261124-031500-1",
        "created": "2026-11-24T03:15:00Z",
        "target": "all",
        "environments": 2,
        "reason": "manual",
    }
    with pytest.raises(StateError):
        store.add_backup(rows[0])


def test_backup_content_must_be_a_json_object(store: StateStore) -> None:
    row = BackupRow(store.new_backup_id(), "2026-11-24T03:15:00Z", "all", "manual", 0, "[]")
    with pytest.raises(BadInput):
        store.add_backup(row)


def test_prune_keeps_the_newest_per_target(store: StateStore, clock: Clock) -> None:
    made: dict[str, list[str]] = {"all": [], "/e/a": []}
    for minute in range(4):
        clock.now = T0 + 60 * minute
        for target in made:
            created = f"2026-11-24T03:{15 + minute}:00Z"
            row = backup_row(store, target, created)
            store.add_backup(row)
            made[target].append(row.id)
    pruned = store.prune_backups(2)
    assert sorted(pruned) == sorted(made["all"][:2] + made["/e/a"][:2])
    assert {b.id for b in store.backups()} == set(made["all"][2:] + made["/e/a"][2:])
    with pytest.raises(BadInput):
        store.prune_backups(-1)


# -- history and journal --------------------------------------------------------------------


def test_history_events_and_undo(store: StateStore, clock: Clock) -> None:
    first = store.add_event(action="use", target="/e/a", snapshot=None, changes="{}")
    clock.now += 5
    second = store.add_event(
        action="fix", target="/e/b", snapshot="20261124-031500-1", changes='{"steps": ["rebuild"]}'
    )
    assert [e.id for e in store.events()] == [second.id, first.id]
    assert second.to_json() == {
        "id": second.id,
        "at": "2026-11-24T03:15:05Z",
        "action": "fix",
        "target": "/e/b",
        "snapshot": "20261124-031500-1",
        "undone": False,
    }
    assert store.newest_undoable() == second
    store.mark_undone(second.id)
    assert store.newest_undoable() == first
    assert store.events()[0].undone is True
    with pytest.raises(StateError):
        store.mark_undone(999)
    with pytest.raises(BadInput):
        store.add_event(action="x", target=None, snapshot=None, changes="not json")


def test_journal_finds_changes_left_half_way(state: Path, clock: Clock) -> None:
    with StateStore.open(state, clock=clock) as store:
        done = store.begin_change("fix", '{"steps": 2}')
        left = store.begin_change("rebuild", '{"steps": 1}')
        store.finish_change(done, "done")
        with pytest.raises(StateError):
            store.finish_change(done, "rolled-back")
    with StateStore.open(state, clock=clock) as store:  # the next run
        (entry,) = store.unfinished_changes()
        assert (entry.id, entry.action, entry.state) == (left, "rebuild", "running")
        store.finish_change(left, "rolled-back")
        assert store.unfinished_changes() == []


def test_settings_round_trip_json(store: StateStore) -> None:
    assert store.setting("missing", 5) == 5
    store.set_setting("list", [1, "a", None])
    store.set_setting("list", [2])
    assert store.setting("list") == [2]
    with pytest.raises(BadInput):
        store.set_setting("bad", object())


# -- validation of what is read ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "call", "table"),
    [
        (
            "INSERT INTO environments VALUES ('i','/p','spaceship',NULL,NULL,NULL,"
            "'2026-11-24T03:15:00Z',NULL)",
            "known_environments",
            "environments",
        ),
        (
            "INSERT INTO environments VALUES ('i','/p','venv',NULL,NULL,NULL,'yesterday',NULL)",
            "known_environments",
            "environments",
        ),
        (
            "INSERT INTO environments VALUES ('i','/p','venv',NULL,NULL,NULL,"
            "'2026-11-24T03:15:00Z','{oops')",
            "known_environments",
            "environments",
        ),
        (
            "INSERT INTO environments VALUES ('i','/p','venv',x'01',NULL,NULL,"
            "'2026-11-24T03:15:00Z',NULL)",
            "known_environments",
            "environments",
        ),
        (
            "INSERT INTO backups VALUES ('20261124-031500-1','2026-11-24T03:15:00Z','all','m',1,"
            "'[1, 2]')",
            "backups",
            "backups",
        ),
        (
            "INSERT INTO backups VALUES ('20261124-031500-1','2026-11-24T03:15:00Z','all','m',-4,"
            "'{}')",
            "backups",
            "backups",
        ),
        (
            "INSERT INTO events (at, action, changes) VALUES ('2026-11-24T03:15:00Z','use','{x')",
            "events",
            "events",
        ),
        (
            "INSERT INTO journal (started_at, action, plan, state) VALUES "
            "('2026-11-24T03:15:00Z','fix',x'00ff','running')",
            "unfinished_changes",
            "journal",
        ),
        (
            "INSERT INTO active VALUES ('global', NULL, '/p', 'r', 'now')",
            "active_choices",
            "active",
        ),
    ],
)
def test_a_bad_row_is_a_state_error_naming_file_and_table(
    store: StateStore, state: Path, sql: str, call: str, table: str
) -> None:
    raw(state).execute(sql)
    with pytest.raises(StateError) as caught:
        getattr(store, call)()
    assert DB_NAME in caught.value.message and f"table {table}" in caught.value.message
    assert caught.value.hint


def test_a_bad_setting_is_a_state_error(store: StateStore, state: Path) -> None:
    raw(state).execute("INSERT INTO settings VALUES ('k', 'not json')")
    with pytest.raises(StateError) as caught:
        store.setting("k")
    assert "table settings" in caught.value.message


# -- backup layers ----------------------------------------------------------------------------


def test_layers_at_most_one_a_minute_and_the_last_n_kept(state: Path, clock: Clock) -> None:
    with StateStore.open(state, clock=clock) as store:
        store.set_setting("backup_layers", 3)
        store.set_setting("x", 1)  # same minute: no second layer
        assert [x.kind for x in layers(state / LAYERS_DIR)] == ["rolling", "daily"]
        for step in range(1, 6):
            clock.now = T0 + 61 * step
            store.set_setting("x", step)
        rolling = [x for x in layers(state / LAYERS_DIR) if x.kind == "rolling"]
        assert len(rolling) == 3
        assert rolling[0].taken == T0 + 61 * 5
        newest = sqlite3.connect(rolling[0].path)
        assert newest.execute("SELECT value FROM settings WHERE key='x'").fetchone() == ("5",)
        assert newest.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert store.backup_layer() is None
        assert store.backup_layer(force=True) is not None


def test_one_daily_layer_per_day_kept_seven_days(state: Path, clock: Clock) -> None:
    with StateStore.open(state, clock=clock) as store:
        for day in range(10):
            for hour in (0, 5):
                clock.now = T0 + day * 86400 + hour * 3600
                store.set_setting("day", day)
        daily = [x for x in layers(state / LAYERS_DIR) if x.kind == "daily"]
        assert len(daily) == 7
        assert daily[0].taken == T0 + 9 * 86400  # the first layer of the newest day


def test_a_half_written_layer_is_never_used_and_cleaned_up(state: Path, clock: Clock) -> None:
    folder = state / LAYERS_DIR
    folder.mkdir(parents=True)
    stale = folder / ".tmp-999999999-rolling-20261124-031400.db"
    stale.write_bytes(b"SQLite format 3\x00half")
    with StateStore.open(state, clock=clock) as store:
        store.set_setting("x", 1)
    assert not stale.exists()
    assert all(not x.path.name.startswith(".") for x in layers(folder))


# -- corruption recovery ----------------------------------------------------------------------


def _filled(state: Path, clock: Clock) -> bytes:
    """Two layers, and the bytes of a WAL holding a later write (replayed, it adds /e/wal)."""
    with StateStore.open(state, clock=clock) as store:
        store.remember_environments([env("/e/kept")])
        clock.now += 120
        store.remember_environments([env("/e/lost")])  # a later layer, damaged below
        conn = raw(state)
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        conn.execute(
            "INSERT INTO environments VALUES ('w', '/e/wal', 'venv', NULL, NULL, NULL,"
            " '2026-11-24T03:15:00Z', NULL)"
        )
        wal = (state / (DB_NAME + "-wal")).read_bytes()
        conn.execute("DELETE FROM environments WHERE id = 'w'")
        conn.close()
    return wal


def _damage_pages(path: Path) -> None:
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for offset in range(page, len(data), page):
        data[offset : offset + page] = b"\xa5" * page
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", ["garbage", "pages", "truncated-header"])
def test_a_damaged_database_is_moved_aside_and_the_newest_good_layer_restored(
    state: Path, clock: Clock, damage: str
) -> None:
    wal = _filled(state, clock)
    db = state / DB_NAME
    newest = layers(state / LAYERS_DIR)[0]
    _damage_pages(newest.path)  # the newest layer is bad too: the one before must be used
    if damage == "garbage":
        db.write_bytes(b"this is not a database at all" * 200)
    elif damage == "pages":
        _damage_pages(db)
    else:
        db.write_bytes(b"SQLite format 3\x00" + b"\xff" * 84 + db.read_bytes()[100:])
    original = db.read_bytes()
    if damage != "pages":  # a WAL holding every page would mask the damage
        (state / (DB_NAME + "-wal")).write_bytes(wal)
    clock.now += 600
    with StateStore.open(state, clock=clock) as store:
        note = store.recovery
        assert note is not None
        assert note.restored_from is not None and note.restored_from != newest.path
        assert note.layer_time == "2026-11-24T03:15:00Z"
        assert note.moved_to.read_bytes() == original
        assert note.moved_to.name.startswith("state.db.damaged-")
        if damage != "pages":
            aside_wal = note.moved_to.with_name(note.moved_to.name + "-wal")
            assert aside_wal.read_bytes() == wal
        assert "2026-11-24T03:15:00Z" in note.message and "lost" in note.message
        assert [e.prefix for e in store.known_environments()] == ["/e/kept"]
        store.set_setting("works", True)
    with StateStore.open(state, clock=clock) as store:
        assert store.recovery is None and store.setting("works") is True


def test_no_good_layer_starts_empty_and_says_so(state: Path, clock: Clock) -> None:
    db = state / DB_NAME
    state.mkdir(parents=True)
    db.write_bytes(os.urandom(8192))
    with StateStore.open(state, clock=clock) as store:
        assert store.recovery is not None and store.recovery.restored_from is None
        assert "empty" in store.recovery.message
        assert store.known_environments() == []
    assert len(list(state.glob("state.db.damaged-*"))) == 1


def test_a_database_from_a_newer_ainlp_is_refused_and_left_alone(state: Path) -> None:
    StateStore.open(state).close()
    conn = raw(state)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = (state / DB_NAME).read_bytes()
    with pytest.raises(StateError) as caught:
        StateStore.open(state)
    assert "newer" in caught.value.message and caught.value.hint
    assert (state / DB_NAME).read_bytes() == before
    assert not list(state.glob("*damaged*"))


def test_errors_are_ainlp_errors_never_sqlite3(state: Path) -> None:
    state.mkdir(parents=True)
    (state / DB_NAME).mkdir()  # a folder where the database should be
    with pytest.raises(AinlpError) as caught:
        StateStore.open(state)
    assert not isinstance(caught.value, sqlite3.Error)


def test_import_of_the_store_loads_no_pydantic(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys, ainlp.core.state\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert json.loads(done.stdout.replace("'", '"')) == []
