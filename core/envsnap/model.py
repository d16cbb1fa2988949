"""What rebuilds one environment: its interpreter, kind, location and distributions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ainlp.core import jsondoc
from ainlp.core.discovery.records import EnvKind
from ainlp.core.packages.metadata import canonical

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: ainlp.core.envsnap._schema 114 ms

FORMAT = 1
INSTALLED_BY = ("pyenv", "uv", "conda", "system", "homebrew", "unknown")


@dataclass(frozen=True, slots=True)
class Interpreter:
    implementation: str | None  # "cpython", "pypy"
    version: str | None  # exact: "3.11.7"
    executable: Path | None  # the environment's own python
    base_executable: Path | None  # the interpreter a venv was made from
    installed_by: str  # one of INSTALLED_BY

    def to_json(self) -> dict[str, Any]:
        return {
            "implementation": self.implementation,
            "version": self.version,
            "executable": _text(self.executable),
            "base_executable": _text(self.base_executable),
            "installed_by": self.installed_by,
        }


@dataclass(frozen=True, slots=True)
class Origin:
    """A PEP 610 direct_url.json: where a distribution came from when not from an index."""

    url: str
    vcs: str | None = None  # "git", "hg", ...
    commit: str | None = None  # vcs_info.commit_id
    requested_revision: str | None = None
    editable: bool = False
    subdirectory: str | None = None

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"url": self.url}
        optional = {"vcs": self.vcs, "commit": self.commit,
                    "requested_revision": self.requested_revision,
                    "subdirectory": self.subdirectory}
        doc.update({key: value for key, value in optional.items() if value is not None})
        if self.editable:
            doc["editable"] = True
        return doc

    def describe(self) -> str:
        if self.vcs:
            revision = self.commit or self.requested_revision
            text = f"{self.vcs}+{self.url}" + (f"@{revision}" if revision else "")
        else:
            text = self.url
        return text + (f"#subdirectory={self.subdirectory}" if self.subdirectory else "")


@dataclass(frozen=True, slots=True)
class Package:
    """One installed distribution, as much as reinstalling it needs."""

    name: str
    version: str
    installer: str | None = None
    requested: bool = False
    origin: Origin | None = None
    editable_source: Path | None = None

    @property
    def canonical_name(self) -> str:
        return canonical(self.name)

    @property
    def editable(self) -> bool:
        return self.editable_source is not None

    def describe(self) -> str:
        """The version, and the origin when it is not an index: what `diff` compares."""
        if self.editable_source is not None:
            return f"{self.version} (editable {self.editable_source})"
        if self.origin is not None:
            return f"{self.version} @ {self.origin.describe()}"
        return self.version

    def to_json(self) -> dict[str, Any]:
        # defaults are left out: a 200-distribution snapshot stays far below 100 KB
        doc: dict[str, Any] = {"name": self.name, "canonical": self.canonical_name,
                               "version": self.version}
        if self.installer is not None:
            doc["installer"] = self.installer
        if self.requested:
            doc["requested"] = True
        if self.origin is not None:
            doc["origin"] = self.origin.to_json()
        if self.editable_source is not None:
            doc["editable_source"] = str(self.editable_source)
        return doc


@dataclass(frozen=True, slots=True)
class Skipped:
    """A distribution left out of a wheel folder or a rebuild, and why."""

    name: str  # canonical
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "reason": self.reason}


@dataclass(frozen=True)
class EnvSnapshot:
    interpreter: Interpreter
    kind: EnvKind
    prefix: Path
    has_pip: bool
    pyvenv_cfg: str | None  # the file's text, when the environment has one
    distributions: tuple[Package, ...]  # sorted by canonical name
    captured: str  # ISO 8601 UTC time

    def by_name(self) -> dict[str, Package]:
        return {pkg.canonical_name: pkg for pkg in self.distributions}

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "captured": self.captured,
            "kind": self.kind.value,
            "prefix": str(self.prefix),
            "interpreter": self.interpreter.to_json(),
            "has_pip": self.has_pip,
            "pyvenv_cfg": self.pyvenv_cfg,
            "distributions": [pkg.to_json() for pkg in self.distributions],
        }

    def dumps(self) -> str:
        """Compact JSON text (no spaces), as snapshot files are written."""
        return jsondoc.dumps(self.to_json(), separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def from_json(cls, obj: object, *, source: str = "snapshot",
                  state_file: bool = False) -> EnvSnapshot:
        """A snapshot from parsed JSON (or its text); BadInput (StateError for a state file)
        naming `source` and the first bad fields when it is not one."""
        from ainlp.core.envsnap._schema import load_snapshot

        return load_snapshot(obj, source=source, state_file=state_file)


def _text(path: Path | None) -> str | None:
    return str(path) if path is not None else None
