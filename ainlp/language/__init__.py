"""The AINLP language: grammar loading, the AST, the phrase matcher and script parsing.

Nothing is imported until used: `parse_text` on a plain phrase never loads Lark.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ainlp.language.normalise import is_plain_phrase
from ainlp.language.phrases import match_phrase, phrase_document

# lazy: ainlp.language.annotate 8.0 ms, ainlp.language.diagnostics 9.4 ms,
# lazy: ainlp.language.script 15.3 ms, ainlp.language.ast 8.0 ms
# (python -X importtime after the modules a cold `ainlp parse PHRASE` loads: a phrase needs
# none of them)

if TYPE_CHECKING:
    from ainlp.core.jsondoc import JSONObject
    from ainlp.language.ast import Intent, Script

__all__ = ["parse_text", "read_document", "read_text"]


def read_text(text: str, source: str = "<text>") -> Intent | Script:
    """The one place that tells a phrase from a script: a phrase's Intent, or the Script (each
    phrase's intent filled in) of a block or script. ScriptError on syntax errors.

    A single line that is not keyword-led is a phrase (the grammar would make it one phrase
    statement; the shortcut spares loading the grammar).
    """

    if is_plain_phrase(text):
        return match_phrase(text.strip())
    from ainlp.language.annotate import with_intents
    from ainlp.language.diagnostics import error_from
    from ainlp.language.script import parse_script

    script, diagnostics = parse_script(text, source)
    if diagnostics:
        raise error_from(diagnostics, source, text)
    return with_intents(script)


def read_document(text: str, source: str = "<text>") -> JSONObject:
    """`read_text(text, source).to_json()`; a phrase's document is built without loading the
    AST module (a fifth of a cold `ainlp parse PHRASE --json`; a test keeps them identical)."""
    if is_plain_phrase(text):
        return phrase_document(text.strip())
    return read_text(text, source).to_json()


def parse_text(text: str, source: str = "<text>") -> Intent | Script:
    """As `read_text`, but a one-line text the grammar reads as one phrase statement ("run the
    health check") is that phrase's Intent."""
    from ainlp.language.ast import Phrase, Script

    read = read_text(text, source)
    if isinstance(read, Script) and len(read.statements) == 1 \
            and isinstance(read.statements[0], Phrase) and "\n" not in text.strip():
        intent = read.statements[0].intent
        assert intent is not None  # read_text fills every phrase's intent
        return intent
    return read
