"""Health: a registry of checks over the discovered world, and the findings they return.

Checks never print; `run_checks` returns a `HealthReport` that front ends render or dump
as JSON. `explain(id)` gives the documentation of a finding id.
"""

from ainlp.core.health.checks._common import subject_of
from ainlp.core.health.context import CheckContext, select_environments
from ainlp.core.health.engine import HealthReport, run_checks, selected_checks
from ainlp.core.health.findings import Finding, Severity
from ainlp.core.health.registry import (
    CheckSpec,
    checks,
    explain,
    finding,
    get_check,
    health_check,
    topics,
)

__all__ = [
    "CheckContext",
    "CheckSpec",
    "Finding",
    "HealthReport",
    "Severity",
    "checks",
    "explain",
    "finding",
    "get_check",
    "health_check",
    "run_checks",
    "select_environments",
    "selected_checks",
    "subject_of",
    "topics",
]
