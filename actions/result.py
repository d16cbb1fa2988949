"""What every action returns: data for JSON and rendering, plus how it went."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Result:
    action: str
    data: dict[str, Any] = field(default_factory=dict)  # the command's --json document
    messages: list[str] = field(default_factory=list)  # for people, shown on stderr/rich
    problems_found: bool = False  # ran fine and found problems (findings, broken envs)
    failed: bool = False  # could not do what it was asked

    @property
    def exit_code(self) -> int:
        return 1 if self.failed or self.problems_found else 0
