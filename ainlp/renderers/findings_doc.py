"""The documentation of finding ids as markdown (docs/findings.md, `doctor --explain`), written
from the registry, which reads it from core/health/findings.toml: rendering, so it lives with
the renderers."""

from __future__ import annotations

from collections.abc import Iterable

from ainlp.core.health.registry import CheckSpec

HEADER = (
    "# Findings of `ainlp doctor`\n\n"
    "Every finding id `ainlp doctor` can report: what it means, why it matters, and what its "
    "repair does. `ainlp doctor --explain ID` prints one entry. This file is generated from "
    "`core/health/findings.toml`, the data the checks register with; a test keeps the two "
    "identical.\n"
)


def entry(spec: CheckSpec) -> str:
    """One finding id as markdown."""
    fix = f"`{spec.fix}`" if spec.fix else "none (repair by hand)"
    return (
        f"### `{spec.id}`\n\n"
        f"**{spec.title}** · severity: {spec.severity.value} · topics: "
        f"{', '.join(spec.topics)} · fix: {fix}\n\n"
        f"- **What it means:** {spec.explanation}\n"
        f"- **Why it matters:** {spec.why}\n"
        f"- **What the repair does:** {spec.repair}\n"
    )


def document(specs: Iterable[CheckSpec]) -> str:
    """All entries, grouped by the family in front of the first dot, ids sorted."""
    ordered = sorted(specs, key=lambda s: s.id)
    parts = [HEADER, repairs(ordered)]
    family = None
    for spec in ordered:
        head = spec.id.split(".", 1)[0]
        if head != family:
            family = head
            parts.append(f"\n## {head}\n")
        parts.append("\n" + entry(spec))
    return "".join(parts)


def repairs(specs: Iterable[CheckSpec]) -> str:
    """The repair strategies the findings name, each with the finding ids it removes."""
    by_fix: dict[str, list[str]] = {}
    for spec in specs:
        if spec.fix:
            by_fix.setdefault(spec.fix, []).append(spec.id)
    lines = ["\n## Repair strategies\n\n",
             "The `fix` of a finding names the repair `ainlp fix` applies for it:\n\n"]
    for fix in sorted(by_fix):
        ids = ", ".join(f"`{id}`" for id in sorted(by_fix[fix]))
        lines.append(f"- `{fix}`: {ids}\n")
    return "".join(lines)
