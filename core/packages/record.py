"""RECORD files (the list of files a wheel install wrote): sizes and what is missing."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

from ainlp.core.packages.metadata import Distribution


@dataclass(frozen=True, slots=True)
class RecordEntry:
    path: Path  # absolute
    size: int | None


def record_entries(dist: Distribution) -> list[RecordEntry] | None:
    """The files RECORD lists, as absolute paths; None when there is no readable RECORD."""
    record = dist.record_file
    if record is None:
        return None
    try:
        text = record.read_text(encoding="utf-8", errors="surrogateescape")
    except OSError:
        return None
    base = dist.location
    entries: list[RecordEntry] = []
    for row in csv.reader(text.splitlines()):
        if not row or not row[0]:
            continue
        size = int(row[2]) if len(row) > 2 and row[2].strip().isdigit() else None
        entries.append(RecordEntry(Path(os.path.normpath(os.path.join(base, row[0]))), size))
    return entries


def installed_size(dist: Distribution) -> int | None:
    """Bytes on disk: RECORD sizes, stat for entries without one; egg-info: its listed files."""
    entries = record_entries(dist)
    if entries is None:
        return _egg_size(dist)
    total = 0
    for entry in entries:
        if entry.size is not None:
            total += entry.size
            continue
        try:
            total += os.stat(entry.path).st_size
        except OSError:
            continue
    return total


def _egg_size(dist: Distribution) -> int | None:
    listing = dist.path / "installed-files.txt"
    try:
        names = listing.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    total = 0
    for name in names:
        if not name.strip():
            continue
        try:
            total += os.stat(os.path.join(dist.path, name.strip())).st_size
        except OSError:
            continue
    return total


def missing_files(dist: Distribution) -> list[Path]:
    """Files RECORD lists that are gone; byte-code caches excepted (Python rebuilds them)."""
    entries = record_entries(dist) or []
    return [e.path for e in entries
            if not e.path.name.endswith((".pyc", ".pyo")) and not os.path.lexists(e.path)]
