"""`parse`: the one place a text becomes a phrase's Intent or a Script (light: no actions)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ainlp.core.errors import BadInput
from ainlp.language import read_document, read_text

if TYPE_CHECKING:
    from ainlp.core.jsondoc import JSONObject
    from ainlp.language.ast import Intent, Script


def _said(text: str) -> None:
    if not text.strip():
        raise BadInput("nothing to parse", hint='say a phrase: "list python interpreters"')


def parse(text: str, *, source: str = "<text>") -> Intent | Script:
    """A phrase's Intent, or the Script of a block (syntax only: `check_script` checks it)."""
    _said(text)
    return read_text(text, source)


def parse_document(text: str, *, source: str = "<text>") -> JSONObject:
    """`parse(text).to_json()`: what `ainlp parse --json` and the service's `parse` answer."""
    _said(text)
    return read_document(text, source)
