"""Showing what a user typed back to them: control characters escaped, long input shortened.

Input reaches a terminal in messages, diagnostics and `parse` output; an escape sequence in it
must not recolour or rewrite the terminal, and a 10,000-character phrase must not become a
10,000-character error line.
"""

from __future__ import annotations

__all__ = ["MAX_SHOWN", "clip", "printable", "quoted"]

MAX_SHOWN = 80  # characters of user input a message quotes

_NAMED = {"\n": "\\n", "\r": "\\r", "\x1b": "\\e"}


def _escape(ch: str) -> str:
    named = _NAMED.get(ch)
    if named:
        return named
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 \
        else f"\\U{code:08x}"


def printable(text: str) -> str:
    """`text` with every character a terminal would act on (controls, bidi overrides, line
    separators) written as an escape; tabs and ordinary Unicode are kept."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == "\t" else _escape(ch) for ch in text)


def clip(text: str, limit: int = MAX_SHOWN) -> str:
    """At most `limit` characters of `text`, with an ellipsis when something was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quoted(text: str, limit: int = MAX_SHOWN) -> str:
    """User input for a one-line message: shortened, escaped, in double quotes."""
    return '"' + printable(clip(text, limit)) + '"'
