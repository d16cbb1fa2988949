"""`ainlp packages [TARGET] [--check]`: target selection, the JSON document, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ainlp.actions.registry import ActionContext, get_action
from ainlp.core.discovery.records import EnvState, Inventory
from ainlp.core.discovery.select import active_environment, select_environments
from ainlp.core.errors import BadInput

from ainlp.cli import main
from tests.conftest import make_world, write
from tests.test_packages_worlds import make_dist, make_venv


def _project(tmp_path: Path) -> tuple[Path, Path]:
    project = tmp_path / "home" / "proj"
    prefix = project / ".venv"
    site = make_venv(prefix)
    make_dist(site, "app", "1.0", requires=["lib>=2", "absent"])
    make_dist(site, "lib", "1.0")
    (project / "src").mkdir(parents=True)
    return project, prefix


def test_project_target_from_a_subfolder(tmp_path: Path) -> None:
    project, prefix = _project(tmp_path)
    world = make_world(tmp_path, cwd=project / "src")
    empty = Inventory((), 0.0, "off")
    (record,) = select_environments(world, empty, "project")
    assert record.prefix == prefix.resolve()
    with pytest.raises(BadInput):
        select_environments(make_world(tmp_path), empty, "project")


def test_names_paths_and_unknown_targets(tmp_path: Path) -> None:
    _, prefix = _project(tmp_path)
    world = make_world(tmp_path)
    empty = Inventory((), 0.0, "off")
    by_path = select_environments(world, empty, str(prefix / "bin" / "python"))
    assert [r.prefix for r in by_path] == [prefix.resolve()]
    assert [r.prefix for r in select_environments(world, empty, "~/proj/.venv")] == [
        prefix.resolve()]
    inventory = Inventory(by_path, 0.0, "off")
    assert select_environments(world, inventory, ".venv") == by_path
    with pytest.raises(BadInput) as info:
        select_environments(world, inventory, "nothing-like-it")
    assert info.value.hint
    with pytest.raises(BadInput):
        select_environments(world, empty, "/no/such/place")


def test_active_environment_is_virtual_env_then_path(tmp_path: Path) -> None:
    _, prefix = _project(tmp_path)
    world = make_world(tmp_path, env={"VIRTUAL_ENV": str(prefix)})
    found = active_environment(world)
    assert found is not None and found.prefix == prefix.resolve()
    bare = tmp_path / "root" / "opt" / "py"
    write(bare / "bin" / "python3", "#!/bin/sh\n", mode=0o755)
    on_path = active_environment(make_world(tmp_path, path=[bare / "bin"]))
    assert on_path is not None and on_path.prefix == bare.resolve()
    assert active_environment(make_world(tmp_path)) is None


def test_list_and_check_documents(tmp_path: Path) -> None:
    project, prefix = _project(tmp_path)
    ctx = ActionContext(world=make_world(tmp_path, cwd=project))
    listed = get_action("list_packages")(ctx, {"target": "project"})
    assert listed.exit_code == 0
    doc = listed.data
    assert [p["name"] for p in doc["packages"]] == ["app", "lib"]
    assert set(doc["packages"][0]) >= {"name", "version", "installer", "editable", "direct_url",
                                       "size", "requires"}
    assert doc["conflicts"] is None and doc["checked"] is False  # not judged without --check
    checked = get_action("list_packages")(ctx, {"target": "project", "check": True})
    assert checked.exit_code == 1
    assert [(c["package"], c["dependency"], c["problem"], c["installed"])
            for c in checked.data["conflicts"]] == [("app", "absent", "missing", None),
                                                    ("app", "lib", "version", "1.0")]
    assert checked.data["unsupported"] == [] and checked.data["unparsable"] == []
    assert get_action("check_packages")(ctx, {"target": str(prefix)}).exit_code == 1


def test_cli_json_and_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, prefix = _project(tmp_path)
    assert main(["packages", str(prefix), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["environment"]["prefix"] == str(prefix.resolve())
    assert main(["packages", str(prefix), "--check", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["checked"] is True
    assert main(["packages", str(tmp_path / "nowhere"), "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["error"]["hint"]


def test_cli_rich_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, prefix = _project(tmp_path)
    assert main(["packages", str(prefix)]) == 0
    out = capsys.readouterr().out
    assert "app" in out and "lib" in out
    assert main(["packages", str(prefix), "--check"]) == 1
    out = capsys.readouterr().out
    assert "absent" in out and "2 broken requirements" in out


def test_all_includes_missing_records_and_discovers_lazily(tmp_path: Path) -> None:
    from dataclasses import replace

    _, prefix = _project(tmp_path)
    world = make_world(tmp_path)
    (present,) = select_environments(world, Inventory((), 0.0, "off"), str(prefix))
    gone = replace(present, prefix=tmp_path / "gone", state=EnvState.MISSING)
    inventory = Inventory((present, gone), 0.0, "off")
    calls: list[int] = []

    def discover_once() -> Inventory:
        calls.append(1)
        return inventory

    assert select_environments(world, discover_once, str(prefix)) == (present,)
    assert calls == []  # a path needs no discovery
    assert select_environments(world, discover_once, "all") == (present, gone)
    assert calls == [1]
