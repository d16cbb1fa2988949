"""The modules that register health checks, imported when checks are first asked for.

Each module registers its checks with `@health_check`; `packages` reads installed
distributions, `state` AINLP's own state folder, the others look at venvs, PATH,
environment variables and interpreters. `state` comes first: it reads the package cache
before the package checks rewrite it.
"""

from __future__ import annotations

CHECK_MODULES: tuple[str, ...] = (
    "state",
    "venv",
    "path",
    "envvars",
    "interpreters",
    "packages",
    "discovered",
    "journal",
)
