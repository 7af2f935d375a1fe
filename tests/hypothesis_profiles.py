"""Hypothesis settings shared by every property-based test.

The default run is repeatable: the same examples every time, so CI cannot fail on a lucky draw. The long runs
explore new examples: `HYPOTHESIS_PROFILE=explore python -m pytest -m slow`. Health checks judge the
generators, not the code under test, and the fuzz strategies build large documents on purpose.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

FUZZ_HEALTH_CHECKS = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]

settings.register_profile("repeatable", derandomize=True, database=None, suppress_health_check=FUZZ_HEALTH_CHECKS)
settings.register_profile("explore", suppress_health_check=FUZZ_HEALTH_CHECKS)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))
