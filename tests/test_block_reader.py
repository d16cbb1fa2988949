"""The block reader (ainlp/language/blocks.py) against Lark: the same statements, or None.

ainlp.lark defines the language; the reader is the fast path for well-formed chunks. For every
chunk the script parser hands on (examples, the fuzz seed, floods, generated scripts), the
reader returns None or exactly the statements Lark and AstBuilder build, spans included; and
on every well-formed chunk of the examples it does not give up.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from floods import floods
from fuzzing import fuzz
from hypothesis import example, given
from hypothesis import strategies as st
from lark.exceptions import UnexpectedInput

from ainlp.language.ast import Statement
from ainlp.language.blocks import read_lines, read_statements
from ainlp.language.grammar import parser
from ainlp.language.script import (
    _MAX_NESTING,
    _Chunk,
    _Splitter,
    _StatementParser,
    _too_deep,
    _too_deep_text,
    code_characters,
)
from ainlp.language.transform import AstBuilder

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.ainlp"))

SEED = """\
# comments start with '#'
CONTEXT python_environment_management {
    COMMAND diagnose_python_issues {
        ACTION: run_environment_health_check(topic="path", deep=TRUE, n=[1, 2.5, [], [-3e2,],])
        RECOVERY: apply_automatic_recovery_strategies()
        REPORT: "show health report as \\"json\\" in C:\\envs"   # a comment
        EXPORT: environment_configuration_and_instructions(path="~/aios-export",)
    }
    command  second{ action :f ( a = false , b = .5 ) }

    COMMAND third
    {
    }
} after the block # trailing
context   spaced
  {}
