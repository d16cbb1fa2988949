"""rebuild: a broken environment recreated at the same place with an installed Python of
the same minor, holding the same distributions, installed offline from wheels made of its
own files (and known wheel folders). The old folder stays in the trash until verified.

Each kind its own way (`kinds`): venv, virtualenv, poetry, pdm, hatch and uv-tool
environments as above; pipx venvs too, keeping pipx_metadata.json (main and injected
packages named in the plan); conda environments through conda when it is installed, else
the plan says what a person runs."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ainlp.core.discovery.resolve import classify
from ainlp.core.errors import AinlpError
from ainlp.core.health.findings import Finding
from ainlp.core.recovery.model import FindingRef, RepairStep
from ainlp.core.recovery.strategies import register_strategy
from ainlp.core.recovery.strategies._common import blocked, proven_environment, venv_layout
from ainlp.core.recovery.strategies.kinds import (
    PIPX_METADATA,
    conda_act,
    conda_check,
    conda_plan,
    keep_pipx_metadata,
    pipx_app,
    pipx_check,
    pipx_notes,
    restore_pipx_metadata,
)

if TYPE_CHECKING:
    from ainlp.core.discovery.records import EnvRecord
    from ainlp.core.envsnap import EnvSnapshot
    from ainlp.core.recovery.context import RepairContext
    from ainlp.core.recovery.transaction import Transaction

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: ainlp.core.envsnap 27 ms, ainlp.core.envsnap.recreate 26 ms, packaging.version 2.4 ms

NAME = "rebuild"


class Rebuild:
    name = NAME
    transactional = True

    def plan(self, rc: RepairContext, subject: str, findings: Sequence[Finding],
             step_id: str) -> RepairStep:
        from ainlp.core.envsnap import choose_interpreter
        record = rc.record(subject)
        does = f"rebuild {subject}"
        if record is None:
            return blocked(NAME, subject, findings, step_id, does,
                           "it is not among the discovered environments any more")
        prefix = record.prefix
        kind = proven_environment(prefix)
        if kind == "conda":
            return conda_plan(rc, record, subject, findings, step_id, NAME)
        if kind is None and not venv_layout(prefix):
            return blocked(NAME, subject, findings, step_id, does,
                           "not a virtual environment (a bare interpreter is reinstalled "
                           "with its installer, not rebuilt)")
        snap = _snapshot(rc, record)
        version = snap.interpreter.version if snap is not None else record.version
        if snap is None or version is None:
            return blocked(NAME, subject, findings, step_id, does,
                           "its Python version is unknown: nothing says what to rebuild with")

        chosen, note = choose_interpreter(rc.inventory, version)
        if chosen is None or chosen.executable is None:
            return blocked(NAME, subject, findings, step_id, does,
                           f"no interpreter to rebuild it with: {note}")
        left_out = _unbuildable(rc, record, snap)
        names = [p.canonical_name for p in snap.distributions if p.canonical_name not in left_out]
        step = RepairStep(
            step_id, NAME, str(prefix),
            f"move {prefix} to the trash and recreate it with Python {chosen.version} "
            f"({chosen.executable}; {note}), reinstalling {len(names)} distribution(s) offline "
            "from wheels of its own files",
            tuple(FindingRef.of(f) for f in findings), (str(prefix),), True,
            params={"python": str(chosen.executable), "version": str(version)},
            lists={"expected": names, "left_out": sorted(left_out)})
        step.notes.extend(f"{name} cannot be rebuilt: {why}" for name, why in
                          sorted(left_out.items()))
        app = pipx_app(prefix)
        if app is not None:
            notes, why_not = pipx_notes(app, sorted(left_out))
            if why_not is not None:
                return blocked(NAME, subject, findings, step_id, does, why_not)
            step.params["pipx"] = "1"
            step.does += f"; pipx's main package {app.main} and {PIPX_METADATA} kept"
            step.notes.extend(notes)
        return step

    def act(self, rc: RepairContext, step: RepairStep, tx: Transaction) -> list[str]:
        from ainlp.core.envsnap import build_wheelhouse, recreate
        if step.params.get("kind") == "conda":
            return conda_act(rc, step, tx)
        prefix = Path(step.subject)
        metadata = keep_pipx_metadata(prefix) if step.params.get("pipx") else None
        record = rc.record(step.subject) or classify(prefix, "fix",
                                                     platform=rc.world.platform)
        snap = _snapshot(rc, record)
        if snap is None:
            raise _Failed(f"the distributions of {prefix} cannot be read")
        left_out = set(step.lists.get("left_out", []))
        snap = replace(snap, distributions=tuple(p for p in snap.distributions
                                                  if p.canonical_name not in left_out))
        wheels = rc.world.state_dir / "recovery" / f"wheels-{uuid.uuid4().hex[:12]}"
        try:
            build_wheelhouse(rc.world, record, wheels)
            tx.move_to_trash(prefix)
            tx.creating(prefix)
            done = recreate(rc.world, snap, prefix=prefix, python=Path(step.params["python"]),
                            find_links=[wheels, *rc.known_wheel_folders()], offline=True)
        finally:
            shutil.rmtree(wheels, ignore_errors=True)
        messages = [f"rebuilt {prefix} with {done.python} ({done.tool}): "
                    f"{len(done.installed)} distribution(s)"]
        messages.extend(restore_pipx_metadata(prefix, metadata))
        messages.extend(f"left out {name}: it could not be rebuilt" for name in sorted(left_out))
        messages.extend(f"left out {s.name}: {s.reason}" for s in done.skipped)
        return messages

    def check(self, rc: RepairContext, step: RepairStep) -> str | None:
        from ainlp.core.envsnap import own_distributions
        if step.params.get("kind") == "conda":
            return conda_check(rc, step)
        prefix = Path(step.subject)
        if not (prefix / "pyvenv.cfg").is_file():
            return f"{prefix} was not recreated"
        record = classify(prefix, "fix", platform=rc.world.platform)
        have = {d.canonical_name for d in own_distributions(rc.world, record)}
        missing = [n for n in step.lists.get("expected", []) if n not in have]
        if missing:
            return f"{prefix} lacks {', '.join(missing)} after the rebuild"
        if step.params.get("pipx"):
            return pipx_check(prefix, have, data_expected=True)
        return None


class _Failed(AinlpError):
    code = "recovery.rebuild-failed"


def _snapshot(rc: RepairContext, record: EnvRecord) -> EnvSnapshot | None:
    """The last stored snapshot of the environment, else what its own dist-info says."""
    from ainlp.core.envsnap import capture
    stored = rc.last_snapshot(record.prefix)
    if stored is not None:
        return stored
    try:
        return capture(rc.world, record)
    except (AinlpError, OSError, ValueError):
        return None


def _unbuildable(rc: RepairContext, record: EnvRecord, snap: EnvSnapshot) -> dict[str, str]:
    """Distributions no wheel can be made or found for offline: name -> why."""
    from ainlp.core.envsnap import build_wheelhouse
    from ainlp.core.envsnap.recreate import local_files

    with tempfile.TemporaryDirectory(prefix="ainlp-plan-") as folder:
        built = build_wheelhouse(rc.world, record, Path(folder))
        available = local_files([Path(folder), *rc.known_wheel_folders()])
    reasons = {s.name: s.reason for s in built.skipped}
    out: dict[str, str] = {}
    for pkg in snap.distributions:
        name = pkg.canonical_name
        if pkg.editable_source is not None:
            if not pkg.editable_source.is_dir():
                out[name] = f"an editable install whose source {pkg.editable_source} is gone"
            continue
        if _norm(pkg.version) not in available.get(name, set()):
            out[name] = reasons.get(name, "no wheel of it here and no local copy to make one")
    return out


def _norm(version: str) -> str:
    from packaging.version import InvalidVersion, Version

    try:
        return str(Version(version))
    except InvalidVersion:
        return version


register_strategy(Rebuild())
