"""How `rebuild` treats each kind of environment beyond a plain venv.

- venv, virtualenv, poetry, pdm, hatch, uv-tool: recreated in place with uv (rebuild.py).
- pipx: the same, and pipx_metadata.json is kept: the plan names the main package and the
  injected ones, and a rebuild that cannot bring the main package back is not tried.
- conda: through conda (or mamba) when one is installed: `conda create -y -p PREFIX --file
  LIST`, LIST being the exact package URLs of conda-meta (an @EXPLICIT list) or, when those
  are unknown, the specs of conda-meta/history. Without conda the step is blocked and its
  notes say exactly what a person runs.
"""

from __future__ import annotations

import ast
import json
import re
import shlex
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ainlp.core.discovery.locators.conda_meta import (
    conda_binary_on_path,
    find_conda_manager,
    mamba_binary_on_path,
)
from ainlp.core.errors import AinlpError
from ainlp.core.health.findings import Finding
from ainlp.core.recovery.model import FindingRef, RepairStep
from ainlp.core.recovery.strategies._common import blocked

if TYPE_CHECKING:
    from ainlp.core.discovery.records import EnvRecord
    from ainlp.core.recovery.context import RepairContext
    from ainlp.core.recovery.transaction import Transaction

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: packaging.utils 11 ms

PIPX_METADATA = "pipx_metadata.json"
CONDA_TIMEOUT = 1800.0


class KindFailed(AinlpError):
    code = "recovery.rebuild-failed"


# -- pipx -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class PipxApp:
    main: str | None
    injected: tuple[str, ...] = field(default_factory=tuple)


def pipx_app(prefix: Path) -> PipxApp | None:
    """The main and injected packages pipx_metadata.json names; None: not a pipx venv."""
    try:
        doc = json.loads((prefix / PIPX_METADATA).read_text(encoding="utf-8"), parse_constant=int)
    except (OSError, ValueError):
        return None if not (prefix / PIPX_METADATA).exists() else PipxApp(None)
    if not isinstance(doc, dict):
        return PipxApp(None)
    main = doc.get("main_package")
    name = main.get("package") if isinstance(main, dict) else None
    injected = doc.get("injected_packages")
    names = tuple(sorted(str(k) for k in injected)) if isinstance(injected, dict) else ()
    return PipxApp(str(name) if isinstance(name, str) else None, names)


def canonical(name: str) -> str:
    from packaging.utils import canonicalize_name

    return str(canonicalize_name(name))


def pipx_notes(app: PipxApp, left_out: Sequence[str]) -> tuple[list[str], str | None]:
    """Plan notes for a pipx venv, and why not to rebuild it (its main package cannot be)."""
    notes = [f"pipx: the main package is {app.main or 'unknown (pipx_metadata.json unreadable)'}"
             + (f"; injected: {', '.join(app.injected)}" if app.injected else
                "; nothing injected"),
             f"{PIPX_METADATA} is kept, so `pipx list` and `pipx upgrade` still know it"]
    if app.main is not None and canonical(app.main) in set(left_out):
        return notes, (f"pipx's main package {app.main} cannot be reinstalled offline: "
                       f"`pipx reinstall {app.main}` does it from the index")
    lost = [p for p in app.injected if canonical(p) in set(left_out)]
    notes.extend(f"the injected package {p} cannot be rebuilt: `pipx inject {app.main} {p}` "
                 "puts it back" for p in lost)
    return notes, None


def keep_pipx_metadata(prefix: Path) -> bytes | None:
    try:
        return (prefix / PIPX_METADATA).read_bytes()
    except OSError:
        return None


def restore_pipx_metadata(prefix: Path, data: bytes | None) -> list[str]:
    """Into the recreated folder (which the transaction removes whole on rollback)."""
    if data is None:
        return []
    (prefix / PIPX_METADATA).write_bytes(data)
    return [f"kept {PIPX_METADATA}"]


def pipx_check(prefix: Path, have: set[str], data_expected: bool) -> str | None:
    app = pipx_app(prefix)
    if data_expected and app is None:
        return f"{prefix / PIPX_METADATA} was not kept"
    if app is not None and app.main is not None and canonical(app.main) not in have:
        return f"pipx's main package {app.main} is missing after the rebuild"
    return None


# -- conda ----------------------------------------------------------------------------------

def conda_tool(rc: RepairContext, record: EnvRecord) -> Path | None:
    """The environment's own manager when it still exists, else conda / mamba on PATH."""
    manager = record.manager if record.manager is not None else find_conda_manager(
        record.prefix)
    if manager is not None and manager.executable is not None and manager.executable.exists():
        return manager.executable
    return conda_binary_on_path(rc.world) or mamba_binary_on_path(rc.world)


