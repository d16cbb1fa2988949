"""Whole-process timing shared by the benchmarks: median wall time and peak RSS of a command."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Measure:
    label: str
    median_ms: float
    best_ms: float
    peak_rss_mb: float
    runs: int
    found: str = ""  # what the tool reported, for the table

    def row(self) -> list[str]:
        return [self.label, f"{self.median_ms:8.1f}", f"{self.best_ms:8.1f}",
                f"{self.peak_rss_mb:6.1f}", str(self.runs), self.found]


def run_once(argv: Sequence[str], env: Mapping[str, str] | None = None,
             cwd: str | None = None, timeout: float = 120) -> tuple[float, float, str]:
    """(wall ms, peak RSS MB, stdout) of one whole process."""
    started = time.perf_counter()
    proc = subprocess.Popen(list(argv), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            env=dict(env) if env is not None else None, cwd=cwd)
    out = proc.stdout.read() if proc.stdout else b""
    _, _, usage = os.wait4(proc.pid, 0)
    elapsed = (time.perf_counter() - started) * 1000
    proc.returncode = 0
    return elapsed, usage.ru_maxrss / 1024, out.decode("utf-8", "replace")


def measure(label: str, argv: Sequence[str], *, runs: int = 10,
            env: Mapping[str, str] | None = None, cwd: str | None = None,
            before_each: object = None, count: object = None) -> Measure:
    times, rss, last = [], [], ""
    for _ in range(runs):
        if callable(before_each):
            before_each()
        elapsed, peak, last = run_once(argv, env, cwd)
        times.append(elapsed)
        rss.append(peak)
    found = count(last) if callable(count) else ""
    return Measure(label, statistics.median(times), min(times), max(rss), runs, str(found))


def table(title: str, measures: Sequence[Measure]) -> str:
    head = ["command", "median ms", "best ms", "RSS MB", "runs", "found"]
    rows = [head] + [m.row() for m in measures]
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = [title, "-" * len(title)]
    for index, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)))
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
