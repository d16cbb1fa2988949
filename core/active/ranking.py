"""Which environment suits a project best, and what replaces one that vanished.

One rule orders the candidates, lexicographically: the Python version satisfies what the
project declares; environments before bare interpreters (and before applications' own
environments, pipx or uv tools); more of the project's requirements already installed;
inside the project folder; the environment kind (venv, virtualenv, poetry, pdm, hatch,
conda ...); a newer Python; then the path, so ties always break the same way. Broken and
missing environments are never chosen: they come last, with the reason.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ainlp.core.active.needs import ProjectNeeds, read_needs
from ainlp.core.discovery.records import EnvKind, EnvRecord, EnvState
from ainlp.core.packages import canonical, installed_distributions, marker_environment
from ainlp.core.packages.conflicts import full_version, parse_requirement
from ainlp.core.packages.sites import minor_version
from ainlp.core.versions import PyVersion
from ainlp.core.world import World

if TYPE_CHECKING:
    from packaging.requirements import Requirement

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: packaging.specifiers 6.5 ms

# Environment kinds in the order a project would pick them.
ENV_KINDS = (EnvKind.VENV, EnvKind.VIRTUALENV, EnvKind.POETRY, EnvKind.PDM, EnvKind.HATCH,
             EnvKind.CONDA, EnvKind.PYENV_VIRTUALENV, EnvKind.PIPENV)
APP_KINDS = (EnvKind.PIPX, EnvKind.UV_TOOL)  # an application's private environment


@dataclass(frozen=True)
class Candidate:
    record: EnvRecord
    score: int  # higher is better; never higher than a candidate ranked before it
    reasons: tuple[str, ...]
    satisfies_python: bool
    requirements_met: int
    requirements_total: int
    inside_project: bool = False
    excluded: str | None = None  # why it cannot be chosen (broken, missing)

    def to_json(self) -> dict[str, Any]:
        return {"environment": self.record.to_json(), "score": self.score,
                "reasons": list(self.reasons), "satisfies_python": self.satisfies_python,
                "requirements_met": self.requirements_met,
                "requirements_total": self.requirements_total,
                "inside_project": self.inside_project, "excluded": self.excluded}


def rank_for_project(world: World, project: Path, records: Iterable[EnvRecord], *,
                     needs: ProjectNeeds | None = None) -> list[Candidate]:
    """Every record as a candidate for the project, best first, excluded ones last."""
    needs = needs if needs is not None else read_needs(project)
    judged = [_judge(world, needs, record) for record in records]
    usable = sorted((j for j in judged if j[0].excluded is None), key=lambda j: j[1])
    excluded = sorted((j[0] for j in judged if j[0].excluded is not None),
                      key=lambda c: (str(c.record.prefix), str(c.record.executable)))
    return [j[0] for j in usable] + excluded


def _judge(world: World, needs: ProjectNeeds,
           record: EnvRecord) -> tuple[Candidate, tuple[Any, ...]]:
    inside = _inside(record.prefix, needs.project)
    why_not = _unusable(record)
    if why_not is not None:
        return Candidate(record, -1, (why_not,), False, 0, 0, inside, why_not), ()
    satisfies, reasons = _python_fit(record, needs)
    met, total, requirement_reasons = _requirements_fit(world, record, needs)
    reasons += requirement_reasons
    group = 2 if record.kind in APP_KINDS else 0 if record.kind in ENV_KINDS else 1
    kind_rank = ENV_KINDS.index(record.kind) if record.kind in ENV_KINDS else len(ENV_KINDS)
    reasons.append(_kind_reason(record, group, inside))
    score = (satisfies * 100_000 + (2 - group) * 10_000 + min(met, 99) * 100 + inside * 50
             + (9 - kind_rank) * 5)
    key = (not satisfies, group, -met, not inside, kind_rank,
           tuple(-n for n in _version_tuple(record.version)), str(record.prefix),
           str(record.executable))
    return Candidate(record, score, tuple(reasons), satisfies, met, total, inside), key


def _unusable(record: EnvRecord) -> str | None:
    problems = "; ".join(p.message for p in record.problems)
    if record.state is EnvState.MISSING:
        return f"missing: {problems or f'{record.prefix} is gone'}"
    if record.state is EnvState.BROKEN:
        return f"broken: {problems or 'its interpreter does not work'}"
    if record.executable is None or not os.path.lexists(record.executable):
        return f"broken: no interpreter in {record.prefix}"
    return None


def _python_fit(record: EnvRecord, needs: ProjectNeeds) -> tuple[bool, list[str]]:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    version = full_version(record.version)
    shown = record.version or "unknown"
    reasons: list[str] = []
    ok = True
    if not needs.declares_python:
        reasons.append("the project declares no Python version")
    if needs.requires_python is not None:
        try:
            spec = SpecifierSet(needs.requires_python)
        except InvalidSpecifier:
            reasons.append(f"requires-python {needs.requires_python!r} is not valid; ignored")
        else:
            fits = version is not None and spec.contains(version, prereleases=True)
            ok = ok and fits
            verb = "satisfies" if fits else "does not satisfy"
            reasons.append(f"Python {shown} {verb} requires-python {needs.requires_python}")
    if needs.pinned:
        fits = any(_matches_pin(record, version, pin) for pin in needs.pinned)
        ok = ok and fits
        verb = "matches" if fits else "does not match"
        reasons.append(f"Python {shown} {verb} .python-version ({' '.join(needs.pinned)})")
    return ok, reasons


def _matches_pin(record: EnvRecord, version: str | None, pin: str) -> bool:
    wanted = PyVersion(pin)
    if wanted.plain and len(wanted.release) <= 3:  # "3", "3.12", "3.12.1": a version pin
        return version is not None and wanted.prefix_of(PyVersion(version))
    return pin in (record.name, record.prefix.name)


def _requirements_fit(world: World, record: EnvRecord,
                      needs: ProjectNeeds) -> tuple[int, int, list[str]]:
    if not needs.requirements:
        return 0, 0, []
    environment = marker_environment(world, record)
    installed = installed_distributions(world, record).by_name()
    met: list[str] = []
    missing: list[str] = []
    for text in needs.requirements:
        requirement = _parse(text)
        if requirement is None:
            continue
        if requirement.marker is not None and not requirement.marker.evaluate(environment):
            continue
        dist = installed.get(canonical(requirement.name))
        fits = dist is not None and (
            not requirement.specifier
            or requirement.specifier.contains(dist.version or "", prereleases=True))
        (met if fits else missing).append(str(requirement))
    total = len(met) + len(missing)
    reason = f"{len(met)} of {total} requirements installed"
    if missing:
        reason += f" (missing or other versions: {', '.join(missing[:5])}"
        reason += ", ...)" if len(missing) > 5 else ")"
    return len(met), total, [reason]


def _parse(text: str) -> Requirement | None:
    try:
        return parse_requirement(text)
    except ValueError:
        return None  # a URL or a path: nothing to compare with an installed version


def _kind_reason(record: EnvRecord, group: int, inside: bool) -> str:
    what = ("an environment", "a bare interpreter", "an application's environment")[group]
    where = " inside the project" if inside else ""
    return f"{what} ({record.kind.value}){where}"


def _inside(prefix: Path, project: Path) -> bool:
    return Path(os.path.realpath(prefix)).is_relative_to(os.path.realpath(project))


def _version_tuple(version: PyVersion | None) -> tuple[int, ...]:
    full = full_version(version)
    if full is None:
        return (-1,)
    return PyVersion(full).release[:3]


@dataclass(frozen=True)
class Replacement:
    candidate: Candidate
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"candidate": self.candidate.to_json(), "reason": self.reason}


def replacement_for(world: World, project: Path, vanished_prefix: Path,
                    records: Sequence[EnvRecord], *,
                    needs: ProjectNeeds | None = None) -> Replacement | None:
    """What should become active now that `vanished_prefix` is gone, by the ranking rule
    with three preferences first: the same project's other environments, the vanished
    environment's minor version, the project's requirements installed."""
    gone_minor = next((minor_version(r.version) for r in records
                       if r.prefix == vanished_prefix and r.version), None)
    ranked = [c for c in rank_for_project(world, project, records, needs=needs)
              if c.excluded is None and c.record.prefix != vanished_prefix]
    if not ranked:
        return None
    order = {id(c): i for i, c in enumerate(ranked)}

    def same_minor(c: Candidate) -> bool:
        return gone_minor is not None and minor_version(c.record.version) == gone_minor

    best = min(ranked, key=lambda c: (not c.satisfies_python, not c.inside_project,
                                      not same_minor(c), -c.requirements_met, order[id(c)]))
    return Replacement(best, _replacement_reason(best, vanished_prefix, gone_minor,
                                                 same_minor(best)))


def _replacement_reason(best: Candidate, vanished: Path, gone_minor: str | None,
                        same_minor: bool) -> str:
    record = best.record
    parts = [f"{record.prefix} replaces {vanished}, which is gone"]
    if best.inside_project:
        parts.append("it is another environment of this project")
    if same_minor:
        parts.append(f"it has Python {record.version}, the same {gone_minor} as before")
    elif gone_minor is not None:
        parts.append(f"no usable environment has Python {gone_minor}; it has {record.version}")
    if best.requirements_total:
        parts.append(f"{best.requirements_met} of {best.requirements_total} requirements "
                     "are installed")
    return "; ".join(parts)
