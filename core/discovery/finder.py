"""Run every locator, merge what they saw, and probe only what files could not tell."""

from __future__ import annotations

import contextlib
import itertools
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from ainlp.core import foreign
from ainlp.core.discovery import known, snapshot
from ainlp.core.discovery.cache import ProbeCache
from ainlp.core.discovery.locators import Locator, all_locators
from ainlp.core.discovery.probe import ProbeResult, probe_many
from ainlp.core.discovery.records import (
    KIND_PRIORITY,
    EnvRecord,
    EnvState,
    Inventory,
    Problem,
    identity_key,
)
from ainlp.core.discovery.resolve import real
from ainlp.core.world import World

# How far a version source can be trusted; a stronger one replaces a weaker one in a merge.
_SOURCE_TRUST = {
    "probe": 6,
    "base-interpreter": 5,
    "conda-meta": 4,
    "build-details.json": 4,
    "patchlevel.h": 4,
    "pyvenv.cfg": 3,
    "registry": 3,
    "folder-name": 2,
    "executable-name": 1,
}

Progress = Callable[[EnvRecord], None]


def discover(
    world: World,
    *,
    refresh: bool = False,
    use_cache: bool = True,
    locators: Iterable[Locator] | None = None,
    on_record: Progress | None = None,
) -> Inventory:
    """Every interpreter and environment of the world, each once, broken ones included.

    A full discovery with the cache on also saves the inventory snapshot that answers the
    next warm `ainlp find --json` (see snapshot.py), with a record of what it read.
    """
    started = time.perf_counter()
    foreign.fresh()  # real paths are memoised for one discovery only
    keep_snapshot = use_cache and locators is None
    recorder = snapshot.Recorder()
    seen = (
        replace(world, env=snapshot.RecordingEnv(world.env, recorder)) if keep_snapshot else world
    )
    with snapshot.Recording(recorder) if keep_snapshot else contextlib.nullcontext():
        inventory = _discover(seen, refresh, use_cache, locators, started)
    if keep_snapshot:
        document = inventory.to_json()
        paths = snapshot.dependencies(
            recorder,
            document,
            state_dir=str(world.state_dir),
            cwd=str(world.cwd),
            home=str(world.home),
            root=str(world.root),
        )
        paths += known.watched_files(world)  # state.db: where "missing" records come from
        inventory = replace(inventory, depends_on=tuple(paths))
        snapshot.save(
            str(world.state_dir),
            document,
            recorder,
            paths,
            env=world.env,
            cwd=str(world.cwd),
            home=str(world.home),
            root=str(world.root),
            platform=world.platform,
            now=world.clock(),
        )
    if on_record is not None:
        for record in inventory.environments:
            on_record(record)
    return inventory


def _discover(
    world: World, refresh: bool, use_cache: bool, locators: Iterable[Locator] | None, started: float
) -> Inventory:
    merged: dict[str, EnvRecord] = {}
    for locator in locators if locators is not None else all_locators():
        for record in locator.locate(world):
            canonical = _canonical(record)
            key = identity_key(canonical.prefix, canonical.executable, canonical.kind)
            merged[key] = merge(merged[key], canonical) if key in merged else canonical
    records = _adopt_base_versions(_fold_interpreters(merged))

    cache = ProbeCache(world.state_dir) if use_cache else None
    if cache is not None and not refresh:
        cache.load()
    records = _probe_unknown(world, records, cache)
    if cache is not None:
        cache.save()
    records = _adopt_base_versions(records)
    if locators is None:  # a full discovery: what we knew and is gone is "missing"
        records += known.missing_records(world, {str(r.prefix) for r in records})

    records.sort(key=_display_order)
    status = "off" if cache is None else _cache_status(cache, refresh)
    return Inventory(tuple(records), (time.perf_counter() - started) * 1000, status)


def _fold_interpreters(merged: dict[str, EnvRecord]) -> list[EnvRecord]:
    """A bare interpreter whose prefix another locator knows as an environment is that
    environment (a pyenv version reached through a linked PYENV_ROOT, say): one record."""
    for key, record in list(merged.items()):
        environment = str(record.prefix)
        if key != environment and environment in merged:
            merged[environment] = merge(merged[environment], merged.pop(key))
    return list(merged.values())


def _display_order(record: EnvRecord) -> tuple[int, list[tuple[int, str]], list[tuple[int, str]]]:
    """By kind, then by path with numbers compared as numbers (3.9 before 3.10)."""
    return (
        KIND_PRIORITY[record.kind],
        _natural(str(record.prefix)),
        _natural(str(record.executable or "")),
    )


def _natural(text: str) -> list[tuple[int, str]]:
    """A path's runs of digits as numbers, the rest as text: /v/3.9 before /v/3.10."""
    return [(int(run), "") if digits else (-1, run)
            for digits, chars in itertools.groupby(text, str.isdecimal)
            for run in ("".join(chars),)]


