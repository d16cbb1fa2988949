"""The topics `--topic` accepts: intents.md's plus the families of the checks."""

from __future__ import annotations

TOPICS: tuple[str, ...] = (
    "path", "pip", "packages", "ssl", "venv", "conda", "pyenv", "permissions",
    "shell", "env", "interpreter", "windows", "macos", "state",
)
