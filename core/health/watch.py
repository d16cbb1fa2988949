"""Continuous health: re-check when anything discovery depends on changes, report the difference.

Polling is cheap stat calls (no interpreter runs): the files and folders behind each
environment (the same chain the probe cache keys on), every PATH folder, and the roots
locators read. The loop sleeps between polls; it never spins.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ainlp.core.discovery.cache import stat_key
from ainlp.core.discovery.locators.pyenv import pyenv_root
from ainlp.core.discovery.snapshot import file_key
from ainlp.core.health.engine import HealthReport, run_checks
from ainlp.core.health.findings import Finding
from ainlp.core.world import World

Fingerprint = tuple[tuple[str, str | None], ...]


@dataclass(frozen=True)
class WatchEvent:
    kind: str  # "initial" (the first report) or "changed"
    report: HealthReport
    new: tuple[Finding, ...] = field(default=())
    resolved: tuple[Finding, ...] = field(default=())
    poll: int = 0

    def to_json(self) -> dict[str, object]:
        return {
            "event": self.kind,
            "poll": self.poll,
            "new": [f.to_json() for f in self.new],
            "resolved": [f.to_json() for f in self.resolved],
            "summary": self.report.summary,
            **({"findings": [f.to_json() for f in self.report.findings]}
               if self.kind == "initial" else {}),
        }


def watched_paths(world: World, report: HealthReport) -> list[Path]:
    """Everything whose change can change a finding.

    What discovery read (recorded while it ran, see discovery/snapshot.py), plus what the
    checks read beyond it: each environment's bin and site-packages, and pip's config files.
    """
    paths = [Path(p) for p in report.inventory.depends_on] or _discovery_roots(world)
    for env in report.inventory.environments:
        prefix = env.prefix
        paths += [prefix, prefix / "pyvenv.cfg", prefix / "bin", prefix / "Scripts",
                  prefix / "lib"]
        paths += sorted(prefix.glob("lib/python*/site-packages"))
        if env.executable is not None:
            paths.append(env.executable)
        if env.base_executable is not None:
            paths += [env.base_executable, env.base_executable.parent]
    home = world.home
    paths += [home / ".config" / "pip" / "pip.conf", home / ".pip" / "pip.conf"]
    return list(dict.fromkeys(paths))


def _discovery_roots(world: World) -> list[Path]:
    """Where discovery looks, for an inventory that was not recorded (tests inject those)."""
    paths: list[Path] = list(world.path_dirs)
    root = pyenv_root(world)
    paths += [root / "versions", root / "version", root / "shims"]
    folder = world.cwd
    while True:  # a .venv or .python-version appearing here or above changes the picture
        paths += [folder, folder / ".python-version"]
        if folder.parent == folder:
            break
        folder = folder.parent
    home = world.home
    paths += [home / ".virtualenvs", home / ".conda" / "environments.txt",
              home / ".local" / "share" / "uv", home / ".local" / "pipx" / "venvs"]
    if world.env.get("WORKON_HOME"):
        paths.append(Path(world.env["WORKON_HOME"]))
    return paths


def fingerprint(world: World, report: HealthReport) -> Fingerprint:
    parts: list[tuple[str, str | None]] = [
        (str(p), file_key(str(p))) for p in watched_paths(world, report)
    ]
    for env in report.inventory.environments:
        if env.executable is not None:
            parts.append((f"chain:{env.executable}", stat_key(env.executable)))
    return tuple(parts)


def difference(old: Iterable[Finding], new: Iterable[Finding]) -> tuple[tuple[Finding, ...],
                                                                         tuple[Finding, ...]]:
    """(findings that appeared, findings that went away), compared by id, subject and message."""
    def key(item: Finding) -> tuple[str, str, str]:
        return item.id, item.subject, item.message

    before = {key(f): f for f in old}
    after = {key(f): f for f in new}
    appeared = tuple(f for k, f in after.items() if k not in before)
    gone = tuple(f for k, f in before.items() if k not in after)
    return appeared, gone


def watch(
    world: World,
    *,
    target: str | None = None,
    topic: str | None = None,
    interval: float = 2.0,
    max_polls: int | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[WatchEvent]:
    """The first report, then one event per change that altered the findings.

    A change in the watched files triggers a re-check; a re-check with the same findings
    yields nothing. Stops after `max_polls` polls (None: until the caller stops iterating).
    """
    report = run_checks(world, target=target, topic=topic)
    # fingerprint before the first event is out: a change made right after it must count
    seen = fingerprint(world, report)
    yield WatchEvent("initial", report)
    polls = 0
    while max_polls is None or polls < max_polls:
        sleep(interval)
        polls += 1
        now = fingerprint(world, report)
        if now == seen:
            continue
        fresh = run_checks(world, target=target, topic=topic)
        appeared, gone = difference(report.findings, fresh.findings)
        report = fresh
        seen = fingerprint(world, report)  # the new inventory may watch new places
        if appeared or gone:
            yield WatchEvent("changed", report, appeared, gone, polls)
