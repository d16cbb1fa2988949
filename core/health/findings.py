"""What a health check returns: findings, each with a stable id and a severity."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for the most serious; sorts findings worst first."""
        return _RANK[self]


_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True, slots=True)
class Finding:
    id: str  # stable, dotted kebab-case: "path.shadowed-python"
    severity: Severity
    subject: str  # what it is about: an environment prefix, a PATH entry, a variable name
    message: str
    hint: str  # what a person can do
    fix: str | None = None  # id of the repair strategy that removes it, if any

    def to_json(self) -> dict[str, str | None]:
        return {
            "id": self.id,
            "severity": self.severity.value,
            "subject": self.subject,
            "message": self.message,
            "hint": self.hint,
            "fix": self.fix,
        }
