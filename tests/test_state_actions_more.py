"""The corners of the state actions: `use --global/--best/--pin`, a restore whose rebuild fails,
`restore --context-only`, pruning automatic backups, a damaged state.db said on stderr."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from ainlp.core.state import StateStore
from ainlp.core.world import World
from conftest import make_world, real_pythons
from test_state_actions import PINS, project, site_of

import ainlp


def fake_pyenv(tmp_path: Path, version: str = "3.12.1") -> Path:
    """A pyenv root whose one version's python is a link to a real interpreter of the machine."""
    real = next((p for p in real_pythons() if p.parent.parent.name == version), real_pythons()[0])
    version = real.parent.parent.name
    bin_dir = tmp_path / "pyenv" / "versions" / version / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python3").symlink_to(real.resolve())
    (bin_dir / "python").symlink_to("python3")
    return tmp_path / "pyenv"


def test_use_global_writes_pyenvs_version_file_and_undo_removes_it(tmp_path: Path) -> None:
    root = fake_pyenv(tmp_path)
    world = make_world(tmp_path, env={"PYENV_ROOT": str(root)})
    prefix = next(root.glob("versions/*"))
    plan = ainlp.use(str(prefix), scope="global", world=world)
    assert plan.data["applied"] == [] and not (root / "version").exists()
    done = ainlp.use(str(prefix), scope="global", apply=True, world=world)
    assert done.exit_code == 0
    assert (root / "version").read_text() == f"{prefix.name}\n"
    with StateStore.open(world.state_dir) as store:
        chosen = store.global_active()
    assert chosen is not None and chosen.prefix == str(prefix)
    ainlp.undo(apply=True, world=world)
    assert not (root / "version").exists()
    with StateStore.open(world.state_dir) as store:
        assert store.global_active() is None


def test_use_pin_writes_python_version_and_undo_brings_the_old_bytes_back(
        tmp_path: Path) -> None:
    world, prefix = project(tmp_path)
    pinned = world.cwd / ".python-version"
    pinned.write_bytes(b"3.9.1  # an old choice\n")
    ainlp.use(str(prefix), pin=True, apply=True, world=world)
    assert pinned.read_text().split()[0].startswith("3.")
    assert pinned.read_bytes() != b"3.9.1  # an old choice\n"
    ainlp.undo(apply=True, world=world)
    assert pinned.read_bytes() == b"3.9.1  # an old choice\n"


def test_use_best_ranks_and_applies_only_when_asked(tmp_path: Path) -> None:
    world, prefix = project(tmp_path)
    (world.cwd / "requirements.txt").write_text("".join(f"{n}=={v}\n" for n, v in PINS))
    shown = ainlp.use(best=True, world=world)
    ranking = shown.data["ranking"]
    assert isinstance(ranking, list) and ranking
    assert ranking[0]["prefix"] == str(prefix) and ranking[0]["reasons"]
    assert shown.data["applied"] == []
    with StateStore.open(world.state_dir) as store:
        assert store.active_for(str(world.cwd)) is None
    ainlp.use(best=True, apply=True, world=world)
    with StateStore.open(world.state_dir) as store:
        chosen = store.active_for(str(world.cwd))
    assert chosen is not None and chosen.prefix == str(prefix)


def test_a_restore_whose_rebuild_fails_puts_the_old_folder_back(tmp_path: Path) -> None:
    world, prefix = project(tmp_path)
    ainlp.backup(str(prefix), with_wheels=True, world=world)
    wheels = next((world.state_dir / "backups").glob("*/wheels"))
    for wheel in wheels.glob("beta*"):
        wheel.write_bytes(b"not a zip")  # the rebuild will fail on this distribution
    marker = site_of(prefix) / "kept.txt"
    marker.write_text("the old environment")
    done = ainlp.restore(apply=True, world=world)
    assert done.exit_code == 1 and done.data["applied"] == []
    failed = done.data["failed"]
    assert isinstance(failed, list) and len(failed) == 1
    assert marker.read_text() == "the old environment"  # the very same folder, back


def test_restore_context_only_puts_back_the_active_choices(tmp_path: Path) -> None:
    world, prefix = project(tmp_path)
    ainlp.use(str(prefix), apply=True, world=world)
    ainlp.backup(str(prefix), world=world)
    with StateStore.open(world.state_dir) as store:
        store.clear_active(scope="project", project=str(world.cwd))
    plan = ainlp.restore(context_only=True, world=world)
    assert plan.data["applied"] == []
    ainlp.restore(context_only=True, apply=True, world=world)
    with StateStore.open(world.state_dir) as store:
        chosen = store.active_for(str(world.cwd))
    assert chosen is not None and chosen.prefix == str(prefix)
    assert prefix.is_dir()  # no environment was touched


def test_automatic_backups_are_pruned_manual_ones_kept(tmp_path: Path) -> None:
    world, prefix = project(tmp_path)
    manual = ainlp.backup(str(prefix), with_wheels=True, world=world).data["snapshot"]
    assert isinstance(manual, str)
    with StateStore.open(world.state_dir) as store:
        store.set_setting("keep_automatic_backups", 1)
    for _ in range(3):
        assert ainlp.restore(manual, apply=True, world=world).exit_code == 0
    listed = ainlp.backups(world=world).data["snapshots"]
    assert isinstance(listed, list)
    reasons = [s["reason"] for s in listed]
    assert reasons.count("manual") == 1 and reasons.count("before restore") == 1


def test_a_damaged_state_db_is_said_on_stderr_and_the_command_goes_on(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    state = tmp_path / "state"
    env = {**os.environ, "HOME": str(home), "AINLP_HOME": str(state)}
    run = [sys.executable, "-m", "ainlp", "history", "--json"]
    first = subprocess.run(run, env=env, cwd=home, capture_output=True, text=True, timeout=60)
    assert first.returncode == 0, first.stderr
    (state / "state.db").write_bytes(b"this is not a database" * 100)
    again = subprocess.run(run, env=env, cwd=home, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0 and json.loads(again.stdout) == {"events": []}
    assert "state.db" in again.stderr
    assert list(state.glob("state.db.damaged-*"))  # moved aside, never deleted


def test_create_takes_python_as_cli_md_spells_it(tmp_path: Path) -> None:
    world: World = make_world(tmp_path)
    home = tmp_path / "home"
    env = {**os.environ, "HOME": str(home), "AINLP_HOME": str(world.state_dir),
           "PATH": f"{real_pythons()[0].parent}:/usr/bin:/bin"}
    minor = ".".join(real_pythons()[0].parent.parent.name.split(".")[:2])
    done = subprocess.run([sys.executable, "-m", "ainlp", "create", str(home / "made"),
                           "--python", minor, "--json"], env=env, cwd=home,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["applied"] == [] and not (home / "made").exists()  # --json without --yes: plan
    shutil.rmtree(home / "made", ignore_errors=True)


def test_the_restore_plan_names_the_trash_the_old_folder_goes_to(tmp_path: Path) -> None:
    world, prefix = project(tmp_path)
    ainlp.backup(str(prefix), with_wheels=True, world=world)
    plan = ainlp.restore(world=world)
    steps = plan.data["plan"]["steps"]  # type: ignore[index]
    assert steps[0]["touches"] == [str(prefix), str(world.state_dir / "trash")]
