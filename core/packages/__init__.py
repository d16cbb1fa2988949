"""Installed distributions of an environment and their conflicts, read from files only.

No interpreter runs: site folders come from the prefix, metadata from `*.dist-info` /
`*.egg-info`, conflicts are computed as `pip check` computes them. `packaging` is
imported only by the functions that parse requirements.
"""

from ainlp.core.packages.conflicts import (
    BadRequirement,
    CheckResult,
    Conflict,
    check,
    marker_environment,
)
from ainlp.core.packages.distributions import Installed, SearchPath, installed_distributions
from ainlp.core.packages.metadata import Distribution, canonical, read_distribution
from ainlp.core.packages.record import installed_size, missing_files, record_rows
from ainlp.core.packages.sites import SiteDir, SiteLayout, site_layout

__all__ = [
    "BadRequirement",
    "CheckResult",
    "Conflict",
    "Distribution",
    "Installed",
    "SearchPath",
    "SiteDir",
    "SiteLayout",
    "canonical",
    "check",
    "installed_distributions",
    "installed_size",
    "marker_environment",
    "missing_files",
    "read_distribution",
    "record_rows",
    "site_layout",
]
