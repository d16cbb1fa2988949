"""The trust boundary of manifest.json: pydantic checks the document, then plain values are
built. Imported only by `read`, so exporting never pays for pydantic."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from ainlp.core.bundle import layout
from ainlp.core.bundle.manifest import ActiveRecord, BundleEnv, Manifest, PythonNeed
from ainlp.core.discovery.records import EnvKind
from ainlp.core.envsnap.model import Origin, Package
from ainlp.core.errors import BadInput
from ainlp.core.invalid import summary
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: packaging.version 2.3 ms

HINT = "a bundle is the folder `ainlp export` writes; export it again from the old machine"
# PEP 508 names: letters and digits, with . _ - inside; never an option such as --index-url
_NAME = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^\s]+$")
_SYSTEM = ("/etc", "/bin", "/sbin", "/boot", "/dev", "/proc", "/sys", "/lib", "/lib64",
           "/usr/bin", "/usr/sbin", "/usr/lib", "/var/lib", "/System", "C:\\Windows")


def valid_name(value: str) -> str:
    if len(value) > 200 or not _NAME.match(value):
        raise ValueError(f"{value[:80]!r} is not a valid distribution name (PEP 508)")
    return value


def valid_version(value: str) -> str:
    from packaging.version import InvalidVersion, Version

    try:
        Version(value)
    except InvalidVersion:
        raise ValueError(f"{value[:80]!r} is not a version (PEP 440)") from None
    return value


def valid_location(value: str) -> str:
    """`~`, `~/...` (under HOME) or an absolute path; never `..`, never a system folder."""
    if len(value) > 4096 or "\x00" in value:
        raise ValueError("not a path")
    if layout.has_parent_ref(value):
        raise ValueError(f"{value!r} contains '..'")
    if value == "~" or value.startswith("~/"):
        return value
    if not (value.startswith("/") or re.match(r"^[A-Za-z]:[\\/]", value)):
        raise ValueError(f"{value!r} is neither under HOME (~/...) nor absolute")
    plain = value.rstrip("/\\") or "/"
    if plain == "/" or any(plain == s or plain.startswith(s + "/") or
                           plain.lower().startswith(s.lower() + "\\") for s in _SYSTEM):
        raise ValueError(f"{value!r} is a system folder outside HOME")
    return value


def valid_inside(value: str) -> str:
    if not layout.inside_bundle(value) or len(value) > 1024:
        raise ValueError(f"{value!r} is not a path inside the bundle (absolute, or with '..')")
    return value


def valid_url(value: str) -> str:
    if len(value) > 4096 or not _URL.match(value):
        raise ValueError(f"{value[:80]!r} is not a URL")
    return value


_Name = Annotated[str, AfterValidator(valid_name)]
_Version = Annotated[str, AfterValidator(valid_version)]
_Location = Annotated[str, AfterValidator(valid_location)]
_Inside = Annotated[str, AfterValidator(valid_inside)]
_Text = Annotated[str, StringConstraints(max_length=4096)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class _Origin(_Strict):
    url: Annotated[str, AfterValidator(valid_url)]
    vcs: Literal["git", "hg", "bzr", "svn"] | None = None
    commit: _Text | None = None
    requested_revision: _Text | None = None
    editable: bool = False
    subdirectory: _Inside | None = None


class _Dist(_Strict):
    name: _Name
    version: _Version
    requested: bool = False
    origin: _Origin | None = None
    editable_source: _Location | None = None


class _Python(_Strict):
    version: _Version | None = None
    implementation: Annotated[str, StringConstraints(pattern=r"^[a-z]{1,20}$")] | None = None
    installed_by: Literal["pyenv", "uv", "conda", "system", "homebrew", "unknown"] = "unknown"
    base_executable: _Location | None = None


class _Env(_Strict):
    id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._-]{1,80}$")]
    folder: _Inside
    kind: EnvKind
    name: _Text | None = None
    location: _Location
    python: _Python
    has_pip: bool
    requirements: _Inside
    pylock: _Inside | None = None
    pylock_missing: list[_Name] = Field(default_factory=list, max_length=100_000)
    project: _Location | None = None
    distributions: list[_Dist] = Field(max_length=100_000)


class _Active(_Strict):
    scope: Literal["project", "global"]
    project: _Location | None = None
    prefix: _Location
    reason: _Text


class _Manifest(_Strict):
    schema_: Literal["ainlp.bundle"] = Field(alias="schema")
    version: Literal[1]
    created: _Text
    platform: Annotated[str, StringConstraints(max_length=40)]
    home: _Text
    environments: list[_Env] = Field(max_length=10_000)
    active: list[_Active] = Field(default_factory=list, max_length=10_000)
    state_db: _Inside | None = None
    wheels: _Inside | None = None
    backup: _Text | None = None


def load_manifest(doc: object, source: Path) -> Manifest:
    """The manifest of `doc` (parsed JSON); BadInput naming `source` and the first problems."""
    if isinstance(doc, dict):
        version = doc.get("version")
        if isinstance(version, int) and not isinstance(version, bool) \
                and version > layout.SCHEMA_VERSION:
            raise BadInput(f"{source}: bundle format version {version} is newer than this "
                           f"ainlp reads (up to {layout.SCHEMA_VERSION})",
                           hint="install a newer ainlp to import this bundle")
    try:
        parsed = _Manifest.model_validate(doc)
    except ValidationError as exc:
        raise BadInput(f"{source}: not a valid bundle manifest: {summary(exc)}",
                       hint=HINT) from exc
    return _build(parsed)


def _build(doc: _Manifest) -> Manifest:
    envs = []
    for env in doc.environments:
        packages = tuple(sorted((Package(
            name=d.name, version=d.version, requested=d.requested,
            origin=Origin(**d.origin.model_dump()) if d.origin is not None else None,
            editable_source=Path(d.editable_source) if d.editable_source else None)
            for d in env.distributions), key=lambda p: p.canonical_name))
        envs.append(BundleEnv(
            id=env.id, folder=env.folder, kind=env.kind.value, name=env.name,
            location=env.location,
            python=PythonNeed(env.python.version, env.python.implementation,
                              env.python.installed_by, env.python.base_executable),
            has_pip=env.has_pip, distributions=packages,
            editable_sources=tuple((Package(d.name, d.version).canonical_name,
                                    d.editable_source)
                                   for d in env.distributions if d.editable_source),
            pylock=env.pylock, pylock_missing=tuple(env.pylock_missing),
            project=env.project))
    return Manifest(
        created=doc.created, platform=doc.platform, home=doc.home, environments=tuple(envs),
        active=tuple(ActiveRecord(a.scope, a.project, a.prefix, a.reason) for a in doc.active),
        state_db=doc.state_db, wheels=doc.wheels, backup=doc.backup, version=doc.version)
