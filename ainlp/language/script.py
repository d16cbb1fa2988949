"""Parsing a whole script: every syntax error at once, as diagnostics, never an exception.

Lark's error recovery cannot get past lexer errors such as an unterminated string, so the file is
first split into top-level statements (a CONTEXT block, or one line) by a small scanner that knows
strings, comments and braces. The scanner reports unterminated strings and blocks and stray `}`,
and repairs them in the text it hands on. Each statement is then parsed on its own; a syntax error
is reported and its line neutralised (blanked, or a broken block header replaced by a valid one),
and the statement parsed again, so one mistake hides no other.

A well-formed statement is read by blocks.py (the same AST, several times faster than Lark, which
is then never loaded); Lark reads what it gives up on and words the errors. Everything here is
linear in the text, and bounded where a flood would multiply work: MAX_BRACES_PER_LINE braces on
a line, MAX_DIAGNOSTICS worded diagnostics (the rest counted), one unterminated-block diagnostic
per line, a window of the line in each rendered error.

Duplicate COMMAND names are reported here (code "script.duplicate-command"), not by the checker.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ainlp.core.suggest import suggest
from ainlp.language.ast import (
    CommandDef,
    ContextBlock,
    Script,
    Span,
    Statement,
)
from ainlp.language.blocks import read_statements
from ainlp.language.diagnostics import Diagnostic, sort_key
from ainlp.language.display import clip, printable
from ainlp.language.grammar import parser
from ainlp.language.normalise import is_plain_phrase

if TYPE_CHECKING:
    from lark.exceptions import UnexpectedInput

__all__ = ["is_plain_phrase", "parse_script"]

# lazy: lark.exceptions 35.1 ms, ainlp.language.transform 46.6 ms (python -X importtime: both
# load lark, which only a script with a syntax error needs)

CLAUSES = ("ACTION", "RECOVERY", "REPORT", "EXPORT")
# Replaces a broken block header, so the block's body is still parsed and checked.
ERROR_NAME = "__ainlp_error__"
_MAX_ERRORS_PER_STATEMENT = 25
_MAX_NESTING = 16  # lists in lists: deeper than any argument needs, shallow enough to recurse
# Diagnostics kept per script: a flood of 100,000 `{` is 100,000 unterminated blocks, and
# showing each with its 100 KB line would be quadratic output. The rest are counted.
MAX_DIAGNOSTICS = 100
# Braces one line may hold: a line of blocks is a few; past this the line is cut there (a flood
# of 100,000 `{` would otherwise be 100,000 blocks for the scanner and the parser to repair).
MAX_BRACES_PER_LINE = 256

_FIRST_WORD = re.compile(r"[ \t]*([A-Za-z_][A-Za-z0-9_]*)")
_COMMAND_KEYWORD = re.compile(r"command[ \t]+", re.IGNORECASE)
_WORD_AT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\d[\w.]*|\S")


@dataclass
class _Line:
    """One source line as the scanner sees it (0-based columns)."""

    text: str
    code_end: int  # where a comment starts, else len(text)
    braces: list[tuple[int, str]] = field(default_factory=list)
    open_string: int | None = None  # column of a quote never closed on this line

    # Cached: each would copy the whole line, and a line of 100,000 `{` is asked once per
    # brace (linear, not quadratic, in the line).
    @functools.cached_property
    def code(self) -> str:
        return self.text[: self.code_end]

    @functools.cached_property
    def blank(self) -> bool:
        return not self.code.strip()

    @functools.cached_property
    def indent(self) -> int:
        text = self.text
        i = 0
        while i < len(text) and text[i] in " \t":
            i += 1
        return i

    @functools.cached_property
    def _first_word(self) -> str | None:
        match = _FIRST_WORD.match(self.code)
        return match.group(1).lower() if match else None

    def first_word(self) -> str | None:
        return self._first_word

    @functools.cached_property
    def label(self) -> str:
        """How an unterminated-block diagnostic names this line's block."""
        word = self.first_word()
        what = word.upper() if word in ("context", "command") else "block"
        name = _FIRST_WORD.match(self.code, self.indent + len(word or ""))
        return f"{what} {name.group(1)}" if name and word else what


