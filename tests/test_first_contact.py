"""Issue 13, first contact: what a new user trips on, each with the test that pins it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from ainlp.actions.registry import ActionContext, Unavailable, get_action
from ainlp.core.discovery.locators.virtualenvs import env_record
from ainlp.core.discovery.records import Inventory
from ainlp.core.discovery.select import default_environment
from conftest import make_venv, make_world, write
from rich.console import Console
from test_health_support import AINLP

from ainlp import cli

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "examples" / "seed.ainlp"
FINDING_ID = re.compile(r"\((?:[a-z]+)\.[a-z0-9-]+\)")


def plain_env(tmp_path: Path, home: Path, path: list[Path] = (), **extra: str) -> dict[str, str]:
    """A subprocess environment with no AINLP_WIDTH: output as a pipe really gets it."""
    env = {"HOME": str(home), "AINLP_HOME": str(tmp_path / "state"), "LANG": "C.UTF-8",
           "PATH": os.pathsep.join(str(p) for p in path), "COLUMNS": "80"}
    env.update(extra)
    home.mkdir(parents=True, exist_ok=True)
    return env


def ainlp(args: list[str], env: dict[str, str], cwd: Path,
          stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*AINLP, *args], capture_output=True, text=True, env=env, cwd=cwd,
                          input=stdin if stdin is not None else "", timeout=120)


def broken_venv(prefix: Path, tmp_path: Path) -> Path:
    make_venv(prefix)
    cfg = prefix / "pyvenv.cfg"
    lines = [line for line in cfg.read_text().splitlines() if not line.startswith("home")]
    cfg.write_text("\n".join([*lines, f"home = {tmp_path / 'uninstalled' / 'bin'}"]) + "\n")
    return prefix


# -- 1. global flags before or after the command ----------------------------------------------

ARGS = {"check": ["x.ainlp"], "run": ["x.ainlp"], "parse": ["find python"], "do": ["find"],
        "fleet-report": ["facts"]}


@pytest.mark.parametrize("name", sorted(cli.COMMANDS))
def test_global_flags_work_before_and_after_every_command(name: str) -> None:
    rest = ARGS.get(name, [])
    for argv in (["--json", "--debug", name, *rest], [name, "--json", "--debug", *rest],
                 ["--json", name, "--debug", *rest]):
        args = cli.build_parser(argv).parse_args(argv)
        assert (args.command, args.json, args.debug) == (name, True, True), argv
    args = cli.build_parser([name, *rest]).parse_args([name, *rest])
    assert (args.json, args.debug) == (False, False)


def test_json_before_the_command_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--json", "parse", "list python interpreters"]) == 0
    assert json.loads(capsys.readouterr().out)["intent"] == "list_environments"


# -- 2. piped output: no wrapping, no padding -------------------------------------------------


def test_doctor_piped_is_neither_wrapped_nor_padded(tmp_path: Path) -> None:
    home = tmp_path
    for part in ("a-home-folder-with-a-rather-long-name-for-a-person",
                 "projects-and-experiments-of-the-year-two-thousand-and-twenty-six",
                 "deeply-nested-workspace-folder-name"):
        home = home / part
    venvs = home / ".virtualenvs"
    broken_venv(venvs / "an-environment-whose-base-python-was-uninstalled-long-ago", tmp_path)
    env = plain_env(tmp_path, home)
    for args in (["doctor"], ["doctor", "--verbose"], ["find"]):
        done = ainlp(args, env, tmp_path)  # stdout is a pipe: `ainlp doctor | cat`
        assert "Traceback" not in done.stderr, done.stderr
        assert "an-environment-whose-base-python" in done.stdout
        lines = done.stdout.splitlines()
        assert not [line for line in lines if line.endswith(" ")], args
        assert "\x1b[" not in done.stdout  # no colour on a pipe
        for line in lines:  # an id is never alone on a line: it ends the line it belongs to
            if FINDING_ID.search(line):
                assert not FINDING_ID.fullmatch(line.strip()), (args, line)
        if args[0] == "doctor":
            assert any("venv.base-missing" in line and "uninstalled" in line
                       for line in lines), done.stdout


def test_force_color_colours_a_pipe(tmp_path: Path) -> None:
    env = plain_env(tmp_path, tmp_path / "home", FORCE_COLOR="1")
    done = ainlp(["parse", "list python interpreters"], env, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "\x1b[" in done.stdout


def test_the_pipe_writer_strips_only_line_ends(capsys: pytest.CaptureFixture[str]) -> None:
    from ainlp.render import console

    out = console()  # capsys: stdout is not a terminal
    out.print("a  b   ", end="")
    out.print(" c " + "x" * 300)
    text = capsys.readouterr().out
    assert text == "a  b    c " + "x" * 300 + "\n"


# -- 5. the doctor's overview -------------------------------------------------------------------


def _finding(id: str, severity: str, subject: str, message: str) -> dict[str, str]:
    return {"id": id, "severity": severity, "subject": subject, "message": message,
            "hint": "move to a supported Python" if "end" in id else "fix it"}


def test_overview_has_one_line_per_area_and_folds_repeats() -> None:
    from ainlp.renderers.health import print_overview

    eol = [_finding("interpreter.end-of-life", "info", f"/p/{v}", f"Python {v} reached its end")
           for v in ("3.6", "3.7", "3.8", "3.9", "3.10", "2.7")]
    doc = {"findings": [_finding("path.missing-dir", "warning", "/gone", "PATH names /gone"),
                        *eol],
           "checks_run": 7, "summary": {"error": 0, "warning": 1, "info": 6}}
    out = Console(width=200, color_system=None, highlight=False)
    with out.capture() as captured:
        print_overview(out, doc,  # type: ignore[arg-type]
                       topic_of={"interpreter.end-of-life": "interpreters",
                                 "path.missing-dir": "PATH and shell"},
                       checks_in={"interpreters": 5, "PATH and shell": 1, "state": 1},
                       names={f"/p/{v}": f"pyenv {v}" for v in ("3.6", "3.7")})
    lines = captured.get().splitlines()
    assert lines[:3] == ["✓ interpreters    6 notes (5 checks)",
                         "! PATH and shell  1 warning (1 check)",
                         "✓ state           no findings (1 check)"]
    folded = [line for line in lines if "interpreter.end-of-life" in line]
    assert folded == ["i 6 findings of interpreter.end-of-life: pyenv 3.6, pyenv 3.7, /p/3.8, "
                      "/p/3.9, /p/3.10, /p/2.7"]
    assert lines.index("! PATH names /gone (path.missing-dir)") < lines.index(folded[0])
    assert lines[-1] == "7 checks: 0 errors, 1 warning, 6 notes"


def test_doctor_leads_with_the_summary_and_verbose_lists_everything(tmp_path: Path) -> None:
    home = tmp_path / "home"
    for name in ("one", "two", "three"):
        broken_venv(home / ".virtualenvs" / name, tmp_path)
    env = plain_env(tmp_path, home)
    short = ainlp(["doctor"], env, tmp_path)
    assert short.returncode == 1, short.stderr  # venv.base-missing is an error
    assert short.stdout.count("venv.base-missing") == 1
    assert "✗ environments" in short.stdout
    full = ainlp(["doctor", "--verbose"], env, tmp_path)
    assert full.stdout.count("(venv.base-missing)") == 3
    as_json = json.loads(ainlp(["doctor", "--json"], env, tmp_path).stdout)
    assert set(as_json) == {"findings", "checks_run", "summary"}  # --json as it was
    assert [f["id"] for f in as_json["findings"]].count("venv.base-missing") == 3


# -- 6. help marks what is not available yet ----------------------------------------------------


def test_help_marks_the_actions_not_available_yet() -> None:
    from ainlp.actions.meta import Help
    from ainlp.actions.result import Result

    from ainlp.render import render_result

    spec = get_action("restore_backup")
    later = replace(spec, unavailable=Unavailable("restoring lands later", "back up for now"))
    help = Help((get_action("list_environments"), later), "RUN x\n")
    out = Console(width=200, color_system=None, highlight=False)
    with out.capture() as captured:
        render_result(Result("show_help", value=help), out)
    text = captured.get()
    assert "(not available yet)" in text and "restoring lands later" in text
    lines = text.splitlines()
    find_line = lines[lines.index("    action list_environments") - 1]
    assert "not available" not in find_line


def test_main_help_marks_and_describes_only_what_works(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(cli, "_unavailable", lambda: {"restore_backup",
                                                      "apply_automatic_recovery_strategies"})
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "restore from a snapshot (not available yet)" in text
    assert "plan and apply repairs (not available yet)" in text
    assert "repair" not in cli.describe({"apply_automatic_recovery_strategies"})
    assert "repair them" in cli.describe(set())


# -- 7. the smaller ones ------------------------------------------------------------------------


def test_counts_are_plural_only_when_more_than_one(tmp_path: Path) -> None:
    from ainlp.actions.result import Result

    from ainlp.render import plural, render_result
    from ainlp.renderers.health import print_report

    assert (plural(1, "check"), plural(0, "check"), plural(2, "environment")) == (
        "1 check", "0 checks", "2 environments")
    record = env_record(make_venv(tmp_path / "v"), "project")
    out = Console(width=200, color_system=None, highlight=False)
    with out.capture() as captured:
        render_result(Result("list_environments", value=Inventory((record,), 1.0, "off")), out)
        print_report(out, {"findings": [], "checks_run": 1,
                           "summary": {"error": 1, "warning": 0, "info": 1}})
    text = captured.get()
    assert "1 environment: 1 ok" in text
    assert "1 check: 1 error, 0 warnings, 1 note" in text


def test_watch_refuses_an_interval_that_is_not_positive(
        capsys: pytest.CaptureFixture[str]) -> None:
    for interval in ("-1", "0"):
        assert cli.main(["doctor", "--watch", "--interval", interval]) == 2
        err = capsys.readouterr().err
        assert "--interval" in err and "hint" in err


def test_report_output_says_it_once(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    env = plain_env(tmp_path, tmp_path / "home", SSL_CERT_FILE=str(tmp_path / "missing.pem"))
    done = ainlp(["report", "--output", str(target)], env, tmp_path)
    assert done.returncode == 1  # an error-level finding: doctor's rule
    assert target.is_file()
    assert (done.stdout + done.stderr).count(str(target)) == 1, done.stdout + done.stderr


def test_parse_reads_an_existing_ainlp_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["parse", str(SEED), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["kind"] == "script" and doc["source"] == str(SEED)
    assert cli.main(["parse", "no-such-file.ainlp", "--json"]) == 0  # a phrase, as before
    assert json.loads(capsys.readouterr().out)["kind"] == "phrase"


@pytest.mark.skipif(sys.platform == "win32", reason="the windows checks apply there")
def test_a_topic_of_another_platform_says_so(tmp_path: Path) -> None:
    done = ainlp(["doctor", "--topic", "windows"], plain_env(tmp_path, tmp_path / "home"),
                 tmp_path)
    assert done.returncode == 0, done.stderr
    assert "No check of the topic 'windows' applies on this system" in done.stdout
    assert "✓" not in done.stdout


def test_packages_prefers_the_project_environment_and_says_why(tmp_path: Path) -> None:
    project = tmp_path / "home" / "proj"
    venv = make_venv(project / ".venv")
    elsewhere = tmp_path / "root" / "opt" / "py"
    write(elsewhere / "bin" / "python3", "#!/bin/sh\n", mode=0o755)
    world = make_world(tmp_path, path=[elsewhere / "bin"], cwd=project)
    chosen = default_environment(world)
    assert chosen is not None and chosen[0].prefix == venv.resolve()
    assert "project" in chosen[1]
    result = get_action("list_packages")(ActionContext(world=world), {})
    assert result.data["environment"]["prefix"] == str(venv.resolve())
    assert any("project's environment" in m and str(venv.resolve()) in m
               for m in result.messages)
    named = get_action("list_packages")(ActionContext(world=world), {"target": str(venv)})
    assert named.messages == []  # a target named: nothing to explain
    away = make_world(tmp_path, path=[elsewhere / "bin"])  # cwd is home: no project
    chosen = default_environment(away)
    assert chosen is not None and chosen[0].prefix == elsewhere.resolve()
    assert "PATH" in chosen[1]


def test_shell_with_piped_input_runs_it_as_a_script(tmp_path: Path) -> None:
    env = plain_env(tmp_path, tmp_path / "home")
    done = ainlp(["shell"], env, tmp_path, stdin="list python interpreters\nexit\nnonsense\n")
    assert done.returncode == 0, done.stderr
    assert "Input is not a terminal" not in done.stdout + done.stderr
    assert "ainlp>" not in done.stdout
    assert "list_environments" in done.stdout
    bad = ainlp(["shell"], env, tmp_path, stdin="RUN nothing_defined\n")
    assert bad.returncode == 2
    assert "nothing_defined" in bad.stdout + bad.stderr


def test_readme_says_how_to_stop_the_service() -> None:
    text = (REPO / "README.md").read_text()
    assert "`shutdown`" in text and "`exit`" in text


# -- 3. inside a script, a failed step says why --------------------------------------------------


def test_a_failed_script_step_shows_its_reason(tmp_path: Path) -> None:
    from conftest import make_world

    import ainlp

    world = make_world(tmp_path)
    done = ainlp.run_script('RUN w\nCONTEXT c {\n COMMAND w {\n  ACTION: which_python('
                            'version="3.99")\n  REPORT: "list backups"\n }\n}\n', world=world)
    assert done.exit_code == 1
    step = done.to_json()["statements"][0]["steps"][0]  # type: ignore[index]
    assert step["status"] == "failed" and "3.99" in step["reason"]
