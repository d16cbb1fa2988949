"""`ainlp cleanup`: records of gone environments are forgotten; a broken folder goes to the
trash only when it proves to be an environment and only when confirmed; nothing outside it
(through a link) is touched."""

from __future__ import annotations

from pathlib import Path

from ainlp.core.changes import entries
from ainlp.core.state import KnownEnvironment, StateStore
from ainlp.core.world import World

import ainlp
from tests.conftest import write
from tests.test_recovery_support import base_gone_world, healthy_world


def planned(result: ainlp.Result) -> list[dict[str, object]]:
    plan = result.data["plan"]
    assert isinstance(plan, dict)
    return list(plan["steps"])


def known(world: World) -> set[str]:
    with StateStore.open(world.state_dir) as store:
        return {e.prefix for e in store.known_environments()}


def test_a_healthy_world_has_nothing_to_clean(tmp_path: Path) -> None:
    world, prefix = healthy_world(tmp_path)
    result = ainlp.cleanup(world=world, apply=True)
    assert planned(result) == [] and result.exit_code == 0
    assert (prefix / "pyvenv.cfg").is_file() and entries(world) == []


def test_a_record_of_a_gone_environment_is_forgotten(tmp_path: Path) -> None:
    world, _ = healthy_world(tmp_path)
    gone = tmp_path / "home" / ".virtualenvs" / "gone"
    with StateStore.open(world.state_dir) as store:
        store.remember_environments([KnownEnvironment(
            "x1", str(gone), "venv", "gone", "3.12.1", str(gone / "bin/python"),
            "2026-11-24T03:15:00Z")])
    plan = ainlp.cleanup(world=world)
    (step,) = planned(plan)
    assert "forget" in str(step["does"]) and step["undoable"] is False
    assert str(gone) in known(world)  # plan only
    result = ainlp.cleanup(world=world, apply=True)
    assert result.data["applied"] == ["s1"] and result.exit_code == 0, result.messages
    assert str(gone) not in known(world)


def test_a_broken_venv_goes_to_the_trash_only_when_confirmed(tmp_path: Path) -> None:
    world, prefix = base_gone_world(tmp_path)
    outside = write(tmp_path / "outside" / "data.txt", "keep me")
    (prefix / "lib" / "shared").symlink_to(outside.parent)  # a link out of the environment
    plan = ainlp.cleanup(world=world)
    (step,) = planned(plan)
    assert step["touches"][0] == str(prefix) and step["undoable"] is True  # type: ignore[index]
    assert str(world.state_dir / "trash") in step["touches"]  # type: ignore[operator]
    assert (prefix / "pyvenv.cfg").is_file()
    result = ainlp.cleanup(world=world, apply=True)
    assert result.data["applied"] == ["s1"], result.messages
    assert result.data["snapshot"]  # snapshot first
    assert not prefix.exists()
    assert outside.read_text() == "keep me"  # never followed the link
    (entry,) = [e for e in entries(world) if e.original == prefix]
    assert (entry.trashed / "lib" / "shared").is_symlink()
    assert ainlp.undo(apply=True, world=world).exit_code == 0
    assert (prefix / "pyvenv.cfg").is_file()


def test_a_folder_that_is_not_provably_an_environment_is_left_alone(tmp_path: Path) -> None:
    world, prefix = base_gone_world(tmp_path)
    (prefix / "pyvenv.cfg").unlink()  # now nothing proves it is a venv
    result = ainlp.cleanup(world=world, apply=True)
    assert result.data["applied"] == []
    assert all(s["blocked"] for s in planned(result))
    assert (prefix / "bin").is_dir() and entries(world) == []


def test_a_linked_environment_is_not_followed(tmp_path: Path) -> None:
    world, prefix = base_gone_world(tmp_path)
    link = tmp_path / "home" / ".virtualenvs" / "alias"
    link.symlink_to(prefix)
    result = ainlp.cleanup(world=world, target=str(link), apply=True)
    assert link.is_symlink()
    assert all(str(link) != s["touches"][0] for s in planned(result)  # type: ignore[index]
               if s["touches"])
