"""Hostile scripts of a given size: brace floods and unterminated clauses (issue 12).

Shared by tests/test_language_fuzz.py (a bounded child must parse each) and
benchmarks/parse.py (which times them); plain Python, no test framework needed.
"""

from __future__ import annotations

FLOOD = 100_000


def floods(size: int = FLOOD) -> dict[str, str]:
    """Brace floods and unterminated clauses of `size` characters."""
    mistakes = "  oops x\n" * 30
    commands = ("CONTEXT a {\n" + "  COMMAND b { ACTION: f() }\n" * (size // 27 + 1))[
        :max(size - len(mistakes) - 2, 0)]
    return {
        "open-braces": "x " + "{" * (size - 2),
        "close-braces": "}" * size,
        "unterminated-export": ("CONTEXT a {\n  COMMAND b {\n"
                                + '    EXPORT: f(x={ "a\n' * (size // 20))[:size],
        "nested-blocks": ("CONTEXT a {\n" + "  COMMAND b {\n" * (size // 14))[:size],
        "brackets": ("CONTEXT a {\n COMMAND b {\n ACTION: f(x=" + "[" * size)[:size],
        "unterminated-strings": ("CONTEXT a {\n" + '  ACTION: f(x="abc\n' * (size // 19))[:size],
        "mixed": ('{ EXPORT: " } { [ ( \n' * (size // 20))[:size],
        "words": ("diagnose python path problems " * (size // 30))[:size],
        # a word, then a long run of spaces or of a comment's `#` before something unexpected:
        # a regex with many ways to split the run tries each (exponential) before giving up
        "spaced-word": ("CONTEXT a {\n  COMMAND b {\n  x" + " " * size)[:size - 1] + "%",
        "hashed-comment": ("CONTEXT a {\n  x #" + "#" * size)[:size - 2] + "\n%",
        # a `}` at another indent than the block it closes, under a deep stack of open blocks
        "stacked-braces": ("CONTEXT a {\n" + "{\n" * (size // 5) + " }\n" * (size // 5))[:size],
        # mistakes after 3,500 commands: Lark, which words each, read every command before it
        # again for each (8.6 s for 100 KB)
        "late-mistakes": (commands + "\n" + mistakes + "}")[:size],
    }
