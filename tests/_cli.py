"""Run the serviceplan CLI in a child process, the way a user does.

One implementation for the acceptance tests: the `run_cli` fixture in tests/conftest.py hands
this function out, and tests that need it at import time (parametrize, hypothesis) import it
by name (`from _cli import run_cli`). The resource-limited runner in acceptance/_limits.py is
a different tool on purpose and does not use this one.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

SERVICEPLAN = (sys.executable, "-m", "serviceplan")
TIMEOUT = 120.0


def run_cli(
    *args: str,
    cwd: Path | str | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = TIMEOUT,
    encoding: str | None = None,
    check: bool = False,
) -> subprocess.CompletedProcess[str]:
    """`python -m serviceplan ARGS` with its output captured as text.

    `encoding=None` decodes with the locale's encoding, as `text=True` alone does; `env=None`
    inherits this process's environment.
    """
    return subprocess.run(
        [*SERVICEPLAN, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding=encoding,
        timeout=timeout,
        check=check,
    )
