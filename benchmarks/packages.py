"""`ainlp packages` beside the environment's own pip: listing and conflict checking.

    python benchmarks/packages.py [--runs 10] [--env PREFIX ...]

For each environment (by default: this interpreter's environment, a fresh venv with pip,
and that venv with 300 extra hand-written distributions), whole-process median wall time of

    ainlp packages PREFIX --json          vs   PREFIX/bin/python -m pip list --format json
    ainlp packages PREFIX --check --json  vs   PREFIX/bin/python -m pip check

and whether both report the same names/versions and the same number of broken
requirements. pip runs with its version check off so it does no network I/O. Target:
ainlp faster than pip on each line.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import Measure, measure, run_once, table

_PIP_ENV = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
_PIP_ENV["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"


def ainlp_command() -> list[str]:
    script = Path(sys.executable).parent / "ainlp"
    return [str(script)] if script.exists() else [sys.executable, "-m", "ainlp.cli"]


def python_of(prefix: Path) -> Path:
    return prefix / "bin" / "python"


def fresh_venv(where: Path) -> Path:
    prefix = where / "pip-venv"
    subprocess.run([sys.executable, "-m", "venv", str(prefix)], check=True, timeout=300,
                   capture_output=True)
    return prefix


def add_many(prefix: Path, count: int) -> Path:
    """`count` small distributions, each requiring the previous one; every 50th is broken."""
    copy = prefix.parent / f"pip-venv-{count}"
    subprocess.run(["cp", "-a", str(prefix), str(copy)], check=True)
    site = next((copy / "lib").glob("python3.*/site-packages"))
    for index in range(count):
        name = f"bench-pkg-{index}"
        info = site / f"bench_pkg_{index}-1.{index}.dist-info"
        info.mkdir()
        requires = f"Requires-Dist: bench-pkg-{index - 1}>=1.0\n" if index else ""
        if index % 50 == 49:
            requires += "Requires-Dist: not-installed-anywhere\n"
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\n"
                                       f"Version: 1.{index}\n{requires}\n")
        (info / "INSTALLER").write_text("pip\n")
        module = site / f"bench_pkg_{index}.py"
        module.write_text("x = 1\n")
        (info / "RECORD").write_text(f"{module.name},sha256=x,6\n{info.name}/METADATA,,\n"
                                     f"{info.name}/INSTALLER,,\n{info.name}/RECORD,,\n")
    return copy


def _listed(out: str) -> str:
    try:
        doc = json.loads(out)
    except ValueError:
        return "?"
    packages = doc["packages"] if isinstance(doc, dict) else doc
    return f"{len(packages)} packages"


def _conflicts(out: str) -> str:
    try:
        return f"{len(json.loads(out)['conflicts'])} broken"
    except (ValueError, KeyError):
        lines = [line for line in out.splitlines()
                 if line and line != "No broken requirements found."]
        return f"{len(lines)} broken"


def same_listing(prefix: Path) -> bool:
    _, _, ours = run_once([*ainlp_command(), "packages", str(prefix), "--json"])
    _, _, theirs = run_once([str(python_of(prefix)), "-m", "pip", "list", "--format", "json"],
                            env=_PIP_ENV)
    mine = {(p["name"], p["version"]) for p in json.loads(ours)["packages"]}
    pips = {(p["name"], p["version"]) for p in json.loads(theirs)}
    return mine == pips


def bench(prefix: Path, runs: int) -> str:
    python = str(python_of(prefix))
    rows: list[Measure] = [
        measure("ainlp packages --json", [*ainlp_command(), "packages", str(prefix), "--json"],
                runs=runs, count=_listed),
        measure("pip list --format json", [python, "-m", "pip", "list", "--format", "json"],
                runs=runs, env=_PIP_ENV, count=_listed),
        measure("ainlp packages --check --json",
                [*ainlp_command(), "packages", str(prefix), "--check", "--json"],
                runs=runs, count=_conflicts),
        measure("pip check", [python, "-m", "pip", "check"], runs=runs, env=_PIP_ENV,
                count=_conflicts),
    ]
    verdict = "same names and versions" if same_listing(prefix) else "LISTINGS DIFFER"
    ratio_list = rows[1].median_ms / rows[0].median_ms
    ratio_check = rows[3].median_ms / rows[2].median_ms
    return (table(f"{prefix} ({verdict})", rows)
            + f"\nainlp is {ratio_list:.1f}x faster than pip list, "
              f"{ratio_check:.1f}x faster than pip check\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--env", action="append", type=Path, default=[],
                        help="an environment prefix with pip (repeatable)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ainlp-bench-") as tmp:
        envs = list(args.env)
        if not envs:
            fresh = fresh_venv(Path(tmp))
            envs = [Path(sys.prefix), fresh, add_many(fresh, 300)]
        for prefix in envs:
            print(bench(prefix, args.runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
