"""The example scripts and the script/phrase commands, through the real CLI in a subprocess.

HOME and AINLP_HOME point into tmp_path; stdin is not a terminal, so a plan that changes the
machine is shown and nothing is applied unless --yes is given.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO

EXAMPLES = sorted((REPO / "examples").glob("*.ainlp"))


def cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(tmp_path / "home"), "AINLP_HOME": str(tmp_path / "state")}
    env.pop("VIRTUAL_ENV", None)
    (tmp_path / "home").mkdir(exist_ok=True)
    return subprocess.run([sys.executable, "-m", "ainlp.cli", *args], capture_output=True,
                          text=True, env=env, cwd=tmp_path, timeout=120, stdin=subprocess.DEVNULL)


def written(tmp_path: Path) -> list[Path]:
    """What a command left in HOME and the state folder, Lark's grammar cache aside."""
    return [p for p in [*(tmp_path / "home").rglob("*"), *(tmp_path / "state").rglob("*")]
            if p.is_file() and not p.name.startswith("grammar-")]


def json_of(out: subprocess.CompletedProcess[str]) -> Any:
    return json.loads(out.stdout)


def test_there_are_examples_including_the_seeds_commands() -> None:
    names = {p.name for p in EXAMPLES}
    assert {"seed.ainlp", "list_environments.ainlp", "phrases.ainlp"} <= names
    seed = (REPO / "examples" / "seed.ainlp").read_text()
    for name in ("diagnose_python_issues", "prepare_for_os_reinstall",
                 "run_environment_health_check", "apply_automatic_recovery_strategies",
                 "generate_diagnostic_report", "create_comprehensive_backup",
                 "environment_configuration_and_instructions"):
        assert name in seed


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_check_accepts_every_example(example: Path, tmp_path: Path) -> None:
    out = cli(tmp_path, "check", str(example), "--json")
    assert out.returncode == 0, out.stderr
    doc = json_of(out)
    assert doc["ok"] is True and doc["diagnostics"] == []


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_every_example_dry_runs_and_changes_nothing(example: Path, tmp_path: Path) -> None:
    out = cli(tmp_path, "run", str(example), "--dry-run", "--json")
    assert out.returncode == 0, out.stderr
    doc = json_of(out)
    assert doc["applied"] == [] and doc["failed"] == [] and doc["snapshot"] is None
    assert doc["plan"]["steps"], "a dry run lists the steps that would run"
    assert all(s["action"] for s in doc["plan"]["steps"]), doc["plan"]["steps"]
    assert written(tmp_path) == []


def test_the_seed_dry_run_is_in_clause_order_with_conditions(tmp_path: Path) -> None:
    doc = json_of(cli(tmp_path, "run", str(REPO / "examples" / "seed.ainlp"), "--dry-run",
                      "--json"))
    steps = [(s["id"], s["clause"], s["action"]) for s in doc["plan"]["steps"]]
    assert steps == [
        ("1.1", "ACTION", "run_environment_health_check"),
        ("1.2", "RECOVERY", "apply_automatic_recovery_strategies"),
        ("1.3", "REPORT", "generate_diagnostic_report"),
        ("2.1", None, "run_environment_health_check"),
    ]
    assert doc["plan"]["steps"][1]["when"] == "only if an ACTION found problems and none failed"
    assert doc["plan"]["steps"][1]["changes_machine"] is True
    assert doc["plan"]["steps"][1]["available"] is True
    phrase = doc["statements"][1]
    assert phrase["intent"]["intent"] == "diagnose"
    assert phrase["intent"]["slots"]["topic"] == "path"


def test_the_seed_dry_run_for_people_lists_the_steps(tmp_path: Path) -> None:
    out = cli(tmp_path, "run", str(REPO / "examples" / "seed.ainlp"), "--dry-run")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "RUN diagnose_python_issues  (line 16)"
    assert lines[1].split() == ["1.1", "ACTION", "run_environment_health_check()"]
    assert lines[2].startswith("  1.2   RECOVERY apply_automatic_recovery_strategies()  [only if")
    assert lines[2].endswith("; changes the machine]")
    assert lines[-1] == "dry run: 4 step(s) would run; nothing was run"


