"""Lark tree -> AST nodes. Builds nodes and nothing else: no IO, no lookups, no dispatch."""

from __future__ import annotations

from typing import Any, TypeAlias

from lark import Token, Transformer, v_args
from lark.tree import Meta

from ainlp.language.ast import (
    Call,
    Clause,
    ClauseKind,
    CommandDef,
    ContextBlock,
    Phrase,
    RunStatement,
    Script,
    Span,
    Statement,
    Value,
)
from ainlp.language.blocks import unescape

__all__ = ["AstBuilder"]


# what Lark hands a rule: tokens and already transformed nodes, checked where used
Children: TypeAlias = list[Any]


@v_args(meta=True)
class AstBuilder(Transformer[Token, Script]):
    """Builds the AST of one chunk; `line_offset` moves its lines to their place in the file."""

    def __init__(self, source: str, line_offset: int = 0) -> None:
        super().__init__(visit_tokens=False)
        self.source = source
        self.line_offset = line_offset

    def _span(self, meta: Meta) -> Span:
        off = self.line_offset
        return Span(meta.line + off, meta.column, meta.end_line + off, meta.end_column)

    def _token_span(self, token: Token) -> Span:
        off = self.line_offset
        line = token.line or 1
        column = token.column or 1
        end_line = token.end_line or line
        end_column = token.end_column or column
        return Span(line + off, column, end_line + off, end_column)

    def start(self, meta: Meta, children: list[Statement]) -> Script:
        return Script(source=self.source, statements=tuple(children))

    def context(self, meta: Meta, children: Children) -> ContextBlock:
        _keyword, name, *commands = children
        return ContextBlock(name=str(name), commands=tuple(commands), span=self._span(meta))

    def command(self, meta: Meta, children: Children) -> CommandDef:
        _keyword, name, *clauses = children
        return CommandDef(name=str(name), clauses=tuple(clauses), span=self._span(meta))

    def clause(self, meta: Meta, children: Children) -> Clause:
        keyword, value = children
        kind: ClauseKind = str(keyword).upper()  # type: ignore[assignment]
        return Clause(kind=kind, value=value, span=self._span(meta))

    def call(self, meta: Meta, children: Children) -> Call:
        name, *arguments = children
        present = [a for a in arguments if a is not None]
        return Call(
            name=str(name),
            arguments=tuple((key, value) for key, value, _span in present),
            span=self._span(meta),
            argument_spans=tuple(span for _key, _value, span in present),
        )

    def argument(self, meta: Meta, children: Children) -> tuple[str, Value, Span]:
        key, value = children
        return (str(key), value, self._span(meta))

    def string(self, meta: Meta, children: list[Token]) -> str:
        return unescape(str(children[0]))

    def number(self, meta: Meta, children: list[Token]) -> int | float:
        text = str(children[0])
        if any(ch in text for ch in ".eE"):
            return float(text)
        return int(text)

    def true(self, meta: Meta, children: list[Token]) -> bool:
        return True

    def false(self, meta: Meta, children: list[Token]) -> bool:
        return False

    def array(self, meta: Meta, children: Children) -> tuple[Value, ...]:
        return tuple(child for child in children if child is not None)

    def quoted_phrase(self, meta: Meta, children: list[Token]) -> Phrase:
        token = children[0]
        return Phrase(text=unescape(str(token)), span=self._token_span(token))

    def run(self, meta: Meta, children: list[Token]) -> RunStatement:
        _keyword, name = children
        return RunStatement(command=str(name), span=self._span(meta))

    def phrase(self, meta: Meta, children: list[Token]) -> Phrase:
        token = children[0]
        text = str(token).rstrip()
        span = self._token_span(token)
        # The token runs to a comment or the line's end; the phrase ends at its last word.
        span = Span(span.line, span.column, span.line, span.column + len(text))
        return Phrase(text=text, span=span)
