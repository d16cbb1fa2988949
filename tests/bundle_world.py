"""A world with three real venvs holding test wheels, for the bundle tests and benchmark."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from ainlp.core.discovery.resolve import classify
from ainlp.core.envsnap import capture
from ainlp.core.world import World

from tests.conftest import make_world, real_pythons
from tests.wheelhouse import installer_env, sh, uv_binary, write_wheels

PYTHON = real_pythons()[0]
ENVS: dict[str, list[tuple[str, str]]] = {
    ".virtualenvs/one": [("alpha", "1.0"), ("beta-pkg", "2.1.0")],
    ".virtualenvs/two": [("Gamma_Lib", "0.3")],
    "proj/.venv": [("alpha", "1.0"), ("delta", "4.0.post1")],
}


def world_at(base: Path) -> World:
    """An empty world (HOME base/home, state base/state) whose PATH has the test Python."""
    env = installer_env(base)
    env["PATH"] = f"{PYTHON.parent}{os.pathsep}{env['PATH']}"
    (base / "home" / "proj").mkdir(parents=True, exist_ok=True)
    return make_world(base, env=env, cwd=base / "home" / "proj")


def build_world(base: Path, envs: Mapping[str, Sequence[tuple[str, str]]] = ENVS) -> World:
    world = world_at(base)
    (world.home / "proj" / "pyproject.toml").write_text('[project]\nname = "proj"\n')
    wheels = base / "wheels"
    write_wheels(wheels, sorted({pin for pins in envs.values() for pin in pins}))
    for rel, pins in envs.items():
        prefix = world.home / rel
        sh([uv_binary(), "venv", "--no-project", "--python", PYTHON, prefix], world.env)
        sh([uv_binary(), "pip", "install", "--python", prefix / "bin" / "python", "--no-index",
            "--find-links", wheels, *(f"{n}=={v}" for n, v in pins)], world.env)
    return world


def dists(world: World, prefix: Path) -> set[tuple[str, str]]:
    return {(p.canonical_name, p.version)
            for p in capture(world, classify(prefix, "test")).distributions}
