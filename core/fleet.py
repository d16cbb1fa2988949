"""A fleet report: the `find --json` (and `doctor --json`) documents of many hosts, read back
and summed up: Python versions per host, broken environments, end-of-life interpreters, hosts
with an error finding.

The documents come from the Ansible collection `ainlp.python_envs` (integrations/ansible/):
its `facts` module returns them as `ansible_facts.ainlp`, and the example playbook writes one
file per host, `FACTS_DIR/<host>.json`. Each file is untrusted input, validated with
`Inventory.from_json` / `HealthReport.from_json`; a bad file is BadInput naming it. Accepted
shapes: the `ainlp` facts themselves (`{"environments", "summary", "findings"?, "checks_run"?}`),
or a document that holds them under `ainlp` or `ansible_facts.ainlp` (a fact cache's file).
The engine renders nothing: markdown is `ainlp.renderers.fleet`, JSON is `to_json()`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ainlp.core.discovery.records import EnvRecord, EnvState, Inventory
from ainlp.core.errors import BadInput
from ainlp.core.health.checks._common import minor_of
from ainlp.core.health.checks.interpreters import END_OF_LIFE  # the end-of-life check's dates
from ainlp.core.health.engine import HealthReport
from ainlp.core.health.findings import Finding, Severity
from ainlp.core.jsondoc import JSONObject, loads
from ainlp.core.versions import PyVersion

MAX_FACTS_FILE = 64 * 1024 * 1024  # bytes of one host's document
MAX_HOSTS = 100_000

@dataclass(frozen=True)
class EndOfLife:
    """An environment whose CPython minor reached its end of life."""

    env: EnvRecord
    minor: str
    date: dt.date

    def to_json(self) -> JSONObject:
        return {"prefix": str(self.env.prefix), "kind": self.env.kind.value,
                "name": self.env.name,
                "version": self.env.version.text if self.env.version else None,
                "minor": self.minor,
                "end_of_life": self.date.isoformat()}


@dataclass(frozen=True)
class HostReport:
    """One host: what `find` saw, what `doctor` found (None when its facts have no findings)."""

    host: str
    inventory: Inventory
    health: HealthReport | None
    end_of_life: tuple[EndOfLife, ...]
    source: Path

    @property
    def python_versions(self) -> tuple[str, ...]:
        """Distinct versions of the host's interpreters and environments (missing ones left
        out), oldest first."""
        found = {env.version for env in self.inventory.environments
                 if env.version and env.state is not EnvState.MISSING}
        return tuple(version.text for version in sorted(found))

    @property
    def broken(self) -> tuple[EnvRecord, ...]:
        """Environments that exist but cannot run, or that were known and are gone."""
        return tuple(env for env in self.inventory.environments if env.state is not EnvState.OK)

    @property
    def errors(self) -> tuple[Finding, ...]:
        if self.health is None:
            return ()
        return tuple(f for f in self.health.findings if f.severity is Severity.ERROR)

    def to_json(self) -> JSONObject:
        return {
            "host": self.host,
            "python_versions": list(self.python_versions),
            "summary": self.inventory.summary,
            "broken": [{"prefix": str(env.prefix), "kind": env.kind.value, "name": env.name,
                        "version": env.version.text if env.version else None,
                        "state": env.state.value,
                        "problems": [p.id for p in env.problems]} for env in self.broken],
            "end_of_life": [item.to_json() for item in self.end_of_life],
            "findings": self.health.summary if self.health is not None else None,
            "errors": [{"id": f.id, "subject": f.subject, "message": f.message}
                       for f in self.errors],
        }


@dataclass(frozen=True)
class FleetReport:
    """The hosts of FACTS_DIR, by host name."""

    hosts: tuple[HostReport, ...]
    facts_dir: Path
    today: dt.date

    @property
    def versions(self) -> dict[str, list[str]]:
        """Each Python version seen, oldest first, with the hosts that have it."""
        seen: dict[str, list[str]] = {}
        for host in self.hosts:
            for version in host.python_versions:
                seen.setdefault(version, []).append(host.host)
        return {v: seen[v] for v in sorted(seen, key=version_key)}

    @property
    def hosts_with_errors(self) -> tuple[str, ...]:
        return tuple(host.host for host in self.hosts if host.errors)

    @property
    def summary(self) -> dict[str, int]:
        return {
            "hosts": len(self.hosts),
            "environments": sum(len(h.inventory.environments) for h in self.hosts),
            "broken": sum(len(h.broken) for h in self.hosts),
            "end_of_life": sum(len(h.end_of_life) for h in self.hosts),
            "hosts_with_errors": len(self.hosts_with_errors),
            "hosts_without_findings": sum(1 for h in self.hosts if h.health is None),
        }

    def to_json(self) -> JSONObject:
        """The fleet report document (`ainlp fleet-report --format json`)."""
        return {
            "generated": self.today.isoformat(),
            "facts_dir": str(self.facts_dir),
            "summary": self.summary,
            "versions": self.versions,
            "hosts_with_errors": list(self.hosts_with_errors),
            "hosts": [host.to_json() for host in self.hosts],
        }


def version_key(version: str) -> tuple[tuple[int, ...], str]:
    return PyVersion(version).sort_key


def end_of_life(inventory: Inventory, today: dt.date) -> tuple[EndOfLife, ...]:
    found = []
    for env in inventory.environments:
        if env.state is EnvState.MISSING or (env.implementation or "cpython") != "cpython":
            continue
        minor = minor_of(env.version)
        date = END_OF_LIFE.get(minor or "")
        if minor is not None and date is not None and date <= today:
            found.append(EndOfLife(env, minor, date))
    return tuple(found)


def build_fleet_report(facts_dir: Path, *, today: dt.date | None = None) -> FleetReport:
    """Every `*.json` file of `facts_dir` read as one host's facts (the file's stem names the
    host unless the document says `"host"`), validated, then summed up."""
    day = today or dt.datetime.now(dt.timezone.utc).date()
    if not facts_dir.is_dir():
        raise BadInput(f"{facts_dir}: not a folder of facts",
                       hint="give the folder the playbook wrote, one <host>.json per host")
    files = sorted(p for p in facts_dir.glob("*.json") if p.is_file())
    if not files:
        raise BadInput(f"{facts_dir}: no <host>.json files in it",
                       hint="run the playbook of integrations/ansible/playbooks first, or copy "
                            "each host's `ansible_facts.ainlp` there as <host>.json")
    if len(files) > MAX_HOSTS:
        raise BadInput(f"{facts_dir}: more than {MAX_HOSTS} facts files",
                       hint="split the fleet into folders")
    hosts: dict[str, HostReport] = {}
    for path in files:
        host = read_host(path, day)
        if host.host in hosts:
            raise BadInput(f"{path}: host {host.host!r} is also in {hosts[host.host].source}",
                           hint="keep one facts file per host")
        hosts[host.host] = host
    return FleetReport(tuple(hosts[name] for name in sorted(hosts)), facts_dir, day)


def read_host(path: Path, today: dt.date) -> HostReport:
    document = _load(path)
    facts = _facts_of(document)
    if facts is None:
        raise BadInput(f"{path}: not the `ainlp` facts of a host",
                       hint="a JSON object with `environments` (ainlp find --json), optionally "
                            "`findings` and `checks_run` (ainlp doctor --json)")
    raw_host = document.get("host") if isinstance(document, dict) else None
    host = raw_host if isinstance(raw_host, str) and raw_host.strip() else path.stem
    inventory = Inventory.from_json(facts, source=str(path))
    health = None
    if "findings" in facts:
        health = HealthReport.from_json(
            {"findings": facts["findings"], "checks_run": facts.get("checks_run", 0)},
            source=str(path))
    return HostReport(host, inventory, health, end_of_life(inventory, today), path)


def _load(path: Path) -> object:
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FACTS_FILE + 1)
    except OSError as exc:
        raise BadInput(f"{path}: cannot be read: {exc.strerror or exc}",
                       hint="check the file's permissions") from exc
    if len(raw) > MAX_FACTS_FILE:
        raise BadInput(f"{path}: larger than {MAX_FACTS_FILE // (1024 * 1024)} MiB",
                       hint="a host's facts are a few hundred KiB at most")
    try:
        return loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadInput(f"{path}: not a JSON document: {exc}",
                       hint="each file holds one host's facts as JSON") from exc


def _facts_of(document: object) -> Mapping[str, object] | None:
    if not isinstance(document, dict):
        return None
    if "environments" in document:
        return document
    inner = document.get("ainlp")
    if isinstance(inner, dict) and "environments" in inner:
        return inner
    facts = document.get("ansible_facts")
    if isinstance(facts, dict):
        return _facts_of(facts)
    return None
