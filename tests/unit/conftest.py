"""Fixtures shared by the unit tests (fixtures only: test modules import nothing from here)."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path
from textwrap import dedent

import pytest

from serviceplan.catalog import load_catalog
from serviceplan.model import Finding
from serviceplan.plan.load import build_document, parse_plan_xml
from serviceplan.rules.plan import read_plan

PlanCheck = Callable[..., list[Finding]]


@pytest.fixture
def check() -> PlanCheck:
    """`check(source, ("SP101", 4), ...)`: run the domain rules on an inline plan.

    The source is dedented and its leading newline dropped, so line 1 is the line after the
    opening quotes. Asserts that the (rule id, line) pairs are exactly the expected ones (in
    any order) and returns the findings for further assertions on messages.
    """

    def run(source: str, *expected: tuple[str, int]) -> list[Finding]:
        text = dedent(source).lstrip("\n")
        root, problems = parse_plan_xml(text.encode("utf-8"), "t.serviceplan")
        assert problems == []
        assert root is not None
        document = build_document(root, "t.serviceplan", "t")
        findings, _ = read_plan(document, load_catalog())
        got = sorted((finding.rule, finding.location.line) for finding in findings)
        assert got == sorted(expected), [
            f"{f.rule} {f.location.line} {f.message}" for f in findings
        ]
        return findings

    return run


@pytest.fixture
def samples_folder() -> Path:
    """The valid sample plans and remap shipped in the package."""
    return Path(str(resources.files("serviceplan.serviceplans")))


@pytest.fixture
def small_business(samples_folder: Path) -> str:
    """The text of the shipped SmallBusiness.serviceplan (a short, valid plan)."""
    return (samples_folder / "SmallBusiness.serviceplan").read_text(encoding="utf-8")
