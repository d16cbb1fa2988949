"""Picking the interpreter for a rebuild: the same version, else the nearest patch."""

from __future__ import annotations

from collections.abc import Iterable

from ainlp.core.discovery.records import EnvKind, EnvRecord, EnvState, Inventory
from ainlp.core.versions import PyVersion

# environments come and go; an interpreter installation is what a venv should point at
_ENV_KINDS = frozenset({
    EnvKind.VENV, EnvKind.VIRTUALENV, EnvKind.PYENV_VIRTUALENV, EnvKind.PIPX, EnvKind.UV_TOOL,
    EnvKind.POETRY, EnvKind.PDM, EnvKind.HATCH, EnvKind.PIPENV,
})


def choose_interpreter(candidates: Inventory | Iterable[EnvRecord],
                       wanted_version: PyVersion | str) -> tuple[EnvRecord | None, str]:
    """The interpreter of exactly `wanted_version`; else the nearest patch of the same minor
    (the note says so); else None with a note naming what is there."""
    records = candidates.environments if isinstance(candidates, Inventory) else candidates
    usable = [r for r in records if _usable(r)]
    wanted = (wanted_version if isinstance(wanted_version, PyVersion)
              else PyVersion(wanted_version))
    if wanted.minor is None:
        return None, f"{wanted.text!r} is not a Python version"
    exact = [r for r in usable if r.version == wanted]
    if exact:
        return _preferred(exact), f"using {wanted_version}"
    same_minor: list[tuple[int, EnvRecord]] = []
    for record in usable:
        version = record.version or PyVersion("")
        if version.same_minor(wanted) and version.patch is not None:
            same_minor.append((version.patch, record))
    best = wanted.nearest_patch(p for p, _ in same_minor)
    if best is None:
        have = sorted({r.version for r in usable if r.version})
        listed = ", ".join(v.text for v in have) if have else "none"
        return None, f"no Python {wanted.minor} is installed (found: {listed})"
    record = _preferred([r for p, r in same_minor if p == best])
    if wanted.patch is None:
        return record, f"using {record.version} for {wanted.minor}"
    return record, (f"{wanted_version} is gone; using {record.version}, "
                    f"the nearest patch of {wanted.minor}")


def _usable(record: EnvRecord) -> bool:
    return (record.state is EnvState.OK and record.executable is not None
            and record.kind not in _ENV_KINDS)


def _preferred(records: list[EnvRecord]) -> EnvRecord:
    """Among equal versions: a plain release over a "+"/dev build, then discovery order."""
    return min(records, key=lambda r: not (r.version is not None and r.version.plain))
