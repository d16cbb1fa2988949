"""RECORD files (the list of files a wheel install wrote): sizes and what is missing.

RECORDs of a machine's environments name tens of thousands of files: rows are handled
as plain strings, and presence is tested with one listing per folder, not a stat per file.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from pathlib import Path

from ainlp.core.packages.metadata import Distribution


def record_rows(dist: Distribution) -> Iterator[tuple[str, str]] | None:
    """(path relative to the site folder, size text) per RECORD row; None without a RECORD."""
    record = dist.record_file
    if record is None:
        return None
    try:
        text = record.read_text(encoding="utf-8", errors="surrogateescape")
    except OSError:
        return None
    return _rows(text)


def _rows(text: str) -> Iterator[tuple[str, str]]:
    for line in text.splitlines():
        # quoted fields (a comma in a file name) need csv; the common line does not
        row = next(csv.reader([line]), []) if '"' in line else line.rsplit(",", 2)
        if row and row[0]:
            yield row[0], row[2].strip() if len(row) > 2 else ""


def installed_size(dist: Distribution) -> int | None:
    """Bytes on disk: RECORD sizes, stat for entries without one; egg-info: its listed files."""
    rows = record_rows(dist)
    if rows is None:
        return _egg_size(dist)
    base = str(dist.location)
    total = 0
    for rel, size in rows:
        if size.isdigit():
            total += int(size)
            continue
        try:  # RECORD itself and byte-code have no size written
            total += os.stat(os.path.join(base, rel)).st_size
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
    return scan_missing(dist)[0]


def scan_missing(dist: Distribution) -> tuple[list[Path], dict[str, int]]:
    """The missing files, and the mtime (ns, -1 when absent) of every folder RECORD names
    (keyed as RECORD writes them: relative to the site folder).

    Deleting a file changes its folder's mtime: unchanged folders (and an unchanged RECORD)
    mean an unchanged answer, which is what the record cache relies on.
    """
    base = str(dist.location)
    listings: dict[str, set[str] | None] = {}
    mtimes: dict[str, int] = {}
    gone: list[Path] = []
    for rel, _ in record_rows(dist) or ():
        if rel.endswith((".pyc", ".pyo")):
            continue
        folder, _, name = rel.rpartition("/")
        if folder not in listings:
            path = os.path.join(base, folder)
            try:
                mtimes[folder] = os.stat(path).st_mtime_ns  # before listing: a race reads stale
                listings[folder] = set(os.listdir(path))
            except OSError:
                mtimes[folder] = -1
                listings[folder] = None
        names = listings[folder]
        if names is None or name not in names:
            gone.append(Path(os.path.normpath(os.path.join(base, rel))))
    return gone, mtimes
