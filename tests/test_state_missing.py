"""An environment the state database knows whose folder is gone is reported "missing"."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from ainlp.core.discovery import EnvState, discover
from ainlp.core.discovery.snapshot import fresh_document
from ainlp.core.state import StateStore, remember_discovered
from ainlp.core.world import World
from conftest import ainlp_command, make_venv, make_world


def _fresh(world: World) -> str | None:
    return fresh_document(
        str(world.state_dir),
        env=world.env,
        cwd=str(world.cwd),
        home=str(world.home),
        root=str(world.root),
        platform=world.platform,
        now=world.clock(),
    )


def test_a_remembered_venv_whose_folder_went_is_missing(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    venv = make_venv(world.home / ".virtualenvs" / "gone")
    first = discover(world)
    (seen,) = [e for e in first.environments if e.prefix == venv.resolve()]
    assert remember_discovered(world, first) >= 1
    assert remember_discovered(world, first) == 0  # nothing new: state.db is left alone
    shutil.rmtree(venv)

    inventory = discover(world)
    (missing,) = [e for e in inventory.environments if e.prefix == venv.resolve()]
    assert missing.state is EnvState.MISSING
    assert (missing.id, missing.kind, missing.name) == (seen.id, seen.kind, "gone")
    assert [p.id for p in missing.problems] == ["env.missing"]
    assert "ainlp cleanup" in missing.problems[0].hint
    assert inventory.summary["missing"] == 1
    assert inventory.to_json()["summary"]["missing"] == 1
    assert missing.to_json()["state"] == "missing"

    # remembering again keeps it known (a missing record is never re-recorded as present)
    remember_discovered(world, inventory)
    with StateStore.open(world.state_dir) as store:
        assert str(venv.resolve()) in {e.prefix for e in store.known_environments()}
        store.forget_environment(str(venv.resolve()))
    assert not [e for e in discover(world).environments if e.state is EnvState.MISSING]


def test_the_warm_snapshot_follows_state_db(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    venv = make_venv(world.home / ".virtualenvs" / "gone")
    remember_discovered(world, discover(world))
    assert _fresh(world) is None  # state.db appeared after the snapshot: stale
    inventory = discover(world)
    assert _fresh(world) is not None
    assert remember_discovered(world, inventory) == 0
    assert _fresh(world) is not None  # a store opened and closed without writes moves nothing

    shutil.rmtree(venv)
    assert _fresh(world) is None
    discover(world)
    document = _fresh(world)
    assert document is not None and '"state": "missing"' in document

    with StateStore.open(world.state_dir) as store:
        store.forget_environment(str(venv.resolve()))
    assert _fresh(world) is None  # forgotten: the snapshot's "missing" must not be served
    discover(world)
    document = _fresh(world)
    assert document is not None and 'missing"' not in document.split('"summary"')[0]


def test_a_damaged_state_db_gives_no_missing_records_and_no_error(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    world.state_dir.mkdir(parents=True)
    (world.state_dir / "state.db").write_bytes(b"garbage" * 100)
    assert discover(world).summary["missing"] == 0


def _modules_after_discovery(tmp_path: Path, state: Path) -> set[str]:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from ainlp.core.world import World\n"
        "from ainlp.core.discovery import discover\n"
        f"home = Path({str(tmp_path / 'home')!r})\n"
        f"world = World(root=Path({str(tmp_path / 'root')!r}), home=home, cwd=home,\n"
        f"              env={{'HOME': str(home), 'PATH': '', 'AINLP_HOME': {str(state)!r}}})\n"
        "discover(world)\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    return set(done.stdout.split())


def test_discovery_reads_state_db_without_pydantic_and_without_sqlite3_when_absent(
    tmp_path: Path,
) -> None:
    for folder in ("home", "root"):
        (tmp_path / folder).mkdir()
    state = tmp_path / "state"
    without = _modules_after_discovery(tmp_path, state)
    assert "sqlite3" not in without and "pydantic" not in without
    StateStore.open(state).close()
    present = _modules_after_discovery(tmp_path, state)
    assert "sqlite3" in present and "pydantic" not in present


def test_ainlp_find_json_reports_missing_warm_and_cold(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    venv = make_venv(world.home / ".virtualenvs" / "gone")
    remember_discovered(world, discover(world))
    shutil.rmtree(venv)
    docs = []
    for _ in range(2):  # cold (rediscovers), then warm (the snapshot)
        done = subprocess.run(
            [ainlp_command(), "find", "--json"],
            capture_output=True,
            text=True,
            env=dict(world.env),
            cwd=world.cwd,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        docs.append(json.loads(done.stdout))
    assert [d["cache"] for d in docs][1] == "warm"
    for doc in docs:
        (record,) = [e for e in doc["environments"] if e["prefix"] == str(venv.resolve())]
        assert record["state"] == "missing"
        assert [p["id"] for p in record["problems"]] == ["env.missing"]
        assert doc["summary"]["missing"] == 1


def test_remembering_again_opens_nothing_until_something_changes(tmp_path: Path) -> None:
    import ainlp.core.state.discovered as discovered
    from conftest import make_venv, make_world

    make_venv(tmp_path / "home" / ".virtualenvs" / "one")
    world = make_world(tmp_path)
    inventory = discover(world, refresh=True)
    assert remember_discovered(world, inventory) == 1
    mark = world.state_dir / discovered.FINGERPRINT
    assert mark.is_file()
    db = world.state_dir / "state.db"
    before = db.stat().st_mtime_ns
    assert remember_discovered(world, inventory) == 0  # same environments: the mark says so
    assert db.stat().st_mtime_ns == before
    for name in ("state.db", "state.db-wal", "state.db-shm"):
        (world.state_dir / name).unlink(missing_ok=True)  # a new database: the mark is stale
    assert remember_discovered(world, inventory) == 1
    with StateStore.open(world.state_dir) as store:
        assert [e.prefix for e in store.known_environments()] == [
            str(tmp_path / "home" / ".virtualenvs" / "one")]
