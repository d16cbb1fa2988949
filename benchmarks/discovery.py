"""Discovery speed and memory: `ainlp find` cold and warm beside uv and findpython.

    python benchmarks/discovery.py [--runs 10] [--world-size 50] [--ainlp PATH]

Without --ainlp it installs this checkout into a fresh venv (as a user's `pip install .`
does, bytecode compiled) and measures that.

Prints tables for this machine and for a generated world of about 50 environments
(venvs, conda trees, pipx venvs, pyenv versions, broken ones), plus a world with a
`python3` on PATH that hangs. Peers are measured only when installed (on PATH or beside
this interpreter). Ratios, not absolute times, are the targets: cold <= 1/5 of uv's cold,
warm <= 5x a bare `python -c pass`, a hanging python adds at most the probe timeout,
peak RSS under 40 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import Measure, measure, table


def tool(name: str) -> str | None:
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


def count_ainlp(out: str) -> str:
    try:
        doc = json.loads(out)
    except ValueError:
        return "?"
    s = doc["summary"]
    return f"{s['total']} envs ({s['broken']} broken)"


def count_lines(out: str) -> str:
    return f"{len([line for line in out.splitlines() if line.strip()])} lines"


def count_uv(out: str) -> str:
    try:
        return f"{len(json.loads(out))} interpreters"
    except ValueError:
        return count_lines(out)


def install_ainlp(base: Path) -> str:
    venv_dir = base / "ainlp-venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv_dir)], check=True)
    checkout = Path(__file__).resolve().parent.parent
    subprocess.run([str(venv_dir / "bin" / "python"), "-m", "pip", "install", "-q",
                    str(checkout)], check=True, capture_output=True)
    return str(venv_dir / "bin" / "ainlp")


def bench(title: str, env: dict[str, str], runs: int, cwd: str, ainlp: str) -> list[Measure]:
    state = Path(env["AINLP_HOME"])
    results = [measure("python -c pass", [sys.executable, "-c", "pass"], runs=runs, env=env)]
    results.append(measure(
        "ainlp find --json (cold)", [ainlp, "find", "--json"], runs=runs, env=env, cwd=cwd,
        before_each=lambda: shutil.rmtree(state, ignore_errors=True), count=count_ainlp))
    results.append(measure("ainlp find --json (warm)", [ainlp, "find", "--json"], runs=runs,
                           env=env, cwd=cwd, count=count_ainlp))
    results.append(measure("ainlp find --json --refresh", [ainlp, "find", "--json", "--refresh"],
                           runs=runs, env=env, cwd=cwd, count=count_ainlp))
    uv = tool("uv")
    if uv:
        uv_cache = Path(env["UV_CACHE_DIR"])
        argv = [uv, "python", "list", "--only-installed", "--output-format", "json"]
        results.append(measure(
            "uv python list --only-installed (cold)", argv, runs=runs, env=env, cwd=cwd,
            before_each=lambda: shutil.rmtree(uv_cache, ignore_errors=True), count=count_uv))
        results.append(measure("uv python list --only-installed (warm)", argv, runs=runs, env=env,
                               cwd=cwd, count=count_uv))
    findpython = tool("findpython")
    if findpython:
        results.append(measure("findpython --all", [findpython, "--all"], runs=runs, env=env,
                               cwd=cwd, count=count_lines))
    print(table(title, results))
    by_label = {m.label.split(" (")[0] + (" cold" if "cold" in m.label else ""): m
                for m in results}
    cold, warm = results[1], results[2]
    bare = results[0]
    print(f"warm / bare python: {warm.median_ms / bare.median_ms:.1f}x (target <= 5x)")
    uv_cold = by_label.get("uv python list --only-installed cold")
    if uv_cold:
        print(f"cold / uv cold: {cold.median_ms / uv_cold.median_ms:.2f} (target <= 0.20)")
    print(f"peak RSS: {max(cold.peak_rss_mb, warm.peak_rss_mb):.1f} MB (target < 40 MB)\n")
    return results


def venv(python: str, prefix: Path) -> None:
    subprocess.run([python, "-m", "venv", "--without-pip", str(prefix)], check=True)


def generate_world(base: Path, size: int) -> dict[str, str]:
    """About `size` environments of every kind in a fresh HOME, some of them broken."""
    home = base / "home"
    pythons = sorted(str(p) for p in (Path.home() / ".pyenv" / "versions").glob("3.*/bin/python3"))
    pythons = [p for p in pythons if not p.split("/")[-3].startswith(("3.6", "3.7"))] or [
        sys.executable]
    pyenv_versions = home / ".pyenv" / "versions"
    pyenv_versions.mkdir(parents=True)
    for real in (Path.home() / ".pyenv" / "versions").iterdir():
        (pyenv_versions / real.name).symlink_to(real)
    made = len(list(pyenv_versions.iterdir()))
    workon = home / ".virtualenvs"
    pipx = home / ".local" / "share" / "pipx" / "venvs"
    index = 0
    while made < size - 12:
        python = pythons[index % len(pythons)]
        folder = (workon if index % 3 else pipx) / f"env{index}"
        venv(python, folder)
        made += 1
        index += 1
    for number in range(8):  # conda: a base with envs, python linked from a real one
        prefix = home / "miniconda3" / ("" if number == 0 else f"envs/c{number}")
        (prefix / "conda-meta").mkdir(parents=True, exist_ok=True)
        (prefix / "bin").mkdir(parents=True, exist_ok=True)
        real = Path(pythons[number % len(pythons)]).resolve()
        (prefix / "bin" / "python").symlink_to(real)
        version = real.name.removeprefix("python")
        (prefix / "conda-meta" / f"python-{version}.0-h0_0.json").write_text(
            json.dumps({"name": "python", "version": f"{version}.0"}))
        made += 1
    for number in range(4):  # broken: base gone
        folder = workon / f"broken{number}"
        venv(pythons[0], folder)
        cfg = folder / "pyvenv.cfg"
        cfg.write_text(cfg.read_text().replace(str(Path(pythons[0]).parent), "/gone/bin"))
        for exe in (folder / "bin").glob("python*"):
            exe.unlink()
            exe.symlink_to("/gone/bin/python3")
        made += 1
    # every Python's bin folder on PATH, as on a machine where people add them: uv and
    # findpython see (and must run) the same interpreters we read
    bins = ":".join(str(p / "bin") for p in sorted(pyenv_versions.iterdir()))
    return {"HOME": str(home), "PATH": f"{bins}:/usr/local/bin:/usr/bin:/bin",
            "PYENV_ROOT": str(home / ".pyenv")}


def generate_flat_world(base: Path, size: int) -> dict[str, str]:
    """`size` minimal venvs in one folder (pyvenv.cfg + bin/python linked to this Python)."""
    home = base / "home"
    workon = home / ".virtualenvs"
    python = os.path.realpath(sys.executable)
    cfg = f"home = {os.path.dirname(python)}\nversion = 3.11.7\n"
    for index in range(size):
        prefix = workon / f"env{index}"
        (prefix / "bin").mkdir(parents=True)
        (prefix / "pyvenv.cfg").write_text(cfg)
        (prefix / "bin" / "python").symlink_to(python)
    return {"HOME": str(home), "PATH": "/usr/local/bin:/usr/bin:/bin"}


def bench_flat(env: dict[str, str], runs: int, cwd: str, ainlp: str, size: int) -> None:
    """Issue 12's scale targets: cold find < 1 s, doctor < 3 s, peak RSS < 60 MB."""
    state = Path(env["AINLP_HOME"])
    results = [
        measure("ainlp find --json (cold)", [ainlp, "find", "--json"], runs=runs, env=env,
                cwd=cwd, before_each=lambda: shutil.rmtree(state, ignore_errors=True),
                count=count_ainlp),
        measure("ainlp doctor --json", [ainlp, "doctor", "--json"], runs=max(1, runs // 3),
                env=env, cwd=cwd),
    ]
    print(table(f"{size} venvs in one folder", results))
    cold, doctor = results
    print(f"cold find {cold.median_ms / 1000:.2f} s (target < 1 s), doctor "
          f"{doctor.median_ms / 1000:.2f} s (target < 3 s), peak RSS "
          f"{max(cold.peak_rss_mb, doctor.peak_rss_mb):.1f} MB (target < 60 MB)\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--world-size", type=int, default=50)
    parser.add_argument("--ainlp", help="the ainlp to measure (default: install this checkout)")
    parser.add_argument("--flat-world", type=int, default=0, metavar="N",
                        help="also measure N venvs in one folder (issue 12: 2000); off by default")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        ainlp = args.ainlp or install_ainlp(base)
        common = {"AINLP_HOME": str(base / "state"), "UV_CACHE_DIR": str(base / "uv-cache"),
                  "UV_PYTHON_INSTALL_DIR": str(base / "uv-python"), "UV_NO_CONFIG": "1"}
        machine = {**os.environ, **common}
        bench("This machine", machine, args.runs, cwd=tmp, ainlp=ainlp)

        world = {**os.environ, **common, **generate_world(base / "world", args.world_size)}
        world.pop("VIRTUAL_ENV", None)
        bench(f"Generated world (~{args.world_size} environments)", world, args.runs, cwd=tmp,
              ainlp=ainlp)

        hang = base / "hang" / "bin"
        hang.mkdir(parents=True)
        (hang / "python3").write_text("#!/bin/sh\nsleep 60\n")
        (hang / "python3").chmod(0o755)
        hostile = {**world, "PATH": f"{hang}:{world['PATH']}"}
        bench("Generated world + a python3 on PATH that hangs", hostile, max(3, args.runs // 3),
              cwd=tmp, ainlp=ainlp)

        if args.flat_world:
            flat = {**os.environ, **common, "AINLP_HOME": str(base / "flat-state"),
                    **generate_flat_world(base / "flat", args.flat_world)}
            flat.pop("VIRTUAL_ENV", None)
            bench_flat(flat, max(3, args.runs // 3), cwd=tmp, ainlp=ainlp, size=args.flat_world)


if __name__ == "__main__":
    main()
