"""`ainlp doctor` as a user runs it: exit codes, the JSON shape, --explain, --topic, --watch."""

from __future__ import annotations

import json
import select
import signal
import subprocess
import time
from pathlib import Path

import pytest
from ainlp.core.health import checks, selected_checks
from conftest import make_venv
from test_health_support import AINLP, env_without_ainlp_leaks, script


def doctor(tmp_path: Path, *args: str, path: list[Path] | None = None,
           **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*AINLP, "doctor", *args], capture_output=True, text=True,
                          env=env_without_ainlp_leaks(tmp_path, path or [], **env),
                          cwd=tmp_path, timeout=120)


@pytest.fixture
def venv(tmp_path: Path) -> Path:
    return make_venv(tmp_path / "v")


def test_healthy_world_exits_0_with_the_json_shape(tmp_path: Path, venv: Path) -> None:
    # the machine's own system Pythons are always in view (root is /): aim at the venv
    done = doctor(tmp_path, "--json", str(venv), path=[venv / "bin"], VIRTUAL_ENV=str(venv))
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert set(doc) == {"findings", "checks_run", "summary"}
    assert doc["checks_run"] == len(checks())
    assert set(doc["summary"]) == {"error", "warning", "info"}
    assert doc["summary"]["error"] == 0
    for finding in doc["findings"]:
        assert set(finding) == {"id", "severity", "subject", "message", "hint", "fix"}
    assert "venv.pip-missing" in {f["id"] for f in doc["findings"]}


def test_error_finding_exits_1(tmp_path: Path, venv: Path) -> None:
    done = doctor(tmp_path, "--json", path=[venv / "bin"],
                  SSL_CERT_FILE=str(tmp_path / "missing.pem"))
    assert done.returncode == 1, done.stderr
    doc = json.loads(done.stdout)
    assert "ssl.ca-bundle-missing" in {f["id"] for f in doc["findings"]}
    assert doc["summary"]["error"] >= 1
    rich = doctor(tmp_path, path=[venv / "bin"], SSL_CERT_FILE=str(tmp_path / "missing.pem"))
    assert rich.returncode == 1
    assert "✗" in rich.stdout and "ssl.ca-bundle-missing" in rich.stdout


def test_rich_report_marks_each_environment(tmp_path: Path, venv: Path) -> None:
    done = doctor(tmp_path, str(venv), "--verbose", path=[venv / "bin"], VIRTUAL_ENV=str(venv))
    assert done.returncode == 0, done.stderr
    assert "✓ venv v" in done.stdout
    assert "venv.pip-missing" in done.stdout
    summary = doctor(tmp_path, str(venv), path=[venv / "bin"], VIRTUAL_ENV=str(venv))
    assert summary.returncode == 0, summary.stderr
    assert "✓ venv v" not in summary.stdout  # the overview: one line per area
    assert "✓ environments" in summary.stdout and "venv.pip-missing" in summary.stdout


def test_topic_narrows_the_checks(tmp_path: Path, venv: Path) -> None:
    done = doctor(tmp_path, "--json", "--topic", "path", path=[venv / "bin", tmp_path / "gone"])
    doc = json.loads(done.stdout)
    assert doc["checks_run"] == len(selected_checks("path")) < len(checks())
    assert {f["id"] for f in doc["findings"]} == {"path.missing-dir"}
    assert doctor(tmp_path, "--topic", "nonsense").returncode == 2


def test_target_narrows_the_environments(tmp_path: Path, venv: Path) -> None:
    other = make_venv(tmp_path / "other")
    script(other / "bin" / "tool", str(tmp_path / "gone" / "bin" / "python"))
    done = doctor(tmp_path, "--json", str(venv), path=[venv / "bin", other / "bin"])
    assert {f["subject"] for f in json.loads(done.stdout)["findings"]} <= {str(venv)}
    done = doctor(tmp_path, "--json", str(other), path=[venv / "bin", other / "bin"])
    assert "venv.dangling-shebang" in {f["id"] for f in json.loads(done.stdout)["findings"]}
    unknown = doctor(tmp_path, "--json", "no-such-env", path=[venv / "bin"])
    assert unknown.returncode == 2
    assert "error" in json.loads(unknown.stdout)


