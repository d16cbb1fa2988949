"""The public exception tree (defined in the engine) and how the CLI reports errors."""

from __future__ import annotations

import sys
import traceback

from ainlp.core import jsondoc
from ainlp.core.errors import (
    AinlpError,
    BadInput,
    Interrupted,
    NotAvailable,
    ScriptError,
    StateError,
)

__all__ = [
    "AinlpError",
    "BadInput",
    "Interrupted",
    "NotAvailable",
    "ScriptError",
    "StateError",
    "report_error",
]


def one_line(error: AinlpError) -> str:
    where = f"{error.where}: " if error.where else ""
    hint = f" (hint: {error.hint})" if error.hint else ""
    return f"ainlp: {where}{error.message}{hint}"


def report_error(exc: BaseException, *, debug: bool, json_mode: bool) -> int:
    """One line on stderr (and one JSON document with --json); the traceback only with --debug."""
    if debug:
        traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
    if isinstance(exc, AinlpError):
        error = exc
    else:
        error = AinlpError(
            f"internal error: {type(exc).__name__}: {exc}",
            hint="run again with --debug for the traceback, and report it",
        )
    if json_mode:
        print(jsondoc.dumps(error.to_document()))
    detail = getattr(error, "details", None)
    if detail and not json_mode:
        print(detail, file=sys.stderr)
    print(one_line(error), file=sys.stderr)
    return error.exit_code
