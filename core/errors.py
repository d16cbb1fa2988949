"""The one exception tree of AINLP.

AinlpError                 exit 1: an action failed
├── BadInput               exit 2: usage, script errors, unknown phrases, bad user files
│   └── ScriptError        exit 2: one or more errors in an .ainlp script, with places
├── StateError             exit 1: the state folder or a state file cannot be used
├── NotAvailable           exit 1: a capability that does not exist yet / here
└── Interrupted            exit 130
"""

from __future__ import annotations

from typing import ClassVar


class AinlpError(Exception):
    """Root of every error AINLP raises on purpose; front ends catch only this."""

    exit_code: ClassVar[int] = 1
    code: ClassVar[str] = "error"

    def __init__(self, message: str, *, hint: str | None = None, where: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.where = where

    def to_document(self) -> dict[str, object]:
        return {
            "error": {
                "code": self.code,
                "message": self.message,
                "hint": self.hint,
                "where": self.where,
            }
        }


class BadInput(AinlpError):
    exit_code = 2
    code = "input.invalid"


class ScriptError(BadInput):
    code = "script.invalid"


class StateError(AinlpError):
    code = "state.unusable"


class NotAvailable(AinlpError):
    code = "action.not-available"


class Interrupted(AinlpError):
    exit_code = 130
    code = "interrupted"
