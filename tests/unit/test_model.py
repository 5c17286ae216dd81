"""SP605's hint names the plan to save an edit under: the trailing number plus one, past
the names already taken."""

from __future__ import annotations

from dataclasses import replace

import pytest

from _plan_edits import CATALOG, PLANS, edit
from serviceplan.catalog import ORGANIZATION
from serviceplan.diff.compare import diff_plans, diff_revisions
from serviceplan.model import next_plan_name


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("SmallBusiness", "SmallBusiness2"),
        ("SmallBusiness2", "SmallBusiness3"),
        ("SmallBusiness9", "SmallBusiness10"),
        ("Plan09", "Plan10"),
        ("Plan2024v3", "Plan2024v4"),
        ("2024", "2025"),
    ],
)
def test_next_plan_name(name: str, expected: str) -> None:
    assert next_plan_name(name) == expected


def test_sp605_hint_increments_a_trailing_number() -> None:
    old = replace(PLANS["SmallBusiness"], name="SmallBusiness2")
    new = edit(old, ORGANIZATION, "MailboxCountQuota", 300)
    (finding,) = diff_plans(old, new, CATALOG).findings
    assert finding.rule == "SP605"
    assert "(e.g. SmallBusiness3)" in finding.hint
    assert "SmallBusiness22" not in finding.hint


def test_next_plan_name_skips_names_that_exist() -> None:
    assert next_plan_name("SmallBusiness", {"smallbusiness2", "smallbusiness3"}) == "SmallBusiness4"


def test_sp605_hint_never_names_a_plan_that_exists() -> None:
    old = PLANS["SmallBusiness"]
    taken = replace(PLANS["MediumBusiness"], name="SmallBusiness2")
    new = edit(old, ORGANIZATION, "MailboxCountQuota", 300)
    result = diff_revisions([old, taken], [new, taken], (), (), CATALOG)
    (finding,) = [f for f in result.findings if f.rule == "SP605"]
    assert "(e.g. SmallBusiness3)" in finding.hint
