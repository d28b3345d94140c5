"""Hypothesis profiles for the fuzz tests: a bounded budget by default (CI), a long run by hand.

    pytest tests/fuzz                                   # "ci": a few seconds per property
    QUOTEBOT_FUZZ=long pytest tests/fuzz --hypothesis-show-statistics   # ~20x the inputs

The statistics flag prints how many inputs each property tried.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

COMMON = {
    "deadline": None,
    "derandomize": False,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    "print_blob": True,
}
settings.register_profile("ci", max_examples=150, **COMMON)
settings.register_profile("long", max_examples=3000, **COMMON)
settings.load_profile(os.environ.get("QUOTEBOT_FUZZ", "ci"))
