"""Usage errors: one line on stderr, exit 2, and with --json exactly one error document."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import ainlp_command


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(tmp_path), "AINLP_HOME": str(tmp_path / "state")}
    return subprocess.run([ainlp_command(), *args], capture_output=True, text=True, env=env,
                          cwd=tmp_path, stdin=subprocess.DEVNULL, timeout=60)


@pytest.mark.parametrize(
    "args",
    [["nosuch"], ["find", "--bogus"], ["doctor", "--topic", "nope"], ["find", "--kind", "bogus"],
     ["which", "3.12", "extra"]],
)
def test_usage_errors_with_json_give_one_error_document(tmp_path: Path, args: list[str]) -> None:
    done = run(tmp_path, *args, "--json")
    assert done.returncode == 2
    doc = json.loads(done.stdout)
    assert set(doc) == {"error"}
    assert set(doc["error"]) == {"code", "message", "hint", "where"}
    assert doc["error"]["code"] == "input.invalid"
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_usage_error_for_people_is_one_line_with_a_hint(tmp_path: Path) -> None:
    done = run(tmp_path, "find", "--bogus")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("ainlp: ") and "(hint: " in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_an_unknown_command_is_told_with_the_commands_there_are(tmp_path: Path) -> None:
    done = run(tmp_path, "nosuch", "--verbose")
    assert done.returncode == 2
    assert "invalid choice: 'nosuch'" in done.stderr
    assert "'find'" in done.stderr and "'doctor'" in done.stderr


def test_no_command_without_a_terminal_prints_help_and_exits_2(tmp_path: Path) -> None:
    done = run(tmp_path)
    assert done.returncode == 2
    assert "usage: ainlp" in done.stderr


def test_version_and_help_exit_0(tmp_path: Path) -> None:
    assert run(tmp_path, "--version").stdout.startswith("ainlp ")
    assert run(tmp_path, "find", "--help").returncode == 0


def test_no_command_with_json_gives_an_error_document(tmp_path: Path) -> None:
    done = run(tmp_path, "--json")
    assert done.returncode == 2
    assert json.loads(done.stdout)["error"]["message"] == "no command given"


@pytest.mark.parametrize("args", [["find", "--version", "abc"], ["which", "banana"]])
def test_a_version_that_is_not_one_is_bad_input(tmp_path: Path, args: list[str]) -> None:
    done = run(tmp_path, *args, "--json")
    assert done.returncode == 2
    assert "not a Python version" in json.loads(done.stdout)["error"]["message"]


def test_version_spellings_are_normalised(tmp_path: Path) -> None:
    for spelling in ("3.12", "python3.12", "py3.12"):
        done = run(tmp_path, "find", "--version", spelling, "--json")
        assert done.returncode == 0, done.stderr


def test_use_takes_global_as_cli_md_spells_it(tmp_path: Path) -> None:
    done = run(tmp_path, "use", "--help")
    assert done.returncode == 0 and "--global" in done.stdout
    done = run(tmp_path, "use", "3.12", "--global", "--json")
    doc = json.loads(done.stdout)
    if done.returncode == 2:  # no Python 3.12 on this machine: said so
        assert doc["error"]["code"] == "input.invalid"
    else:  # --json and no --yes: the plan, nothing applied
        assert done.returncode == 0 and doc["applied"] == [] and doc["scope"] == "global"
