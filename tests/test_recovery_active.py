"""replace-active: an active choice whose environment vanished gets a replacement, said
with its reason, recorded, and undone by `ainlp undo`."""

from __future__ import annotations

import shutil
from pathlib import Path

from ainlp.core.state import StateStore

import ainlp
from tests.conftest import make_venv
from tests.test_recovery_support import finding_ids, healthy_world, python_of


def test_a_vanished_active_environment_is_replaced(tmp_path: Path) -> None:
    world, prefix = healthy_world(tmp_path)
    project = str(world.cwd)
    other = make_venv(world.cwd / "venv-old", python_of("3.12"))
    with StateStore.open(world.state_dir) as store:
        store.set_active(scope="project", project=project, prefix=str(other), reason="ainlp use")
    assert "env.active-missing" not in finding_ids(world)
    shutil.rmtree(other)
    assert "env.active-missing" in finding_ids(world)

    planned = ainlp.fix(world=world)
    (step,) = [s for s in planned.data["plan"]["steps"]  # type: ignore[index]
               if s["strategy"] == "replace-active"]
    assert str(prefix) in step["does"] and "replaces" in step["does"]
    result = ainlp.fix(world=world, apply=True)
    assert result.data["failed"] == [] and result.exit_code == 0, result.messages
    with StateStore.open(world.state_dir) as store:
        choice = store.active_for(project)
    assert choice is not None and choice.prefix == str(prefix)
    assert "env.active-missing" not in finding_ids(world)

    assert ainlp.undo(apply=True, world=world).exit_code == 0
    with StateStore.open(world.state_dir) as store:
        choice = store.active_for(project)
    assert choice is not None and choice.prefix == str(other)


def test_an_active_environment_that_exists_needs_nothing(tmp_path: Path) -> None:
    world, prefix = healthy_world(tmp_path)
    with StateStore.open(world.state_dir) as store:
        store.set_active(scope="global", project=None, prefix=str(prefix), reason="ainlp use")
    planned = ainlp.fix(world=world)
    assert [s for s in planned.data["plan"]["steps"] if not s["blocked"]] == []  # type: ignore[index]
