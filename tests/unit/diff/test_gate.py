"""diff/gate.py: the run fails for error findings, --fail-on categories and --exit-code, and
says which tripped and why (issue 12, item 6); it passes without a reason otherwise."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from _plan_edits import CATALOG, PLANS, REMAP, edit, remap
from serviceplan.catalog import ORGANIZATION
from serviceplan.diff.compare import diff_revisions
from serviceplan.diff.gate import ERRORS, EXIT_CODE, FAIL_ON, diff_gate
from serviceplan.model import Finding, FindingsReport, Location, Severity
from serviceplan.pipeline import DiffOptions, bundled_plans, diff_paths

MEDIUM_EDITED = edit(PLANS["MediumBusiness"], ORGANIZATION, "MailboxCountQuota", 250)
PLANS_EDITED = [MEDIUM_EDITED if p.name == "MediumBusiness" else p for p in PLANS.values()]


def _report(*findings: Finding) -> FindingsReport:
    return FindingsReport(("old", "new"), findings)


def test_no_reason_no_failure() -> None:
    diff = diff_revisions(PLANS.values(), PLANS_EDITED, REMAP, REMAP, CATALOG)
    gate = diff_gate(diff, _report(*diff.findings))  # SP605 is a warning
    assert not gate.failed and gate.reasons == ()
    gate = diff_gate(diff, _report(), frozenset({"MailboxPlanConfiguration"}))
    assert not gate.failed  # no change of that category


def test_fail_on_names_the_category_its_count_and_where() -> None:
    repointed = remap("Business,SmallOrg,MediumBusiness\n")
    old_remap = remap("Business,SmallOrg,SmallBusiness\n")
    diff = diff_revisions(PLANS.values(), PLANS_EDITED, old_remap, repointed, CATALOG)
    gate = diff_gate(diff, _report(), frozenset({"OrgWideConfiguration", "AdminPermissions"}))
    assert gate.failed
    assert [(r.kind, r.category) for r in gate.reasons] == [
        (FAIL_ON, "AdminPermissions"),  # cost order, cheapest first
        (FAIL_ON, "OrgWideConfiguration"),
    ]
    org = gate.reasons[1]
    assert org.count == diff.categories()["OrgWideConfiguration"] == 7
    assert org.plans == (
        ("MediumBusiness", "MediumBusiness", 1),
        ("SmallBusiness", "MediumBusiness", 6),
    )
    assert org.text == (
        "--fail-on OrgWideConfiguration tripped: 7 changes in OrgWideConfiguration "
        "(plan MediumBusiness, move SmallBusiness -> MediumBusiness)"
    )


def test_exit_code_says_what_differs() -> None:
    diff = diff_revisions(PLANS.values(), PLANS_EDITED, REMAP, REMAP, CATALOG)
    (reason,) = diff_gate(diff, _report(), exit_code=True).reasons
    assert (reason.kind, reason.count) == (EXIT_CODE, 1)
    assert reason.text == "--exit-code tripped: differences found (1 plan changed)"
    same = diff_revisions(PLANS.values(), PLANS.values(), REMAP, REMAP, CATALOG)
    assert not diff_gate(same, _report(), exit_code=True).failed


def _error(rule: str, line: int) -> Finding:
    return Finding(rule, Severity.ERROR, "m", Location("tenants.csv", line))


def test_errors_fail_the_run_by_rule() -> None:
    diff = diff_revisions(PLANS.values(), PLANS.values(), REMAP, REMAP, CATALOG)
    report = _report(_error("SP606", 3), _error("SP606", 4), _error("SP603", 1))
    (reason,) = diff_gate(diff, report).reasons
    assert (reason.kind, reason.count) == (ERRORS, 3)
    assert reason.text == "3 errors fail the run: SP603, SP606 x2 (see the findings)"
    (alone,) = diff_gate(None, _report(_error("SP107", 9))).reasons
    assert alone.text == (
        "1 error fails the run: SP107 (a side does not compile, so nothing was compared)"
    )


@pytest.fixture
def sides(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "old", tmp_path / "new"
    for side in (old, new):
        shutil.copytree(bundled_plans(), side, ignore=shutil.ignore_patterns("__*"))
    return old, new


def test_diff_paths_carries_the_gate(sides: tuple[Path, Path]) -> None:
    old, new = sides
    plan = new / "MediumBusiness.serviceplan"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace("<MailboxCountQuota>1000<", "<MailboxCountQuota>250<"))
    passing = diff_paths(DiffOptions(old=str(old), new=str(new)))
    assert not passing.gate.failed
    failing = diff_paths(
        DiffOptions(old=str(old), new=str(new), fail_on=frozenset({"OrgWideConfiguration"}))
    )
    assert [r.kind for r in failing.gate.reasons] == [FAIL_ON]


def test_a_due_move_never_trips_the_gate(sides: tuple[Path, Path]) -> None:
    """Issue 12, item 5: a tenant left behind on an older plan is no change of this diff."""
    old, new = sides
    tenants = old.parent / "tenants.csv"
    tenants.write_text(
        "name,domain,program_id,offer_id,plan,mailboxes,used.MailboxCountQuota\n"
        "Contoso,contoso.example,Business,MedOrg,LargeBusiness,4000,4000\n",
        encoding="utf-8",
    )
    outcome = diff_paths(
        DiffOptions(
            old=str(old),
            new=str(new),
            tenants=str(tenants),
            exit_code=True,
            fail_on=frozenset({"MailboxPlanConfiguration", "OrgWideConfiguration"}),
        )
    )
    assert outcome.impact is not None and len(outcome.impact.already_due) == 1
    assert outcome.report.findings == ()  # 4000 mailboxes over MediumBusiness's 1000: not ours
    assert not outcome.gate.failed


def test_fail_on_sees_every_category_a_change_carries() -> None:
    """AcceptedDomains regenerates admin roles too (OrgWideConfiguration, AdminPermissions):
    counted under OrgWideConfiguration, it must still trip --fail-on AdminPermissions."""
    small = PLANS["SmallBusiness"]
    edited = edit(small, ORGANIZATION, "AcceptedDomains", True)
    new = [edited if p.name == "SmallBusiness" else p for p in PLANS.values()]
    diff = diff_revisions(PLANS.values(), new, REMAP, REMAP, CATALOG)
    assert diff.categories() == {"OrgWideConfiguration": 1}
    (reason,) = diff_gate(diff, _report(), frozenset({"AdminPermissions"})).reasons
    assert (reason.category, reason.count, reason.plans) == (
        "AdminPermissions",
        1,
        (("SmallBusiness", "SmallBusiness", 1),),
    )
    assert reason.text == "--fail-on AdminPermissions tripped: 1 change in AdminPermissions " + (
        "(plan SmallBusiness)"
    )
