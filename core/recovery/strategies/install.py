"""install-missing-requirements and reinstall-packages: exactly the distributions a finding
names, installed into that environment with uv (`uv pip install --python`), else its own
pip; offline from a local wheel folder when one holds them, else from the index. Never into
an externally-managed interpreter (PEP 668)."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ainlp.core.errors import AinlpError
from ainlp.core.health.findings import Finding
from ainlp.core.recovery.model import FindingRef, RepairStep
from ainlp.core.recovery.strategies import register_strategy
from ainlp.core.recovery.strategies._common import blocked

if TYPE_CHECKING:
    from ainlp.core.discovery.records import EnvRecord
    from ainlp.core.envsnap.installer import Installer
    from ainlp.core.process import Completed
    from ainlp.core.recovery.context import RepairContext
    from ainlp.core.recovery.transaction import Transaction

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: ainlp.core.envsnap.installer 26 ms, ainlp.core.envsnap.recreate 26 ms
# lazy: packaging.requirements 20 ms, packaging.utils 10 ms

INSTALL = "install-missing-requirements"
REINSTALL = "reinstall-packages"
INSTALL_TIMEOUT = 900.0
_REQUIRES = re.compile(r" requires (.+?), (?:which is not installed|but .+ is installed)$")
_FILES_GONE = re.compile(r"^(\S+) (\S+): \d+ installed file\(s\) missing")


class InstallFailed(AinlpError):
    code = "recovery.install-failed"


class Install:
    transactional = True

    def __init__(self, name: str) -> None:
        self.name = name

    def plan(self, rc: RepairContext, subject: str, findings: Sequence[Finding],
             step_id: str) -> RepairStep:
        does = f"{self.name} in {subject}"
        record = rc.record(subject)
        if record is None or record.executable is None:
            return blocked(self.name, subject, findings, step_id, does,
                           "no runnable python in it")
        if externally_managed(rc, record):
            return blocked(self.name, subject, findings, step_id, does,
                           "this Python is managed by the system (PEP 668): install with its "
                           "package manager, or work in a venv")
        wanted = self._requirements(findings)
        if not wanted:
            return blocked(self.name, subject, findings, step_id, does,
                           "the findings do not say which distribution to install")
        local = _local_folders(rc, wanted)
        tool = _tool(rc, record)
        if tool is None:
            return blocked(self.name, subject, findings, step_id, does,
                           "neither uv nor the environment's own pip can install into it")
        source = ("offline from " + ", ".join(map(str, local)) if local
                  else "from the package index")
        verb = "reinstall" if self.name == REINSTALL else "install"
        return RepairStep(
            step_id, self.name, str(record.prefix),
            f"{verb} {', '.join(wanted)} into {record.prefix} with {tool}, {source}",
            tuple(FindingRef.of(f) for f in findings), (str(record.prefix),), True,
            params={"python": str(record.executable), "tool": tool},
            lists={"requirements": wanted, "find_links": [str(p) for p in local]})

    def _requirements(self, findings: Sequence[Finding]) -> list[str]:
        found: list[str] = []
        for item in findings:
            if self.name == REINSTALL:
                match = _FILES_GONE.match(item.message)
                if match:
                    found.append(f"{match.group(1)}=={match.group(2)}")
                continue
            match = _REQUIRES.search(item.message)
            if match:
                found.append(match.group(1).split(";")[0].strip())
        return list(dict.fromkeys(found))

    def act(self, rc: RepairContext, step: RepairStep, tx: Transaction) -> list[str]:
        from ainlp.core.envsnap.installer import index_args, installer, tail
        prefix = Path(step.subject)
        python = step.params["python"]
        links = [Path(p) for p in step.lists.get("find_links", [])]
        requirements = step.lists.get("requirements", [])
        reinstall = self.name == REINSTALL
        inst = installer(rc.world, "pip" if step.params.get("tool") == "pip" else None,
                         offline=bool(links), find_links=links)
        if inst.uv is not None:
            argv = [str(inst.uv), "pip", "install", "--python", python, *index_args(inst)]
            if reinstall:
                argv.append("--no-deps")
                for req in requirements:
                    argv += ["--reinstall-package", re.split(r"[=<>!~ \[;@]", req)[0]]
        else:
            argv = [python, "-m", "pip", "install", "--disable-pip-version-check", "--no-input",
                    *index_args(inst)]
            if reinstall:
                argv += ["--force-reinstall", "--no-deps"]
        done = run_recording(rc, inst, [*argv, *requirements], prefix, tx,
                             timeout=INSTALL_TIMEOUT)
        if not done.ok:
            raise InstallFailed(f"installing {', '.join(requirements)} with {inst.tool} "
                                f"failed: {tail(done, 4)}")
        return [f"installed {', '.join(requirements)} into {prefix} with {inst.tool}"]

    def check(self, rc: RepairContext, step: RepairStep) -> str | None:
        return None


def externally_managed(rc: RepairContext, record: EnvRecord) -> bool:
    """PEP 668: an EXTERNALLY-MANAGED file beside the stdlib (never in a venv)."""
    prefix = record.prefix
    if (prefix / "pyvenv.cfg").exists():
        return False
    lib = prefix / ("Lib" if rc.world.platform == "win32" else "lib")
    try:
        folders = [lib] if rc.world.platform == "win32" else [
            p for p in lib.iterdir() if p.name.startswith("python")]
    except OSError:
        return False
    return any((folder / "EXTERNALLY-MANAGED").is_file() for folder in folders)


def _local_folders(rc: RepairContext, wanted: Sequence[str]) -> list[Path]:
    """The known wheel folders, when together they hold a version of every requirement."""
    from ainlp.core.envsnap.recreate import local_files
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    folders = rc.known_wheel_folders()
    available = local_files(folders)
    for text in wanted:
        try:
            req = Requirement(text)
        except InvalidRequirement:
            return []
        versions = available.get(str(canonicalize_name(req.name)), set())
        if not any(req.specifier.contains(v, prereleases=True) for v in versions):
            return []
    return folders


def _tool(rc: RepairContext, record: EnvRecord) -> str | None:
    from ainlp.core.envsnap.installer import child_env, find_uv
    if find_uv(rc.world, child_env(rc.world, offline=True)) is not None:
        return "uv"
    if any(record.prefix.glob("lib/python*/site-packages/pip/__init__.py")):
        return "pip"
    return None


def run_recording(rc: RepairContext, inst: Installer, argv: Sequence[str], prefix: Path,
                  tx: Transaction, *, timeout: float) -> Completed:
    """Run an installer into `prefix`; what it created is recorded in the transaction (and its
    journal) whatever the outcome, so a rollback or `ainlp undo` moves it to the trash."""
    from ainlp.core.envsnap.installer import run
    before = _files(prefix)
    done = run(rc.world, inst, argv, timeout=timeout)
    new = _topmost(_files(prefix) - before)
    tx.created.extend(str(p) for p in new if str(p) not in tx.created)
    tx.note()
    return done


def _files(prefix: Path) -> set[Path]:
    """Every file, link and folder under the prefix (links not followed; caches skipped)."""
    found: set[Path] = set()
    for folder, dirs, files in os.walk(prefix):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        base = Path(folder)
        found.update(base / d for d in dirs)
        found.update(base / f for f in files)
    return found


def _topmost(paths: set[Path]) -> list[Path]:
    """New paths without those inside another new folder: what undo moves to the trash."""
    ordered = sorted(paths, key=lambda p: len(p.parts))
    kept: list[Path] = []
    for path in ordered:
        if not any(path.is_relative_to(k) for k in kept):
            kept.append(path)
    return sorted(kept)


register_strategy(Install(INSTALL), Install(REINSTALL))
