"""Parsing a whole script: every syntax error at once, as diagnostics, never an exception.

Lark's error recovery cannot get past lexer errors such as an unterminated string, so the file is
first split into top-level statements (a CONTEXT block, or one line) by a small scanner that knows
strings, comments and braces. The scanner reports unterminated strings and blocks and stray `}`,
and repairs them in the text it hands on. Each statement is then parsed on its own; a syntax error
is reported and its line neutralised (blanked, or a broken block header replaced by a valid one),
and the statement parsed again, so one mistake hides no other.

A well-formed statement is read by blocks.py (the same AST, several times faster than Lark, which
is then never loaded); Lark reads what it gives up on and words the errors, with the commands the
reader got through before the first mistake blanked (but one): Lark is in the same state after
them, and a mistake after 3,000 commands is not 3,000 commands of Lark per attempt. Everything
here is linear in the text, and bounded where a flood would multiply work: MAX_BRACES_PER_LINE
braces on a line, MAX_DIAGNOSTICS worded diagnostics (the rest counted), one unterminated-block
diagnostic per line, a window of the line in each rendered error. What every line costs is the
floor (40,000 lines of `{` are 40,000 turns of a Python loop), so each distinct line is scanned
once (_scan_line) into what the splitter asks of it, runs of equal lines of one brace each are
taken in one step when braces are paired (_Splitter._block, _StatementParser._closers), and
runs of one-line statements are read together (blocks.read_lines).

Duplicate COMMAND names are reported here (code "script.duplicate-command"), not by the checker.
"""

from __future__ import annotations

import functools
import itertools
import operator
import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ainlp.core.suggest import suggest
from ainlp.language.ast import (
    CommandDef,
    ContextBlock,
    Script,
    Span,
    Statement,
)
from ainlp.language.blocks import Progress, read_chunk, read_lines
from ainlp.language.diagnostics import Diagnostic, sort_key
from ainlp.language.display import clip, printable
from ainlp.language.grammar import parser
from ainlp.language.normalise import CLAUSE_WORDS, is_plain_phrase

if TYPE_CHECKING:
    from lark.exceptions import UnexpectedInput

__all__ = ["is_plain_phrase", "parse_script"]

# lazy: lark.exceptions 35.1 ms, ainlp.language.transform 46.6 ms (python -X importtime: both
# load lark, which only a script with a syntax error needs)

CLAUSES = tuple(word.upper() for word in CLAUSE_WORDS)
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


class _Line:
    """One source line as the scanner sees it (0-based columns). Built once per distinct line
    (_scan_line is cached), with what the splitter asks of every line worked out."""

    __slots__ = ("blank", "braces", "code", "code_end", "cut", "first_word", "indent", "lead",
                 "open_string", "opens", "text", "top")

    def __init__(self, text: str, code_end: int, braces: list[tuple[int, str]],
                 open_string: int | None = None) -> None:
        self.text = text
        self.code_end = code_end  # where a comment starts, else len(text)
        self.braces = braces
        self.open_string = open_string  # column of a quote never closed on this line
        self.code = code = text[:code_end]
        stripped = code.lstrip()
        self.blank = not stripped
        self.lead = len(code) - len(stripped)  # the first column of code that is not space
        self.indent = len(text) - len(text.lstrip(" \t"))
        match = None if self.blank else _FIRST_WORD.match(code)
        self.first_word = match.group(1).lower() if match else None
        # a top-level statement at column 1 (CONTEXT or RUN)
        self.top = self.indent == 0 and self.first_word in ("context", "run")
        self.cut = len(braces) > MAX_BRACES_PER_LINE
        self.opens = bool(braces) and any(ch == "{" for _col, ch in braces)  # a `{` on it

    def label(self) -> str:
        """How an unterminated-block diagnostic names this line's block."""
        word = self.first_word
        what = word.upper() if word in ("context", "command") else "block"
        name = _FIRST_WORD.match(self.code, self.indent + len(word or ""))
        return f"{what} {name.group(1)}" if name and word else what


_CUT = operator.attrgetter("cut")
_ALONE = operator.attrgetter("alone")
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


@functools.lru_cache(maxsize=256)
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