def conda_list(prefix: Path) -> tuple[list[str], str]:
    """The lines of the file `conda create --file` reads, and where they come from."""
    meta = prefix / "conda-meta"
    urls: list[str] = []
    complete = True
    for path in sorted(meta.glob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"), parse_constant=int)
        except (OSError, ValueError):
            complete = False
            continue
        url = doc.get("url") if isinstance(doc, dict) else None
        if isinstance(url, str) and url:
            urls.append(url)
        elif isinstance(doc, dict) and doc.get("name"):
            complete = False
    if urls and complete:
        return ["@EXPLICIT", *urls], "the exact packages conda-meta records"
    specs = history_specs(meta / "history")
    if specs:
        return specs, "the specs conda-meta/history records"
    return [], "nothing: conda-meta names no package"


def history_specs(history: Path) -> list[str]:
    """The specs the user asked for (`# update specs: [...]` minus `# remove specs: [...]`)."""
    try:
        text = history.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    wanted: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        for marker, add in (("# update specs:", True), ("# remove specs:", False)):
            if not line.startswith(marker):
                continue
            try:
                specs = ast.literal_eval(line[len(marker):].strip())
            except (ValueError, SyntaxError):
                continue
            for spec in specs if isinstance(specs, list) else []:
                name = _spec_name(str(spec))
                if add:
                    wanted[name] = str(spec)
                else:
                    wanted.pop(name, None)
    return list(wanted.values())


def _spec_name(spec: str) -> str:
    name = re.split(r"[=<>!~ \[]", spec.split("::")[-1], maxsplit=1)[0]
    return name.strip().lower()


def conda_plan(rc: RepairContext, record: EnvRecord, subject: str,
               findings: Sequence[Finding], step_id: str, name: str) -> RepairStep:
    prefix = record.prefix
    lines, source = conda_list(prefix)
    does = f"recreate the conda environment {prefix} with conda from {source}"
    if not lines:
        return blocked(name, subject, findings, step_id, does,
                       "conda-meta names no package to recreate it from: `conda create -p "
                       f"{shlex.quote(str(prefix))} python=X.Y` and reinstall by hand")
    tool = conda_tool(rc, record)
    listed = "specs.txt"
    person = [f"save these {len(lines)} line(s) as {listed}: " + " | ".join(lines[:20])
              + (" | ..." if len(lines) > 20 else ""),
              f"mv {shlex.quote(str(prefix))} {shlex.quote(str(prefix) + '.broken')}",
              f"conda create -y -p {shlex.quote(str(prefix))} --file {listed}"]
    if tool is None:
        step = blocked(name, subject, findings, step_id, does,
                       "conda (or mamba) is not installed here: a conda environment is "
                       "rebuilt by conda; the notes say what to run where it is")
        step.notes.extend(person)
        return step
    step = RepairStep(
        step_id, name, str(prefix),
        f"move {prefix} to the trash and recreate it with `{tool.name} create -p` from "
        f"{source} ({len([x for x in lines if not x.startswith('@')])} package(s))",
        tuple(FindingRef.of(f) for f in findings), (str(prefix),), True,
        params={"kind": "conda", "conda": str(tool)}, lists={"conda_list": lines})
    step.notes.append(f"conda needs its package cache or the network for: {source}")
    return step


def conda_act(rc: RepairContext, step: RepairStep, tx: Transaction) -> list[str]:
    prefix = Path(step.subject)
    folder = rc.world.state_dir / "recovery"
    folder.mkdir(parents=True, exist_ok=True)
    listing = folder / f"conda-{uuid.uuid4().hex[:12]}.txt"
    listing.write_text("\n".join(step.lists.get("conda_list", [])) + "\n", encoding="utf-8")
    try:
        tx.move_to_trash(prefix)
        tx.creating(prefix)
        argv = [step.params["conda"], "create", "-y", "-p", str(prefix), "--file", str(listing)]
        done = rc.world.run(argv, timeout=CONDA_TIMEOUT, env=dict(rc.world.env))
    finally:
        listing.unlink(missing_ok=True)
    if not done.ok:
        lines = (done.stderr.strip() or done.stdout.strip()).splitlines()
        raise KindFailed(f"`{' '.join(argv[:5])} ...` failed: "
                         + (done.start_error or (lines[-1] if lines else "no output")))
    return [f"recreated {prefix} with {Path(step.params['conda']).name}"]


def conda_check(rc: RepairContext, step: RepairStep) -> str | None:
    prefix = Path(step.subject)
    if not (prefix / "conda-meta").is_dir():
        return f"{prefix} was not recreated as a conda environment"
    python = prefix / ("python.exe" if rc.world.platform == "win32" else "bin/python")
    if not python.exists():
        return None  # an environment without python: conda says it is complete
    done = rc.world.run([str(python), "-c", "import sys"], timeout=60.0,
                        env=dict(rc.world.env))
    return None if done.ok else f"{python} does not start after the rebuild"