def _canonical(record: EnvRecord) -> EnvRecord:
    """Same folder reached through links (/bin vs /usr/bin) must merge: use real paths."""
    prefix = real(record.prefix)
    executable = record.executable
    if executable is not None and foreign.exists(executable):
        # keep a venv's own bin/python (its link is what makes it a venv); resolve the rest
        # (an environment keeps it whatever it links to: no need to follow the link)
        resolved = None if _is_env(prefix) else real(executable)
        if resolved is not None and not str(resolved).startswith(str(prefix) + "/"):
            executable = resolved
        else:
            executable = real(executable.parent) / executable.name
    return replace(record, prefix=prefix, executable=executable)


def _is_env(prefix: Path) -> bool:
    return (foreign.lexists(os.path.join(prefix, "pyvenv.cfg"))
            or foreign.is_dir(os.path.join(prefix, "conda-meta")))


def merge(old: EnvRecord, new: EnvRecord) -> EnvRecord:
    """One record from two sightings of the same environment."""
    primary, other = (
        (old, new) if KIND_PRIORITY[old.kind] <= KIND_PRIORITY[new.kind] else (new, old)
    )
    version, source = primary.version, primary.version_source
    if _trust(other.version_source) > _trust(source) and other.version:
        version, source = other.version, other.version_source
    problems = primary.problems + tuple(p for p in other.problems if p not in primary.problems)
    state = (
        EnvState.BROKEN if problems and EnvState.BROKEN in (old.state, new.state) else primary.state
    )
    return replace(
        primary,
        version=version,
        version_source=source,
        name=primary.name if primary.name is not None else other.name,
        executable=primary.executable or other.executable,
        implementation=primary.implementation or other.implementation,
        base_executable=primary.base_executable or other.base_executable,
        manager=primary.manager or other.manager,
        arch=primary.arch or other.arch,
        problems=problems,
        state=state,
        found_by=tuple(dict.fromkeys(old.found_by + new.found_by)),
        extra=tuple(sorted(set(old.extra) | set(new.extra))),
    )


def _trust(source: str | None) -> int:
    return _SOURCE_TRUST.get(source or "", 0)


def _needs_probe(record: EnvRecord) -> bool:
    if record.state is not EnvState.OK or record.executable is None:
        return False
    if not foreign.exists(record.executable):
        return False
    return record.version is None or _trust(record.version_source) <= _trust("executable-name")


def _probe_unknown(
    world: World, records: list[EnvRecord], cache: ProbeCache | None
) -> list[EnvRecord]:
    wanted = [r.executable for r in records if _needs_probe(r) and r.executable is not None]
    known: dict[Path, ProbeResult] = {}
    missing: list[Path] = []
    for exe in wanted:
        hit = cache.get(exe) if cache is not None else None
        if hit is not None:
            known[exe] = hit
        else:
            missing.append(exe)
    fresh = probe_many(world, missing)
    if cache is not None:
        for result in fresh.values():
            cache.put(result)
    known.update(fresh)
    return [_apply_probe(r, known[r.executable]) if r.executable in known else r for r in records]


def _apply_probe(record: EnvRecord, result: ProbeResult) -> EnvRecord:
    if not result.ok:
        return record.with_problem(
            Problem(
                "interpreter.unrunnable",
                f"{record.executable} cannot run: {result.error}",
                "Reinstall this Python or remove it from PATH; ainlp doctor explains more.",
            )
        )
    return replace(
        record,
        version=result.version,
        version_source="probe",
        implementation=result.implementation or record.implementation,
    )


def _adopt_base_versions(records: list[EnvRecord]) -> list[EnvRecord]:
    """A venv's pyvenv.cfg keeps the version it was made with; what its base is now wins."""
    by_bin_dir: dict[Path, EnvRecord] = {}
    for record in records:
        if record.executable is not None and not foreign.lexists(
                os.path.join(record.prefix, "pyvenv.cfg")):
            by_bin_dir.setdefault(real(record.executable.parent), record)
    adopted = []
    for record in records:
        base = record.base_executable
        owner = by_bin_dir.get(real(base.parent)) if base is not None else None
        if (
            owner is not None
            and owner.version
            and _trust(owner.version_source) > _trust("pyvenv.cfg")
            and record.version != owner.version
            and _trust(record.version_source) <= _trust("pyvenv.cfg")
        ):
            record = replace(record, version=owner.version, version_source="base-interpreter")
        adopted.append(record)
    return adopted


def _cache_status(cache: ProbeCache, refresh: bool) -> str:
    if refresh or not cache.loaded:
        return "cold"
    return "partial" if cache.misses else "warm"
