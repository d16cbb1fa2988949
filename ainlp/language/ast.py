"""The AST of AINLP scripts and phrases: frozen dataclasses, built by the Transformer only.

This module is the contract between the parser (which builds these) and the dispatcher
(which runs them). `to_json()` gives the shape `ainlp parse --json` prints for a block.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NamedTuple, TypeAlias

from ainlp.core.jsondoc import JSONObject

Value: TypeAlias = str | int | float | bool | tuple["Value", ...]
ClauseKind = Literal["ACTION", "RECOVERY", "REPORT", "EXPORT"]


class Span(NamedTuple):
    """Where a node is in its source. A NamedTuple, not a frozen dataclass: a 100 KB script has
    tens of thousands of spans, and a frozen dataclass takes 0.86 µs to build one, a NamedTuple
    0.37 µs (benchmarks/parse.py's floods: ~5 ms of 65 ms on the slowest)."""

    line: int  # 1-based
    column: int  # 1-based
    end_line: int
    end_column: int

    def to_json(self) -> dict[str, int]:
        return {"line": self.line, "column": self.column, "end_line": self.end_line,
                "end_column": self.end_column}


PlainValue: TypeAlias = str | int | float | bool | list["PlainValue"]


def plain(value: Value) -> PlainValue:
    """A script value as JSON and actions see it: AST tuples become lists."""
    return [plain(v) for v in value] if isinstance(value, tuple) else value


@dataclass(frozen=True, slots=True)
class Call:
    """`name(key=value, ...)`: a registered action with its arguments."""

    name: str
    arguments: tuple[tuple[str, Value], ...]
    span: Span
    argument_spans: tuple[Span, ...] = ()

    def to_json(self) -> JSONObject:
        return {"type": "call", "name": self.name,
                "arguments": {k: plain(v) for k, v in self.arguments},
                "span": self.span.to_json()}


@dataclass(frozen=True, slots=True)
class Intent:
    """A phrase understood: intent name, normalised slots, confidence and how it was matched."""

    name: str  # one of intents.md, "unknown" when nothing matched well enough
    slots: dict[str, str]
    confidence: float
    text: str
    alternatives: tuple[tuple[str, float], ...] = ()
    template: str | None = None  # the template that matched, for --debug
    suggestions: tuple[str, ...] = ()  # for unknown: phrases the user may have meant

    def to_json(self) -> JSONObject:
        doc: JSONObject = {
            "kind": "phrase",
            "text": self.text,
            "intent": self.name,
            "slots": dict(self.slots),
            "confidence": round(self.confidence, 3),
            "alternatives": [
                {"intent": i, "confidence": round(c, 3)} for i, c in self.alternatives
            ],
            "template": self.template,
        }
        if self.suggestions:
            doc["suggestions"] = list(self.suggestions)
        return doc


@dataclass(frozen=True, slots=True)
class Phrase:
    """A quoted phrase as a clause value, or a bare phrase statement.

    `intent` is filled by the checker.
    """

    text: str
    span: Span
    intent: Intent | None = None

    def to_json(self) -> JSONObject:
        return {"type": "phrase", "text": self.text,
                "intent": self.intent.to_json() if self.intent else None,
                "span": self.span.to_json()}


@dataclass(frozen=True, slots=True)
class Clause:
    kind: ClauseKind
    value: Call | Phrase
    span: Span

    def to_json(self) -> JSONObject:
        return {"type": "clause", "clause": self.kind, "value": self.value.to_json(),
                "span": self.span.to_json()}


@dataclass(frozen=True, slots=True)
class CommandDef:
    name: str
    clauses: tuple[Clause, ...]
    span: Span

    def to_json(self) -> JSONObject:
        return {"type": "command", "name": self.name,
                "clauses": [c.to_json() for c in self.clauses], "span": self.span.to_json()}


@dataclass(frozen=True, slots=True)
class ContextBlock:
    name: str
    commands: tuple[CommandDef, ...]
    span: Span

    def to_json(self) -> JSONObject:
        return {"type": "context", "name": self.name,
                "commands": [c.to_json() for c in self.commands], "span": self.span.to_json()}


@dataclass(frozen=True, slots=True)
class RunStatement:
    command: str
    span: Span

    def to_json(self) -> JSONObject:
        return {"type": "run", "command": self.command, "span": self.span.to_json()}


Statement: TypeAlias = ContextBlock | RunStatement | Phrase


@dataclass(frozen=True, slots=True)
class Script:
    source: str  # file name, or "<text>"
    statements: tuple[Statement, ...]
    commands: dict[str, CommandDef] = field(default_factory=dict)  # by lower-cased name

    def to_json(self) -> JSONObject:
        return {"kind": "script", "source": self.source,
                "statements": [s.to_json() for s in self.statements]}
