"""A consistent copy of the state database, with SQLite's own backup API."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path


def copy_database(source: Path, dest: Path) -> bool:
    """Copy `source` (opened read-only) to `dest`; False when there is no database yet."""
    if not source.is_file():
        return False
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=10)
    try:
        out = sqlite3.connect(dest)
        try:
            src.backup(out)
        finally:
            out.close()
    finally:
        with contextlib.suppress(sqlite3.Error):
            src.close()
    return True
