"""Health speed: `ainlp doctor --json` beside `ainlp find --json`, both warm.

    python benchmarks/doctor.py [--runs 10] [--world-size 50]

Times whole processes (median of `--runs`) over this machine and over a generated world of
about 50 environments (the one benchmarks/discovery.py builds: venvs, pipx venvs, conda
trees, pyenv versions, broken venvs). Both commands run once before timing, so the
discovery cache is warm. Target: doctor at most 3x a warm find.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import Measure, measure, run_once, table
from discovery import generate_world, tool

TARGET_RATIO = 3.0


def count_findings(out: str) -> str:
    try:
        doc = json.loads(out)
    except ValueError:
        return "?"
    s = doc["summary"]
    return f"{doc['checks_run']} checks: {s['error']} err, {s['warning']} warn, {s['info']} info"


def count_envs(out: str) -> str:
    try:
        return f"{json.loads(out)['summary']['total']} envs"
    except (ValueError, KeyError):
        return "?"


def bench(title: str, env: dict[str, str], runs: int, cwd: str) -> tuple[Measure, Measure]:
    ainlp = tool("ainlp")
    assert ainlp, "install ainlp first (pip install .)"
    find = [ainlp, "find", "--json"]
    doctor = [ainlp, "doctor", "--json"]
    for argv in (find, doctor):  # warm the discovery cache (and the OS file cache)
        run_once(argv, env, cwd)
    results = [
        measure("python -c pass", [sys.executable, "-c", "pass"], runs=runs, env=env),
        measure("ainlp find --json (warm)", find, runs=runs, env=env, cwd=cwd, count=count_envs),
        measure("ainlp find --json --refresh", [*find, "--refresh"], runs=runs, env=env,
                cwd=cwd, count=count_envs),
        measure("ainlp doctor --json (warm)", doctor, runs=runs, env=env, cwd=cwd,
                count=count_findings),
    ]
    print(table(title, results))
    find_m, rediscover_m, doctor_m = results[1], results[2], results[3]
    # A warm `find --json` is answered from the inventory snapshot without loading the
    # engine; doctor always rediscovers, so the ratio to a full discovery is printed too.
    for label, base in (("warm find", find_m), ("find --refresh", rediscover_m)):
        ratio = doctor_m.median_ms / base.median_ms
        verdict = "ok" if ratio <= TARGET_RATIO else "OVER TARGET"
        print(f"doctor / {label} (medians): {ratio:.2f}x (target <= {TARGET_RATIO:g}x) {verdict}")
    print()
    return find_m, doctor_m


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--world-size", type=int, default=50)
    args = parser.parse_args()
    runs = max(args.runs, 10)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        common = {"AINLP_HOME": str(base / "state")}
        machine = {**os.environ, **common}
        machine.pop("VIRTUAL_ENV", None)
        bench("This machine", machine, runs, cwd=tmp)
        world = {**os.environ, "AINLP_HOME": str(base / "world-state"),
                 **generate_world(base / "world", args.world_size)}
        world.pop("VIRTUAL_ENV", None)
        bench(f"Generated world (~{args.world_size} environments)", world, runs, cwd=tmp)


if __name__ == "__main__":
    main()
