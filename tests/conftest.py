"""Suite-wide policy: under CI a skipped test is a failure.

Tests that need a real component (a PostgreSQL server, a browser) skip with the reason on a
developer machine without it; CI starts or installs each one, so a skip there means a
component was not started and the suite proves less than it says.
"""

from __future__ import annotations

import os
from collections.abc import Generator

import pytest


def skips_fail() -> bool:
    return os.environ.get("CI", "").lower() == "true"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.skipped and skips_fail() and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, where every test must run: {reason}"
    return report
