"""What every action returns: data for JSON and rendering, plus how it went."""

from __future__ import annotations

from dataclasses import dataclass, field

from ainlp.core.jsondoc import JSONObject


def exit_code_of(*, failed: bool, problems_found: bool) -> int:
    """The one rule: 1 when something failed or problems were found, else 0 (cli.md)."""
    return 1 if failed or problems_found else 0


@dataclass
class Result:
    action: str
    data: JSONObject = field(default_factory=dict)  # the command's --json document
    messages: list[str] = field(default_factory=list)  # for people, shown on stderr/rich
    problems_found: bool = False  # ran fine and found problems (findings, broken envs)
    failed: bool = False  # could not do what it was asked
    # the engine's own value behind `data` (an Inventory, a HealthReport, ...), for renderers
    value: object = None

    @property
    def exit_code(self) -> int:
        return exit_code_of(failed=self.failed, problems_found=self.problems_found)
