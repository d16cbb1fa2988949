"""The seed's diagnose_python_issues through the api: exit 0 on a healthy world; on a broken
one its RECOVERY repairs, the re-check finds no error, and the command counts as recovered."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from ainlp.core.world import World

import ainlp
from tests.conftest import REPO
from tests.test_recovery_support import (
    base_gone_world,
    healthy_world,
    requirement_world,
    runs,
)

SEED = (REPO / "examples" / "seed.ainlp").read_text().split("\nRUN ", 1)[0]
SCRIPT = SEED + "\nRUN diagnose_python_issues\n"


def statement(world: World, apply: bool) -> dict[str, object]:
    done = ainlp.run_script(SCRIPT, apply=apply, world=world)
    doc = done.to_json()
    result = doc.get("result") or doc
    statements = result["statements"]  # type: ignore[index]
    (only,) = statements
    return dict(only)


def test_a_healthy_world_exits_0(tmp_path: Path) -> None:
    world, _ = healthy_world(tmp_path)
    done = ainlp.run_script(SCRIPT, apply=True, world=world)
    assert done.exit_code == 0
    only = statement(world, apply=True)
    assert only["recovered"] is False and only["problems_found"] is False
    assert [s["status"] for s in only["steps"]] == ["ok", "skipped", "ok"]  # type: ignore[union-attr]


@pytest.mark.parametrize("make", [requirement_world, base_gone_world],
                         ids=["requirement-missing", "base-gone"])
def test_a_broken_world_is_recovered(tmp_path: Path,
                                     make: Callable[[Path], tuple[World, Path]]) -> None:
    world, prefix = make(tmp_path)
    assert not runs(prefix)
    done = ainlp.run_script(SCRIPT, apply=True, world=world)
    assert done.exit_code == 0, done.to_json()
    assert runs(prefix)
    again = statement(world, apply=True)  # healthy now: RECOVERY is skipped
    assert again["exit_code"] == 0


def test_recovered_is_in_the_statement(tmp_path: Path) -> None:
    world, _ = requirement_world(tmp_path)
    only = statement(world, apply=True)
    assert only["recovered"] is True and only["problems_found"] is False
    assert only["exit_code"] == 0
    clauses = [(s["clause"], s["status"]) for s in only["steps"]]  # type: ignore[union-attr]
    assert clauses[:2] == [("ACTION", "problems"), ("RECOVERY", "ok")]


def test_without_apply_nothing_is_repaired(tmp_path: Path) -> None:
    world, prefix = requirement_world(tmp_path)
    done = ainlp.run_script(SCRIPT, apply=False, world=world)
    assert done.exit_code == 0 and not runs(prefix)  # a plan only (cli.md)
