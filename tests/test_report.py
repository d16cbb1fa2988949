"""The diagnostic report: its document, the three renderings, the action and its output file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ainlp.actions.registry import ActionContext, get_action
from ainlp.actions.result import Result
from ainlp.core.discovery.records import EnvKind, EnvRecord, Inventory
from ainlp.core.errors import BadInput
from ainlp.core.health import Finding, Severity
from ainlp.core.report import build_report, home_relative
from ainlp.core.versions import PyVersion
from ainlp.core.world import World

from ainlp.renderers.report_text import render, render_markdown, render_text
from tests.conftest import make_world
from tests.test_packages_worlds import make_dist, make_venv, record_of


def _findings() -> list[dict[str, str | None]]:
    return [
        Finding("path.missing-dir", Severity.INFO, "/x/gone", "gone", "remove it").to_json(),
        Finding("venv.base-missing", Severity.ERROR, "/v", "base gone", "rebuild it",
                "rebuild").to_json(),
        Finding("packages.requirement-version", Severity.WARNING, "/v", "a needs b>2", "pip i b",
                "install-missing-requirements").to_json(),
        Finding("venv.base-missing", Severity.ERROR, "/v", "base gone again", "rebuild it",
                "rebuild").to_json(),
    ]


def _world(tmp_path: Path) -> tuple[World, Inventory]:
    home = tmp_path / "home"
    bin_dir = home / ".local" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python3").write_text("")
    (bin_dir / "python3").chmod(0o755)
    world = make_world(tmp_path, path=[bin_dir, tmp_path / "nowhere", bin_dir],
                       env={"PIP_INDEX_URL": "https://user:secret@example/simple",
                            "VIRTUAL_ENV": str(home / "proj" / ".venv")})
    prefix = home / "proj" / ".venv"
    make_venv(prefix)
    return world, Inventory((record_of(prefix),), 12.0, "warm")


def test_document_shape_order_and_home_relative_paths(tmp_path: Path) -> None:
    world, inventory = _world(tmp_path)
    doc = build_report(world, inventory, _findings(), checks_run=40, tool_version="9.9")
    assert set(doc) >= {"generated_at", "machine", "path", "variables", "environments",
                        "findings", "summary", "what_to_do", "checks_run"}
    assert doc["summary"] == {"error": 2, "warning": 1, "info": 1}
    assert [f["severity"] for f in doc["findings"]] == ["error", "error", "warning", "info"]
    # one step per distinct remedy, errors first; a repair names `ainlp fix`
    assert [(s["finding"], s["command"]) for s in doc["what_to_do"]] == [
        ("venv.base-missing", "ainlp fix"),
        ("packages.requirement-version", "ainlp fix"),
        ("path.missing-dir", None)]
    prefix = str(inventory.environments[0].prefix)
    about_env = Finding("venv.moved", Severity.ERROR, prefix, "moved", "rebuild", "rebuild")
    doc = build_report(world, inventory, [about_env.to_json()], checks_run=1, tool_version="9")
    assert doc["what_to_do"][0]["command"] == "ainlp fix ~/proj/.venv"
    assert doc["path"]["total"] == 3 and doc["path"]["missing"] == 1
    assert doc["path"]["duplicates"] == 1 and doc["path"]["with_python"] == 2
    assert doc["path"]["entries"][0]["path"] == "~/.local/bin"
    assert doc["environments"][0]["prefix"] == "~/proj/.venv"
    assert doc["variables"]["values"]["VIRTUAL_ENV"] == "~/proj/.venv"
    dumped = json.dumps(doc)
    assert str(world.home) not in dumped
    assert "secret" not in dumped and "PIP_INDEX_URL" in dumped


def test_path_table_counts_only_commands_that_run(tmp_path: Path) -> None:
    """QA #4: a folder named python3 is no command; a link loop or a dangling link is a
    command that cannot run, shown with a note."""
    folder = tmp_path / "bin_dir"
    (folder / "python3").mkdir(parents=True)
    loop = tmp_path / "bin_loop"
    loop.mkdir()
    (loop / "python3").symlink_to(loop / "python3b")
    (loop / "python3b").symlink_to(loop / "python3")
    dangling = tmp_path / "bin_dangling"
    dangling.mkdir()
    (dangling / "pip3").symlink_to(tmp_path / "gone" / "pip3")
    (dangling / "python").write_text("#!/bin/sh\n")  # no x bit: the shell skips it
    good = tmp_path / "bin_good"
    good.mkdir()
    (good / "python3.12").write_text("#!/bin/sh\n")
    (good / "python3.12").chmod(0o755)
    (good / "python3").symlink_to("python3.12")
    world = make_world(tmp_path, path=[folder, loop, dangling, good])
    doc = build_report(world, Inventory((), 1.0, "off"), [], checks_run=0, tool_version="9")
    rows = {Path(e["path"]).name: e for e in doc["path"]["entries"]}
    assert rows["bin_dir"]["python_commands"] == [] and rows["bin_dir"]["broken_commands"] == []
    assert rows["bin_loop"]["python_commands"] == []
    assert rows["bin_loop"]["broken_commands"] == [{"name": "python3", "problem": "symlink loop"}]
    assert [b["name"] for b in rows["bin_dangling"]["broken_commands"]] == ["python", "pip3"]
    assert "does not exist" in rows["bin_dangling"]["broken_commands"][1]["problem"]
    assert rows["bin_good"]["python_commands"] == ["python3", "python3.12"]
    assert doc["path"]["with_python"] == 1
    markdown = render_markdown(doc)
    assert "| 1 | `" + str(folder) + "` |  |  |" in markdown
    assert "python3: symlink loop" in markdown
    assert "python3: symlink loop" in render_text(doc)


def test_home_relative_touches_only_whole_path_parts() -> None:
    assert home_relative({"a": ["/home/u/x", "/home/u", "/home/user2/y"]}, "/home/u") == {
        "a": ["~/x", "~", "/home/user2/y"]}


def test_markdown_and_text_renderings(tmp_path: Path) -> None:
    world, inventory = _world(tmp_path)
    doc = build_report(world, inventory, _findings(), checks_run=40, tool_version="9.9",
                       earlier_steps=[{"action": "run_environment_health_check",
                                       "failed": False, "problems_found": True}])
    markdown = render_markdown(doc)
    for heading in ("# Python environment report", "## Machine", "## PATH",
                    "## Interpreters and environments", "## Findings", "## What to do",
                    "## Earlier steps"):
        assert heading in markdown
    assert "`venv.base-missing`" in markdown and "| `~/.local/bin` |" in markdown
    text = render_text(doc)
    assert "What to do" in text and "or: ainlp fix" in text and "#" not in text.split("\n")[0]
    healthy = build_report(world, inventory, [], checks_run=40, tool_version="9.9")
    assert "No problems found." in render_markdown(healthy)


def test_action_writes_the_file_and_reports_errors(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    prefix = tmp_path / "home" / "proj" / ".venv"
    make_dist(make_venv(prefix), "app", "1.0", requires=["absent"])
    world = make_world(tmp_path, env={"VIRTUAL_ENV": str(prefix)}, cwd=prefix.parent)
    ctx = ActionContext(world=world, previous=[Result("apply_automatic_recovery_strategies")],
                        render_report=render)
    target = tmp_path / "out" / "report.md"
    target.parent.mkdir()
    result = get_action("generate_diagnostic_report")(
        ctx, {"format": "markdown", "output": str(target)})
    text = target.read_text()
    assert text.startswith("# Python environment report")
    assert result.data["output"] == str(target) and result.data["format"] == "markdown"
    assert result.data["earlier_steps"] == [{"action": "apply_automatic_recovery_strategies",
                                             "failed": False, "problems_found": False}]
    as_json = get_action("generate_diagnostic_report")(ctx, {"format": "json"})
    assert as_json.data["output"] is None
    assert as_json.exit_code == (1 if as_json.data["summary"]["error"] else 0)


def test_action_finds_package_problems_of_a_discovered_env(tmp_path: Path) -> None:
    prefix = tmp_path / "home" / ".virtualenvs" / "work"
    make_dist(make_venv(prefix), "app", "1.0", requires=["absent"])
    world = make_world(tmp_path)
    result = get_action("generate_diagnostic_report")(ActionContext(world=world), {})
    assert "~/.virtualenvs/work" in {e["prefix"] for e in result.data["environments"]}
    assert "packages.requirement-missing" in {f["id"] for f in result.data["findings"]}
    assert result.exit_code == 1


def test_cli_report_to_file_and_json(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "PATH": os.path.dirname(sys.executable),
           "AINLP_HOME": str(tmp_path / "state")}
    ainlp = [sys.executable, "-m", "ainlp.cli"]
    written = subprocess.run([*ainlp, "report", "--format", "markdown", "--output", "~/r.md"],
                             env=env, cwd=home, capture_output=True, text=True, timeout=120)
    assert written.returncode in (0, 1), written.stderr
    assert (home / "r.md").read_text().startswith("# Python environment report")
    as_json = subprocess.run([*ainlp, "report", "--json"], env=env, cwd=home,
                             capture_output=True, text=True, timeout=120)
    doc = json.loads(as_json.stdout)
    assert doc["machine"]["home"] == "~" and doc["format"] == "text"
    bad = subprocess.run([*ainlp, "report", "--output", str(tmp_path / "no" / "r.txt"), "--json"],
                         env=env, cwd=home, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and json.loads(bad.stdout)["error"]["hint"]


def test_output_folder_must_exist(tmp_path: Path) -> None:
    ctx = ActionContext(world=make_world(tmp_path), render_report=render)
    spec = get_action("generate_diagnostic_report")
    with pytest.raises(BadInput) as info:
        spec(ctx, {"output": str(tmp_path / "no" / "such" / "r.txt")})
    assert info.value.exit_code == 2 and info.value.hint
    with pytest.raises(BadInput):
        spec(ctx, {"output": str(tmp_path)})
    with pytest.raises(BadInput):
        spec(ctx, {"format": "html"})


def test_record_json_of_the_inventory_is_used(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    record = EnvRecord(EnvKind.SYSTEM, tmp_path / "root" / "usr", None, PyVersion("3.12.1"))
    doc = build_report(world, Inventory((record,), 1.0, "cold"), [], checks_run=1,
                       tool_version="0")
    assert doc["environments"] == [record.to_json()]
    assert doc["inventory"]["total"] == 1 and doc["inventory"]["cache"] == "cold"
