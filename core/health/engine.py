"""Running the checks: every registered check (or those of one topic) over one world."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from ainlp.core.discovery import discover
from ainlp.core.discovery.records import EnvRecord, Inventory
from ainlp.core.errors import BadInput
from ainlp.core.health.context import CheckContext
from ainlp.core.health.findings import Finding, Severity
from ainlp.core.health.registry import CheckSpec, checks, topics
from ainlp.core.suggest import suggest
from ainlp.core.world import World


@dataclass(frozen=True)
class HealthReport:
    findings: tuple[Finding, ...]
    checks_run: int
    inventory: Inventory
    environments: tuple[EnvRecord, ...] = ()  # the ones the target selected
    elapsed_ms: float = 0.0

    @property
    def summary(self) -> dict[str, int]:
        counts = {severity.value: 0 for severity in Severity}
        for item in self.findings:
            counts[item.severity.value] += 1
        return counts

    @property
    def has_errors(self) -> bool:
        return any(item.severity is Severity.ERROR for item in self.findings)

    @classmethod
    def from_json(cls, document: object, *, source: str = "doctor --json") -> HealthReport:
        """The `doctor --json` document read back (validated: BadInput names what is wrong)."""
        # import cycle: health.engine -> documents -> health.engine
        from ainlp.core.documents import health_from_json

        return health_from_json(document, source=source)

    def to_json(self) -> dict[str, Any]:
        """cli.md's `ainlp doctor --json` document."""
        return {
            "findings": [item.to_json() for item in self.findings],
            "checks_run": self.checks_run,
            "summary": self.summary,
        }


def selected_checks(topic: str | None = None) -> list[CheckSpec]:
    specs = list(checks().values())
    if topic is None:
        return specs
    wanted = topic.strip().lower()
    if wanted not in topics():
        close = suggest(wanted, topics())
        hint = f"did you mean {close[0]}?" if close else "topics: " + ", ".join(topics())
        raise BadInput(f"unknown topic {topic!r}", hint=hint)
    return [spec for spec in specs if wanted in spec.topics]


def run_checks(
    world: World,
    *,
    inventory: Inventory | None = None,
    target: str | None = None,
    topic: str | None = None,
) -> HealthReport:
    """Every selected check over the world; findings sorted worst first, then by subject."""
    started = time.perf_counter()
    specs = selected_checks(topic)
    if inventory is None:
        inventory = discover(world)
    ctx = CheckContext(world, inventory, target)
    selected = ctx.environments  # a bad target is reported before any check runs
    found: dict[tuple[str, str, str], Finding] = {}
    for spec in specs:
        for item in spec.func(ctx):
            if item.id != spec.id:
                raise ValueError(f"check {spec.id} yielded a finding with id {item.id}")
            found.setdefault((item.id, item.subject, item.message), item)
    ordered = sorted(found.values(), key=lambda f: (f.severity.rank, f.subject, f.id, f.message))
    ctx.save_probe_cache()
    return HealthReport(tuple(ordered), len(specs), inventory, selected,
                        (time.perf_counter() - started) * 1000)
