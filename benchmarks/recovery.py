"""Export and import time of a bundle of 10 small environments, importing with uv and with
the pip fallback (envsnap.recreate's `tool=`). Everything in a temporary folder, offline.

    .venv/bin/python benchmarks/recovery.py [--envs 10]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.append(str(REPO))  # tests.* helpers, after the installed package
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != REPO / "benchmarks"]

from ainlp.core.bundle import plan_import, read_bundle, restore_env  # noqa: E402
from ainlp.core.discovery import discover  # noqa: E402
from ainlp.core.envsnap import Tool  # noqa: E402

import ainlp  # noqa: E402
from tests.bundle_world import build_world, dists, world_at  # noqa: E402


def _import(base: Path, bundle: Path, tool: Tool) -> tuple[float, int]:
    world = world_at(base)
    started = time.perf_counter()
    read = read_bundle(world, bundle)
    plan = plan_import(world, read, discover(world).environments)
    done = 0
    for env in plan.envs:
        if env.status == "create":
            restore_env(world, read, env, tool=tool)
            done += 1
    return time.perf_counter() - started, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--envs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ainlp-bench-recovery-") as tmp:
        base = Path(tmp)
        envs = {f".virtualenvs/env{i:02d}": [("alpha", "1.0"), (f"pkg{i}", "0.1")]
                for i in range(args.envs)}
        world = build_world(base / "old", envs)
        rows: list[tuple[str, float, int]] = []
        started = time.perf_counter()
        done = ainlp.export(str(base / "bundle"), with_wheels=True, world=world)
        rows.append(("export --with-wheels", time.perf_counter() - started, args.envs))
        if done.exit_code != 0:
            raise SystemExit(f"export failed: {done.messages}")
        want = {rel: dists(world, world.home / rel) for rel in envs}
        for tool in ("uv", "pip"):
            target = base / f"new-{tool}"
            elapsed, made = _import(target, base / "bundle", tool)
            new = world_at(target)
            assert all(dists(new, new.home / rel) == want[rel] for rel in envs), tool
            rows.append((f"import ({tool})", elapsed, made))
            shutil.rmtree(target)
    print(f"{'step':<24}{'envs':>6}{'total s':>10}{'per env s':>11}")
    for name, seconds, count in rows:
        print(f"{name:<24}{count:>6}{seconds:>10.2f}{seconds / max(count, 1):>11.3f}")


if __name__ == "__main__":
    main()
