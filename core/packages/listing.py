"""The `ainlp packages` document of one environment: its distributions and their conflicts."""

from __future__ import annotations

import time
from typing import Any

from ainlp.core.discovery.records import EnvRecord
from ainlp.core.packages.conflicts import check, marker_environment
from ainlp.core.packages.distributions import installed_distributions
from ainlp.core.packages.metadata import Distribution, normalized_version
from ainlp.core.packages.record import installed_size
from ainlp.core.packages.tags import tag_context
from ainlp.core.world import World


def package_document(world: World, record: EnvRecord, *, check_conflicts: bool = True
                     ) -> dict[str, Any]:
    """What is installed in `record` and metadata that could not be read; with
    `check_conflicts`, what pip check would report (else those keys are None: not checked)."""
    started = time.perf_counter()
    installed = installed_distributions(world, record)
    doc: dict[str, Any] = {
        "environment": record.to_json(),
        "site_dirs": [{"path": str(p.path), "scope": p.scope} for p in installed.search_path],
        "packages": [package_json(dist) for dist in installed.distributions],
        "conflicts": None,
        "unparsable": None,
        "unsupported": None,
        "invalid": [{"path": str(d.path), "error": d.metadata_error} for d in installed.invalid],
    }
    if check_conflicts:
        result = check(installed.distributions, marker_environment(world, record),
                       tag_context(world, record))
        doc["conflicts"] = [c.to_json() for c in result.conflicts]
        doc["unparsable"] = [{"package": u.package, "requirement": u.text, "error": u.error}
                             for u in result.unparsable]
        doc["unsupported"] = [{"package": u.package, "version": u.version, "tags": list(u.tags)}
                              for u in result.unsupported]
    doc["elapsed_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return doc


def package_json(dist: Distribution) -> dict[str, Any]:
    return {
        "name": dist.name,
        "version": normalized_version(dist.version),
        "installer": dist.installer,
        "editable": dist.editable,
        "editable_location": str(dist.editable_location) if dist.editable_location else None,
        "direct_url": dist.direct_url,
        "size": installed_size(dist),
        "requires": list(dist.requires),
        "requires_python": dist.requires_python,
        "location": str(dist.location),
        "scope": dist.scope,
        "format": dist.format,
    }
