"""The trust boundary of snapshot files: pydantic checks a document, then plain records are built.

Imported only by `EnvSnapshot.from_json`, so capturing never pays for pydantic.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Annotated, Literal

from ainlp.core import jsondoc
from ainlp.core.discovery.records import EnvKind
from ainlp.core.envsnap.model import (
    FORMAT,
    EnvSnapshot,
    Interpreter,
    Origin,
    Package,
)
from ainlp.core.errors import AinlpError, BadInput, StateError
from ainlp.core.invalid import summary
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)

_HINT = "a snapshot is the JSON document `ainlp backup` writes; take a new one"
_NAME = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$")
_ABSOLUTE = re.compile(r"^(/|[A-Za-z]:[\\/]|\\\\)")


def _name(value: str) -> str:
    if not _NAME.match(value) or len(value) > 200:
        raise ValueError("not a distribution name")
    return value


def _absolute(value: str) -> str:
    if not _ABSOLUTE.match(value) or len(value) > 4096:
        raise ValueError("not an absolute path")
    return value


_Name = Annotated[str, AfterValidator(_name)]
_Version = Annotated[str, StringConstraints(pattern=r"^\S+$", max_length=100)]
_AbsPath = Annotated[str, AfterValidator(_absolute)]
_Text = Annotated[str, StringConstraints(max_length=4096)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Interpreter(_Strict):
    implementation: _Text | None = None
    version: _Version | None = None
    executable: _AbsPath | None = None
    base_executable: _AbsPath | None = None
    installed_by: Literal["pyenv", "uv", "conda", "system", "homebrew", "unknown"] = "unknown"


class _Origin(_Strict):
    url: Annotated[str, StringConstraints(min_length=1, max_length=4096)]
    vcs: Literal["git", "hg", "bzr", "svn"] | None = None
    commit: _Text | None = None
    requested_revision: _Text | None = None
    editable: bool = False
    subdirectory: _Text | None = None


class _Package(_Strict):
    name: _Name
    canonical: _Name | None = None  # derived from name; kept in files for readers
    version: _Version
    installer: _Text | None = None
    requested: bool = False
    origin: _Origin | None = None
    editable_source: _AbsPath | None = None


class _Snapshot(_Strict):
    format: Literal[1]
    captured: _Text
    kind: EnvKind
    prefix: _AbsPath
    interpreter: _Interpreter
    has_pip: bool
    pyvenv_cfg: Annotated[str, StringConstraints(max_length=65536)] | None = None
    distributions: list[_Package] = Field(max_length=100_000)


def load_snapshot(obj: object, *, source: str, state_file: bool) -> EnvSnapshot:
    error: type[AinlpError] = StateError if state_file else BadInput
    if isinstance(obj, (str, bytes)):
        try:
            obj = jsondoc.loads(obj)
        except ValueError as exc:
            raise error(f"{source} is not JSON: {exc}",
                        hint=_HINT) from exc
    try:
        doc = _Snapshot.model_validate(obj)
    except ValidationError as exc:
        raise error(f"{source} is not a snapshot (format {FORMAT}): {summary(exc)}",
                    hint=_HINT) from exc
    snapshot = _build(doc)
    counts = Counter(pkg.canonical_name for pkg in snapshot.distributions)
    twice = sorted(name for name, count in counts.items() if count > 1)
    if twice:
        raise error(f"{source} lists a distribution more than once: {', '.join(twice)}",
                    hint=_HINT)
    return snapshot


def _build(doc: _Snapshot) -> EnvSnapshot:
    interp = doc.interpreter
    packages = tuple(
        Package(
            name=pkg.name,
            version=pkg.version,
            installer=pkg.installer,
            requested=pkg.requested,
            origin=Origin(**pkg.origin.model_dump()) if pkg.origin is not None else None,
            editable_source=Path(pkg.editable_source) if pkg.editable_source else None,
        )
        for pkg in doc.distributions
    )
    return EnvSnapshot(
        interpreter=Interpreter(
            implementation=interp.implementation,
            version=interp.version,
            executable=Path(interp.executable) if interp.executable else None,
            base_executable=Path(interp.base_executable) if interp.base_executable else None,
            installed_by=interp.installed_by,
        ),
        kind=doc.kind,
        prefix=Path(doc.prefix),
        has_pip=doc.has_pip,
        pyvenv_cfg=doc.pyvenv_cfg,
        distributions=tuple(sorted(packages, key=lambda p: p.canonical_name)),
        captured=doc.captured,
    )