_STOPS = re.compile(r'[#"]')
_BRACE = re.compile(r"[{}]")
_STRING_REST = re.compile(r'[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)  # after an opening quote


@functools.lru_cache(maxsize=256)
def _scan_line(text: str) -> _Line:
    """Braces, comment start and an unclosed string of one line. Regexes jump from quote to
    quote and collect the braces between; at most MAX_BRACES_PER_LINE + 1 of them (the
    splitter cuts a line with more); cached, since the statement parser asks about the same
    lines again after each repair."""
    braces: list[tuple[int, str]] = []
    i = 0
    while True:
        stop = _STOPS.search(text, i)
        end = stop.start() if stop is not None else len(text)
        room = MAX_BRACES_PER_LINE + 1 - len(braces)
        braces += [(m.start(), m.group())
                   for m in itertools.islice(_BRACE.finditer(text, i, end), room)]
        if len(braces) > MAX_BRACES_PER_LINE:
            return _Line(text, len(text), braces)
        if stop is None:
            return _Line(text, len(text), braces)
        if text[end] == "#":
            return _Line(text, end, braces)
        closing = _STRING_REST.match(text, end + 1)
        if closing is None:
            return _Line(text, len(text), braces, open_string=end)
        i = closing.end()


def _close_string(text: str) -> str:
    """The line with its open string closed where it most likely ends: before the closing
    brackets and commas that end the line (`f(x="a)` -> `f(x="a")`)."""
    body = text.rstrip()
    tail = len(body)
    while tail > 0 and body[tail - 1] in ")],} \t":
        tail -= 1
    if tail <= text.rfind('"'):
        tail = len(body)  # nothing but closers after the quote: close it at the end
    return body[:tail] + '"' + body[tail:] + text[len(body):]


@dataclass
class _Chunk:
    start: int  # 0-based index of its first line
    lines: list[str]  # repaired text, one entry per source line


class _Splitter:
    """Cuts the file into top-level statements and reports what only a scanner can see."""

    def __init__(self, text: str) -> None:
        self.raw = text.split("\n")
        self.lines = [_scan_line(line) for line in self.raw]
        self.repaired = [line.text for line in self.lines]
        self.diagnostics: list[Diagnostic] = []
        self.suppressed = 0
        self.chunks: list[_Chunk] = []
        for index, line in enumerate(self.lines):
            if len(line.braces) > MAX_BRACES_PER_LINE:
                self._cut(index)

    def _cut(self, index: int) -> None:
        """Cut a line of too many braces at the first brace past the limit (blanked, so that
        columns stay where they were)."""
        text = self.lines[index].text
        column = self.lines[index].braces[MAX_BRACES_PER_LINE][0]
        self.diag("script.syntax", f"more than {MAX_BRACES_PER_LINE} braces on one line", index,
                  column, "put each block on lines of its own; the rest of the line is ignored")
        cut = text[:column] + " " * (len(text) - column)
        self.lines[index] = _scan_line(cut)
        self.repaired[index] = cut

    def noted_lines(self) -> set[int]:
        return {d.span.line for d in self.diagnostics if d.code == "script.unterminated-string"}

    def diag(self, code: str, message: str, line: int, column: int, hint: str | None = None,
             length: int = 1) -> None:
        if len(self.diagnostics) >= MAX_DIAGNOSTICS:
            self.suppressed += 1  # counted, not built: parse_script says how many more
            return
        span = Span(line + 1, column + 1, line + 1, column + 1 + length)
        self.diagnostics.append(Diagnostic(code, message, span, hint))

    def run(self) -> None:
        index = 0
        while index < len(self.lines):
            index = self._statement(index)

    def _statement(self, index: int) -> int:
        line = self.lines[index]
        if line.blank:
            return index + 1
        word = line.first_word()
        opens = any(ch == "{" for _col, ch in line.braces)
        if not opens and word == "context" and self._next_starts_block(index):
            opens = True
        if opens:
            return self._block(index)
        for col, _ch in line.braces:
            self.diag("script.syntax", "unmatched '}'", index, col,
                      "remove it, or open a block with CONTEXT name { ... }")
        self._blank_columns(index, [col for col, _ch in line.braces])
        after = line.code.lstrip()[len(word or ""):].lstrip()
        if word and word.upper() in CLAUSES and after.startswith(":"):
            self.diag("script.misplaced", f"{word.upper()} clause outside a COMMAND", index,
                      line.indent, "clauses belong inside COMMAND name { ... } in a CONTEXT block",
                      len(word))
            self.repaired[index] = ""
            return index + 1
        self.chunks.append(_Chunk(index, [self.repaired[index]]))
        return index + 1

    def _open_string(self, index: int) -> None:
        """Report and repair a string never closed on line `index` (strings live in blocks only:
        a quote in a phrase line is just a character)."""
        line = self.lines[index]
        if line.open_string is not None:
            self.diag("script.unterminated-string", "unterminated string", index,
                      line.open_string, 'close the string with " on the same line')
            self.repaired[index] = _close_string(line.text.rstrip("\r"))

    def _next_starts_block(self, index: int) -> bool:
        for line in self.lines[index + 1:]:
            if not line.blank:
                return line.code.lstrip().startswith("{")
        return False

    def _blank_columns(self, index: int, columns: Sequence[int]) -> None:
        """Blank these columns of line `index`, all in one edit of the line."""
        if not columns:
            return
        chars = list(self.repaired[index])
        for col in columns:
            chars[col] = " "
        self.repaired[index] = "".join(chars)

    def _block(self, start: int) -> int:
        """A block from `start` to the line whose `}` closes it (or to where it must have ended)."""
        stack: list[tuple[int, int]] = []  # (line, col) of open braces
        suspects: list[tuple[int, int]] = []  # blocks closed by a `}` that lines up with another
        index = start
        opened = False  # `CONTEXT name` may have its `{` on the next line
        stray: list[int] = []
        # blocks open on the stack, by their opening line's indent: a `}` lines up with one of
        # them in constant time (scanning the stack per `}` was quadratic in a brace flood)
        open_at_indent: dict[int, int] = {}
        while index < len(self.lines):
            line = self.lines[index]
            top_level = line.indent == 0 and line.first_word() in ("context", "run")
            if index > start and stack and top_level:
                break  # a top-level statement at column 1: the block before it was never closed
            if line.open_string is not None:
                self._open_string(index)
            for col, ch in line.braces:
                if ch == "{":
                    stack.append((index, col))
                    indent = self.lines[index].indent
                    open_at_indent[indent] = open_at_indent.get(indent, 0) + 1
                    opened = True
                elif stack:
                    opener = stack.pop()
                    opener_indent = self.lines[opener[0]].indent
                    open_at_indent[opener_indent] -= 1
                    if (line.code[:col].strip() == "" and stack
                            and opener_indent != line.indent
                            and open_at_indent.get(line.indent, 0) > 0):
                        suspects.append(opener)
                else:
                    self.diag("script.syntax", "unmatched '}'", index, col,
                              "remove it, or open a block with CONTEXT name { ... }")
                    stray.append(col)
            if stray:
                self._blank_columns(index, stray)
                stray.clear()
            index += 1
            if opened and not stack:
                break
        end = index
        if stack:
            self._unterminated(start, end, stack, suspects)
        self.chunks.append(_Chunk(start, self.repaired[start:end]))
        return end

    def _unterminated(self, start: int, end: int, stack: list[tuple[int, int]],
                      suspects: list[tuple[int, int]]) -> None:
        """One diagnostic and one repair per brace left open. A block whose `}` closed an outer
        block's indentation is the likelier culprit than the outer block itself.

        Linear in the block: where each opener's `}` goes is found for all lines in one pass,
        and each line gets all its closers in one edit (a line of 8,000 `{` is one edit)."""
        blamed = list(reversed(suspects))[: len(stack)]
        blamed += stack[: len(stack) - len(blamed)]
        few = len(blamed) <= 4  # each walked to, rather than one pass over the whole block
        closing = {} if few else self._closing_lines(start, end)
        closers: dict[int, int] = {}
        per_line: dict[int, int] = {}  # blocks left open, by the line that opened them
        for line_index, _col in blamed:
            if few:
                target = self._closing_line(line_index, end)
            else:
                target = closing.get(line_index, line_index)
            closers[target] = closers.get(target, 0) + 1
            per_line[line_index] = per_line.get(line_index, 0) + 1
        for line_index, count in sorted(per_line.items()):
            if len(self.diagnostics) >= MAX_DIAGNOSTICS:
                self.suppressed += 1  # counted, not worded
                continue
            line = self.lines[line_index]
            word = line.first_word()
            message = f"unterminated block: {line.label} is never closed" if count == 1 else \
                f"unterminated blocks: {count} opened on this line are never closed"
            self.diag("script.unterminated-block", message, line_index, line.indent,
                      "add '}' to close it" if count == 1 else f"add {count} '}}' to close them",
                      len(word or "x"))
        for index, count in closers.items():
            self._insert_closers(index, count)

    def _closing_line(self, line_index: int, end: int) -> int:
        """`_closing_lines(...)[line_index]` by a walk forward from the line: for a few blocks
        left open in a long one (a flood of 40,000 lines with one open block)."""
        indent = self.lines[line_index].indent
        last_code = line_index
        for index in range(line_index + 1, end):
            line = self.lines[index]
            if line.blank:
                continue
            if line.indent <= indent:
                return last_code
            last_code = index
        return last_code

    def _closing_lines(self, start: int, end: int) -> dict[int, int]:
        """For each non-blank line of the block: the line after which its missing `}` goes, the
        last line of its body (the last non-blank line before the next one indented no deeper).
        One right-to-left pass with a stack: the next line whose indent is at most this one's."""
        out: dict[int, int] = {}
        waiting: list[int] = []  # non-blank lines to the right, indents increasing downwards
        previous_code: dict[int, int] = {}  # for a line: the last non-blank line before it
        prev: int | None = None
        for index in range(start, end):
            if not self.lines[index].blank:
                if prev is not None:
                    previous_code[index] = prev
                prev = index
        indents: list[int] = []  # of the lines waiting
        for index in range(end - 1, start - 1, -1):
            line = self.lines[index]
            if line.blank:
                continue
            indent = line.indent
            while indents and indents[-1] > indent:
                waiting.pop()
                indents.pop()
            if waiting:
                out[index] = previous_code.get(waiting[-1], index)
            else:
                out[index] = prev if prev is not None else index  # the block's last code line
            waiting.append(index)
            indents.append(indent)
        return out

    def _insert_closers(self, index: int, count: int) -> None:
        text = self.repaired[index]
        code_end = _scan_line(text).code_end  # of the repaired text: a closed string stays closed
        self.repaired[index] = text[:code_end].rstrip("\r") + " }" * count + text[code_end:]


def _expected_words(expected: Sequence[str]) -> list[str]:
    names = {"CLAUSE": "a clause (ACTION, RECOVERY, REPORT, EXPORT)", "COMMAND": "COMMAND",
             "NAME": "a name", "RBRACE": "'}'", "LBRACE": "'{'", "LPAR": "'('", "RPAR": "')'",
             "COLON": "':'", "EQUAL": "'='", "COMMA": "','", "STRING": "a quoted string",
             "NUMBER": "a number", "LSQB": "'['", "RSQB": "']'", "CONTEXT": "CONTEXT",
             "RUN": "RUN", "PHRASE": "a phrase", "TRUE": "true", "FALSE": "false"}
    words = sorted({names.get(name, name.lower()) for name in expected if name != "$END"})
    return words


def closest(word: str, choices: Sequence[str]) -> str | None:
    """The choice nearest to `word` (a misspelt keyword), if near enough."""
    close = suggest(word, choices, cutoff=0.75)
    return close[0] if close else None


def _describe(error: UnexpectedInput, lines: Sequence[str]) -> tuple[str, str, str | None, int]:
    """(code, message, hint, 0-based column) for a Lark error, in the words of the language."""
    from lark.exceptions import UnexpectedToken

    column = max(error.column, 1) - 1
    expected: Sequence[str] = sorted(getattr(error, "expected", None) or
                                     getattr(error, "allowed", None) or ())
    line = lines[error.line - 1] if 0 < error.line <= len(lines) else ""
    match = _WORD_AT.match(line, column)
    found = match.group(0) if match else "end of line"
    if len(found) > 40:
        found = found[:40] + "…"
    found = printable(found)  # an escape sequence in the input must not reach the terminal
    if isinstance(error, UnexpectedToken) and error.token.type == "$END":
        found = "end of the statement"
    alpha = found[:1].isalpha() or found[:1] == "_"
    if "CLAUSE" in expected and alpha:
        if found.lower() == "command":
            return ("script.syntax", "COMMAND inside a COMMAND", "is a '}' missing above it?",
                    column)
        guess = closest(found, CLAUSES)
        hint = f"did you mean {guess}?" if guess else \
            "a clause is ACTION, RECOVERY, REPORT or EXPORT"
        return "script.bad-clause", f"unknown clause '{found}'", hint, column
    if "COMMAND" in expected and alpha:
        if found.upper() in CLAUSES:
            return ("script.misplaced", f"{found.upper()} clause outside a COMMAND",
                    "clauses belong inside COMMAND name { ... }", column)
        guess = closest(found, ("COMMAND",))
        hint = "did you mean COMMAND?" if guess else \
            "a CONTEXT block holds COMMAND name { ... } blocks"
        return "script.syntax", f"expected COMMAND, found '{found}'", hint, column
    if "PHRASE" in expected and found == "{":
        head = _FIRST_WORD.match(line)
        word = head.group(1) if head else ""
        start = head.start(1) if head else column
        if word.lower() == "context":
            return ("script.syntax", "CONTEXT needs a name", "write CONTEXT name { ... }",
                    column)
        if word.lower() == "command" or closest(word, ("COMMAND",)):
            return ("script.misplaced", "COMMAND outside a CONTEXT block",
                    "put it inside CONTEXT name { ... }", start)
        guess = closest(word, ("CONTEXT",)) if word else None
        hint = "did you mean CONTEXT?" if guess else "a block is CONTEXT name { COMMAND ... }"
        return "script.syntax", "a block must start with CONTEXT name {", hint, start
    wanted_set = set(expected) - {"$END"}
    shown = found if found in ("end of line", "end of the statement") else f"'{found}'"
    if wanted_set == {"NAME", "STRING"}:
        return ("script.syntax", f"expected an action call name(...) or a quoted phrase, found "
                f"{shown}", None, column)
    if wanted_set == {"LPAR"} and alpha:
        value = line[:column].rsplit(":", 1)[-1].strip() + " " + line[column:].split("#")[0].strip()
        return ("script.syntax", f"expected '(' after the action name, found {shown}",
                f'to say it in words, quote it: "{printable(clip(value.strip()))}"', column)
    if "NAME" in wanted_set and "RPAR" in wanted_set and not alpha and found not in (
            "end of line", "end of the statement"):
        return ("script.syntax", f"expected an argument name=value or ')', found {shown}",
                "arguments are written name=value", column)
    if {"STRING", "NUMBER"} <= set(expected):
        value_hint: str | None = None
        if alpha and found.lower() not in ("true", "false"):
            value_hint = f'write text in double quotes: "{found}"'
        shown = found if found in ("end of line", "end of the statement") else f"'{found}'"
        return ("script.syntax", f"expected a value (a quoted string, a number, true, false or "
                f"a [list]), found {shown}", value_hint, column)
    words = _expected_words(expected)
    wanted = f"; expected {', '.join(words[:-1])} or {words[-1]}" if len(words) > 1 else (
        f"; expected {words[0]}" if words else "")
    shown = found if found in ("end of line", "end of the statement") else f"'{found}'"
    return "script.syntax", f"unexpected {shown}{wanted}", None, column


def code_characters(line: str) -> Iterator[tuple[int, str]]:
    """(column, character) of one line, skipping strings (with their escapes) and comments."""
    in_string = False
    i = 0
    while i < len(line):
        ch = line[i]
        if in_string:
            if ch == "\\":
                i += 1
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch == "#":
            return
        else:
            yield i, ch
        i += 1


# What `_too_deep` looks at: strings (to an unescaped quote or the line's end), comments, brackets.
_BRACKET_OR_SKIPPED = re.compile(r'"(?:[^"\\]|\\.)*"?|#.*|[\[\]]', re.DOTALL)


def _too_deep(lines: Sequence[str]) -> tuple[int, int] | None:
    """Where `[` first nests deeper than the limit (strings and comments skipped), if anywhere.
    The walk of `code_characters`, with a regex jumping from bracket to bracket."""
    if "".join(lines).count("[") <= _MAX_NESTING:
        return None  # too few `[` to nest that deep: spares a walk over every character
    depth = 0
    for index, text in enumerate(lines):
        if "[" not in text and (depth == 0 or "]" not in text):
            continue
        for match in _BRACKET_OR_SKIPPED.finditer(text):
            token = match.group()
            if token == "[":
                depth += 1
                if depth > _MAX_NESTING:
                    return index, match.start()
            elif token == "]":
                depth = max(depth - 1, 0)
    return None


class _StatementParser:
    """Parses one chunk, recovering from each syntax error by neutralising its line."""

    def __init__(self, chunk: _Chunk, source: str, noted: set[int] | None = None) -> None:
        # Lines the scanner already reported: a parse error there would only echo it.
        self.noted = {line - chunk.start - 1 for line in noted or ()}
        self.chunk = chunk
        self.source = source
        self.lines = list(chunk.lines)
        self.diagnostics: list[Diagnostic] = []
        # (line, column) of each `{` -> of the `}` that closes it, while the braces are as when
        # it was worked out (None: work it out again): each unwrap would otherwise scan to the
        # end of the chunk for its `}`, up to 25 times per statement
        self._closer_of: dict[tuple[int, int], tuple[int, int]] | None = None

    def _closers(self) -> dict[tuple[int, int], tuple[int, int]]:
        if self._closer_of is None:
            closer_of: dict[tuple[int, int], tuple[int, int]] = {}
            stack: list[tuple[int, int]] = []
            for index, text in enumerate(self.lines):
                for col, ch in _scan_line(text).braces:
                    if ch == "{":
                        stack.append((index, col))
                    elif stack:
                        closer_of[stack.pop()] = (index, col)
            self._closer_of = closer_of
        return self._closer_of

    def parse(self) -> list[Statement]:
        from lark.exceptions import UnexpectedInput, UnexpectedToken, VisitError

        from ainlp.language.transform import AstBuilder

        reported = set(self.noted)  # one diagnostic per line: the rest would be echoes
        while (deep := _too_deep(self.lines)) is not None:
            index, column = deep
            if index not in reported:
                reported.add(index)
                line = self.chunk.start + index + 1
                self.diagnostics.append(Diagnostic(
                    "script.syntax", f"lists nested more than {_MAX_NESTING} deep",
                    Span(line, column + 1, line, column + 2), "flatten the value"))
            if not self._blank(index, 0):
                return []
        for attempt in range(_MAX_ERRORS_PER_STATEMENT):
            if attempt > 0 and (read := read_statements(
                    self.lines, self.chunk.start, _MAX_NESTING)) is not None:
                return read  # the rest is well-formed: no second pass of Lark over it
            text = "\n".join(self.lines)
            try:
                tree = parser().parse(text)
            except UnexpectedInput as error:
                if isinstance(error, UnexpectedToken) and error.token.type == "$END":
                    index = self._last_code_line()
                    error.line, error.column = index + 1, len(self.lines[index].rstrip()) + 1
                index = min(max(error.line, 1), len(self.lines)) - 1
                code, message, hint, column = _describe(error, self.lines)
                if index not in reported:
                    reported.add(index)
                    line = self.chunk.start + index + 1
                    span = Span(line, column + 1, line, column + 2)
                    self.diagnostics.append(Diagnostic(code, message, span, hint))
                if not self._neutralise(index, error.column - 1):
                    return []
                continue
            try:
                script = AstBuilder(self.source, line_offset=self.chunk.start).transform(tree)
            except VisitError as error:  # the grammar should make this impossible; if not, say so
                line = self.chunk.start + 1
                self.diagnostics.append(Diagnostic(
                    "script.syntax", f"cannot read this statement: {error.orig_exc}",
                    Span(line, 1, line, 2), None))
                return []
            return list(script.statements)
        return []

    def _neutralise(self, index: int, column: int) -> bool:
        """Make line `index` harmless, braces kept balanced; False if nothing changed."""
        line = _scan_line(self.lines[index])
        code = line.code.strip()
        if not code.replace("}", "").strip():
            previous = self._previous_code_line(index)
            if previous is not None:
                return self._blank(previous, 0)  # the unfinished clause above the `}`
            return self._blank(index, 0, keep_braces=False)
        brace = next((col for col, ch in line.braces if ch == "{"), None)
        if brace is None:
            return self._blank(index, 0) or self._blank(index, 0, keep_braces=False)
        if column > brace:
            return self._blank(index, brace + 1) or self._unwrap(index, brace)
        if self._depth_before(index) <= 1:
            # A broken block header: put a valid one in its place, so the body is still checked.
            keyword = "context" if self._depth_before(index) == 0 else "command"
            replaced = f"{keyword} {ERROR_NAME} " + self.lines[index][brace:]
            if replaced != self.lines[index]:
                self.lines[index] = replaced
                self._closer_of = None  # the braces moved
                return True
        return self._unwrap(index, brace)

    def _unwrap(self, index: int, brace: int) -> bool:
        """Drop a block's header and its closing brace; its body joins the enclosing block."""
        closers = self._closers()
        closer = closers.get((index, brace))
        if closer is None:
            return self._blank(index, 0, keep_braces=False)
        line, col = closer
        text = self.lines[line]
        self.lines[line] = text[:col] + " " + text[col + 1:]
        alone = len(_scan_line(self.lines[index]).braces) == 1  # the header's `{` only
        changed = self._blank(index, 0, keep_braces=False)
        if alone:  # one pair gone: the others pair as before
            del closers[(index, brace)]
            self._closer_of = closers
        return changed or True

    def _last_code_line(self) -> int:
        for i in range(len(self.lines) - 1, -1, -1):
            if _scan_line(self.lines[i]).code.strip():
                return i
        return 0

    def _previous_code_line(self, index: int) -> int | None:
        for i in range(index - 1, -1, -1):
            code = _scan_line(self.lines[i]).code.strip()
            if code and "{" not in code and "}" not in code:
                return i
            if code:
                return None
        return None

    def _depth_before(self, index: int) -> int:
        depth = 0
        for text in self.lines[:index]:
            for _col, ch in _scan_line(text).braces:
                depth += 1 if ch == "{" else -1
        return depth

    def _blank(self, index: int, start: int, *, keep_braces: bool = True) -> bool:
        """Blank line `index` from column `start` on (braces kept, so blocks still balance)."""
        old = self.lines[index]
        rest = [" "] * (len(old) - start)
        if keep_braces:
            for col, ch in _scan_line(old).braces:
                if col >= start:
                    rest[col - start] = ch
        new = old[:start] + "".join(rest)
        if new == old:
            return False
        if not keep_braces and _scan_line(old).braces:
            self._closer_of = None  # braces gone: pairs may have changed
        self.lines[index] = new
        return True


def _commands(statements: Sequence[Statement]) -> Iterator[CommandDef]:
    for statement in statements:
        if isinstance(statement, ContextBlock):
            yield from statement.commands


def parse_script(text: str, source: str = "<text>") -> tuple[Script, list[Diagnostic]]:
    """The AST of a whole script and every syntax-level diagnostic, sorted by place.

    Never raises on bad input. Names keep their written spelling; `Script.commands` maps each
    lower-cased command name to its first definition.
    """
    splitter = _Splitter(text)
    splitter.run()
    diagnostics = list(splitter.diagnostics)
    statements: list[Statement] = []
    noted = splitter.noted_lines()  # once: per chunk it would cost chunks x diagnostics
    for chunk in splitter.chunks:
        read = read_statements(chunk.lines, chunk.start, _MAX_NESTING)
        if read is not None:  # well-formed (most chunks): read without Lark
            statements.extend(read)
            continue
        chunk_parser = _StatementParser(chunk, source, noted)
        statements.extend(chunk_parser.parse())
        diagnostics.extend(chunk_parser.diagnostics)
    commands: dict[str, CommandDef] = {}
    lines: list[str] | None = None
    duplicates = 0
    for command in _commands(statements):
        if command.name == ERROR_NAME:
            continue
        key = command.name.lower()
        first = commands.get(key)
        if first is None:
            commands[key] = command
            continue
        duplicates += 1
        if duplicates > MAX_DIAGNOSTICS:  # later than the first hundred: never shown, counted
            splitter.suppressed += 1
            continue
        lines = text.split("\n") if lines is None else lines
        diagnostics.append(Diagnostic(
            "script.duplicate-command",
            f"duplicate command '{command.name}' (first defined at line {first.span.line})",
            _name_span(command, lines), "give each COMMAND its own name"))
    diagnostics.sort(key=sort_key)
    if len(diagnostics) + splitter.suppressed > MAX_DIAGNOSTICS:
        first_left_out = diagnostics[min(MAX_DIAGNOSTICS, len(diagnostics)) - 1].span
        more = len(diagnostics) + splitter.suppressed - MAX_DIAGNOSTICS + 1
        diagnostics[MAX_DIAGNOSTICS - 1:] = [Diagnostic(
            "script.too-many-errors", f"{more} more errors from here on are not shown",
            Span(first_left_out.line, first_left_out.column, first_left_out.line,
                 first_left_out.column + 1), "fix the errors above, then check again")]
    return Script(source=source, statements=tuple(statements), commands=commands), diagnostics


def _name_span(command: CommandDef, lines: Sequence[str]) -> Span:
    """The span of the name in `COMMAND name {`, for a caret under the name itself."""
    span = command.span
    line = lines[span.line - 1] if span.line <= len(lines) else ""
    match = _COMMAND_KEYWORD.match(line, span.column - 1)
    column = match.end() + 1 if match else span.column
    return Span(span.line, column, span.line, column + len(command.name))
