"""The modules that register health checks, imported when checks are first asked for.

Each module registers its checks with `@health_check`; `packages` reads installed
distributions, the others look at venvs, PATH, environment variables and interpreters.
"""

from __future__ import annotations

CHECK_MODULES: tuple[str, ...] = (
    "venv",
    "path",
    "envvars",
    "interpreters",
    "packages",
    "discovered",
)
