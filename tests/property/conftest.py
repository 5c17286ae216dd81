"""Hypothesis profiles for the property tests, chosen by SERVICEPLAN_HYPOTHESIS_PROFILE:

- `fast` (the default, what CI runs): a few dozen examples per command, derandomized (the same
  examples every run, so CI is reproducible), no example database written.
- `long` (on demand): at least 10,000 examples per command, random, with the example database
  (`.hypothesis/`), so a failure found once is replayed first next time.

    SERVICEPLAN_HYPOTHESIS_PROFILE=long python -m pytest tests/property -p no:cacheprovider

The profile is applied to the tests of this folder only (their decorators read it), not loaded
for the whole session: other hypothesis tests keep their own settings.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]

settings.register_profile(
    "serviceplan-fast",
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=_QUIET,
    print_blob=True,
)
settings.register_profile(
    "serviceplan-long",
    max_examples=10_000,
    deadline=None,
    derandomize=False,
    suppress_health_check=_QUIET,
    print_blob=True,
)
