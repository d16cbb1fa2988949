"""The plain values of manifest.json: built by `write`, rebuilt by `read` after validation."""

from __future__ import annotations

from dataclasses import dataclass

from ainlp.core.bundle.layout import SCHEMA, SCHEMA_VERSION
from ainlp.core.envsnap.model import Package
from ainlp.core.jsondoc import JSONObject


@dataclass(frozen=True, slots=True)
class PythonNeed:
    """The interpreter an environment needs."""

    version: str | None  # exact: "3.11.7"
    implementation: str | None  # "cpython"
    installed_by: str  # pyenv, uv, conda, system, homebrew, unknown
    base_executable: str | None  # portable (`~/...` or absolute), as on the old machine

    def to_json(self) -> JSONObject:
        return {"version": self.version, "implementation": self.implementation,
                "installed_by": self.installed_by, "base_executable": self.base_executable}


@dataclass(frozen=True, slots=True)
class BundleEnv:
    id: str  # the folder's last part: "01-proj"
    folder: str  # bundle-relative: "environments/01-proj"
    kind: str
    name: str | None
    location: str  # portable: "~/.virtualenvs/x" or "/opt/envs/x"
    python: PythonNeed
    has_pip: bool
    distributions: tuple[Package, ...]  # editable sources portable in the JSON
    editable_sources: tuple[tuple[str, str], ...]  # (canonical name, portable folder)
    pylock: str | None  # bundle-relative pylock.toml, when every artifact is known
    pylock_missing: tuple[str, ...]  # distributions whose artifact is unknown
    project: str | None  # portable project folder the environment belongs to

    @property
    def requirements(self) -> str:
        return f"{self.folder}/requirements.txt"

    def pins(self) -> set[tuple[str, str]]:
        return {(p.canonical_name, p.version) for p in self.distributions}

    def to_json(self) -> JSONObject:
        editable = dict(self.editable_sources)
        dists: list[JSONObject] = []
        for pkg in self.distributions:
            doc: JSONObject = {"name": pkg.name, "version": pkg.version}
            if pkg.requested:
                doc["requested"] = True
            if pkg.origin is not None:
                doc["origin"] = dict(pkg.origin.to_json())
            if pkg.canonical_name in editable:
                doc["editable_source"] = editable[pkg.canonical_name]
            dists.append(doc)
        return {"id": self.id, "folder": self.folder, "kind": self.kind, "name": self.name,
                "location": self.location, "python": self.python.to_json(),
                "has_pip": self.has_pip, "requirements": self.requirements,
                "pylock": self.pylock, "pylock_missing": list(self.pylock_missing),
                "project": self.project, "distributions": dists}


@dataclass(frozen=True, slots=True)
class ActiveRecord:
    """An active-environment choice, its paths portable."""

    scope: str  # "project" | "global"
    project: str | None
    prefix: str
    reason: str

    def to_json(self) -> JSONObject:
        return {"scope": self.scope, "project": self.project, "prefix": self.prefix,
                "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Manifest:
    created: str
    platform: str
    home: str  # the old HOME, for people; locations are already relative to it
    environments: tuple[BundleEnv, ...]
    active: tuple[ActiveRecord, ...]
    state_db: str | None  # bundle-relative
    wheels: str | None  # bundle-relative folder
    backup: str | None  # the backup id the bundle was made from
    version: int = SCHEMA_VERSION

    def to_json(self) -> JSONObject:
        return {"schema": SCHEMA, "version": self.version, "created": self.created,
                "platform": self.platform, "home": self.home,
                "environments": [e.to_json() for e in self.environments],
                "active": [a.to_json() for a in self.active],
                "state_db": self.state_db, "wheels": self.wheels, "backup": self.backup}
