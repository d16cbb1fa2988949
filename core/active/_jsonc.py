"""Just enough JSONC (JSON with comments and trailing commas, as VS Code writes it) to find
and replace one top-level value without touching a byte of the rest."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ainlp.core import jsondoc

_LITERAL = re.compile(r"[A-Za-z0-9+\-.]+")
_PUNCTUATION = frozenset("{}[]:,")


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # one of "{}[]:," , "string" or "literal"
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Member:
    key: str
    key_token: Token
    value_start: int  # text offsets of the value
    value_end: int


@dataclass(frozen=True)
class TopObject:
    open_brace: Token
    members: tuple[Member, ...]


class NotJsonc(ValueError):
    """The text is not a JSONC object we can edit safely; the message says where."""


def tokens(text: str) -> list[Token]:
    found: list[Token] = []
    i, size = 0, len(text)
    while i < size:
        char = text[i]
        if char in " \t\r\n\ufeff":
            i += 1
        elif text.startswith("//", i):
            newline = text.find("\n", i)
            i = size if newline < 0 else newline + 1
        elif text.startswith("/*", i):
            close = text.find("*/", i + 2)
            if close < 0:
                raise NotJsonc(f"a comment opened at offset {i} is never closed")
            i = close + 2
        elif char == '"':
            end = _string_end(text, i)
            found.append(Token("string", i, end))
            i = end
        elif char in _PUNCTUATION:
            found.append(Token(char, i, i + 1))
            i += 1
        else:
            match = _LITERAL.match(text, i)
            if match is None:
                raise NotJsonc(f"unexpected {char!r} at offset {i}")
            found.append(Token("literal", i, match.end()))
            i = match.end()
    return found


def _string_end(text: str, start: int) -> int:
    i = start + 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == '"':
            return i + 1
        if text[i] == "\n":
            break
        i += 1
    raise NotJsonc(f"a string opened at offset {start} is never closed")


def top_object(text: str) -> TopObject:
    """The members of the top-level object, each with where its value lies."""
    toks = tokens(text)
    if not toks or toks[0].kind != "{":
        raise NotJsonc("the file is not one JSON object")
    members: list[Member] = []
    i = 1
    while True:
        if i >= len(toks):
            raise NotJsonc("the object is never closed")
        if toks[i].kind == "}":
            break
        key, colon = toks[i], toks[i + 1] if i + 1 < len(toks) else None
        if key.kind != "string" or colon is None or colon.kind != ":":
            raise NotJsonc(f"expected a key at offset {key.start}")
        last = _value_end(toks, i + 2)
        members.append(Member(jsondoc.loads(text[key.start:key.end]), key,
                              toks[i + 2].start, toks[last].end))
        i = last + 1
        if i < len(toks) and toks[i].kind == ",":
            i += 1  # a trailing comma before "}" is fine in JSONC
        elif i < len(toks) and toks[i].kind != "}":
            raise NotJsonc(f"expected ',' or '}}' at offset {toks[i].start}")
    if i != len(toks) - 1:
        raise NotJsonc(f"text after the object at offset {toks[i + 1].start}")
    return TopObject(toks[0], tuple(members))


def _value_end(toks: list[Token], i: int) -> int:
    """The index of a value's last token."""
    if i >= len(toks):
        raise NotJsonc("a value is missing at the end")
    if toks[i].kind in ("string", "literal"):
        return i
    if toks[i].kind not in "{[":
        raise NotJsonc(f"expected a value at offset {toks[i].start}")
    depth = 0
    for j in range(i, len(toks)):
        if toks[j].kind in "{[":
            depth += 1
        elif toks[j].kind in "}]":
            depth -= 1
            if depth == 0:
                return j
    raise NotJsonc(f"a value opened at offset {toks[i].start} is never closed")
