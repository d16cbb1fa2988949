"""Small facts strategies share: is a folder provably an environment, base-step shapes."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ainlp.core.health.findings import Finding
from ainlp.core.recovery.model import FindingRef, RepairStep


def proven_environment(prefix: Path) -> str | None:
    """"venv" or "conda" when the folder itself proves it is an environment, else None.

    A link is never proof: its target may be anything, anywhere.
    """
    if prefix.is_symlink() or not prefix.is_dir():
        return None
    if (prefix / "pyvenv.cfg").is_file() and not (prefix / "pyvenv.cfg").is_symlink():
        return "venv"
    if (prefix / "conda-meta").is_dir() and not (prefix / "conda-meta").is_symlink():
        return "conda"
    return None


def venv_layout(prefix: Path) -> bool:
    """A venv's folders without pyvenv.cfg: bin/python and lib/pythonX.Y/site-packages."""
    if prefix.is_symlink():
        return False
    python = prefix / "bin" / "python"
    return os_lexists(python) and any(prefix.glob("lib/python3.*/site-packages"))


def os_lexists(path: Path) -> bool:
    return os.path.lexists(path)


def blocked(strategy: str, subject: str, findings: Sequence[Finding], step_id: str,
            does: str, why: str) -> RepairStep:
    return RepairStep(step_id, strategy, subject, does,
                      tuple(FindingRef.of(f) for f in findings), (), False, blocked=why)
