"""Suite-wide policy: under CI a skipped test is a failure.

Also `run_cli`, the fixture that runs the CLI in a child process (one implementation: _cli.py).

Tests that need a real component (a PostgreSQL server, a browser) skip with the reason on a
developer machine without it; CI starts or installs each one, so a skip there means a
component was not started and the suite proves less than it says.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Generator

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


@pytest.fixture
def run_cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """`run_cli("validate", ".", cwd=folder)`: the CLI in a child process (see tests/_cli.py)."""
    # imported here, not at the top: the skip policy above must load without its siblings
    # (tests/project/test_ci.py runs this file alone); tests/ is on sys.path as conftest's
    # own folder, as acceptance/ is for _limits
    from _cli import run_cli as run

    return run


@pytest.fixture
def postgres_url() -> Generator[str, None, None]:
    """A throwaway PostgreSQL database's URL (with its password); skips without a server."""
    from _postgres import throwaway_database

    with throwaway_database() as url:
        yield url
