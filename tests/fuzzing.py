"""Hypothesis settings for the suite's property tests: reproducible by default, exploring on demand.

By default every run tries the same inputs (`derandomize`), so the suite's verdict on a commit is
the same on a contributor's machine and in CI, and a failure found once is found again. New
inputs are searched for deliberately: `AINLP_FUZZ=explore pytest tests/test_language_fuzz.py`
draws fresh random inputs, twenty times as many; what it finds becomes an `@example` or a
flood in tests/floods.py.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

EXPLORE_FACTOR = 20


def fuzz(max_examples: int) -> settings:
    """Settings for a property test of `max_examples` inputs (more, and random, when exploring)."""
    exploring = os.environ.get("AINLP_FUZZ") == "explore"
    return settings(
        max_examples=max_examples * (EXPLORE_FACTOR if exploring else 1),
        derandomize=not exploring,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