def test_export_without_a_path_plans_the_timestamped_default(tmp_path: Path) -> None:
    doc = json_of(cli(tmp_path, "run", str(REPO / "examples" / "prepare_reinstall.ainlp"),
                      "--dry-run", "--json"))
    export = next(s for s in doc["plan"]["steps"] if s["clause"] == "EXPORT")
    assert re.fullmatch(r"~/ainlp-export/\d{8}-\d{6}", export["arguments"]["path"])


def test_a_read_only_example_really_runs(tmp_path: Path) -> None:
    out = cli(tmp_path, "run", str(REPO / "examples" / "list_environments.ainlp"), "--json")
    assert out.returncode == 0, out.stderr
    doc = json_of(out)
    (statement,) = doc["statements"]
    assert statement["command"] == "list_everything" and statement["status"] == "ok"
    steps = statement["steps"]
    assert [s["action"] for s in steps] == ["list_environments", "list_environments",
                                            "which_python"]
    assert "environments" in steps[0]["result"]
    assert all(e["kind"] in ("venv", "virtualenv") for e in steps[1]["result"]["environments"])
    assert doc["exit_code"] == 0


def test_the_reinstall_example_exports_the_backup_its_action_took(tmp_path: Path) -> None:
    # Export writes only its new bundle folder: it runs without --yes and needs no plan.
    out = cli(tmp_path, "run", str(REPO / "examples" / "prepare_reinstall.ainlp"), "--json")
    doc = json_of(out)
    assert "plan" not in doc, out.stderr
    (statement,) = doc["statements"]
    assert [(s["clause"], s["status"]) for s in statement["steps"]][:3] == [
        ("ACTION", "ok"), ("ACTION", "ok"), ("EXPORT", "ok")]
    assert statement["steps"][3]["status"] in ("ok", "problems")
    export = statement["steps"][2]["result"]
    assert re.fullmatch(r".*/ainlp-export/\d{8}-\d{6}", export["path"])
    assert Path(export["path"], "manifest.json").is_file()


BAD = """\
CONTEXT c {
    COMMAND one {
        ACTION: list_enviroments()
        ACTION: which_python(version=3)
    }
}
RUN onee
"""


def test_check_reports_every_error_with_carets_and_exits_2(tmp_path: Path) -> None:
    script = tmp_path / "bad.ainlp"
    script.write_text(BAD)
    out = cli(tmp_path, "check", str(script))
    assert out.returncode == 2
    assert out.stdout == ""
    assert (f"{script}:3:17: unknown action 'list_enviroments'\n"
            "        ACTION: list_enviroments()\n"
            "                ^\n"
            "  hint: did you mean list_environments?\n") in out.stderr
    assert f"{script}:4:30: which_python(): argument 'version' must be a string" in out.stderr
    assert f"{script}:7:1: RUN of an undefined command 'onee'" in out.stderr
    assert "did you mean one?" in out.stderr


def test_check_json_is_one_error_document_with_every_diagnostic(tmp_path: Path) -> None:
    script = tmp_path / "bad.ainlp"
    script.write_text(BAD)
    out = cli(tmp_path, "check", str(script), "--json")
    assert out.returncode == 2
    error = json_of(out)["error"]
    assert error["code"] == "script.unknown-action"
    assert error["where"] == f"{script}:3:17"
    assert [d["code"] for d in error["diagnostics"]] == [
        "script.unknown-action", "script.bad-argument", "script.undefined-command"]


def test_run_of_a_bad_script_runs_nothing(tmp_path: Path) -> None:
    script = tmp_path / "bad.ainlp"
    script.write_text(BAD + "list python interpreters\n")
    out = cli(tmp_path, "run", str(script), "--json", "--yes")
    assert out.returncode == 2
    assert "error" in json_of(out)
    assert written(tmp_path) == []  # discovery never ran: no cache written


