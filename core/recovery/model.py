"""A repair plan: ordered steps, each naming the findings it repairs, what it touches on
disk, and whether `ainlp undo` can revert it (cli.md's plan document)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ainlp.core.health.findings import Finding
from ainlp.core.jsondoc import JSONObject


@dataclass(frozen=True, slots=True)
class FindingRef:
    id: str
    subject: str

    @classmethod
    def of(cls, finding: Finding) -> FindingRef:
        return cls(finding.id, finding.subject)

    def to_json(self) -> JSONObject:
        return {"id": self.id, "subject": self.subject}


@dataclass
class RepairStep:
    id: str
    strategy: str
    subject: str  # the environment (prefix), or what the findings are about
    does: str
    fixes: tuple[FindingRef, ...]
    touches: tuple[str, ...]
    undoable: bool
    params: dict[str, str] = field(default_factory=dict)  # what the strategy needs to act
    lists: dict[str, list[str]] = field(default_factory=dict)
    blocked: str | None = None  # why it cannot run: the plan says so, nothing is tried
    notes: list[str] = field(default_factory=list)  # caveats: what it will leave out

    def to_json(self) -> JSONObject:
        return {"id": self.id, "does": self.does,
                "fixes": [f.to_json() for f in self.fixes],
                "touches": list(self.touches), "undoable": self.undoable,
                "strategy": self.strategy, "blocked": self.blocked,
                "notes": list(self.notes)}

    def journal(self) -> JSONObject:
        """What the journal keeps: enough to finish or roll back after a crash."""
        doc = self.to_json()
        doc.update(subject=self.subject, params=dict(self.params),
                   lists={k: list(v) for k, v in self.lists.items()})
        return doc

    @classmethod
    def from_journal(cls, doc: JSONObject) -> RepairStep:
        fixes = doc.get("fixes")
        refs = tuple(FindingRef(str(f.get("id")), str(f.get("subject")))
                     for f in (fixes if isinstance(fixes, list) else [])
                     if isinstance(f, dict))
        params = doc.get("params")
        lists = doc.get("lists")
        touches = doc.get("touches")
        return cls(
            id=str(doc.get("id", "s?")), strategy=str(doc.get("strategy", "")),
            subject=str(doc.get("subject", "")), does=str(doc.get("does", "")), fixes=refs,
            touches=tuple(str(t) for t in touches) if isinstance(touches, list) else (),
            undoable=bool(doc.get("undoable")),
            params={str(k): str(v) for k, v in params.items()} if isinstance(params, dict)
            else {},
            lists={str(k): [str(x) for x in v] for k, v in lists.items()
                   if isinstance(v, list)} if isinstance(lists, dict) else {})


@dataclass
class RepairPlan:
    id: str
    steps: list[RepairStep]
    unfixable: list[Finding]  # findings with no automatic repair (their hint says what to do)

    def to_json(self) -> JSONObject:
        return {"id": self.id, "steps": [s.to_json() for s in self.steps]}


@dataclass
class StepFailure:
    step: str
    error: str

    def to_json(self) -> JSONObject:
        return {"step": self.step, "error": self.error}


@dataclass
class Outcome:
    applied: list[str] = field(default_factory=list)
    failed: list[StepFailure] = field(default_factory=list)
    snapshot: str | None = None  # the first "before fix" backup taken
    messages: list[str] = field(default_factory=list)
    events: list[int] = field(default_factory=list)