@dataclass(slots=True)
class _Chunk:
    start: int  # 0-based index of its first line
    lines: list[str]  # repaired text, one entry per source line
    alone: bool = False  # one line outside blocks: parse_script may read runs of them at once


class _Splitter:
    """Cuts the file into top-level statements and reports what only a scanner can see."""

    def __init__(self, text: str) -> None:
        self.raw = text.split("\n")
        # each distinct line scanned once (a flood repeats a few lines 40,000 times)
        scanned = {line: _scan_line(line) for line in dict.fromkeys(self.raw)}
        self.lines = list(map(scanned.__getitem__, self.raw))
        self.repaired = list(self.raw)
        self.diagnostics: list[Diagnostic] = []
        self.suppressed = 0
        self.chunks: list[_Chunk] = []
        if any(map(_CUT, scanned.values())):
            for index in itertools.compress(itertools.count(), map(_CUT, self.lines)):
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
        lines = self.lines
        index = 0
        while index < len(lines):
            if lines[index].blank:
                index += 1
            else:
                index = self._statement(index)

    def _statement(self, index: int) -> int:
        line = self.lines[index]
        word = line.first_word
        braces = line.braces
        if line.opens or (word == "context" and self._next_starts_block(index)):
            return self._block(index)
        if braces:
            room = MAX_DIAGNOSTICS - len(self.diagnostics)
            if room < len(braces):  # counted, not built
                self.suppressed += len(braces) - room if room > 0 else len(braces)
            for col, _ch in braces[:room] if room > 0 else ():
                self.diag("script.syntax", "unmatched '}'", index, col,
                          "remove it, or open a block with CONTEXT name { ... }")
            self._blank_columns(index, [col for col, _ch in braces])
        if word and word.upper() in CLAUSES and \
                line.code.lstrip()[len(word):].lstrip().startswith(":"):
            self.diag("script.misplaced", f"{word.upper()} clause outside a COMMAND", index,
                      line.indent, "clauses belong inside COMMAND name { ... } in a CONTEXT block",
                      len(word))
            self.repaired[index] = ""
            return index + 1
        self.chunks.append(_Chunk(index, [self.repaired[index]], True))
        return index + 1

    def _open_string(self, index: int) -> None:
        """Report and repair a string never closed on line `index` (strings live in blocks only:
        a quote in a phrase line is just a character)."""
        line = self.lines[index]
        if line.open_string is not None:
            if len(self.diagnostics) >= MAX_DIAGNOSTICS:
                self.suppressed += 1  # as diag() would count it, without the call
            else:
                self.diag("script.unterminated-string", "unterminated string", index,
                          line.open_string, 'close the string with " on the same line')
            self.repaired[index] = _close_string(line.text.rstrip("\r"))

    def _next_starts_block(self, index: int) -> bool:
        lines = self.lines
        for next_index in range(index + 1, len(lines)):  # not a slice: a copy of the rest
            line = lines[next_index]
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
        lines = self.lines
        count = len(lines)
        stack: list[int] = []  # the lines of the open braces
        stack_indents: list[int] = []  # and those lines' indents
        suspects: list[int] = []  # blocks closed by a `}` that lines up with another
        opened = False  # `CONTEXT name` may have its `{` on the next line
        stray: list[int] = []
        # blocks open on the stack, by their opening line's indent: a `}` lines up with one of
        # them in constant time (scanning the stack per `}` was quadratic in a brace flood)
        open_at_indent: defaultdict[int, int] = defaultdict(int)
        push, pop = stack.append, stack.pop
        push_indent, pop_indent = stack_indents.append, stack_indents.pop
        end = count
        index = start
        # runs of equal lines (one _Line object: _Splitter scans each distinct line once): a run
        # of lines of one `{` or one `}` each is taken in one step (a flood of 20,000 `{` lines)
        for line, run in itertools.groupby(itertools.islice(lines, start, None)):
            repeats = len(list(run))
            braces = line.braces
            if repeats > 1 and len(braces) == 1 and line.open_string is None and not line.top:
                col, ch = braces[0]
                indent = line.indent
                if ch == "{":
                    stack += range(index, index + repeats)
                    stack_indents += itertools.repeat(indent, repeats)
                    open_at_indent[indent] += repeats
                    opened = True
                    index += repeats
                    continue
                closed = stack_indents[len(stack_indents) - repeats:]
                if len(stack) >= repeats and indent not in closed:
                    # open_at_indent[indent] stays as it is through the run
                    if col <= line.lead and open_at_indent.get(indent, 0) > 0:
                        # each closed block but one that empties the stack
                        suspects += stack[len(stack) - repeats:][::-1][
                            :repeats if len(stack) > repeats else repeats - 1]
                    for closed_indent, closed_count in Counter(closed).items():
                        open_at_indent[closed_indent] -= closed_count
                    del stack[len(stack) - repeats:]
                    del stack_indents[len(stack_indents) - repeats:]
                    index += repeats
                    if not stack:
                        end = index
                        break
                    continue
            first = index
            for index in range(first, first + repeats):  # one line at a time
                if line.top and stack and index > start:
                    end = index  # a top-level statement at column 1: the block before it was
                    break  # never closed
                if line.open_string is not None:
                    self._open_string(index)
                if braces:
                    indent = line.indent
                    for col, ch in braces:
                        if ch == "{":
                            push(index)
                            push_indent(indent)
                            open_at_indent[indent] += 1
                            opened = True
                        elif stack:
                            opener = pop()
                            opener_indent = pop_indent()
                            open_at_indent[opener_indent] -= 1
                            if (opener_indent != indent and stack
                                    and open_at_indent.get(indent, 0) > 0 and col <= line.lead):
                                suspects.append(opener)
                        else:
                            self.diag("script.syntax", "unmatched '}'", index, col,
                                      "remove it, or open a block with CONTEXT name { ... }")
                            stray.append(col)
                    if stray:
                        self._blank_columns(index, stray)
                        stray.clear()
                    if opened and not stack:
                        end = index + 1
                        break
            else:
                index += 1
                continue
            break
        if stack:
            self._unterminated(start, end, stack, suspects)
        self.chunks.append(_Chunk(start, self.repaired[start:end]))
        return end

    def _unterminated(self, start: int, end: int, stack: list[int], suspects: list[int]) -> None:
        """One diagnostic and one repair per brace left open (`stack`: their lines). A block
        whose `}` closed an outer block's indentation is the likelier culprit than the outer
        block itself.

        Linear in the block: where each blamed block's `}` goes is found by a walk forward from
        its line, or, once the walks have cost twice the block, for all lines in one pass; and
        each line gets all its closers in one edit (a line of 8,000 `{` is one edit)."""
        blamed = list(reversed(suspects))[: len(stack)]
        blamed += stack[: len(stack) - len(blamed)]
        per_line = Counter(blamed)  # blocks left open, by the line that opened them
        lines = self.lines
        budget = 2 * (end - start)
        closing: dict[int, int] | None = None
        closers: Counter[int] = Counter()
        for line_index, count in per_line.items():
            following = line_index + 1
            if following < end and not lines[following].blank \
                    and lines[following].indent <= lines[line_index].indent:
                target = line_index  # the walk's first step (most blocks of a flood)
                budget -= 1
            elif closing is not None:
                target = closing.get(line_index, line_index)
            else:
                walked, steps = self._closing_line(line_index, end, budget)
                budget -= steps
                if walked is None:
                    closing = self._closing_lines(start, end)
                    walked = closing.get(line_index, line_index)
                target = walked
            closers[target] += count
        ordered = sorted(per_line.items())
        for number, (line_index, count) in enumerate(ordered):
            if len(self.diagnostics) >= MAX_DIAGNOSTICS:
                self.suppressed += len(ordered) - number  # counted, not worded
                break
            line = lines[line_index]
            word = line.first_word
            message = f"unterminated block: {line.label()} is never closed" if count == 1 else \
                f"unterminated blocks: {count} opened on this line are never closed"
            self.diag("script.unterminated-block", message, line_index, line.indent,
                      "add '}' to close it" if count == 1 else f"add {count} '}}' to close them",
                      len(word or "x"))
        for index, count in closers.items():
            self._insert_closers(index, count)

    def _closing_line(self, line_index: int, end: int, budget: int) -> tuple[int | None, int]:
        """`_closing_lines(...)[line_index]` by a walk forward from the line (for a few blocks
        left open in a long one, a flood of 40,000 lines with one open block), and the lines
        walked; None if that would pass `budget` lines."""
        lines = self.lines
        indent = lines[line_index].indent
        last_code = line_index
        stop = min(end, line_index + 1 + budget)
        for index in range(line_index + 1, stop):
            line = lines[index]
            if line.blank:
                continue
            if line.indent <= indent:
                return last_code, index - line_index
            last_code = index
        if stop < end:
            return None, budget
        return last_code, end - line_index

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
        self.repaired[index] = _with_closers(self.repaired[index], count)


