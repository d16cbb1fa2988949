"""Backups, restore, use, create, history and undo through the public api (and the CLI once),
with real venvs holding test wheels; uv and pip are kept away from the user's config."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ainlp.core.discovery.resolve import classify
from ainlp.core.envsnap import capture
from ainlp.core.errors import AinlpError, BadInput
from ainlp.core.world import World

import ainlp
from tests.conftest import make_world, real_pythons
from tests.wheelhouse import installer_env, sh, uv_binary, write_dist_info, write_wheels

PINS = [("alpha", "1.0"), ("beta-pkg", "2.1.0")]
PYTHON = real_pythons()[0]


def project(tmp_path: Path) -> tuple[World, Path]:
    """A world whose cwd is a project with a venv (.venv) holding PINS."""
    env = installer_env(tmp_path)
    env["PATH"] = f"{PYTHON.parent}{os.pathsep}{env['PATH']}"
    wheels = tmp_path / "wheels"
    write_wheels(wheels, PINS)
    proj = tmp_path / "home" / "proj"
    proj.mkdir(parents=True)
    prefix = proj / ".venv"
    sh([uv_binary(), "venv", "--no-project", "--python", PYTHON, prefix], env)
    sh([uv_binary(), "pip", "install", "--python", prefix / "bin" / "python", "--no-index",
        "--find-links", wheels, *(f"{n}=={v}" for n, v in PINS)], env)
    return make_world(tmp_path, env=env, cwd=proj), prefix


def dists(world: World, prefix: Path) -> set[tuple[str, str]]:
    return {(p.canonical_name, p.version)
            for p in capture(world, classify(prefix, "test")).distributions}


def site_of(prefix: Path) -> Path:
    return next((prefix / "lib").glob("python3.*/site-packages"))


def test_backup_list_restore_and_undo_the_restore(tmp_path: Path) -> None:
    world, prefix = project(tmp_path)
    before = dists(world, prefix)
    done = ainlp.backup(str(prefix), with_wheels=True, world=world)
    assert done.exit_code == 0, done.messages
    backup_id = done.data["snapshot"]
    assert isinstance(backup_id, str) and done.data["environments"] == 1
    assert list((world.state_dir / "backups" / backup_id / "wheels").glob("*.whl"))
    listed = ainlp.backups(world=world).data["snapshots"]
    assert isinstance(listed, list)
    assert [(s["id"], s["environments"], s["reason"]) for s in listed] == [
        (backup_id, 1, "manual")]

    shutil.rmtree(prefix)
    plan = ainlp.restore(world=world)  # no apply: the plan only, nothing changes
    assert plan.exit_code == 0 and plan.data["applied"] == [] and not prefix.exists()
    steps = plan.data["plan"]["steps"]  # type: ignore[index]
    assert [s["touches"] for s in steps] == [[str(prefix)]]
    assert "nothing was applied" in str(plan.data["summary"])

    applied = ainlp.restore(backup_id, apply=True, world=world)
    assert applied.exit_code == 0, applied.data
    assert applied.data["applied"] == ["s1"] and applied.data["failed"] == []
    assert dists(world, prefix) == before

    events = ainlp.history(world=world).data["events"]
    assert isinstance(events, list)
    assert [e["action"] for e in events] == ["restore", "backup"]
    undone = ainlp.undo(apply=True, world=world)
    assert undone.exit_code == 0, undone.data
    assert not prefix.exists()  # the recreated folder went to the trash
    assert ainlp.history(world=world).data["events"][0]["undone"] is True  # type: ignore[index]


def test_restore_over_an_existing_env_trashes_it_and_undo_brings_it_back(
        tmp_path: Path) -> None:
    world, prefix = project(tmp_path)
    original = dists(world, prefix)
    backup_id = ainlp.backup(str(prefix), with_wheels=True, world=world).data["snapshot"]
    write_dist_info(site_of(prefix), "extra", "9.0")
    assert ("extra", "9.0") in dists(world, prefix)

    diffed = ainlp.backups(diff=("latest", "latest"), world=world).data
    assert diffed == {"added": [], "removed": [], "changed": []}
    plan = ainlp.restore(str(backup_id), world=world)
    assert "1 to remove" in plan.data["plan"]["steps"][0]["does"]  # type: ignore[index]

    done = ainlp.restore(str(backup_id), apply=True, world=world)
    assert done.exit_code == 0, done.data
    assert isinstance(done.data["snapshot"], str)  # a backup taken first
    assert dists(world, prefix) == original
    later = ainlp.backups(diff=(str(backup_id), str(done.data["snapshot"])), world=world).data
    assert later == {"added": ["extra"], "removed": [], "changed": []}

    assert ainlp.undo(apply=True, world=world).exit_code == 0
    assert ("extra", "9.0") in dists(world, prefix)  # the old folder is back


def test_restore_from_a_bad_file_names_it(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    bad = tmp_path / "snap.json"
    bad.write_text('{"format": 1}')
    with pytest.raises(BadInput) as caught:
        ainlp.restore(str(bad), world=world)
    assert str(bad) in caught.value.message
    with pytest.raises(AinlpError) as none:
        ainlp.restore("latest", world=world)  # no backup yet: the action fails (exit 1)
    assert none.value.exit_code == 1


def test_use_writes_vscode_settings_and_undo_restores_the_bytes(tmp_path: Path) -> None:
    world, prefix = project(tmp_path)
    settings = world.cwd / ".vscode" / "settings.json"
    settings.parent.mkdir()
    old = b'{\n    // mine\n    "editor.tabSize": 2,\n}\n'
    settings.write_bytes(old)

    plan = ainlp.use(str(prefix), world=world)
    assert plan.data["applied"] == [] and settings.read_bytes() == old
    done = ainlp.use(str(prefix), apply=True, world=world)
    assert done.exit_code == 0, done.messages
    assert "python.defaultInterpreterPath" in settings.read_text()
    shown = ainlp.use(world=world).data
    assert shown["source"] == "state" and shown["active"] == str(prefix)

    assert ainlp.undo(world=world).data["applied"] == []  # a plan first
    assert ainlp.undo(apply=True, world=world).exit_code == 0
    assert settings.read_bytes() == old
    assert ainlp.use(world=world).data["source"] != "state"


def test_create_then_undo(tmp_path: Path) -> None:
    env = {**installer_env(tmp_path), "PATH": f"{PYTHON.parent}{os.pathsep}/usr/bin:/bin"}
    world = make_world(tmp_path, env=env)
    target = tmp_path / "home" / "fresh"
    plan = ainlp.create(str(target), world=world)
    assert plan.data["applied"] == [] and not target.exists()
    done = ainlp.create(str(target), apply=True, world=world)
    assert done.exit_code == 0, done.data
    assert (target / "bin" / "python").exists()
    with pytest.raises(BadInput):
        ainlp.create(str(target), world=world)  # an existing folder is refused
    assert ainlp.undo(apply=True, world=world).exit_code == 0
    assert not target.exists()
    nothing = ainlp.undo(apply=True, world=world)
    assert nothing.exit_code == 1 and "nothing to undo" in nothing.messages[0]


def test_cli_backup_backups_and_history(tmp_path: Path) -> None:
    world, prefix = project(tmp_path)
    env = {**os.environ, **world.env, "PATH": os.environ.get("PATH", "")}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "ainlp", *args], capture_output=True,
                              text=True, env=env, cwd=world.cwd, timeout=60,
                              stdin=subprocess.DEVNULL)

    out = cli("backup", str(prefix), "--json")
    assert out.returncode == 0, out.stderr
    made = json.loads(out.stdout)
    listed = json.loads(cli("backups", "--json").stdout)
    assert [s["id"] for s in listed["snapshots"]] == [made["snapshot"]]
    assert set(listed["snapshots"][0]) == {"id", "created", "target", "environments", "reason"}
    history = json.loads(cli("history", "--json").stdout)
    assert set(history["events"][0]) == {"id", "at", "action", "target", "snapshot", "undone"}
    restore = cli("restore", "--json")  # no --yes and no terminal: the plan, exit 0
    assert restore.returncode == 0, restore.stderr
    assert json.loads(restore.stdout)["applied"] == []
