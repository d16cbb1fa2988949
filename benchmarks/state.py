"""Environment snapshots and rebuilds: how fast, how big, and what recreate costs over raw uv.

    .venv/bin/python benchmarks/state.py [--runs 7] [--restore-dists 20] [--kills 1000]

1. capture + compact JSON of a venv holding 10 / 50 / 200 hand-written distributions:
   median in-process time and JSON size. Target: 200 distributions < 300 ms and <= 100 KB.
2. restore of a venv with N distributions from a local wheel folder: `recreate` (uv path)
   against raw `uv venv` + `uv pip install --no-index --find-links` of the same pins, both
   with the same warm uv cache. Target: recreate within 1.3x of raw uv.
3. state.db under SIGKILL (--kills, 1,000 by default): runs, corruptions, lost writes, by
   benchmarks/state_store.py.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != REPO]  # ./ainlp lacks core
sys.path.insert(0, str(REPO / "tests"))

from ainlp.core.discovery.resolve import classify  # noqa: E402
from ainlp.core.envsnap import capture, recreate  # noqa: E402
from ainlp.core.world import World  # noqa: E402
from wheelhouse import installer_env, write_dist_info, write_wheels  # noqa: E402


def python() -> Path:
    versions = Path.home() / ".pyenv" / "versions"
    found = sorted(versions.glob("3.1[2-9].*/bin/python3")) if versions.is_dir() else []
    return found[-1] if found else Path(sys.executable)


def uv_binary() -> str:
    import uv

    return uv.find_uv_bin()


def median_ms(work: Callable[[], object], runs: int,
              before: Callable[[], object] | None = None) -> float:
    times = []
    for _ in range(runs):
        if before is not None:
            before()
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def snapshot_rows(where: Path, world: World, runs: int) -> list[list[str]]:
    env = dict(world.env)
    base = where / "base"
    subprocess.run([uv_binary(), "venv", "--no-project", "--python", str(python()), str(base)],
                   env=env, check=True, capture_output=True)
    rows = []
    for count in (10, 50, 200):
        prefix = where / f"snap-{count}"
        shutil.copytree(base, prefix, symlinks=True)
        site = next((prefix / "lib").glob("python3.*/site-packages"))
        for index in range(count):
            write_dist_info(site, f"bench-package-{index}", f"1.{index}.0")
        record = classify(prefix, "bench")
        ms = median_ms(lambda record=record: capture(world, record).dumps(), runs * 3)
        size = len(capture(world, record).dumps().encode())
        ok = "yes" if count != 200 or (ms < 300 and size <= 100_000) else "NO"
        rows.append([f"snapshot {count} dists", f"{ms:.1f}", f"{size / 1024:.1f} KB", ok])
    return rows


def restore_rows(where: Path, world: World, runs: int, count: int) -> list[list[str]]:
    env = dict(world.env)
    pins = [(f"restore-pkg-{i}", f"2.{i}") for i in range(count)]
    wheels = where / "wheels"
    write_wheels(wheels, pins)
    interpreter = python()
    old = where / "old"
    uv = uv_binary()
    subprocess.run([uv, "venv", "--no-project", "--python", str(interpreter), str(old)],
                   env=env, check=True, capture_output=True)
    subprocess.run([uv, "pip", "install", "--python", str(old / "bin" / "python"), "--no-index",
                    "--find-links", str(wheels), *(f"{n}=={v}" for n, v in pins)],
                   env=env, check=True, capture_output=True)
    snap = capture(world, classify(old, "bench"))
    target = where / "new"

    def clear() -> None:
        shutil.rmtree(target, ignore_errors=True)

    def ours() -> None:
        recreate(world, snap, prefix=target, python=interpreter, find_links=[wheels], tool="uv")

    def raw() -> None:
        subprocess.run([uv, "venv", "--no-project", "--python", str(interpreter), str(target)],
                       env=env, check=True, capture_output=True, cwd=str(where))
        subprocess.run([uv, "pip", "install", "--python", str(target / "bin" / "python"),
                        "--no-deps", "--no-index", "--find-links", str(wheels),
                        *(f"{n}=={v}" for n, v in pins)],
                       env=env, check=True, capture_output=True)

    clear()
    raw()  # warm uv's cache for both
    raw_times: list[float] = []
    ours_times: list[float] = []
    for _ in range(runs):  # interleaved, so drift of the machine hits both alike
        raw_times.append(median_ms(raw, 1, clear))
        ours_times.append(median_ms(ours, 1, clear))
    raw_ms, ours_ms = statistics.median(raw_times), statistics.median(ours_times)
    ratio = ours_ms / raw_ms
    return [[f"raw uv venv + pip install ({count} dists)", f"{raw_ms:.1f}", "", ""],
            [f"recreate ({count} dists)", f"{ours_ms:.1f}", f"{ratio:.2f}x raw",
             "yes" if ratio <= 1.3 else "NO"]]


def render(rows: list[list[str]]) -> str:
    head = ["measure", "median ms", "size / ratio", "on target"]
    table = [head, *rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(head))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) for row in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--restore-dists", type=int, default=20)
    parser.add_argument("--kills", type=int, default=1000,
                        help="SIGKILLs of state.db writers (benchmarks/state_store.py); 0: none")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ainlp-bench-state-") as tmp:
        where = Path(tmp)
        env = installer_env(where)
        world = World(root=Path("/"), home=where, env=env, cwd=where)
        rows = snapshot_rows(where, world, args.runs)
        rows += restore_rows(where, world, args.runs, args.restore_dists)
    print(f"environment state (python {python()}, median of {args.runs} runs; "
          f"snapshots {args.runs * 3})")
    print(render(rows))
    if args.kills:
        import subprocess
        import sys

        # the kill campaign and the store's own speed: one table each, printed by state_store
        subprocess.run([sys.executable, str(Path(__file__).with_name("state_store.py")),
                        "--kills", str(args.kills)], check=True)


if __name__ == "__main__":
    main()
