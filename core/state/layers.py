"""Backup layers of state.db: rolling copies (at most one a minute, the last N kept) and one
daily copy per day (kept 7 days), in `state-backups/` beside the database.

Each layer is a whole, self-contained database file made with SQLite's online backup API,
written under a temporary name and renamed into place, so a layer that exists is complete.
"""

from __future__ import annotations

import calendar
import contextlib
import os
import re
import shutil
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

LAYERS_DIR = "state-backups"
DEFAULT_ROLLING = 5
DAILY_DAYS = 7
MIN_INTERVAL = 60.0  # seconds between two rolling layers
_NAME = re.compile(r"^(rolling|daily)-(\d{8}-\d{6})\.db$")
_TMP = re.compile(r"^\.tmp-(\d+)-")

Progress = Callable[[int, int, int], object]  # sqlite3's backup progress(status, left, total)


@dataclass(frozen=True, slots=True)
class Layer:
    path: Path
    kind: str  # "rolling" | "daily"
    taken: float  # seconds since the epoch, from the file name

    @property
    def taken_iso(self) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.taken))


def stamp(now: float) -> str:
    return time.strftime("%Y%m%d-%H%M%S", time.gmtime(now))


def layers(folder: Path) -> list[Layer]:
    """Every finished layer, newest first (rolling before daily at the same second)."""
    found: list[Layer] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    for name in names:
        match = _NAME.match(name)
        if match:
            taken = calendar.timegm(time.strptime(match.group(2), "%Y%m%d-%H%M%S"))
            found.append(Layer(folder / name, match.group(1), float(taken)))
    found.sort(key=lambda layer: (layer.taken, layer.kind == "rolling"), reverse=True)
    return found


def due(folder: Path, now: float) -> bool:
    rolling = [layer for layer in layers(folder) if layer.kind == "rolling"]
    return not rolling or abs(now - rolling[0].taken) >= MIN_INTERVAL


def take(
    conn: sqlite3.Connection,
    folder: Path,
    now: float,
    *,
    keep: int = DEFAULT_ROLLING,
    progress: Progress | None = None,
) -> Path:
    """Copy the database behind `conn` into a new rolling layer (and today's daily one)."""
    folder.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(folder)
    target = folder / f"rolling-{stamp(now)}.db"
    tmp = folder / f".tmp-{os.getpid()}-{target.name}"
    copy = sqlite3.connect(tmp, isolation_level=None)
    try:
        # pages=-1 copies in one step under one read transaction: writers never restart it
        conn.backup(copy, pages=1 if progress else -1, progress=progress)
        # a layer is one file: no -wal beside it to lose or to replay
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()
    _fsync(tmp)
    os.replace(tmp, target)  # rename: same folder, atomic
    _take_daily(folder, target, now)
    _prune(folder, now, keep)
    _fsync_dir(folder)
    return target


def _take_daily(folder: Path, rolling: Path, now: float) -> None:
    day = stamp(now)[:8]
    if any(layer.kind == "daily" and stamp(layer.taken)[:8] == day for layer in layers(folder)):
        return
    daily = folder / f"daily-{stamp(now)}.db"
    tmp = folder / f".tmp-{os.getpid()}-{daily.name}"
    shutil.copyfile(rolling, tmp)
    _fsync(tmp)
    os.replace(tmp, daily)


def _prune(folder: Path, now: float, keep: int) -> None:
    rolling = [layer for layer in layers(folder) if layer.kind == "rolling"]
    old = rolling[max(keep, 1) :]
    oldest_day = stamp(now - (DAILY_DAYS - 1) * 86400)[:8]
    old += [
        layer
        for layer in layers(folder)
        if layer.kind == "daily" and stamp(layer.taken)[:8] < oldest_day
    ]
    for layer in old:
        with contextlib.suppress(OSError):
            layer.path.unlink()


def _remove_stale_temps(folder: Path) -> None:
    """Temp files of processes that died mid-copy (a live writer's own are left alone)."""
    for name in os.listdir(folder):
        match = _TMP.match(name)
        if match and not _alive(int(match.group(1))):
            with contextlib.suppress(OSError):
                (folder / name).unlink()


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return True  # cannot tell cheaply: keep it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        _fsync(folder)