def test_explain(tmp_path: Path) -> None:
    done = doctor(tmp_path, "--explain", "venv.base-missing")
    assert done.returncode == 0
    assert "venv.base-missing" in done.stdout
    as_json = json.loads(doctor(tmp_path, "--explain", "venv.base-missing", "--json").stdout)
    assert as_json["id"] == "venv.base-missing" and as_json["fix"] == "rebuild"
    wrong = doctor(tmp_path, "--explain", "venv.base-mising")
    assert wrong.returncode == 2
    assert "venv.base-missing" in wrong.stderr  # the did-you-mean names it
    assert "Traceback" not in wrong.stderr


def _read_event(proc: subprocess.Popen[str], timeout: float = 30.0) -> dict[str, object]:
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    assert ready, "doctor --watch printed nothing in time"
    line = proc.stdout.readline()
    assert line, "doctor --watch ended early"
    event: dict[str, object] = json.loads(line)
    return event


def _watch(tmp_path: Path, venv: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*AINLP, "doctor", str(venv), "--watch", "--json", "--interval", "0.1", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
        env=env_without_ainlp_leaks(tmp_path, [venv / "bin"], VIRTUAL_ENV=str(venv)))


def _ids(findings: object) -> set[str]:
    assert isinstance(findings, list)
    return {f["id"] for f in findings}


def test_watch_reports_new_and_resolved_then_stops_on_ctrl_c(tmp_path: Path, venv: Path) -> None:
    proc = _watch(tmp_path, venv, "--max-polls", "600")
    try:
        first = _read_event(proc)
        assert first["event"] == "initial"
        assert "venv.dangling-shebang" not in _ids(first["findings"])
        tool = script(venv / "bin" / "tool", str(tmp_path / "uninstalled" / "bin" / "python3"))
        changed = _read_event(proc)
        assert changed["event"] == "changed"
        assert _ids(changed["new"]) == {"venv.dangling-shebang"}
        assert _ids(changed["resolved"]) == set()
        tool.unlink()
        resolved = _read_event(proc)
        assert _ids(resolved["resolved"]) == {"venv.dangling-shebang"}
        assert _ids(resolved["new"]) == set()
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        assert proc.returncode == 130
        assert "Traceback" not in err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_watch_stops_after_max_polls_and_sleeps_between(tmp_path: Path, venv: Path) -> None:
    started = time.monotonic()
    proc = _watch(tmp_path, venv, "--max-polls", "5")
    out, err = proc.communicate(timeout=60)
    elapsed = time.monotonic() - started
    assert proc.returncode == 0, err  # a healthy venv: no error-level finding
    events = [json.loads(line) for line in out.splitlines()]
    assert [e["event"] for e in events] == ["initial"]  # nothing changed: nothing more
    assert elapsed >= 0.5  # five polls, 0.1 s apart: it slept, it did not spin


def test_watch_for_people_prints_the_report_then_changes(tmp_path: Path, venv: Path) -> None:
    proc = subprocess.Popen(
        [*AINLP, "doctor", str(venv), "--watch", "--interval", "0.1", "--max-polls", "400"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
        env=env_without_ainlp_leaks(tmp_path, [venv / "bin"]))
    try:
        assert proc.stdout is not None
        lines: list[str] = []
        while not any("watching" in line for line in lines):
            lines.append(proc.stdout.readline())
        script(venv / "bin" / "tool", str(tmp_path / "uninstalled" / "bin" / "python3"))
        change = ""
        while "venv.dangling-shebang" not in change:
            line = proc.stdout.readline()
            assert line, "the watcher ended before reporting the change"
            change += line
        assert "new:" in change
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        assert proc.returncode == 130 and "Traceback" not in err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
