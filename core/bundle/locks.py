"""One environment's locks: requirements.txt pins always, PEP 751 pylock.toml where every
distribution's artifact is known (a wheel in the bundle, or its direct_url.json)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import tomli_w
from ainlp.core.envsnap.model import Package
from ainlp.core.packages.metadata import file_url_path

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: packaging.utils 13 ms, packaging.version 2.3 ms

_CREATED_BY = "ainlp"


@dataclass(frozen=True, slots=True)
class Wheel:
    file: str  # the file name inside the bundle's wheel folder
    sha256: str
    size: int


def requirements_text(packages: Sequence[Package], header: str) -> str:
    """`name==version` per distribution (editable ones as comments: their folder is local)."""
    lines = [f"# {line}" for line in header.splitlines()]
    for pkg in packages:
        if pkg.editable_source is not None:
            lines.append(f"# editable: {pkg.name}=={pkg.version} from {pkg.editable_source}")
        else:
            lines.append(f"{pkg.name}=={pkg.version}")
    return "\n".join(lines) + "\n"


def wheel_index(folder: Path | None) -> dict[tuple[str, str], Wheel]:
    """(canonical name, normalised version) -> the wheel in `folder`."""
    from packaging.utils import InvalidWheelFilename, parse_wheel_filename

    found: dict[tuple[str, str], Wheel] = {}
    if folder is None or not folder.is_dir():
        return found
    for file in sorted(os.listdir(folder)):
        if not file.endswith(".whl"):
            continue
        try:
            name, version, _, _ = parse_wheel_filename(file)
        except InvalidWheelFilename:
            continue
        data = (folder / file).read_bytes()
        found[(str(name), str(version))] = Wheel(file, hashlib.sha256(data).hexdigest(),
                                                  len(data))
    return found


def normal_version(version: str) -> str:
    from packaging.version import InvalidVersion, Version

    try:
        return str(Version(version))
    except InvalidVersion:
        return version


def pylock_document(packages: Sequence[Package], wheels: Mapping[tuple[str, str], Wheel],
                    wheel_dir: str, python: str | None
                    ) -> tuple[dict[str, object] | None, list[str]]:
    """The pylock.toml table (None when an artifact is unknown) and the names without one."""
    entries: list[dict[str, object]] = []
    missing: list[str] = []
    for pkg in packages:
        entry = _entry(pkg, wheels, wheel_dir)
        if entry is None:
            missing.append(pkg.canonical_name)
        else:
            entries.append(entry)
    if missing:
        return None, missing
    doc: dict[str, object] = {"lock-version": "1.0", "created-by": _CREATED_BY}
    if python:
        doc["requires-python"] = f"=={'.'.join(python.split('.')[:2])}.*"
    doc["packages"] = entries
    return doc, []


def _entry(pkg: Package, wheels: Mapping[tuple[str, str], Wheel],
           wheel_dir: str) -> dict[str, object] | None:
    entry: dict[str, object] = {"name": pkg.canonical_name, "version": pkg.version}
    wheel = wheels.get((pkg.canonical_name, normal_version(pkg.version)))
    origin = pkg.origin
    if wheel is not None and pkg.editable_source is None:
        entry["wheels"] = [{"name": wheel.file, "path": f"{wheel_dir}/{wheel.file}",
                            "size": wheel.size, "hashes": {"sha256": wheel.sha256}}]
        return entry
    if origin is None:
        return None
    if origin.vcs is not None and origin.commit:
        vcs: dict[str, object] = {"type": origin.vcs, "url": origin.url,
                                  "commit-id": origin.commit}
        if origin.requested_revision:
            vcs["requested-revision"] = origin.requested_revision
        if origin.subdirectory:
            vcs["subdirectory"] = origin.subdirectory
        entry["vcs"] = vcs
        return entry
    local = file_url_path(origin.url)
    if local is not None and origin.vcs is None and (origin.editable or local.is_dir()):
        directory: dict[str, object] = {"path": str(local)}
        if origin.editable:
            directory["editable"] = True
        entry["directory"] = directory
        return entry
    return None


def pylock_text(doc: Mapping[str, object]) -> str:
    return tomli_w.dumps(dict(doc))
