"""The AINLP language: grammar loading, the AST, the phrase matcher and script parsing.

Nothing is imported until used: `parse_text` on a plain phrase never loads Lark.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not `from typing import ...`: typing costs a cold `ainlp parse` 3 ms

if TYPE_CHECKING:
    from ainlp.language.ast import Intent, Script

__all__ = ["parse_text"]


def parse_text(text: str, source: str = "<text>") -> Intent | Script:
    """A phrase's Intent, or the Script of a text that is a block or script.

    A single line that is not keyword-led is a phrase (the grammar would make it one phrase
    statement; the shortcut spares loading the grammar). Anything else goes through the grammar:
    if that yields exactly one phrase statement, its Intent is returned. Raises ScriptError
    (with every diagnostic in `details`) when a block has syntax errors.
    """
    from ainlp.language.normalise import is_plain_phrase
    from ainlp.language.phrases import match_phrase

    if is_plain_phrase(text):
        return match_phrase(text.strip())
    from ainlp.language.ast import Phrase
    from ainlp.language.diagnostics import error_from
    from ainlp.language.script import parse_script

    script, diagnostics = parse_script(text, source)
    if diagnostics:
        raise error_from(diagnostics, source, text)
    if len(script.statements) == 1 and isinstance(script.statements[0], Phrase) \
            and "\n" not in text.strip():
        return match_phrase(script.statements[0].text)
    return script
