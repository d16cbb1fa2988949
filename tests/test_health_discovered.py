"""Every problem discovery can report has a health check, so doctor shows all of them."""

from __future__ import annotations

import ast
from pathlib import Path

from ainlp.core.discovery import EnvKind, EnvRecord, Inventory, Problem
from ainlp.core.health import run_checks
from ainlp.core.health.registry import checks
from conftest import REPO, make_world


def discovery_problem_ids() -> set[str]:
    ids = set()
    for source in (REPO / "core" / "discovery").rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Problem"
                    and node.args and isinstance(node.args[0], ast.Constant)):
                ids.add(node.args[0].value)
    return ids


def test_every_discovery_problem_has_a_check() -> None:
    ids = discovery_problem_ids()
    assert len(ids) >= 10
    assert ids <= set(checks())


def test_discovered_problems_become_findings(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    records = tuple(
        EnvRecord(kind=EnvKind.UNKNOWN, prefix=tmp_path / name, executable=None,
                  found_by=("test",)).with_problem(Problem(problem, "seen", "do this"))
        for name, problem in [("a", "conda.no-interpreter"), ("b", "venv.cfg-missing"),
                              ("c", "windows.store-stub"), ("d", "windows.registry-stale"),
                              ("e", "macos.xcode-stub"), ("f", "env.interpreter-unusable"),
                              ("g", "venv.base-unreadable")]
    )
    report = run_checks(world, inventory=Inventory(records, 0.0, "off"))
    found = {(f.id, Path(f.subject).name) for f in report.findings if f.subject}
    assert {("conda.no-interpreter", "a"), ("venv.cfg-missing", "b"), ("windows.store-stub", "c"),
            ("windows.registry-stale", "d"), ("macos.xcode-stub", "e"),
            ("env.interpreter-unusable", "f"), ("venv.base-unreadable", "g")} <= found


def test_an_environment_known_and_gone_is_a_missing_finding(tmp_path: Path) -> None:
    from ainlp.core.discovery import discover
    from ainlp.core.state import remember_discovered
    from conftest import make_venv

    prefix = make_venv(tmp_path / "home" / ".virtualenvs" / "gone")
    world = make_world(tmp_path)
    remember_discovered(world, discover(world, refresh=True))
    here = run_checks(world, topic="venv")
    assert "env.missing" not in {f.id for f in here.findings}
    import shutil

    shutil.rmtree(prefix)
    gone = run_checks(world, topic="venv")
    found = [f for f in gone.findings if f.id == "env.missing"]
    assert [f.subject for f in found] == [str(prefix)] and found[0].fix == "cleanup"


def test_unreadable_places_and_stale_environments_txt_lines_are_findings(tmp_path: Path) -> None:
    """(tests/test_hostile_files.py runs the same as an ordinary user, FIFOs included.)"""
    import os

    world = make_world(tmp_path)
    conda = world.home / ".conda"
    conda.mkdir()
    os.mkfifo(conda / "environments.txt")
    report = run_checks(world, topic="conda")
    assert [(f.id, f.subject) for f in report.findings if f.id == "discovery.unreadable"] == [
        ("discovery.unreadable", str(conda / "environments.txt"))]
    (conda / "environments.txt").unlink()
    (conda / "environments.txt").write_text(f"{tmp_path / 'gone'}\n")
    report = run_checks(world, topic="conda")
    assert [(f.id, f.subject) for f in report.findings
            if f.id == "conda.environments-txt-stale"] == [
        ("conda.environments-txt-stale", str(tmp_path / "gone"))]


def test_a_listable_path_folder_is_no_unreadable_dir_finding(tmp_path: Path) -> None:
    """The trigger needs an ordinary user (root lists a mode-000 folder): it is in
    tests/test_hostile_files.py (test_a_mode_000_folder_on_path_is_a_finding)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    world = make_world(tmp_path, path=[folder, tmp_path / "missing"])
    report = run_checks(world, topic="path")
    assert [f for f in report.findings if f.id == "path.unreadable-dir"] == []
