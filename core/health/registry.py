"""The registry of health checks: each is data (id, severity, topics, docs) plus a function."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ainlp.core.errors import BadInput
from ainlp.core.health.findings import Finding, Severity

if TYPE_CHECKING:
    from ainlp.core.health.context import CheckContext

CheckFunc = Callable[["CheckContext"], Iterable[Finding]]


@dataclass(frozen=True)
class CheckSpec:
    id: str  # the id of every finding this check yields
    severity: Severity
    topics: tuple[str, ...]  # what `--topic` selects it by: path, pip, venv, ssl, ...
    title: str
    explanation: str  # what the finding means
    why: str  # why it matters
    repair: str  # what the repair does (or what to do by hand when there is none)
    fix: str | None  # id of the repair strategy, or None
    func: CheckFunc

    def finding(self, subject: str, message: str, hint: str, *,
                severity: Severity | None = None) -> Finding:
        """A finding of this check, with its id, severity and fix filled in."""
        return Finding(self.id, severity or self.severity, subject, message, hint, self.fix)

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "severity": self.severity.value,
            "topics": list(self.topics),
            "title": self.title,
            "explanation": self.explanation,
            "why": self.why,
            "repair": self.repair,
            "fix": self.fix,
        }


_REGISTRY: dict[str, CheckSpec] = {}
_loaded = False


def health_check(
    id: str,
    *,
    severity: Severity,
    topics: tuple[str, ...],
    title: str,
    explanation: str,
    why: str,
    repair: str,
    fix: str | None = None,
) -> Callable[[CheckFunc], CheckFunc]:
    """Register `func(ctx) -> Iterable[Finding]` as the check that yields finding `id`."""

    def decorate(func: CheckFunc) -> CheckFunc:
        if id in _REGISTRY:
            raise ValueError(f"health check {id!r} registered twice")
        _REGISTRY[id] = CheckSpec(id, Severity(severity), tuple(topics), title, explanation,
                                  why, repair, fix, func)
        return func

    return decorate


def checks() -> Mapping[str, CheckSpec]:
    """Every registered check by id; the check modules are imported on first call."""
    global _loaded
    if not _loaded:
        from ainlp.core.health.checks import CHECK_MODULES

        for module in CHECK_MODULES:
            importlib.import_module(f"ainlp.core.health.checks.{module}")
        _loaded = True
    return _REGISTRY


def get_check(id: str) -> CheckSpec:
    """The check registered as `id`; a spec a check uses to build its findings."""
    return checks()[id]


def finding(id: str, subject: str, message: str, hint: str, *,
            severity: Severity | None = None) -> Finding:
    """A finding of check `id` (severity and fix taken from the registry)."""
    return get_check(id).finding(subject, message, hint, severity=severity)


def topics() -> tuple[str, ...]:
    """Every topic some check belongs to, sorted."""
    return tuple(sorted({topic for spec in checks().values() for topic in spec.topics}))


def explain(id: str) -> CheckSpec:
    """The documentation of a finding id; BadInput (with a did-you-mean) when unknown."""
    registered = checks()
    spec = registered.get(id) or registered.get(id.strip().lower())
    if spec is not None:
        return spec
    from difflib import get_close_matches

    close = get_close_matches(id.lower(), list(registered), n=3, cutoff=0.5)
    hint = ("did you mean " + " or ".join(close) + "?") if close else (
        "ainlp doctor --json lists finding ids; docs/findings.md documents each")
    raise BadInput(f"unknown finding id {id!r}", hint=hint)
