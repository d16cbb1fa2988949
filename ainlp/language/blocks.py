"""Reading a well-formed statement chunk without Lark: the same AST, or None to let Lark read it.

Why a second reader of ainlp.lark: Lark's LALR parser with its contextual lexer and positions
reads a script at about 7 µs a token on this 2-core machine, so 100 KB of COMMAND blocks (30,000
tokens) cost 300-700 ms: a hostile or generated script could hold the service's worker that long
(issue 12 sets 50 ms for 100 KB). This reader follows the grammar's rules one for one
(`_statement*`, `context`, `command`, `clause`, `call`, `argument`, `value`) with the same
terminal regexes, tried in the order Lark's contextual lexer tries them in each state, and builds
the nodes AstBuilder builds, spans included. It reports nothing: at the first thing it does not
expect it returns None, and the caller hands the chunk to Lark, whose errors are the diagnostics.

read_lines reads a run of one-line chunks (phrases, RUN lines) a regex a line, and read_chunk
says how far it got in a CONTEXT block it gave up in (Progress), so that the statement parser
hands Lark only what follows.

ainlp.lark stays the definition of the language. tests/test_block_reader.py keeps the two equal:
on every example and test script, on the fuzz corpus and on generated scripts, this reader
returns None or exactly what Lark and AstBuilder return.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import cast

from ainlp.language.ast import (
    Call,
    Clause,
    ClauseKind,
    CommandDef,
    ContextBlock,
    Phrase,
    RunStatement,
    Span,
    Statement,
    Value,
)
from ainlp.language.normalise import CLAUSE_WORDS

__all__ = ["Progress", "read_chunk", "read_lines", "read_statements", "read_text", "unescape"]

# Only \" and \\ are escapes; any other backslash stays as written ("C:\envs" is a path).
_ESCAPE = re.compile(r'\\(["\\])')


def unescape(quoted: str) -> str:
    """The text of a STRING token: quotes removed, `\\"` and `\\\\` unescaped."""
    body = quoted[1:-1]
    return _ESCAPE.sub(r"\1", body) if "\\" in body else body

# The terminals of ainlp.lark, as written there.
_CONTEXT = re.compile(r"context(?=[ \t]+[^\s{#]+\s*\{)", re.IGNORECASE)
_RUN = re.compile(r"run(?=[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]*(#[^\n]*)?(\r?\n|$))", re.IGNORECASE)
_PHRASE = re.compile(r"[^\s#{}][^\n#{}]*")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# %ignore COMMENT and %ignore /\s+/, with one way only to split a run of spaces and comments
# (a comment runs to its line's end): `(?:\s+|#[^\n]*)*` has exponentially many, tried one by
# one when what follows it fails. `\s*` first: a run of 100 KB spaces is one fast repeat, not
# 100,000 turns of a group.
_S = r"\s*(?:\#[^\n]*(?![^\n])\s*)*"
_SKIP = re.compile(_S)
# Inside a CONTEXT block no state of the grammar accepts PHRASE, and the terminals it accepts
# start with distinct characters (a quote, a digit/sign/dot, a letter, a punctuation mark), so
# one regex splits a block into tokens. COMMAND, the clause keywords, TRUE and FALSE are words
# (their `\b` ends them where NAME ends, or the next character is an error either way). A word
# is read once, with what the grammar may read after it in the same token: `=` (an argument's
# key), `(` (a call), `:` (a clause keyword) or `name {` (a COMMAND header); the reader checks
# the keyword. That halves the tokens of a block. A call without arguments is one token
# (`ecall`), and so is a COMMAND without clauses (`eheader`: a flood of blocks, repaired).
# Each token takes the whitespace and comments after it; "bad" is any other character: an
# error. A STRING is unrolled: runs of plain characters, not a turn of a group per character
# (100 KB in a string). No run of spaces is given back one space at a time when what follows
# fails (100 KB of them after a word): a word's suffix comes after them and is optional, and
# before a header's `{`, a call's `)` or an empty COMMAND's `}` they are matched atomically,
# by a lookahead and a backreference to it (Python 3.10 has no possessive `*+`).
_BLOCK_TOKEN = re.compile(rf"""
    (?: (?P<w> [A-Za-z_][A-Za-z0-9_]* ) {_S}
        (?: (?P<key> = ) | (?P<call> \( ) (?: (?=(?P<cspace>{_S}))(?P=cspace) (?P<ecall> \) ) )?
          | (?P<clause> : )
          | (?P<hname> [A-Za-z_][A-Za-z0-9_]* ) (?=(?P<space>{_S}))(?P=space) (?P<header> \{{ )
            (?: (?=(?P<hspace>{_S}))(?P=hspace) (?P<eheader> \}} ) )? )?
      | (?P<rbrace> \}} ) | (?P<rpar> \) ) | (?P<comma> , ) | (?P<lsqb> \[ ) | (?P<rsqb> \] )
      | (?P<lbrace> \{{ )
      | (?P<string> "[^"\\\n]*(?:\\[^\n][^"\\\n]*)*" )
      | (?P<number> [-+]?(?:\d{{1,18}}\.\d{{0,18}}|\.\d{{1,18}}|\d{{1,18}})
                    (?:[eE][-+]?\d{{1,3}})?(?![\w.]) )
      | (?P<bad> . )
    ) {_S}""", re.VERBOSE | re.DOTALL)
_CLAUSES = cast("dict[str, ClauseKind]", {word: word.upper() for word in CLAUSE_WORDS})
# Span(...) goes through the Python-level __new__ of a NamedTuple; this builds the same tuple
# directly, at half the cost (three spans a command).
_span: Callable[[type[Span], tuple[int, int, int, int]], Span] = tuple.__new__


class _Unexpected(Exception):
    """Something the grammar would reject here: Lark reads the chunk and says what."""


@dataclass(frozen=True)
class Progress:
    """How far a read got in a chunk whose first statement is a CONTEXT block it gave up in:
    the commands it read whole (two or more), and where the first and the last of them end
    (after their `}`). Lark is in the same state after either (`command*` is a left-recursive
    rule), so the statement parser hands Lark the chunk with the text between them blanked,
    and a read of the chunk again, the text up to the last unchanged, goes on from there."""

    commands: tuple[CommandDef, ...]
    first_end: int
    last_end: int


class _Reader:
    __slots__ = ("command_end", "end", "line_end", "line_start", "max_nesting", "number", "pos",
                 "progress", "resume", "text", "tokens")

    def __init__(self, text: str, line_offset: int, max_nesting: int,
                 resume: Progress | None = None) -> None:
        self.text = text
        self.resume = resume  # where a read of the first CONTEXT block may go on from
        self.progress: Progress | None = None  # how far this read got in it, if it gives up
        self.command_end = 0  # after the `}` of the last command read
        self.pos = 0  # outside blocks: the next token (whitespace and comments skipped)
        self.end = 0  # outside blocks: where the last token consumed ends
        self.max_nesting = max_nesting
        # the line of the last position asked about: its number in the file (1-based), where
        # it starts and where it ends (its newline, or the end of the text)
        self.number = line_offset + 1
        self.line_start = 0
        line_end = text.find("\n")
        self.line_end = line_end if line_end >= 0 else len(text)
        self.tokens: Iterator[re.Match[str]] = iter(())

    # --- positions, as Lark counts them (1-based; an end column is one past the last character)

    def _locate(self, pos: int) -> None:
        """Moves to the line of `pos`, counted from the line last asked about (spans are asked
        for in nearly rising order, most on the line before): linear in the chunk over a whole
        read, and nothing when the read fails early."""
        text = self.text
        if pos > self.line_end:
            line_end = text.find("\n", self.line_end + 1)
            if not 0 <= line_end < pos:  # on the next line (most moves: a command a line)
                self.number += 1
                self.line_start = self.line_end + 1
                self.line_end = line_end if line_end >= 0 else len(text)
                return
            self.number += text.count("\n", self.line_end, pos)
            self.line_start = text.rfind("\n", self.line_end, pos) + 1
        else:
            self.number -= text.count("\n", pos, self.line_start)
            self.line_start = text.rfind("\n", 0, pos) + 1
        line_end = text.find("\n", pos)
        self.line_end = line_end if line_end >= 0 else len(text)

    def span(self, start: int, end: int) -> Span:
        if not self.line_start <= start <= self.line_end:
            self._locate(start)
        line = self.number
        column = start - self.line_start + 1
        if end - 1 <= self.line_end:  # on one line (most spans)
            return _span(Span, (line, column, line, column + end - start))
        self._locate(end - 1)
        return _span(Span, (line, column, self.number, end - self.line_start + 1))

    # --- outside blocks: one terminal at a time, as the contextual lexer tries them

    def _skip(self, pos: int) -> None:
        self.end = pos
        self.pos = _SKIP.match(self.text, pos).end()  # type: ignore[union-attr]  # * matches

    def take(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        match = pattern.match(self.text, self.pos)
        if match is not None:
            self._skip(match.end())
        return match

    def statements(self, out: list[Statement]) -> None:
        """Reads statements into `out` to the end of the text."""
        self._skip(0)
        while self.pos < len(self.text):
            if (keyword := self.take(_CONTEXT)) is not None:
                out.append(self.context(keyword, first=not out))
            elif (keyword := self.take(_RUN)) is not None:
                name = self.take(_NAME)
                if name is None:
                    raise _Unexpected
                out.append(RunStatement(command=name.group(),
                                        span=self.span(keyword.start(), name.end())))
            elif (phrase := self.take(_PHRASE)) is not None:
                words = phrase.group().rstrip()
                if "[" in words and self.text.count("[") > self.max_nesting:
                    raise _Unexpected  # the statement parser counts its `[` towards nesting
                start = phrase.start()
                out.append(Phrase(words, self.span(start, start + len(words))))
            else:
                raise _Unexpected

    # --- inside a block: a stream of tokens, each known by its group's name (`lastgroup`); a
    # read past the last raises StopIteration, which `context` turns into _Unexpected

    def context(self, keyword: re.Match[str], *, first: bool = False) -> ContextBlock:
        """`CONTEXT name { command* }` after its keyword; `first`: the chunk's first statement,
        where `resume` applies and `progress` is kept."""
        name = self.take(_NAME)
        if name is None or not self.text.startswith("{", self.pos):
            raise _Unexpected
        resume = self.resume if first else None
        commands = list(resume.commands) if resume is not None else []
        first_end = resume.first_end if resume is not None else 0
        if resume is None:
            start = self._after_brace()
        else:
            self.command_end = resume.last_end
            start = _SKIP.match(self.text, resume.last_end).end()  # type: ignore[union-attr]
        self.tokens = tokens = _BLOCK_TOKEN.finditer(self.text, start)
        try:
            for match in tokens:  # a command reads on from the same iterator
                kind = match.lastgroup
                if kind == "eheader" and match["w"].lower() == "command":
                    self.command_end = end = match.end(kind)
                    commands.append(CommandDef(match["hname"], (),
                                               self.span(match.start(), end)))
                    if len(commands) == 1:
                        first_end = end
                elif kind == "header" and match["w"].lower() == "command":
                    commands.append(self.command(match))
                    if len(commands) == 1:
                        first_end = self.command_end
                elif kind == "rbrace":
                    break
                else:
                    raise _Unexpected
            else:
                raise _Unexpected  # the chunk ended inside the block
        except (_Unexpected, StopIteration):  # StopIteration: it ended inside a command
            if first and len(commands) >= 2:
                self.progress = Progress(tuple(commands), first_end, self.command_end)
            raise _Unexpected from None
        self.pos, self.end = match.end(), match.end("rbrace")
        return ContextBlock(name=name.group(), commands=tuple(commands),
                            span=self.span(keyword.start(), self.end))

    def _after_brace(self) -> int:
        """Where the block's first token starts, after its `{` and what may follow it."""
        return _SKIP.match(self.text, self.pos + 1).end()  # type: ignore[union-attr]

    def command(self, header: re.Match[str]) -> CommandDef:
        """`COMMAND name { clause* }` after its header. The spans that end on the header's line
        (most) are worked out here, without a call of `span` each."""
        tokens = self.tokens
        start = header.start()
        if not self.line_start <= start <= self.line_end:
            self._locate(start)
        # a span from after the header to `end <= limit` is (number, at - base, number, end - base)
        number, base, limit = self.number, self.line_start - 1, self.line_end + 1
        clauses: list[Clause] = []
        match = next(tokens)
        kind = match.lastgroup
        while kind != "rbrace":
            if kind != "clause" or (clause_kind := _CLAUSES.get(match["w"].lower())) is None:
                raise _Unexpected
            value_match = next(tokens)
            kind = value_match.lastgroup
            value: Call | Phrase
            if kind == "ecall":
                end, at = value_match.end(kind), value_match.start()
                value = Call(value_match["w"], (),
                             _span(Span, (number, at - base, number, end - base))
                             if end <= limit else self.span(at, end), ())
            elif kind == "call":
                value, end = self.call(value_match)
            elif kind == "string":
                end, at = value_match.end(kind), value_match.start()
                value = Phrase(unescape(value_match[kind]),
                               _span(Span, (number, at - base, number, end - base))
                               if end <= limit else self.span(at, end))
            else:
                raise _Unexpected
            at = match.start()
            clauses.append(Clause(clause_kind, value,
                                  _span(Span, (number, at - base, number, end - base))
                                  if end <= limit else self.span(at, end)))
            match = next(tokens)
            kind = match.lastgroup
        self.command_end = end = match.end("rbrace")
        return CommandDef(header["hname"], tuple(clauses),
                          _span(Span, (number, start - base, number, end - base))
                          if end <= limit else self.span(start, end))

    def call(self, name: re.Match[str]) -> tuple[Call, int]:
        """`name(key=value, ...)` after its `name (`; the call and where it ends."""
        tokens = self.tokens
        match = next(tokens)
        if match.lastgroup == "rpar":  # no arguments (most calls)
            end = match.end("rpar")
            return Call(name["w"], (), self.span(name.start(), end), ()), end
        arguments: list[tuple[str, Value]] = []
        spans: list[Span] = []
        while match.lastgroup == "key":
            value, end = self.value(next(tokens), 0)
            arguments.append((match["w"], value))
            spans.append(self.span(match.start(), end))
            match = next(tokens)
            if match.lastgroup != "comma":
                break
            match = next(tokens)
        if match.lastgroup != "rpar":
            raise _Unexpected
        end = match.end("rpar")
        return Call(name["w"], tuple(arguments), self.span(name.start(), end),
                    tuple(spans)), end

    def value(self, match: re.Match[str], depth: int) -> tuple[Value, int]:
        """The value starting at `match`, and where it ends."""
        kind = match.lastgroup
        if kind == "string":
            return unescape(match["string"]), match.end(kind)
        if kind == "number":
            text = match["number"]
            number = float(text) if "." in text or "e" in text or "E" in text else int(text)
            return number, match.end(kind)
        if kind == "w" and (word := match["w"].lower()) in ("true", "false"):
            return word == "true", match.end(kind)
        if kind != "lsqb" or depth >= self.max_nesting:
            raise _Unexpected  # lists nested past the limit: the statement parser reports them
        items: list[Value] = []
        tokens = self.tokens
        match = next(tokens)
        while match.lastgroup != "rsqb":
            item, _end = self.value(match, depth + 1)
            items.append(item)
            match = next(tokens)
            if match.lastgroup == "comma":
                match = next(tokens)
            elif match.lastgroup != "rsqb":
                raise _Unexpected
        return tuple(items), match.end("rsqb")


def read_statements(lines: Sequence[str], line_offset: int,
                    max_nesting: int) -> list[Statement] | None:
    """The statements of a chunk (its lines; `line_offset` lines precede it in the file) as
    Lark and AstBuilder would build them, or None where the grammar would report an error or
    lists nest deeper than `max_nesting`."""
    return read_text("\n".join(lines), line_offset, max_nesting)


def read_text(text: str, line_offset: int, max_nesting: int) -> list[Statement] | None:
    """`read_statements` of the chunk's lines joined by newlines."""
    return read_chunk(text, line_offset, max_nesting)[0]


def read_chunk(text: str, line_offset: int, max_nesting: int, resume: Progress | None = None
               ) -> tuple[list[Statement] | None, Progress | None]:
    """`read_text`, and how far it got when it gives up in the chunk's first statement, a
    CONTEXT block. `resume`: what such a read of this chunk gave before, while the text up to
    its `last_end` is the same: the read goes on from there."""
    out: list[Statement] = []
    reader = _Reader(text, line_offset, max_nesting, resume)
    try:
        reader.statements(out)
    except _Unexpected:
        return None, reader.progress
    return out, None


# A line read alone that is a RUN statement or a phrase, as `statements` reads it when the line
# is ASCII (else a NAME may match a letter such as the Kelvin sign under IGNORECASE) and has no
# brace (a PHRASE stops there) and no `[` (the nesting limit): `_CONTEXT` needs a `{`, `_RUN`'s
# lookahead is the `run` branch, and the rest to a comment is a PHRASE.
_SIMPLE_LINE = re.compile(r"""(?P<lead> \s* )
    (?: (?P<run> (?i: run ) ) [ \t]+ (?P<name> [A-Za-z_][A-Za-z0-9_]* ) [ \t]* (?: \#.* )? $
      | (?P<phrase> [^\s#{}][^#{}]* ) (?: \#.* )? $ )""", re.VERBOSE)


def read_lines(lines: Sequence[str], starts: Sequence[int], max_nesting: int,
               first: int = 0) -> tuple[list[Statement], int]:
    """For chunks of one line each (`lines`, at 0-based line `starts`), from `lines[first]` on:
    the statements `read_statements([line], start, max_nesting)` gives for each, up to the first
    it gives None for, and that line's index (len(lines) if none). The caller reads that line
    itself and goes on after it. Phrases and RUN lines are read by one regex each."""
    out: list[Statement] = []
    for index in range(first, len(lines)):
        line = lines[index]
        match = _SIMPLE_LINE.match(line) if line.isascii() and "{" not in line \
            and "}" not in line and "[" not in line else None
        if match is None:
            if _SKIP.fullmatch(line):
                continue  # spaces and a comment: no statement
            read = read_text(line, starts[index], max_nesting)
            if read is None:
                return out, index
            out += read
            continue
        number = starts[index] + 1
        column = match.end("lead") + 1
        if match["run"] is not None:
            end = match.end("name") + 1
            out.append(RunStatement(command=match["name"],
                                    span=Span(number, column, number, end)))
        else:
            words = match["phrase"].rstrip()
            out.append(Phrase(text=words, span=Span(number, column, number,
                                                    column + len(words))))
    return out, len(lines)
