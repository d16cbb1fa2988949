"""Picking the interpreter for a rebuild: the same version, else the nearest patch."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ainlp.core.discovery.records import EnvKind, EnvRecord, EnvState, Inventory

_RELEASE = re.compile(r"^(\d+)\.(\d+)(?:\.(\d+))?")
# environments come and go; an interpreter installation is what a venv should point at
_ENV_KINDS = frozenset({
    EnvKind.VENV, EnvKind.VIRTUALENV, EnvKind.PYENV_VIRTUALENV, EnvKind.PIPX, EnvKind.UV_TOOL,
    EnvKind.POETRY, EnvKind.PDM, EnvKind.HATCH, EnvKind.PIPENV,
})


def choose_interpreter(candidates: Inventory | Iterable[EnvRecord],
                       wanted_version: str) -> tuple[EnvRecord | None, str]:
    """The interpreter of exactly `wanted_version`; else the nearest patch of the same minor
    (the note says so); else None with a note naming what is there."""
    records = candidates.environments if isinstance(candidates, Inventory) else candidates
    usable = [r for r in records if _usable(r)]
    wanted = _release(wanted_version)
    if wanted is None:
        return None, f"{wanted_version!r} is not a Python version"
    exact = [r for r in usable if r.version == wanted_version]
    if exact:
        return _preferred(exact), f"using {wanted_version}"
    major, minor, patch = wanted
    same_minor = []
    for record in usable:
        release = _release(record.version or "")
        if release is not None and release[:2] == (major, minor) and release[2] is not None:
            same_minor.append((release[2], record))
    if not same_minor:
        have = sorted({r.version for r in usable if r.version}, key=_sort_key)
        listed = ", ".join(have) if have else "none"
        return None, f"no Python {major}.{minor} is installed (found: {listed})"
    if patch is None:  # "3.11": the newest patch is the natural pick
        best = max(p for p, _ in same_minor)
    else:
        best = min((p for p, _ in same_minor), key=lambda p: (abs(p - patch), -p))
    record = _preferred([r for p, r in same_minor if p == best])
    if patch is None:
        return record, f"using {record.version} for {major}.{minor}"
    return record, (f"{wanted_version} is gone; using {record.version}, "
                    f"the nearest patch of {major}.{minor}")


def _usable(record: EnvRecord) -> bool:
    return (record.state is EnvState.OK and record.executable is not None
            and record.kind not in _ENV_KINDS)


def _preferred(records: list[EnvRecord]) -> EnvRecord:
    """Among equal versions: a plain release over a "+"/dev build, then discovery order."""
    return min(records, key=lambda r: (not re.fullmatch(r"[\d.]+", r.version or ""),))


def _release(version: str) -> tuple[int, int, int | None] | None:
    match = _RELEASE.match(version)
    if match is None:
        return None
    patch = match.group(3)
    return int(match.group(1)), int(match.group(2)), int(patch) if patch is not None else None


def _sort_key(version: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", version)[:3])
