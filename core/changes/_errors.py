"""The error a change raises when the machine no longer matches what it recorded."""

from __future__ import annotations

from ainlp.core.errors import AinlpError


class ChangeConflict(AinlpError):
    """Undoing or restoring would overwrite something that changed or appeared since."""

    code = "change.conflict"
