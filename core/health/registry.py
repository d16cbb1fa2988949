"""The registry of health checks: each is data (id, severity, topics, docs) plus a function."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

from ainlp.core import _toml
from ainlp.core.errors import BadInput
from ainlp.core.health.checks import CHECK_MODULES
from ainlp.core.health.findings import Finding, Severity
from ainlp.core.registry import Registry
from ainlp.core.suggest import suggest

if TYPE_CHECKING:
    from ainlp.core.health.context import CheckContext

Check = Callable[["CheckContext", "CheckSpec"], Iterable[Finding]]  # what @health_check takes


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
    check: Check  # the decorated function; it is handed this spec

    def func(self, ctx: CheckContext) -> Iterable[Finding]:
        """Run the check over `ctx`."""
        return self.check(ctx, self)

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


def _check_modules() -> tuple[str, ...]:
    return tuple(f"ainlp.core.health.checks.{module}" for module in CHECK_MODULES)


_CHECKS: Registry[CheckSpec] = Registry("health check", _check_modules)


@functools.cache
def documentation() -> Mapping[str, Mapping[str, object]]:
    """findings.toml (shipped beside this module): every finding id's severity, topics, fix
    and documentation, by id."""
    text = resources.files("ainlp.core.health").joinpath("findings.toml").read_text("utf-8")
    return _toml.loads(text)


def _spec(id: str, check: Check) -> CheckSpec:
    entry = documentation().get(id)
    if entry is None:
        raise ValueError(f"health check {id!r} has no entry in findings.toml")
    fix = entry.get("fix")
    topics = entry["topics"]
    assert isinstance(topics, list)
    return CheckSpec(id, Severity(str(entry["severity"])), tuple(str(t) for t in topics),
                     str(entry["title"]), str(entry["explanation"]), str(entry["why"]),
                     str(entry["repair"]), None if fix is None else str(fix), check)


def health_check(id: str) -> Callable[[Check], Check]:
    """Register `check(ctx, spec) -> Iterable[Finding]` as the check that yields finding `id`;
    its severity, topics, fix and documentation come from findings.toml."""

    def decorate(check: Check) -> Check:
        if id in _CHECKS.entries:  # before _spec, which may fail for another reason
            raise ValueError(f"health check {id!r} registered twice")
        _CHECKS.add(id, _spec(id, check))
        return check

    return decorate


def checks() -> Mapping[str, CheckSpec]:
    """Every registered check by id; the check modules are imported on first call."""
    return _CHECKS.all()


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
    close = suggest(id, registered, n=3, cutoff=0.5)
    hint = ("did you mean " + " or ".join(close) + "?") if close else (
        "ainlp doctor --json lists finding ids; docs/findings.md documents each")
    raise BadInput(f"unknown finding id {id!r}", hint=hint)
