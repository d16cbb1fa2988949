"""Script diagnostics: what is wrong and where, rendered as `file:line:col: message` with a caret.

The rendering is exact and deterministic (golden tests compare it): for each diagnostic, sorted by
place, the header line, the offending source line as written, a caret line under the column (the
line's own tabs kept so the caret lines up), and `  hint: ...` when there is a hint.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ainlp.core.errors import ScriptError
from ainlp.core.jsondoc import JSONObject
from ainlp.language.ast import Span
from ainlp.language.display import printable

__all__ = ["Diagnostic", "ScriptDiagnosticsError", "error_from", "format_diagnostics", "sort_key"]


@dataclass(frozen=True)
class Diagnostic:
    code: str  # "script.syntax", "script.unterminated-string", "script.unknown-action", ...
    message: str
    span: Span
    hint: str | None = None

    def to_json(self) -> JSONObject:
        return {"code": self.code, "message": self.message, "hint": self.hint,
                "span": self.span.to_json()}


# Source lines longer than this are shown as a window of this many characters around the column.
SHOWN_WIDTH = 160


def sort_key(diag: Diagnostic) -> tuple[int, int, str, str]:
    return (diag.span.line, diag.span.column, diag.code, diag.message)


def where(diag: Diagnostic, source_name: str) -> str:
    return f"{source_name}:{diag.span.line}:{diag.span.column}"


def _caret_line(line: str, column: int) -> str:
    prefix = line[: max(column - 1, 0)]
    pad = "".join(ch if ch == "\t" else " " for ch in prefix)
    pad += " " * max(column - 1 - len(prefix), 0)  # a column past the end of the line
    return pad + "^"


def format_diagnostic(diag: Diagnostic, source_name: str, lines: Sequence[str]) -> str:

    out = [f"{where(diag, source_name)}: {diag.message}"]
    if 1 <= diag.span.line <= len(lines):
        line = lines[diag.span.line - 1].rstrip("\r\n")
        column = diag.span.column
        if len(line) > SHOWN_WIDTH:  # a window around the column, not a 100 KB line per error
            start = max(0, min(column - 1 - SHOWN_WIDTH // 2, len(line) - SHOWN_WIDTH))
            end = start + SHOWN_WIDTH
            line = ("…" if start else "") + line[start:end] + ("…" if end < len(line) else "")
            column = column - start + (1 if start else 0)
        # Shown with its control characters escaped; the caret goes under the escaped text.
        shown_before = printable(line[: max(column - 1, 0)])
        out.append(printable(line))
        out.append(_caret_line(shown_before, len(shown_before) + 1 + max(
            column - 1 - len(line), 0)))
    if diag.hint:
        out.append(f"  hint: {diag.hint}")
    return "\n".join(out)


def format_diagnostics(diags: Sequence[Diagnostic], source_name: str, text: str) -> str:
    """Every diagnostic, in source order, as text for a terminal (no trailing newline)."""
    lines = text.split("\n")
    return "\n".join(format_diagnostic(d, source_name, lines) for d in sorted(diags, key=sort_key))


class ScriptDiagnosticsError(ScriptError):
    """A ScriptError that carries every diagnostic; `details` is their formatted text."""

    def __init__(self, diagnostics: Sequence[Diagnostic], source_name: str, text: str) -> None:
        ordered = sorted(diagnostics, key=sort_key)
        first = ordered[0]
        more = len(ordered) - 1
        message = first.message
        if more:
            message += f" (and {more} more error{'s' if more > 1 else ''})"
        super().__init__(message, hint=first.hint, where=where(first, source_name))
        # The instance attribute shadows the class's generic "script.invalid" code.
        self.__dict__["code"] = first.code
        self.diagnostics = tuple(ordered)
        self.details = format_diagnostics(ordered, source_name, text)

    def to_document(self) -> dict[str, object]:
        doc = super().to_document()
        error = doc["error"]
        assert isinstance(error, dict)
        error["diagnostics"] = [d.to_json() for d in self.diagnostics]
        return doc


def error_from(diags: Sequence[Diagnostic], source_name: str, text: str) -> ScriptError:
    """The error to raise for a script with these diagnostics (at least one)."""
    if not diags:
        raise ValueError("error_from needs at least one diagnostic")
    return ScriptDiagnosticsError(diags, source_name, text)