@functools.lru_cache(maxsize=256)
def _with_closers(text: str, count: int) -> str:
    """The line with `count` closing braces added at the end of its code."""
    code_end = _scan_line(text).code_end  # of the repaired text: a closed string stays closed
    return text[:code_end].rstrip("\r") + " }" * count + text[code_end:]


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
_BRACKET_OR_SKIPPED = re.compile(r'"[^"\\\n]*(?:\\[^\n][^"\\\n]*)*"?|#[^\n]*|[\[\]]')


def _too_deep(lines: Sequence[str]) -> tuple[int, int] | None:
    """Where `[` first nests deeper than the limit (strings and comments skipped), if anywhere.
    The walk of `code_characters`, with a regex jumping from bracket to bracket over the lines
    joined (a string or a comment ends at its line's end)."""
    deep = _too_deep_text("\n".join(lines))
    return None if deep is None else (deep[0], deep[1])


def _too_deep_text(text: str, pos: int = 0, line: int = 0,
                   depth: int = 0) -> tuple[int, int, int, int] | None:
    """`_too_deep` of the lines of `text`, walked from `pos`, the start of line `line`, at
    nesting `depth`: (line, column, where that line starts, the nesting there). The statement
    parser blanks the line and walks again from its start: the lines above are as they were."""
    if pos == 0 and text.count("[") <= _MAX_NESTING:
        return None  # too few `[` to nest that deep: spares a walk over every character
    line_end, line_depth = text.find("\n", pos), depth  # of the line of the last token
    for match in _BRACKET_OR_SKIPPED.finditer(text, pos):
        at = match.start()
        if at > line_end >= 0:  # the first token of a later line
            line_end = text.find("\n", at)
            line_depth = depth
        token = match.group()
        if token == "[":
            depth += 1
            if depth > _MAX_NESTING:
                line_start = text.rfind("\n", 0, at) + 1
                return line + text.count("\n", pos, at), at - line_start, line_start, line_depth
        elif token == "]":
            depth = max(depth - 1, 0)
    return None


