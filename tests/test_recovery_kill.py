"""A fix killed in the middle (SIGKILL at a fixed point of its transaction) leaves a journal
entry that `ainlp fix` finishes or rolls back: nothing is lost either way."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from ainlp.core.recovery import KILL_VARIABLE
from ainlp.core.state import StateStore
from ainlp.core.world import World

import ainlp
from tests.test_recovery_support import base_gone_world, finding_ids, requirement_world, runs

CHILD = """
import json, sys
from pathlib import Path
import ainlp
from ainlp.core.process import run_process
from ainlp.core.world import World
doc = json.loads(sys.argv[1])
world = World(root=Path(doc["root"]), home=Path(doc["home"]), env=doc["env"],
              cwd=Path(doc["cwd"]), run=run_process, probe_timeout=2.0)
ainlp.fix(world=world, apply=True)
"""


def fix_killed_at(world: World, point: str) -> None:
    doc = {"root": str(world.root), "home": str(world.home), "cwd": str(world.cwd),
           "env": {**world.env, KILL_VARIABLE: point}}
    done = subprocess.run([sys.executable, "-c", CHILD, json.dumps(doc)], cwd="/",
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PYTHONPATH": ""})
    assert done.returncode == -signal.SIGKILL, done.stderr


def unfinished(world: World) -> int:
    with StateStore.open(world.state_dir) as store:
        return len(store.unfinished_changes())


def test_killed_after_the_rebuild_the_next_fix_completes_it(tmp_path: Path) -> None:
    world, prefix = base_gone_world(tmp_path)
    fix_killed_at(world, "after-act")
    assert unfinished(world) == 1 and runs(prefix)  # rebuilt, never verified nor recorded
    assert "state.interrupted-change" in finding_ids(world)
    planned = ainlp.fix(world=world)
    (step,) = [s for s in planned.data["plan"]["steps"] if not s["blocked"]]  # type: ignore[index]
    assert step["strategy"] == "resume-change"
    result = ainlp.fix(world=world, apply=True)
    assert result.data["failed"] == [] and result.exit_code == 0, result.messages
    assert unfinished(world) == 0 and runs(prefix)
    assert "state.interrupted-change" not in finding_ids(world)
    (event,) = ainlp.history(world=world).data["events"]  # type: ignore[misc]
    assert event["action"] == "fix" and event["target"] == str(prefix)
    assert ainlp.undo(apply=True, world=world).exit_code == 0  # the old folder comes back
    assert (prefix / "pyvenv.cfg").is_file() and not runs(prefix)


def test_killed_before_acting_the_next_fix_rolls_back_then_repairs(tmp_path: Path) -> None:
    world, prefix = base_gone_world(tmp_path)
    cfg = (prefix / "pyvenv.cfg").read_text()
    fix_killed_at(world, "before-act")
    assert unfinished(world) == 1 and (prefix / "pyvenv.cfg").read_text() == cfg
    result = ainlp.fix(world=world, apply=True)
    assert result.data["failed"] == [], result.messages
    assert any("rolled back the interrupted" in m for m in result.messages)
    assert unfinished(world) == 0 and runs(prefix)  # the rebuild step ran after it


@pytest.mark.parametrize("point", ["after-act"])
def test_killed_install_is_completed(tmp_path: Path, point: str) -> None:
    world, prefix = requirement_world(tmp_path)
    fix_killed_at(world, point)
    assert unfinished(world) == 1
    result = ainlp.fix(world=world, apply=True)
    assert result.data["failed"] == [] and result.exit_code == 0, result.messages
    assert unfinished(world) == 0 and runs(prefix)


def test_a_change_whose_process_still_runs_is_not_interrupted(tmp_path: Path) -> None:
    world, _ = requirement_world(tmp_path)
    with StateStore.open(world.state_dir) as store:
        store.begin_change("fix", json.dumps({"pid": os.getpid(), "step": {}}))
    assert "state.interrupted-change" not in finding_ids(world)
    with StateStore.open(world.state_dir) as store:
        store.begin_change("fix", json.dumps({"pid": 2 ** 22 + 12345, "step": {}}))
    assert "state.interrupted-change" in finding_ids(world)
    planned = ainlp.fix(world=world)
    blocked = [s for s in planned.data["plan"]["steps"]  # type: ignore[index]
               if s["strategy"] == "resume-change"]
    assert blocked and "does not say what it did" in str(blocked[0]["blocked"])
