"""Rebuilding an environment from a snapshot: a new venv holding exactly its distributions."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ainlp.core.discovery.resolve import classify
from ainlp.core.envsnap.capture import own_distributions
from ainlp.core.envsnap.installer import (
    Installer,
    Tool,
    install_argv,
    installer,
    run,
    tail,
    uninstall_argv,
)
from ainlp.core.envsnap.model import EnvSnapshot, Package, Skipped
from ainlp.core.envsnap.venvs import (
    BuildFailed,
    check_target,
    make_venv,
    refuse_python2,
    remove_tree,
)
from ainlp.core.packages.metadata import file_url_path
from ainlp.core.world import World

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: packaging.utils 14 ms, packaging.version 3.4 ms

INSTALL_TIMEOUT = 1800.0
# what `python -m venv` puts in by itself: removed again when the snapshot did not have it
_SEEDED = ("setuptools", "wheel", "distribute", "pip")


@dataclass(frozen=True, slots=True)
class Requirement:
    name: str  # canonical
    args: tuple[str, ...]  # installer arguments: ("foo==1.0",), ("-e", "/src/foo")


@dataclass(frozen=True)
class RecreateResult:
    prefix: Path
    executable: Path  # the new environment's python
    python: Path  # the interpreter it was made from
    tool: Tool
    installed: tuple[str, ...]  # canonical names
    skipped: tuple[Skipped, ...]  # what could not be reinstalled (an editable's folder is gone)
    elapsed_ms: float

    @property
    def complete(self) -> bool:
        return not self.skipped

    def to_json(self) -> dict[str, Any]:
        return {"prefix": str(self.prefix), "executable": str(self.executable),
                "python": str(self.python), "tool": self.tool,
                "installed": list(self.installed),
                "skipped": [s.to_json() for s in self.skipped],
                "complete": self.complete, "elapsed_ms": round(self.elapsed_ms, 1)}


def recreate(world: World, snapshot: EnvSnapshot, *, prefix: Path, python: Path,
             find_links: Sequence[Path] = (), offline: bool = True,
             seed_pip: bool | None = None, tool: Tool | None = None,
             timeout: float = INSTALL_TIMEOUT) -> RecreateResult:
    """A new venv at `prefix` made by `python`, holding exactly the snapshot's distributions.

    `seed_pip` None keeps pip as the snapshot had it; True/False add or leave it out.
    Raises BuildFailed (naming the distributions and the installer's last lines) after
    removing the folder it created; an existing `prefix` is refused, never touched.
    """
    started = time.perf_counter()
    check_target(prefix, python)
    refuse_python2(python, snapshot.interpreter.version)
    want_pip = snapshot.has_pip if seed_pip is None else seed_pip
    packages = [p for p in snapshot.distributions if want_pip or p.canonical_name != "pip"]
    available = local_files(find_links)
    requirements, skipped = plan(packages, available, offline=offline)
    if offline:
        _check_available(requirements, packages, available, find_links)
    inst = installer(world, tool, offline=offline, find_links=find_links)
    pinned_pip = any(r.name == "pip" for r in requirements)
    # the pip fallback needs pip inside to install; uv seeds only pip that no pin brings
    seed = inst.tool == "pip" or (want_pip and not pinned_pip)
    created = make_venv(world, inst, prefix, python, seed=seed, timeout=timeout)
    try:
        _install(world, inst, created.executable, requirements, timeout)
        if inst.tool == "pip":
            _drop_seeded(world, inst, prefix, created.executable, requirements, want_pip,
                         timeout)
    except BaseException:
        remove_tree(prefix)  # the caller rolls back to the old folder; no half environment
        raise
    return RecreateResult(prefix, created.executable, python, inst.tool,
                          tuple(r.name for r in requirements), tuple(skipped),
                          (time.perf_counter() - started) * 1000)


def plan(packages: Sequence[Package], available: dict[str, set[str]], *,
         offline: bool) -> tuple[list[Requirement], list[Skipped]]:
    """Installer arguments per distribution: a pin, `-e folder`, or its direct URL."""
    requirements: list[Requirement] = []
    skipped: list[Skipped] = []
    for pkg in packages:
        name = pkg.canonical_name
        if pkg.editable_source is not None:
            if pkg.editable_source.is_dir():
                requirements.append(Requirement(name, ("-e", str(pkg.editable_source))))
            else:
                skipped.append(Skipped(name, f"editable install whose source folder "
                                             f"{pkg.editable_source} is gone"))
            continue
        requirements.append(Requirement(name, (_requirement(pkg, available, offline),)))
    return requirements, skipped


def _requirement(pkg: Package, available: dict[str, set[str]], offline: bool) -> str:
    pin = f"{pkg.name}=={pkg.version}"
    origin = pkg.origin
    if origin is None:
        return pin
    local = file_url_path(origin.url)
    if local is not None and origin.vcs is None:
        return f"{pkg.name} @ {origin.url}" if local.exists() else pin
    # a wheel at hand beats a download; a download beats nothing
    if offline or _version_key(pkg.version) in available.get(pkg.canonical_name, set()):
        return pin
    return f"{pkg.name} @ {origin.describe()}"


def local_files(folders: Sequence[Path]) -> dict[str, set[str]]:
    """Canonical name -> normalised versions of the wheels and sdists in find-links folders."""
    from packaging.utils import (
        InvalidSdistFilename,
        InvalidWheelFilename,
        parse_sdist_filename,
        parse_wheel_filename,
    )

    found: dict[str, set[str]] = {}
    for folder in folders:
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for file in names:
            try:
                if file.endswith(".whl"):
                    name, version, _, _ = parse_wheel_filename(file)
                elif file.endswith((".tar.gz", ".zip")):
                    name, version = parse_sdist_filename(file)
                else:
                    continue
            except (InvalidWheelFilename, InvalidSdistFilename):
                continue
            found.setdefault(str(name), set()).add(str(version))
    return found


def _version_key(version: str) -> str:
    from packaging.version import InvalidVersion, Version

    try:
        return str(Version(version))
    except InvalidVersion:
        return version


def _check_available(requirements: Sequence[Requirement], packages: Sequence[Package],
                     available: dict[str, set[str]], find_links: Sequence[Path]) -> None:
    """Offline, a pin without a file in the wheel folders cannot install: say which, before
    anything is created."""
    versions = {p.canonical_name: p.version for p in packages}
    names = {p.canonical_name: p.name for p in packages}
    missing = [r.name for r in requirements
               if len(r.args) == 1 and "==" in r.args[0]
               and _version_key(versions[r.name]) not in available.get(r.name, set())]
    if missing:
        where = ", ".join(str(f) for f in find_links) or "no wheel folder given"
        listed = ", ".join(f"{names[name]}=={versions[name]}" for name in missing)
        raise BuildFailed(f"no wheel or sdist for {listed} in {where}", failed=missing,
                          hint="build the wheels from the old environment while it exists, "
                               "or allow the index (offline=False)")


def _install(world: World, inst: Installer, target: Path,
             requirements: Sequence[Requirement], timeout: float) -> None:
    if not requirements:
        return
    args = [arg for r in requirements for arg in r.args]
    done = run(world, inst, install_argv(inst, target, args), timeout=timeout)
    if done.ok:
        return
    output = tail(done)
    failed = named_in(output, requirements)
    which = ", ".join(failed) if failed else f"{len(requirements)} distributions"
    raise BuildFailed(f"installing {which} with {inst.tool} failed", failed=failed,
                      output=output, hint="the installer's output says why")


def named_in(output: str, requirements: Sequence[Requirement]) -> list[str]:
    """The distributions an installer's error names: `name==version` first, else bare names."""
    text = output.lower().replace("_", "-")
    pinned = [r.name for r in requirements if r.args[-1].lower().replace("_", "-") in text]
    if pinned:
        return pinned
    return [r.name for r in requirements
            if re.search(rf"(?<![\w.-]){re.escape(r.name)}(?![\w-])", text)]


def _drop_seeded(world: World, inst: Installer, prefix: Path, target: Path,
                 requirements: Sequence[Requirement], want_pip: bool, timeout: float) -> None:
    """`python -m venv` seeds pip (and setuptools before 3.12): uninstall what the snapshot
    did not have."""
    keep = {r.name for r in requirements} | ({"pip"} if want_pip else set())
    record = classify(prefix, "recreate", platform=world.platform)
    present = {d.canonical_name for d in own_distributions(world, record)}
    extra = [name for name in _SEEDED if name in present and name not in keep]
    if not extra:
        return
    done = run(world, inst, uninstall_argv(target, extra), timeout=timeout)
    if not done.ok:
        raise BuildFailed(f"removing {', '.join(extra)} (seeded by venv) failed",
                          failed=extra, output=tail(done))
