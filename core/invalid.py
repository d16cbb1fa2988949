"""What a pydantic ValidationError says, in one line for a person: the place and the problem.

Every reader of untrusted documents (snapshots, bundle manifests, state rows, `--json`
documents read back) words its errors with this, so they all read alike. pydantic is not
imported here: the error object is handed in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError


def summary(exc: ValidationError, limit: int = 3) -> str:
    """The first `limit` problems as "where: what", and how many more there are."""
    problems = exc.errors(include_url=False)
    parts = []
    for problem in problems[:limit]:
        where = ".".join(str(part) for part in problem.get("loc", ())) or "(document)"
        parts.append(f"{where}: {problem.get('msg', 'invalid')}")
    more = len(problems) - limit
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")
