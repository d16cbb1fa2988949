"""The state store under SIGKILL, and its speed.

    python benchmarks/state_store.py [--kills 1000] [--ops 200]

Runs the kill campaign of tests/test_state_kill.py (a forked child killed with SIGKILL at a
fixed step, then the database is opened and checked) and prints runs, corruptions, lost
committed writes, half-present transactions and time; then the median time to open the
store, write one transaction and read each table.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from ainlp.core.state import KnownEnvironment, StateStore
from test_state_kill import kill_campaign


def table(title: str, rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [title, "-" * len(title)]
    for index, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)))
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def timed(runs: int, action: Callable[[int], object]) -> list[float]:
    times = []
    for i in range(runs):
        started = time.perf_counter()
        action(i)
        times.append((time.perf_counter() - started) * 1000)
    return times


def speed(folder: Path, ops: int) -> list[list[str]]:
    state = folder / "speed"
    with StateStore.open(state) as store:
        store.remember_environments(
            KnownEnvironment(
                f"e{i}",
                f"/bench/{i}",
                "venv",
                f"env{i}",
                "3.12.1",
                f"/bench/{i}/bin/python",
                "2026-11-24T03:15:00Z",
                None,
            )
            for i in range(50)
        )
    results: dict[str, list[float]] = {}
    results["open + close"] = timed(ops, lambda i: StateStore.open(state).close())
    with StateStore.open(state) as store:
        results["write: event + setting (1 txn)"] = timed(ops, lambda i: _write(store, i))
        results["read: 50 known environments"] = timed(ops, lambda i: store.known_environments())
        results[f"read: {ops} history events"] = timed(ops, lambda i: store.events())
        results["read: one setting"] = timed(ops, lambda i: store.setting("k1"))
    head = ["operation", "median ms", "best ms", "runs"]
    return [head] + [
        [name, f"{statistics.median(t):.3f}", f"{min(t):.3f}", str(len(t))]
        for name, t in results.items()
    ]


def _write(store: StateStore, i: int) -> None:
    with store.transaction():
        store.add_event(action="bench", target=None, snapshot=None, changes="{}")
        store.set_setting(f"k{i}", i)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=1000)
    parser.add_argument("--ops", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ainlp-state-bench-") as tmp:
        report = kill_campaign(Path(tmp) / "kills", args.kills)
        print(
            table(
                "state.db under SIGKILL",
                [
                    [
                        "runs",
                        "killed",
                        "corruptions",
                        "lost writes",
                        "half transactions",
                        "committed (max/round)",
                        "time s",
                    ],
                    [
                        str(report.runs),
                        str(report.killed),
                        str(len(report.corruptions)),
                        str(len(report.lost)),
                        str(len(report.partial)),
                        str(report.committed),
                        f"{report.seconds:.1f}",
                    ],
                ],
            )
        )
        for problem in (report.not_killed + report.corruptions + report.lost + report.partial)[:10]:
            print("  ", problem)
        print()
        print(table("state store speed", speed(Path(tmp), args.ops)))
    bad = report.corruptions or report.lost or report.partial or report.killed != report.runs
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
