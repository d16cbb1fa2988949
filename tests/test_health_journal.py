"""AINLP's own records: an interrupted change and a vanished active environment, each with a
world that triggers it and one that does not (their repairs: tests/test_recovery_*.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from ainlp.core.discovery.records import Inventory
from ainlp.core.health import CheckContext, get_check
from ainlp.core.state import StateStore
from ainlp.core.world import World

from tests.conftest import make_world


def found(world: World, id: str, target: str | None = None) -> list[str]:
    ctx = CheckContext(world, Inventory((), 0.0, "off"), target)
    return [f.subject for f in get_check(id).func(ctx)]


def test_interrupted_change(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    assert found(world, "state.interrupted-change") == []
    assert not (world.state_dir / "state.db").exists()  # the check creates no store
    with StateStore.open(world.state_dir) as store:
        done = store.begin_change("fix", json.dumps({"pid": 2 ** 22 + 7, "step": {}}))
        store.finish_change(done, "done")
        alive = store.begin_change("fix", json.dumps({"pid": os.getpid(), "step": {}}))
    assert found(world, "state.interrupted-change") == []  # finished, or still running
    with StateStore.open(world.state_dir) as store:
        store.finish_change(alive, "rolled-back")
        dead = store.begin_change("fix", json.dumps({"pid": 2 ** 22 + 7, "step": {}}))
    assert found(world, "state.interrupted-change") == [f"change {dead}"]
    assert get_check("state.interrupted-change").fix == "resume-change"


def test_active_missing(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    there = tmp_path / "home" / "env"
    there.mkdir()
    with StateStore.open(world.state_dir) as store:
        store.set_active(scope="global", project=None, prefix=str(there), reason="ainlp use")
        store.set_active(scope="project", project=str(tmp_path / "p"), prefix=str(there),
                         reason="ainlp use")
    assert found(world, "env.active-missing") == []
    with StateStore.open(world.state_dir) as store:
        store.set_active(scope="project", project=str(tmp_path / "p"),
                         prefix=str(tmp_path / "gone"), reason="ainlp use")
    assert found(world, "env.active-missing") == [str(tmp_path / "p")]
    assert found(world, "env.active-missing", target=str(there)) == []  # machine-wide only
    assert get_check("env.active-missing").fix == "replace-active"
