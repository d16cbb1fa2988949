"""The fleet report of many hosts' facts (`ainlp fleet-report FACTS_DIR`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ainlp.core.fleet import FleetReport, build_fleet_report

__all__ = ["fleet_report"]


def fleet_report(facts_dir: str | Path, *, today: dt.date | None = None) -> FleetReport:
    """Each `<host>.json` of `facts_dir` (a host's `ansible_facts.ainlp`: `ainlp find --json`,
    with `findings` when `ainlp doctor --json` ran too) validated and summed up: Python
    versions per host, broken environments, end-of-life interpreters (as of `today`, default
    today in UTC), hosts with an error finding. BadInput names a bad file."""
    return build_fleet_report(Path(facts_dir), today=today)