class _StatementParser:
    """Parses one chunk, recovering from each syntax error by neutralising its line."""

    def __init__(self, chunk: _Chunk, source: str, noted: set[int] | None = None,
                 progress: Progress | None = None) -> None:
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
        self._text: str | None = None  # "\n".join(self.lines), kept up to date by _set
        self.progress = progress  # how far the reader got in the chunk as it is
        self.read_to = self.text()[:progress.last_end] if progress is not None else ""

    def _closers(self) -> dict[tuple[int, int], tuple[int, int]]:
        if self._closer_of is None:
            closer_of: dict[tuple[int, int], tuple[int, int]] = {}
            stack: list[tuple[int, int]] = []
            push, pop = stack.append, stack.pop
            index = 0
            # runs of equal lines: a run of lines of one `{` or one `}` each is paired in one
            # step (a flood of 20,000 `{` lines then 20,000 `}` lines)
            for text, run in itertools.groupby(self.lines):
                braces = _scan_line(text).braces
                count = len(list(run))
                if len(braces) == 1 and count > 1:
                    col, ch = braces[0]
                    here = zip(range(index, index + count), itertools.repeat(col))
                    if ch == "{":
                        stack += here
                    else:
                        paired = min(count, len(stack))  # the rest are unmatched
                        openers = stack[len(stack) - paired:][::-1]
                        closer_of.update(zip(openers, here, strict=False))
                        del stack[len(stack) - paired:]
                elif braces:
                    for at in range(index, index + count):
                        for col, ch in braces:
                            if ch == "{":
                                push((at, col))
                            elif stack:
                                closer_of[pop()] = (at, col)
                index += count
            self._closer_of = closer_of
        return self._closer_of

    def parse(self) -> list[Statement]:
        from lark.exceptions import UnexpectedInput, UnexpectedToken, VisitError

        from ainlp.language.transform import AstBuilder

        reported = set(self.noted)  # one diagnostic per line: the rest would be echoes
        walked = (0, 0, 0)  # where the walk for nesting may start again: the last line blanked
        blanked = False  # then the reader may take what is left, without Lark
        while (deep := _too_deep_text(self.text(), *walked)) is not None:
            index, column, line_start, depth = deep
            walked = (line_start, index, depth)
            if index not in reported:
                reported.add(index)
                line = self.chunk.start + index + 1
                self.diagnostics.append(Diagnostic(
                    "script.syntax", f"lists nested more than {_MAX_NESTING} deep",
                    Span(line, column + 1, line, column + 2), "flatten the value"))
            if not self._blank(index, 0):
                return []
            blanked = True
        progress = self.progress  # how far the reader got in a first CONTEXT block
        read_to = self.read_to  # the text up to where it got
        blank, blank_to = "", ""  # its text from the first command's end blanked, and of what
        for attempt in range(_MAX_ERRORS_PER_STATEMENT):
            text = self.text()
            if attempt > 0 or blanked:  # else the text parse_script's reader gave up on
                resume = progress if progress is not None and text.startswith(read_to) else None
                read, progress = read_chunk(text, self.chunk.start, _MAX_NESTING, resume)
                if read is not None:
                    return read  # the rest is well-formed: no second pass of Lark over it
                read_to = text[:progress.last_end] if progress is not None else ""
            lark_text = text
            if progress is not None:
                if blank_to != read_to:
                    blank, blank_to = _blanked(read_to[progress.first_end:]), read_to
                lark_text = blank_to[:progress.first_end] + blank + text[progress.last_end:]
            try:
                tree = parser().parse(lark_text)
                if lark_text is not text:
                    tree = parser().parse(text)  # the whole chunk, for the tree of every command
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
                self._set(index, replaced)
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
        self._set(line, text[:col] + " " + text[col + 1:])
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
        self._set(index, new)
        return True

    def _set(self, index: int, new: str) -> None:
        """Change line `index`, and the chunk's text by a splice: the next attempt need not
        join 40,000 lines again."""
        text, lines = self._text, self.lines
        if text is not None:
            if index < len(lines) // 2:  # where the line starts, counted from the nearer end
                at = sum(map(len, itertools.islice(lines, index))) + index
            else:
                after = itertools.islice(lines, index, None)
                at = len(text) - sum(map(len, after)) - (len(lines) - 1 - index)
            self._text = text[:at] + new + text[at + len(lines[index]):]
        lines[index] = new

    def text(self) -> str:
        """The chunk's lines, joined."""
        if self._text is None:
            self._text = "\n".join(self.lines)
        return self._text


