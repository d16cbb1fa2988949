"""The one "did you mean": the candidates closest to a word, by difflib's similarity ratio."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["suggest"]


def suggest(word: str, candidates: Iterable[str], *, n: int = 1,
            cutoff: float = 0.6) -> list[str]:
    """Up to `n` candidates close to `word` (similarity at least `cutoff`, compared case-
    insensitively), best first, each in its own spelling; [] when none is close."""
    by_lower: dict[str, str] = {}
    for candidate in candidates:
        by_lower.setdefault(candidate.lower(), candidate)
    close = difflib.get_close_matches(word.lower(), list(by_lower), n=n, cutoff=cutoff)
    return [by_lower[match] for match in close]
