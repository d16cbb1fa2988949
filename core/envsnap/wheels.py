"""Wheels rebuilt from an installed environment's own files, so it can be rebuilt offline."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ainlp.core.discovery.records import EnvRecord
from ainlp.core.envsnap.capture import own_distributions
from ainlp.core.envsnap.model import Skipped
from ainlp.core.errors import AinlpError, NotAvailable
from ainlp.core.packages.metadata import Distribution
from ainlp.core.packages.record import record_rows
from ainlp.core.world import World

# written by the installer, not part of the wheel: a reinstall writes its own
_INSTALL_ONLY = frozenset({"INSTALLER", "REQUESTED", "direct_url.json", "uv_cache.json"})
_REWRITTEN = frozenset({"RECORD", "WHEEL"})  # written afresh into every rebuilt wheel
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed: the same files give the same wheel
_DEFAULT_WHEEL = "Wheel-Version: 1.0\nGenerator: ainlp\nRoot-Is-Purelib: true\nTag: py3-none-any\n"


@dataclass(frozen=True, slots=True)
class WheelhouseResult:
    folder: Path
    built: tuple[Path, ...]
    skipped: tuple[Skipped, ...]  # editable installs, egg-info installs, broken ones

    def to_json(self) -> dict[str, Any]:
        return {"folder": str(self.folder), "built": [p.name for p in self.built],
                "skipped": [s.to_json() for s in self.skipped]}


def build_wheel(dist: Distribution, dest: Path) -> Path:
    """A .whl of an installed distribution made from the files its RECORD lists.

    Files outside the site folder (scripts in bin/, data files) are left out: console
    scripts come back from entry_points.txt when the wheel is installed.
    """
    if dist.editable:
        raise NotAvailable(f"{dist.name} is an editable install: reinstall it from its source "
                           f"folder {dist.editable_location}")
    rows = record_rows(dist) if dist.format == "dist-info" else None
    if rows is None or not dist.name or not dist.version:
        raise NotAvailable(f"{dist.name or dist.path.name} has no RECORD (installed as "
                           f"{dist.format}): it cannot be packed into a wheel")
    site = dist.path.parent
    info = dist.path.name
    files: list[str] = []
    missing: list[str] = []
    for rel, _ in rows:
        if not _belongs_in_wheel(rel, info):
            continue
        (files if os.path.isfile(os.path.join(site, rel)) else missing).append(rel)
    if missing:
        raise NotAvailable(f"{dist.name} {dist.version} is incomplete: "
                           f"{len(missing)} recorded files are gone ({missing[0]} ...)",
                           hint="reinstall it, or install it from an index")
    wheel_text = _read(dist.path / "WHEEL") or _DEFAULT_WHEEL
    target = dest / wheel_filename(dist.name, dist.version, _tags(wheel_text))
    dest.mkdir(parents=True, exist_ok=True)
    _write(target, site, info, files, wheel_text)
    return target


def build_wheelhouse(world: World, record: EnvRecord, dest: Path) -> WheelhouseResult:
    """A wheel for every distribution of the environment; editable ones skipped and said so."""
    built: list[Path] = []
    skipped: list[Skipped] = []
    for dist in own_distributions(world, record):
        try:
            built.append(build_wheel(dist, dest))
        except AinlpError as exc:
            skipped.append(Skipped(dist.canonical_name, exc.message))
    return WheelhouseResult(dest, tuple(built), tuple(skipped))


def wheel_filename(name: str, version: str, tag: str) -> str:
    escaped = re.sub(r"[^\w\d.]+", "_", name, flags=re.UNICODE)
    return f"{escaped}-{version.replace('-', '_')}-{tag}.whl"


def _belongs_in_wheel(rel: str, info: str) -> bool:
    if rel.startswith(("/", "../")) or os.path.isabs(rel) or rel.endswith((".pyc", ".pyo")):
        return False
    folder, _, name = rel.rpartition("/")
    return not (folder == info and (name in _INSTALL_ONLY or name in _REWRITTEN))


def _tags(wheel_text: str) -> str:
    """The compressed tag set ("py2.py3-none-any") of the WHEEL file's Tag lines."""
    tags = [line.split(":", 1)[1].strip() for line in wheel_text.splitlines()
            if line.lower().startswith("tag:")]
    parts = [tag.split("-") for tag in tags if tag.count("-") == 2]
    if not parts:
        return "py3-none-any"
    return "-".join(".".join(dict.fromkeys(part[i] for part in parts)) for i in range(3))


def _write(target: Path, site: Path, info: str, files: list[str], wheel_text: str) -> None:
    rows: list[list[str]] = []
    partial = target.with_name(target.name + ".part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        # the dist-info folder last, as the wheel format recommends
        ordered = sorted(dict.fromkeys(files), key=lambda rel: (rel.startswith(info + "/"), rel))
        for rel in ordered:
            data = (site / rel).read_bytes()
            _add(archive, rel, data, _mode(site / rel))
            rows.append(_record_row(rel, data))
        data = wheel_text.encode()
        _add(archive, f"{info}/WHEEL", data, 0o644)
        rows.append(_record_row(f"{info}/WHEEL", data))
        rows.append([f"{info}/RECORD", "", ""])
        _add(archive, f"{info}/RECORD", _record_text(rows), 0o644)
    os.replace(partial, target)  # never a half-written wheel under the final name


def _add(archive: zipfile.ZipFile, name: str, data: bytes, mode: int) -> None:
    entry = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    entry.external_attr = (0o100000 | mode) << 16
    entry.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(entry, data)


def _record_row(rel: str, data: bytes) -> list[str]:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return [rel, f"sha256={digest}", str(len(data))]


def _record_text(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8", "surrogateescape")


def _mode(path: Path) -> int:
    try:
        return 0o755 if os.stat(path).st_mode & 0o111 else 0o644
    except OSError:
        return 0o644


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None