def _blanked(text: str) -> str:
    """What Lark reads for `text`: whitespace, which it ignores, after which every line and
    column is where it was (Lark's errors say where by line and column only), so its line
    breaks and the spaces after the last of them."""
    breaks = text.count("\n")
    return "\n" * breaks + " " * (len(text) - text.rfind("\n") - 1 if breaks else len(text))


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

    def by_lark(chunk: _Chunk, progress: Progress | None = None) -> None:
        chunk_parser = _StatementParser(chunk, source, noted, progress)
        statements.extend(chunk_parser.parse())
        diagnostics.extend(chunk_parser.diagnostics)

    for alone, group in itertools.groupby(splitter.chunks, key=_ALONE):
        run = list(group)
        if alone:  # one-line statements: read together, up to one the reader gives up on
            run_lines = [chunk.lines[0] for chunk in run]
            run_starts = [chunk.start for chunk in run]
            at = 0
            while at < len(run):
                read, failed = read_lines(run_lines, run_starts, _MAX_NESTING, at)
                statements.extend(read)
                if failed < len(run):
                    by_lark(run[failed])
                at = failed + 1
            continue
        for chunk in run:
            fast, progress = read_chunk("\n".join(chunk.lines), chunk.start, _MAX_NESTING)
            if fast is not None:
                statements.extend(fast)  # well-formed (most chunks): read without Lark
            else:
                by_lark(chunk, progress)
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
