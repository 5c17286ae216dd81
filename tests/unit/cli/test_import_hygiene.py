"""`serviceplan --version` and `--help` load no heavy stage (lxml, jinja2, deepdiff, xmlschema)."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("lxml", "jinja2", "deepdiff", "xmlschema", "serviceplan.pipeline")
PROBE = """
import sys
from serviceplan.cli import main
main({argv!r})
print(sorted(m for m in {heavy!r} if m in sys.modules))
"""


@pytest.mark.parametrize(
    "argv",
    [
        ["--version"],
        ["--help"],
        ["validate", "--help"],
        ["diff", "--help"],
        ["render", "--help"],
        ["matrix", "--help"],
    ],
)
def test_start_up_imports_no_heavy_module(argv: list[str]) -> None:
    code = PROBE.format(argv=argv, heavy=HEAVY)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip().splitlines()[-1] == "[]", run.stdout
