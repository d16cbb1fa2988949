"""RECORD files (the list of files a wheel install wrote): sizes and what is missing."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

from ainlp.core.packages.metadata import Distribution


@dataclass(frozen=True, slots=True)
class RecordEntry:
    path: str  # absolute (strings: RECORDs list thousands of files, Path objects cost)
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
    base = str(dist.location)
    entries: list[RecordEntry] = []
    for row in csv.reader(text.splitlines()):
        if not row or not row[0]:
            continue
        size = int(row[2]) if len(row) > 2 and row[2].strip().isdigit() else None
        path = os.path.join(base, row[0])
        if ".." in row[0]:
            path = os.path.normpath(path)
        entries.append(RecordEntry(path, size))
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
    """Files RECORD lists that are gone; byte-code caches excepted (Python rebuilds them).

    One listing per folder instead of one stat per file, and plain strings: RECORDs of a
    machine's environments name tens of thousands of files.
    """
    record = dist.record_file
    try:
        text = record.read_text(encoding="utf-8", errors="surrogateescape") if record else ""
    except OSError:
        return []
    base = str(dist.location)
    listings: dict[str, set[str] | None] = {}
    gone: list[Path] = []
    for line in text.splitlines():
        rel = next(csv.reader([line]), [""])[0] if '"' in line else line.rsplit(",", 2)[0]
        if not rel or rel.endswith((".pyc", ".pyo")):
            continue
        folder, _, name = rel.rpartition("/")
        names = listings.get(folder, ())
        if names == ():
            try:
                names = listings[folder] = set(os.listdir(os.path.join(base, folder)))
            except OSError:
                names = listings[folder] = None
        if names is None or name not in names:
            gone.append(Path(os.path.normpath(os.path.join(base, rel))))
    return gone
