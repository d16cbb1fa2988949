"""Dependency conflicts exactly as `pip check` finds them, from metadata alone.

pip check: every installed distribution's Requires-Dist whose marker holds (with no extra
selected) must name an installed distribution whose version its specifier contains
(pre-releases allowed). A distribution with an unparsable requirement is left out of the
set altogether, so whatever needs it sees it as missing: pip does the same.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ainlp.core.discovery.records import EnvRecord
from ainlp.core.packages.metadata import Distribution, canonical, normalized_version
from ainlp.core.packages.sites import minor_version
from ainlp.core.packages.tags import TagContext, Unsupported, unsupported
from ainlp.core.versions import PyVersion
from ainlp.core.world import World

if TYPE_CHECKING:
    from packaging.requirements import Requirement

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: packaging.requirements 50 ms, packaging.version 6.7 ms

_IMPLEMENTATIONS = {"cpython": "CPython", "pypy": "PyPy", "graalpy": "GraalVM",
                    "ironpython": "IronPython", "jython": "Jython"}


@dataclass(frozen=True, slots=True)
class Conflict:
    package: str  # the distribution whose requirement is broken, as its metadata spells it
    package_version: str
    requirement: str  # the requirement as pip prints it
    dependency: str  # its canonical name
    problem: str  # "missing" or "version"
    installed: str | None  # the installed version of the dependency (for "version")

    def to_json(self) -> dict[str, Any]:
        return {"package": self.package, "package_version": self.package_version,
                "requirement": self.requirement, "dependency": self.dependency,
                "problem": self.problem, "installed": self.installed}

    @property
    def pip_line(self) -> str:
        """The line `pip check` prints for this conflict."""
        if self.problem == "missing":
            return (f"{canonical(self.package)} {self.package_version} requires "
                    f"{self.dependency}, which is not installed.")
        return (f"{canonical(self.package)} {self.package_version} has requirement "
                f"{self.requirement}, "
                f"but you have {self.dependency} {self.installed}.")


@dataclass(frozen=True, slots=True)
class BadRequirement:
    package: str
    text: str
    error: str


@dataclass(frozen=True)
class CheckResult:
    conflicts: tuple[Conflict, ...]
    unparsable: tuple[BadRequirement, ...]
    unsupported: tuple[Unsupported, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.conflicts and not self.unparsable and not self.unsupported

    @property
    def pip_lines(self) -> list[str]:
        """What `pip check` prints (24.1 and later), in its order."""
        missing = [c.pip_line for c in self.conflicts if c.problem == "missing"]
        version = [c.pip_line for c in self.conflicts if c.problem == "version"]
        return missing + version + [u.pip_line for u in self.unsupported]


def full_version(version: PyVersion | str | None) -> str | None:
    """The PEP 440 part of a version as discovery reports it ("3.10.14+" -> "3.10.14")."""
    if isinstance(version, PyVersion):
        return version.full
    return PyVersion(version).full if version else None


def marker_environment(world: World, record: EnvRecord) -> dict[str, str]:
    """PEP 508 marker values for the environment's Python (not the one running ainlp)."""
    implementation = (record.implementation or "cpython").lower()
    # a version discovery could not tell: AINLP's own Python is the likeliest guess
    full = full_version(record.version) or ".".join(map(str, sys.version_info[:3]))
    machine = world.machine  # the target's OS where the world says, never the host's by default
    values = {
        "implementation_name": implementation,
        "platform_python_implementation": _IMPLEMENTATIONS.get(implementation, implementation),
        "python_version": minor_version(full) or full,
        "python_full_version": full,
        "sys_platform": world.platform,
        "os_name": "nt" if world.platform == "win32" else "posix",
        "platform_system": machine.system,
        "platform_machine": record.arch or machine.machine,
        "platform_release": machine.release,
        "platform_version": machine.version,
        "extra": "",
    }
    if implementation == "cpython":
        values["implementation_version"] = full
    return values


@functools.lru_cache(maxsize=8192)
def parse_requirement(text: str) -> Requirement:
    """A parsed requirement (InvalidRequirement, a ValueError, when it is not one).

    Cached: environments of one machine repeat the same pip and setuptools requirements.
    """
    from packaging.requirements import Requirement

    return Requirement(text)


def applicable_requirements(dist: Distribution,
                            environment: Mapping[str, str]) -> list[Requirement]:
    """The requirements that hold in this environment without extras; ValueError if unparsable."""
    found: list[Requirement] = []
    for text in dist.requires:
        req = parse_requirement(text)
        if req.marker is None or req.marker.evaluate({**environment, "extra": ""}):
            found.append(req)
    return found


def check(distributions: Iterable[Distribution], environment: Mapping[str, str],
          tags: TagContext | None = None) -> CheckResult:
    """pip check over these distributions (the first of each name, as installed); with a
    tag context, installed wheels this interpreter cannot use too."""
    from packaging.requirements import InvalidRequirement
    from packaging.version import InvalidVersion, Version

    dists = list(distributions)
    package_set: dict[str, tuple[Distribution, list[Requirement]]] = {}
    unparsable: list[BadRequirement] = []
    for dist in dists:
        try:
            package_set[dist.canonical_name] = (dist, applicable_requirements(dist, environment))
        except (InvalidRequirement, ValueError) as exc:
            unparsable.append(BadRequirement(dist.name or "", _bad_text(dist, exc), str(exc)))
    conflicts: list[Conflict] = []
    for key in sorted(package_set):
        dist, requirements = package_set[key]
        version = normalized_version(dist.version)
        missing: dict[str, Conflict] = {}
        wrong: dict[str, Conflict] = {}
        for req in requirements:
            dep = canonical(req.name)
            if dep not in package_set:
                missing.setdefault(str(req), Conflict(dist.name or key, version or "",
                                                      str(req), dep, "missing", None))
                continue
            installed = package_set[dep][0].version or ""
            try:
                ok = req.specifier.contains(Version(installed), prereleases=True)
            except InvalidVersion:
                ok = req.specifier.contains(installed, prereleases=True)
            if not ok:
                wrong.setdefault(str(req), Conflict(dist.name or key, version or "", str(req),
                                                    dep, "version", normalized_version(installed)))
        conflicts += sorted(missing.values(), key=lambda c: (c.dependency, c.requirement))
        conflicts += sorted(wrong.values(), key=lambda c: (c.dependency, c.requirement))
    foreign = tuple(unsupported(dists, tags)) if tags is not None else ()
    return CheckResult(tuple(conflicts), tuple(unparsable), foreign)


def _bad_text(dist: Distribution, exc: Exception) -> str:
    for text in dist.requires:
        try:
            parse_requirement(text)
        except ValueError:
            return text
    return str(exc)