RUN diagnose_python_issues
run   x   # comment
diagnose python path problems        # a free-form phrase is a statement too
"""


def chunks(text: str) -> Iterable[tuple[list[str], int]]:
    splitter = _Splitter(text)
    splitter.run()
    for chunk in splitter.chunks:
        yield chunk.lines, chunk.start


def by_lark(lines: list[str], start: int) -> list[Statement] | None:
    try:
        tree = parser().parse("\n".join(lines))
    except UnexpectedInput:
        return None
    return list(AstBuilder("<text>", line_offset=start).transform(tree).statements)


def agree(text: str) -> int:
    """Asserts the reader agrees with Lark on every chunk of `text`; how many it read."""
    read = 0
    for lines, start in chunks(text):
        fast = read_statements(lines, start, _MAX_NESTING)
        if fast is not None:
            read += 1
            assert fast == by_lark(lines, start), lines
    return read


def test_reads_the_seed_as_lark_does() -> None:
    for lines, start in chunks(SEED):
        fast = read_statements(lines, start, _MAX_NESTING)
        assert fast is not None, lines
        assert fast == by_lark(lines, start)


def test_reads_every_example_as_lark_does() -> None:
    for path in EXAMPLES:
        text = path.read_text(encoding="utf-8")
        for lines, start in chunks(text):
            slow = by_lark(lines, start)
            fast = read_statements(lines, start, _MAX_NESTING)
            assert fast == slow, (path.name, start)


def test_gives_up_where_lark_reports_an_error() -> None:
    for broken in ('CONTEXT a {\n COMMAND b {\n ACTION: f(x=)\n }\n}',
                   "CONTEXT a { COMMAND b { BOGUS: f() } }",
                   "CONTEXT a { COMMAND b { ACTION: f(x=1 y=2) } }",
                   "CONTEXT a { COMMAND b { ACTION: f(x=[1,,2]) } }",
                   "CONTEXT a { COMMAND b { ACTION: f(,) } }",
                   "CONTEXT a { COMMAND b { COMMAND c { } } }",
                   "CONTEXT a { RUN x }",
                   "CONTEXT a { COMMAND b { ACTION: f(x=truex) } }"):
        assert by_lark([broken], 0) is None
        assert read_statements([broken], 0, _MAX_NESTING) is None, broken


def test_lists_nested_past_the_limit_are_left_to_the_statement_parser() -> None:
    deep = "[" * (_MAX_NESTING + 1) + "]" * (_MAX_NESTING + 1)
    limit = "[" * _MAX_NESTING + "]" * _MAX_NESTING
    assert read_statements([f"CONTEXT a {{ COMMAND b {{ ACTION: f(x={deep}) }} }}"], 0,
                           _MAX_NESTING) is None
    assert read_statements([f"CONTEXT a {{ COMMAND b {{ ACTION: f(x={limit}) }} }}"], 0,
                           _MAX_NESTING) is not None


def test_agrees_on_the_flood_corpus() -> None:
    for text in floods(4_000).values():
        agree(text)  # what the reader reads of a flood, it reads as Lark does
    # a repaired flood of unterminated blocks is well-formed: the reader takes it
    whole_lines = 12 + 14 * 285  # the flood cut at a line's end
    assert agree(floods(whole_lines)["nested-blocks"]) == 1


PIECES = st.sampled_from([
    "CONTEXT a {", "COMMAND b {", "}", "{", "ACTION:", "RECOVERY: ", "REPORT:", "EXPORT :",
    "f(", ")", "x=", "y =", '"s"', '"a\\"b"', "1", "-2.5", "1e3", ".5", "true", "False", "[",
    "]", ",", "#c", "\n", " ", "\t", "RUN x", "run y\n", "diagnose python", "context", "command",
    "name", "=", "(", "\r\n", "é", "[]", "9" * 20,
])
WELL_FORMED = st.lists(st.sampled_from([
    'COMMAND c { ACTION: f(a=1, b="x") }', "COMMAND d {}", 'COMMAND e { REPORT: "r" }',
    "COMMAND f {\n  RECOVERY: g(l=[1, [2, true], \"s\",], m=false,)\n}",
    "COMMAND g { EXPORT : h ( ) # c\n }",
]), max_size=4)


@fuzz(300)
@given(st.lists(PIECES, max_size=40))
def test_agrees_with_lark_on_generated_scripts(pieces: list[str]) -> None:
    agree(" ".join(pieces))
    agree("".join(pieces))


@fuzz(100)
@given(WELL_FORMED, st.sampled_from(["\n", " ", "\n\n  ", "\t"]))
def test_reads_generated_well_formed_blocks(commands: list[str], gap: str) -> None:
    text = f"CONTEXT a {{{gap}{gap.join(commands)}{gap}}}{gap}RUN c\nlist pythons"
    assert agree(text) == len(list(chunks(text)))


def too_deep_by_characters(lines: list[str]) -> tuple[int, int] | None:
    """The walk `_too_deep` replaces: every character of the code, one at a time."""
    depth = 0
    for index, text in enumerate(lines):
        for i, ch in code_characters(text):
            if ch == "[":
                depth += 1
                if depth > _MAX_NESTING:
                    return index, i
            elif ch == "]":
                depth = max(depth - 1, 0)
    return None


@fuzz(300)
@given(st.lists(st.text(st.sampled_from('[[[]"\\# ax\t'), max_size=60), max_size=6))
def test_nesting_is_measured_as_the_character_walk_does(lines: list[str]) -> None:
    assert _too_deep(lines) == too_deep_by_characters(lines)


@fuzz(200)
@given(st.lists(st.tuples(st.integers(0, 6), st.sampled_from(["x", "{", "}", "", "# c"])),
                min_size=1, max_size=30))
def test_a_walk_to_a_blocks_closing_line_agrees_with_the_pass_over_all(
        lines: list[tuple[int, str]]) -> None:
    splitter = _Splitter("\n".join(" " * indent + text for indent, text in lines))
    everything = splitter._closing_lines(0, len(lines))
    for index, line in enumerate(splitter.lines):
        if not line.blank:
            target, _steps = splitter._closing_line(index, len(lines), len(lines))
            assert target == everything[index]
            for budget in range(len(lines)):  # out of budget: no answer, never a wrong one
                short, steps = splitter._closing_line(index, len(lines), budget)
                assert short in (None, everything[index]) and steps <= budget + 1


LINE_PIECES = st.sampled_from([
    "RUN", "run", "x", "b_1", " ", "\t", "#c", "#", "[", "]", "{", "}", '"', "\\", "\r", "é",
    "\u212a", "\u00a0", "context", "CONTEXT a", "list python", ":", "ACTION:", "(", ")", "1",
])


@fuzz(300)
@given(st.lists(st.lists(LINE_PIECES, max_size=8).map("".join), max_size=8), st.integers(0, 3))
def test_lines_read_together_as_one_by_one(lines: list[str], first: int) -> None:
    """read_lines is read_statements on each line alone, up to the first that gives None."""
    starts = [3 * number + 2 for number in range(len(lines))]
    expected: list[Statement] = []
    failed = len(lines)
    for index in range(first, len(lines)):
        read = read_statements([lines[index]], starts[index], _MAX_NESTING)
        if read is None:
            failed = index
            break
        expected += read
    assert read_lines(lines, starts, _MAX_NESTING, first) == (expected, failed)


@fuzz(200)
@given(st.lists(st.text(st.sampled_from('[[[]"\\# ax\t'), max_size=30), min_size=1, max_size=8))
def test_the_nesting_walk_resumes_at_a_line_start(lines: list[str]) -> None:
    """Walked again from the start of the line where `[` nests too deep, at the nesting found
    there, the walk finds the same place (the statement parser resumes there after a blank)."""
    deep_lines = [*lines, "[" * (_MAX_NESTING + 1)]  # deep somewhere, at the latest here
    text = "\n".join(deep_lines)
    deep = _too_deep_text(text)
    assert deep is not None
    index, column, line_start, depth = deep
    assert (index, column) == _too_deep(deep_lines) == too_deep_by_characters(deep_lines)
    assert line_start == sum(len(line) + 1 for line in deep_lines[:index])
    assert _too_deep_text(text, line_start, index, depth) == deep


@fuzz(200)
@given(st.lists(PIECES, max_size=40))
def test_the_statement_parser_keeps_its_text_as_its_lines(pieces: list[str]) -> None:
    """The chunk's text is spliced as lines are neutralised, not joined again each attempt."""
    splitter = _Splitter("".join(pieces))
    splitter.run()
    for chunk in splitter.chunks:
        chunk_parser = _StatementParser(chunk, "t.ainlp")
        chunk_parser.parse()
        assert chunk_parser.text() == "\n".join(chunk_parser.lines)


