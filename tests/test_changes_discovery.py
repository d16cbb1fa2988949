"""Locators never list the trash: venvs moved there vanish from discovery wherever we stand."""

from __future__ import annotations

from pathlib import Path

import pytest
from ainlp.core.changes import move_to_trash, state_trash
from ainlp.core.discovery import discover
from ainlp.core.world import World
from conftest import make_venv, make_world


def listed(world: World) -> list[Path]:
    return [record.prefix for record in discover(world).environments]


def assert_trash_unlisted(world: World, trash: Path, places: list[Path]) -> None:
    for cwd in places:
        seen = World(root=world.root, home=world.home, env=world.env, cwd=cwd)
        prefixes = listed(seen)
        assert not [p for p in prefixes if p.is_relative_to(trash)], f"listed from {cwd}"


@pytest.mark.parametrize("state", ["default", "ainlp-home"])
def test_trashed_venvs_are_not_discovered(tmp_path: Path, state: str) -> None:
    project = tmp_path / "home" / "proj"
    world = make_world(tmp_path, cwd=project)
    if state == "default":
        world = world.with_env(AINLP_HOME=None, XDG_DATA_HOME=None)
        assert world.state_dir == world.home / ".local" / "share" / "ainlp"
    else:
        assert world.state_dir == tmp_path / "state"
    in_project = make_venv(project / ".venv")
    in_workon = make_venv(world.home / ".virtualenvs" / "work")
    active = world.with_env(VIRTUAL_ENV=str(in_project),
                            PATH=f"{in_project / 'bin'}:{in_workon / 'bin'}")
    assert {in_project, in_workon} <= set(listed(active))

    entries = [move_to_trash(world, in_project), move_to_trash(world, in_workon)]
    trash = state_trash(world)
    assert all(e.trashed.parent == trash for e in entries)

    prefixes = listed(active)
    assert in_project not in prefixes and in_workon not in prefixes
    places = [project, world.home, trash, world.state_dir, *(e.trashed for e in entries)]
    assert_trash_unlisted(active, trash, places)
