"""`ainlp fix`: each strategy in a world that needs it and one where it does nothing; plans
first, applies in transactions, verifies, rolls back, and `ainlp undo` reverts it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from ainlp.core.changes import entries
from ainlp.core.versions import PyVersion

import ainlp
from tests.test_recovery_support import (
    base_gone_world,
    finding_ids,
    healthy_world,
    python_of,
    requirement_world,
    runs,
    site_of,
    world_for,
)


def steps(result: ainlp.Result) -> list[dict[str, object]]:
    plan = result.data["plan"]
    assert isinstance(plan, dict)
    found = plan["steps"]
    assert isinstance(found, list)
    return found


def runnable(result: ainlp.Result) -> list[dict[str, object]]:
    return [s for s in steps(result) if not s["blocked"]]


# -- plan document ------------------------------------------------------------------------

def test_without_apply_fix_only_plans(tmp_path: Path) -> None:
    world, prefix = requirement_world(tmp_path)
    before = sorted(p.name for p in site_of(prefix).iterdir())
    result = ainlp.fix(world=world)
    assert result.exit_code == 0
    assert set(result.data) >= {"plan", "applied", "failed", "snapshot", "summary"}
    (step,) = runnable(result)
    assert set(step) >= {"id", "does", "fixes", "touches", "undoable"}
    assert step["fixes"] == [{"id": "packages.requirement-missing", "subject": str(prefix)}]
    assert step["touches"] == [str(prefix)] and step["undoable"] is True
    assert "dep>=1.0" in str(step["does"]) and "offline" in str(step["does"])
    assert result.data["applied"] == [] and result.data["snapshot"] is None
    assert sorted(p.name for p in site_of(prefix).iterdir()) == before
    dry = ainlp.fix(world=world, apply=True, dry_run=True)
    assert dry.data["applied"] == [] and not runs(prefix)


def test_a_healthy_world_gets_no_repair(tmp_path: Path) -> None:
    world, _ = healthy_world(tmp_path)
    planned = ainlp.fix(world=world)
    assert runnable(planned) == [] and planned.exit_code == 0
    applied = ainlp.fix(world=world, apply=True)
    assert applied.data["applied"] == [] and applied.data["failed"] == []
    assert applied.exit_code == 0 and applied.data["snapshot"] is None
    assert ainlp.history(world=world).data["events"] == []


# -- install-missing-requirements ---------------------------------------------------------

def test_a_missing_requirement_is_installed_verified_and_undone(tmp_path: Path) -> None:
    world, prefix = requirement_world(tmp_path)
    assert not runs(prefix)
    result = ainlp.fix(world=world, apply=True)
    assert result.data["failed"] == [], result.messages
    assert result.data["applied"] == ["s1"] and result.exit_code == 0
    assert result.data["snapshot"]  # a "before fix" backup
    assert runs(prefix)
    assert "packages.requirement-missing" not in finding_ids(world)
    backups = ainlp.backups(world=world).data["snapshots"]
    assert isinstance(backups, list) and backups[0]["reason"] == "before fix"
    (event,) = ainlp.history(world=world).data["events"]
    assert event["action"] == "fix" and event["target"] == str(prefix)

    undone = ainlp.undo(apply=True, world=world)
    assert undone.exit_code == 0, undone.messages
    assert not runs(prefix)
    assert "packages.requirement-missing" in finding_ids(world)


def test_no_install_into_an_externally_managed_python(tmp_path: Path) -> None:
    from ainlp.core.discovery.records import EnvKind, EnvRecord, EnvState, Inventory
    from ainlp.core.health import CheckContext, get_check
    from ainlp.core.recovery import RepairContext
    from ainlp.core.recovery.strategies import strategy

    from tests.conftest import make_world, write
    from tests.test_packages_worlds import make_dist

    prefix = tmp_path / "usr"
    write(prefix / "lib" / "python3.11" / "os.py")
    write(prefix / "lib" / "python3.11" / "EXTERNALLY-MANAGED", "[externally-managed]\n")
    write(prefix / "bin" / "python3.11", "", mode=0o755)
    site = prefix / "lib" / "python3.11" / "site-packages"
    make_dist(site, "app", "1.0", requires=["dep>=1.0"])
    record = EnvRecord(kind=EnvKind.SYSTEM, prefix=prefix, executable=prefix / "bin/python3.11",
                       version=PyVersion("3.11.2"), state=EnvState.OK, found_by=("test",))
    world = make_world(tmp_path)
    inventory = Inventory((record,), 0.0, "off")
    found = list(get_check("packages.requirement-missing").func(CheckContext(world, inventory)))
    assert found and all(f.fix is None for f in found)
    assert "package manager" in found[0].hint and "venv" in found[0].hint
    doer = strategy("install-missing-requirements")
    assert doer is not None
    step = doer.plan(RepairContext(world, inventory), str(prefix / "bin/python3.11"),
                     found, "s1")
    assert step.blocked is not None and "PEP 668" in step.blocked


# -- rebuild ------------------------------------------------------------------------------

def test_a_venv_whose_base_is_gone_is_rebuilt_on_the_same_minor(tmp_path: Path) -> None:
    world, prefix = base_gone_world(tmp_path)
    assert not runs(prefix)
    assert {"venv.base-missing", "env.dangling-interpreter"} <= finding_ids(world)
    planned = ainlp.fix(world=world)
    (step,) = runnable(planned)
    assert {"id": "venv.base-missing", "subject": str(prefix)} in step["fixes"]  # type: ignore[operator]
    assert "Python 3.12" in str(step["does"]) and step["notes"] == []
    assert runs(prefix) is False

    result = ainlp.fix(world=world, apply=True)
    assert result.data["failed"] == [], result.messages
    assert result.data["applied"] == ["s1"] and result.exit_code == 0
    assert runs(prefix)
    assert not {"venv.base-missing", "env.dangling-interpreter"} & finding_ids(world)
    kept = [e for e in entries(world) if e.original == prefix]
    assert len(kept) == 1 and (kept[0].trashed / "pyvenv.cfg").is_file()  # the old folder

    undone = ainlp.undo(apply=True, world=world)
    assert undone.exit_code == 0, undone.messages
    assert not runs(prefix) and (prefix / "pyvenv.cfg").is_file()  # the old one is back


def test_rebuild_needs_an_interpreter_of_the_same_minor(tmp_path: Path) -> None:
    world, prefix = base_gone_world(tmp_path)
    other = world_for(tmp_path / "other", python_of("3.11"))
    from dataclasses import replace

    world = replace(world, env={**world.env, "PATH": other.env["PATH"]})
    result = ainlp.fix(world=world, apply=True)
    (step,) = [s for s in steps(result) if s["strategy"] == "rebuild"]
    assert step["blocked"] and "no Python 3.12" in str(step["blocked"])
    assert result.data["applied"] == [] and result.exit_code == 1  # the error stays
    assert (prefix / "pyvenv.cfg").is_file() and entries(world) == []


def test_a_rebuild_that_does_not_verify_is_rolled_back(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from ainlp.core.recovery.strategies.rebuild import Rebuild

    world, prefix = base_gone_world(tmp_path)
    cfg = (prefix / "pyvenv.cfg").read_text()
    monkeypatch.setattr(Rebuild, "check", lambda self, rc, step: "a test says no")
    result = ainlp.fix(world=world, apply=True)
    assert result.data["applied"] == []
    assert result.data["failed"] == [{"step": "s1", "error": "a test says no"}]
    assert result.exit_code == 1
    assert (prefix / "pyvenv.cfg").read_text() == cfg and not runs(prefix)  # the old one
    assert ainlp.history(world=world).data["events"] == []
    from ainlp.core.state import StateStore

    with StateStore.open(world.state_dir) as store:
        assert store.unfinished_changes() == []


def test_undistributable_packages_are_named_in_the_plan(tmp_path: Path) -> None:
    world, prefix = base_gone_world(tmp_path)
    os.unlink(site_of(prefix) / "app.py")  # app's files are gone: no wheel can be made
    os.unlink(tmp_path / "wheels" / "app-1.0-py3-none-any.whl")
    planned = ainlp.fix(world=world)
    step = next(s for s in steps(planned) if s["strategy"] == "rebuild")
    assert any("app cannot be rebuilt" in str(n) for n in step["notes"])  # type: ignore[union-attr]


def test_every_fix_a_check_names_is_a_strategy() -> None:
    from ainlp.core.health import checks
    from ainlp.core.recovery import strategy_names
    from ainlp.core.recovery.strategies import strategy

    named = {spec.fix for spec in checks().values() if spec.fix is not None}
    assert named <= set(strategy_names())
    assert all(strategy(name) is not None for name in strategy_names())
    import re

    for spec in checks().values():
        named_first = re.match(r"^`([a-z]+(?:-[a-z]+)+)`", spec.repair)
        if spec.fix is None:  # it says what a person does, naming no strategy of its own
            assert named_first is None, spec.id
        elif named_first is not None:
            assert named_first.group(1) == spec.fix, spec.id