RUN_LINES = st.sampled_from(["{", "}", " }", "  }", "  {", " {", "{ }", "} {", "{{", "x", "",
                             '"{"', '"a {', "# }", "CONTEXT a {", "  COMMAND b {", "RUN b"])


def runs_of_lines(runs: list[tuple[str, int]]) -> list[str]:
    return [text for text, count in runs for _ in range(count)]


@fuzz(300)
@given(st.lists(st.tuples(RUN_LINES, st.integers(1, 6)), max_size=12))
def test_runs_of_equal_lines_pair_their_braces_as_line_by_line(
        runs: list[tuple[str, int]]) -> None:
    """_closers takes a run of equal lines of one brace in one step: the pairs of a stack
    walked brace by brace (a `}` with nothing open pairs with nothing)."""
    lines = runs_of_lines(runs)
    expected: dict[tuple[int, int], tuple[int, int]] = {}
    stack: list[tuple[int, int]] = []
    for index, text in enumerate(lines):
        for col, ch in code_characters(text):
            if ch == "{":
                stack.append((index, col))
            elif ch == "}" and stack:
                expected[stack.pop()] = (index, col)
    assert _StatementParser(_Chunk(0, lines), "t.ainlp")._closers() == expected


@fuzz(400)
@given(st.lists(st.tuples(RUN_LINES, st.integers(1, 8)), max_size=16))
# more blocks closed out of line than left open: which are blamed depends on their order
@example([("}", 3), ('"{"', 2), ("    }", 2), ("x", 3), ("} {", 7), ("  COMMAND b {", 2),
          ('"{"', 2), ("}", 2)])
def test_runs_of_equal_lines_split_as_distinct_lines_do(runs: list[tuple[str, int]]) -> None:
    """_Splitter._block takes a run of equal lines of one brace in one step: the same blocks
    and diagnostics as for the lines made distinct by a comment each."""
    lines = runs_of_lines(runs)
    together = _Splitter("\n".join(lines))
    together.run()
    apart = _Splitter("\n".join(f"{text}  # {index}" for index, text in enumerate(lines)))
    apart.run()
    assert together.diagnostics == apart.diagnostics
    assert [(chunk.start, len(chunk.lines)) for chunk in together.chunks] == \
        [(chunk.start, len(chunk.lines)) for chunk in apart.chunks]
