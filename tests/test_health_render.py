"""The doctor report for people: exact lines for a fixed report (80 columns, no colour)."""

from __future__ import annotations

from typing import Any

from rich.console import Console

from ainlp.renderers.health import group_findings, print_change, print_report, worst

DOC: dict[str, Any] = {
    "findings": [
        {"id": "venv.base-missing", "severity": "error", "subject": "/h/.venvs/old",
         "message": "its base interpreter folder /gone/bin is gone",
         "hint": "ainlp fix /h/.venvs/old rebuilds it", "fix": "rebuild"},
        {"id": "venv.pip-missing", "severity": "info", "subject": "/h/proj/.venv",
         "message": "no pip installed", "hint": "python -m ensurepip", "fix": "install-pip"},
        {"id": "path.missing-dir", "severity": "info", "subject": "/opt/gone/bin",
         "message": "PATH names /opt/gone/bin, which does not exist",
         "hint": "remove it from your rc file", "fix": "clean-path"},
        {"id": "env.pythonpath-set", "severity": "warning", "subject": "PYTHONPATH",
         "message": "PYTHONPATH=/x is added to every Python", "hint": "unset PYTHONPATH",
         "fix": None},
    ],
    "checks_run": 34,
    "summary": {"error": 1, "warning": 1, "info": 2},
}
ENVS: list[dict[str, Any]] = [
    {"title": "venv old 3.9.18", "subject": "/h/.venvs/old"},
    {"title": "venv .venv 3.12.1", "subject": "/h/proj/.venv"},
    {"title": "pyenv 3.12.1", "subject": "/h/.pyenv/versions/3.12.1"},
]

EXPECTED = """\
✗ venv old 3.9.18 /h/.venvs/old
  ✗ its base interpreter folder /gone/bin is gone (venv.base-missing)
      → ainlp fix /h/.venvs/old rebuilds it
✓ venv .venv 3.12.1 /h/proj/.venv
  i no pip installed (venv.pip-missing)
      → python -m ensurepip
✓ pyenv 3.12.1 /h/.pyenv/versions/3.12.1
! this machine
  ! PYTHONPATH=/x is added to every Python (env.pythonpath-set)
      → unset PYTHONPATH
  i PATH names /opt/gone/bin, which does not exist (path.missing-dir)
      → remove it from your rc file

34 checks: 1 error, 1 warning, 2 notes
"""


def console() -> Console:
    return Console(width=80, color_system=None, record=True, highlight=False)


def test_report_lines() -> None:
    out = console()
    with out.capture() as captured:
        print_report(out, DOC, ENVS)
    assert captured.get() == EXPECTED


def test_change_lines() -> None:
    out = console()
    with out.capture() as captured:
        print_change(out, DOC["findings"][:1], DOC["findings"][2:3], "12:00:00")
    assert [line.rstrip() for line in captured.get().splitlines()] == [
        "12:00:00 ✗ new: /h/.venvs/old: its base interpreter folder /gone/bin is gone",
        "(venv.base-missing)",
        "      → ainlp fix /h/.venvs/old rebuilds it",
        "12:00:00 ✓ resolved: /opt/gone/bin: PATH names /opt/gone/bin, which does not",
        "exist (path.missing-dir)",
    ]


def test_grouping_without_an_inventory_is_per_subject() -> None:
    groups = group_findings(DOC["findings"])
    assert [g[0] for g in groups] == ["/h/.venvs/old", "/h/proj/.venv", "/opt/gone/bin",
                                      "PYTHONPATH"]
    assert worst([]) == "ok"
    assert worst(DOC["findings"]) == "error"