def test_a_missing_script_is_bad_input(tmp_path: Path) -> None:
    out = cli(tmp_path, "check", str(tmp_path / "nope.ainlp"))
    assert out.returncode == 2 and "no such script" in out.stderr


# --- ainlp do ---------------------------------------------------------------------------------


def test_do_runs_a_read_only_intent(tmp_path: Path) -> None:
    out = cli(tmp_path, "do", "list python interpreters", "--json")
    assert out.returncode == 0, out.stderr
    doc = json_of(out)
    assert doc["intent"]["intent"] == "list_environments"
    assert doc["action"] == "list_environments" and "environments" in doc["result"]


@pytest.mark.parametrize("phrase", ["what's the weather", "rm -rf /"])
def test_do_of_an_unknown_phrase_exits_2_and_runs_nothing(phrase: str, tmp_path: Path) -> None:
    out = cli(tmp_path, "do", phrase, "--json")
    assert out.returncode == 2
    doc = json_of(out)
    assert list(doc) == ["error"]  # cli.md: exactly one document {"error": {...}} (QA #7)
    assert doc["error"]["code"] == "phrase.unknown"
    assert doc["error"]["intent"]["intent"] == "unknown"
    assert doc["error"]["suggestions"]
    assert written(tmp_path) == []


@pytest.mark.parametrize("args", [(), ("--dry-run",)])
def test_do_fix_without_yes_shows_its_plan_and_applies_nothing(
        args: tuple[str, ...], tmp_path: Path) -> None:
    # fix has its engine now: where nobody can answer, the plan is shown and exit is 0
    # (never --yes here: this world's PATH is the machine's)
    out = cli(tmp_path, "do", "fix python environment issues", "--json", *args)
    assert out.returncode == 0, out.stderr
    doc = json_of(out)
    assert "error" not in doc
    assert "not available" not in out.stderr


def test_do_dry_run_prints_the_step(tmp_path: Path) -> None:
    out = cli(tmp_path, "do", "find python 3.12", "--dry-run")
    assert out.returncode == 0, out.stderr
    assert 'list_environments(version="3.12")' in out.stdout
    assert "nothing was run" in out.stdout


def test_do_export_writes_the_bundle_it_names(tmp_path: Path) -> None:
    out = cli(tmp_path, "do", "export environments to ~/aios-export", "--yes")
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "home" / "aios-export" / "RECOVERY.md").is_file()


def cli_with_terminal(tmp_path: Path, answer: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI with a terminal on stdin that types `answer`."""
    import pty

    env = {**os.environ, "HOME": str(tmp_path / "home"), "AINLP_HOME": str(tmp_path / "state")}
    (tmp_path / "home").mkdir(exist_ok=True)
    controller, terminal = pty.openpty()
    try:
        os.write(controller, answer.encode() + b"\n")
        return subprocess.run([sys.executable, "-m", "ainlp.cli", *args], capture_output=True,
                              text=True, env=env, cwd=tmp_path, timeout=120, stdin=terminal)
    finally:
        os.close(terminal)
        os.close(controller)


def test_do_on_a_terminal_of_cleanup_applies_nothing_when_told_no(tmp_path: Path) -> None:
    out = cli_with_terminal(tmp_path, "n", "do", "remove broken environments")
    assert out.returncode == 0, out.stderr
    assert "not available" not in out.stderr


def test_the_seeds_second_command_plans_backup_then_export(tmp_path: Path) -> None:
    script = tmp_path / "reinstall.ainlp"
    script.write_text((REPO / "examples" / "seed.ainlp").read_text()
                      + "RUN prepare_for_os_reinstall\n")
    doc = json_of(cli(tmp_path, "run", str(script), "--dry-run", "--json"))
    last = doc["statements"][-1]
    assert last["command"] == "prepare_for_os_reinstall"
    assert [(s["clause"], s["action"], s["arguments"]) for s in last["steps"]] == [
        ("ACTION", "create_comprehensive_backup", {}),
        ("EXPORT", "environment_configuration_and_instructions", {"path": "~/aios-export"})]
    assert last["steps"][1]["when"] == "only if no ACTION failed"
