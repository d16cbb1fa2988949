"""Import, planned: where each environment goes on this machine, which Python builds it, and
what cannot be done (and why). Reads only; nothing is written."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from ainlp.core.bundle.layout import remap
from ainlp.core.bundle.manifest import BundleEnv
from ainlp.core.bundle.pythons import install_commands
from ainlp.core.bundle.read import Bundle
from ainlp.core.discovery.records import EnvKind, EnvRecord, EnvState
from ainlp.core.envsnap import choose_interpreter
from ainlp.core.envsnap.model import EnvSnapshot, Interpreter
from ainlp.core.jsondoc import JSONObject
from ainlp.core.world import World

Status = Literal["create", "present", "cannot"]


@dataclass(frozen=True, slots=True)
class MissingPython:
    version: str
    commands: tuple[str, ...]
    needed_by: tuple[str, ...]  # target folders

    def to_json(self) -> JSONObject:
        return {"version": self.version, "commands": list(self.commands),
                "needed_by": list(self.needed_by)}


@dataclass(frozen=True)
class EnvPlan:
    env: BundleEnv
    target: Path
    status: Status
    python: Path | None
    note: str  # the interpreter chosen, or why it cannot be done

    def snapshot(self, home: Path) -> EnvSnapshot:
        """What `recreate` builds: the manifest's distributions at the remapped place."""
        editable = dict(self.env.editable_sources)
        packages = tuple(replace(p, editable_source=remap(editable[p.canonical_name], home))
                         if p.canonical_name in editable else p
                         for p in self.env.distributions)
        return EnvSnapshot(
            interpreter=Interpreter(self.env.python.implementation, self.env.python.version,
                                    None, self.python, self.env.python.installed_by),
            kind=EnvKind(self.env.kind), prefix=self.target, has_pip=self.env.has_pip,
            pyvenv_cfg=None, distributions=packages, captured="")

    def to_json(self) -> JSONObject:
        return {"id": self.env.id, "location": self.env.location, "target": str(self.target),
                "status": self.status, "python": str(self.python) if self.python else None,
                "version": self.env.python.version, "note": self.note,
                "distributions": len(self.env.distributions)}


@dataclass(frozen=True)
class ImportPlan:
    envs: tuple[EnvPlan, ...]
    missing: tuple[MissingPython, ...]

    def to_json(self) -> JSONObject:
        return {"environments": [e.to_json() for e in self.envs],
                "missing_pythons": [m.to_json() for m in self.missing]}


def plan_import(world: World, bundle: Bundle, inventory: Sequence[EnvRecord],
                present: dict[Path, set[tuple[str, str]] | None] | None = None,
                interrupted: frozenset[Path] = frozenset()) -> ImportPlan:
    """Each environment: `create` (with its Python), `present` (already there, verified) or
    `cannot` (why). `present` maps existing targets to their distribution sets (None when
    unreadable); `interrupted` are folders an import killed half-way left (replaced)."""
    # import cycle: bundle.plan -> bundle.restore -> bundle.plan
    from ainlp.core.bundle.restore import normal_pins

    plans: list[EnvPlan] = []
    missing: dict[str, tuple[str, list[str]]] = {}
    for env in bundle.manifest.environments:
        target = remap(env.location, world.home)
        if (target.exists() or target.is_symlink()) and target not in interrupted:
            found = (present or {}).get(target)
            if found is not None and found == normal_pins(env.pins()):
                plans.append(EnvPlan(env, target, "present", None,
                                     "already there with exactly the bundle's distributions"))
            else:
                plans.append(EnvPlan(env, target, "cannot", None,
                                     f"{target} already exists and holds other distributions: "
                                     "move it away, then import again"))
            continue
        writable = _writable_parent(target)
        if writable is not None:
            plans.append(EnvPlan(env, target, "cannot", None, writable))
            continue
        python, note = _python_for(world, env, inventory)
        if python is None:
            version = env.python.version or "unknown"
            _, needed = missing.setdefault(version, (env.python.installed_by, []))
            needed.append(str(target))
            plans.append(EnvPlan(env, target, "cannot", None, note))
            continue
        plans.append(EnvPlan(env, target, "create", python, note))
    return ImportPlan(tuple(plans), tuple(
        MissingPython(version, tuple(install_commands(version, world.platform, how)),
                      tuple(needed))
        for version, (how, needed) in sorted(missing.items()) if version != "unknown"))


def _writable_parent(target: Path) -> str | None:
    """None when `target` can be created; else why not."""
    parent = target.parent
    while not parent.exists():
        if parent.is_symlink() or parent == parent.parent:
            break
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        return f"{target} cannot be created here: {parent} is not writable"
    return None


def _python_for(world: World, env: BundleEnv,
                inventory: Sequence[EnvRecord]) -> tuple[Path | None, str]:
    version = env.python.version
    if version is None:
        return None, "the bundle does not say which Python this environment had"
    usable = [r for r in inventory if r.state is EnvState.OK and r.executable is not None]
    if env.python.base_executable is not None:
        base = remap(env.python.base_executable, world.home)
        same = next((r for r in usable if r.executable == base and r.version is not None
                     and r.version.text == version), None)
        if same is not None and same.executable is not None:
            return same.executable, f"the same interpreter {base} ({version})"
    record, note = choose_interpreter(usable, version)
    if record is None or record.executable is None:
        return None, f"Python {version} is not installed: {note}"
    return record.executable, f"{note} ({record.executable})"
