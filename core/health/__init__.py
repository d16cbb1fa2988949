"""Health: a registry of checks over the discovered world, and the findings they return.

Checks never print; `run_checks` returns a `HealthReport` that front ends render or dump
as JSON. `explain(id)` gives the documentation of a finding id.
"""

# The submodule `topics` (the names --topic accepts) is loaded first, so that the function
# `topics()` bound below stays the package's `topics`: a later first import of the submodule
# would otherwise set the package attribute to the module.
from ainlp.core.health import topics as _topic_names  # noqa: F401
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
