"""Reading TOML: `tomllib` on Python 3.11+, `tomli` (the same parser, a dependency on 3.10)
before, so that what AINLP reads does not differ by Python version."""

from __future__ import annotations

import sys
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # mypy checks as 3.10 from a 3.11 venv, where tomli is not installed
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

__all__ = ["loads"]


def loads(text: str) -> dict[str, Any]:
    """The TOML document `text` as a dict; ValueError (TOMLDecodeError) when it is not TOML."""
    data: dict[str, Any] = tomllib.loads(text)
    return data
