"""Several processes writing state.db at once: they wait for each other, nothing is lost,
the database stays sound."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from ainlp.core.state import DB_NAME, StateStore

WRITER = r"""
import json, sys, time
from pathlib import Path
from ainlp.core.state import BackupRow, KnownEnvironment, StateStore

state, name, count, go = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
while time.time() < go:  # start together: the point is to collide
    time.sleep(0.001)
ids = []
store = StateStore.open(state)
for i in range(count):
    if i % 10 == 9:  # reopened now and then: opens race with writes too
        store.close()
        store = StateStore.open(state)
    with store.transaction():
        store.add_event(action="write", target=f"{name}-{i}", snapshot=None, changes="{}")
        store.set_setting(f"{name}.{i}", i)
        store.remember_environments([KnownEnvironment(
            f"{name}-{i}", f"/c/{name}/{i}", "venv", None, None, None,
            "2026-11-24T03:15:00Z", None)])
    backup_id = store.new_backup_id()
    store.add_backup(BackupRow(backup_id, "2026-11-24T03:15:00Z", name, "test", 0, "{}"))
    ids.append(backup_id)
store.close()
print(json.dumps(ids))
"""


@pytest.mark.parametrize("writers", [2, 4])
def test_concurrent_writers_lose_nothing(tmp_path: Path, writers: int) -> None:
    state = tmp_path / "state"
    count = 40
    go = time.time() + 1.0
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(state), f"w{n}", str(count), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,  # not the checkout, whose ainlp/ lacks the mapped subpackages
        )
        for n in range(writers)
    ]
    outputs = [proc.communicate(timeout=120) for proc in procs]
    for proc, (_, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
    backup_ids = [i for out, _ in outputs for i in json.loads(out)]
    assert len(set(backup_ids)) == len(backup_ids) == writers * count

    conn = sqlite3.connect(state / DB_NAME)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()
    with StateStore.open(state) as store:
        assert store.recovery is None
        targets = {e.target for e in store.events()}
        envs = {e.id for e in store.known_environments()}
        for n in range(writers):
            for i in range(count):
                assert f"w{n}-{i}" in targets and f"w{n}-{i}" in envs
                assert store.setting(f"w{n}.{i}") == i
        assert {b.id for b in store.backups()} == set(backup_ids)
