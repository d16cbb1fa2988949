"""No false positives: a fresh venv of each of the machine's Pythons, active, is healthy."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from ainlp.core.health import Severity, run_checks
from conftest import make_venv, make_world, real_pythons

# true notes about a fresh `--without-pip` venv: it has no pip; its Python may be past its
# end of life or lack Tk; nothing else may be reported
EXPECTED_INFO = {"venv.pip-missing", "interpreter.end-of-life", "interpreter.no-tkinter"}


def _can_make_venv(python: Path) -> bool:
    done = subprocess.run([str(python), "-c", "import venv"], capture_output=True)
    return done.returncode == 0


@pytest.mark.parametrize("python", real_pythons(), ids=lambda p: p.parent.parent.name)
def test_fresh_venv_has_no_findings_but_true_notes(tmp_path: Path, python: Path) -> None:
    if not _can_make_venv(python):
        pytest.skip(f"{python} cannot make a venv (Python 2)")
    project = tmp_path / "home" / "proj"
    venv = make_venv(project / ".venv", python)
    world = make_world(tmp_path, path=[venv / "bin"], env={"VIRTUAL_ENV": str(venv)},
                       cwd=project)
    for target in (None, "project", str(venv)):
        report = run_checks(world, target=target)
        serious = [f for f in report.findings if f.severity is not Severity.INFO]
        assert serious == [], (target, serious)
        notes = {f.id for f in report.findings}
        assert notes <= EXPECTED_INFO, (target, notes)
        assert "venv.pip-missing" in notes
        assert not report.has_errors
