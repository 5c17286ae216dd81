"""impact.py: what a diff means per tenant: mailboxes to update, tenants Update-ServicePlan
skips, usage over new limits (SP606), pairs the new remap no longer maps (SP505)."""

from __future__ import annotations

from plan_edits import CATALOG, PLANS, edit, remap, rules

from serviceplan.catalog import ORGANIZATION
from serviceplan.diff import diff_revisions
from serviceplan.impact import ImpactReport, tenant_impact
from serviceplan.inventory import parse_inventory
from serviceplan.model import Location, ResolvedPlan

BUSINESS = (
    "Business,SmallOrg,SmallBusiness\nBusiness,MedOrg,MediumBusiness\n"
    "Business,LargeOrg,LargeBusiness\nHosting,AllFeatures,HostingAllFeatures\n"
)
COLUMNS = (
    "name,domain,program_id,offer_id,plan,mailboxes,mailboxes.Standard,mailboxes.Premium,"
    "mailboxes.Basic,used.MailboxCountQuota,used.ProhibitSendReceiveMaiboxQuota\n"
)
BUSINESS_PLANS = [
    PLANS[name]
    for name in ("SmallBusiness", "MediumBusiness", "LargeBusiness", "HostingAllFeatures")
]


def impact_of(
    new_plans: list[ResolvedPlan],
    rows: str,
    new_remap: str = BUSINESS,
    old_plans: list[ResolvedPlan] = BUSINESS_PLANS,
    old_remap: str = BUSINESS,
    textual: bool = False,
) -> ImpactReport:
    remaps = (remap(old_remap), remap(new_remap))
    result = diff_revisions(old_plans, new_plans, *remaps, CATALOG, textual=textual)
    inventory = parse_inventory(COLUMNS + rows, "tenants.csv", CATALOG)
    assert inventory.findings == ()
    return tenant_impact(
        result, inventory.tenants, "tenants.csv", (old_plans, new_plans), remaps, CATALOG
    )


def replaced(plan: ResolvedPlan) -> list[ResolvedPlan]:
    return [plan if p.name == plan.name else p for p in BUSINESS_PLANS]


def _large_mailbox_edit(*scopes: str) -> list[ResolvedPlan]:
    large = PLANS["LargeBusiness"]
    for scope in scopes:
        large = edit(large, scope, "ProhibitSendReceiveMaiboxQuota", 8 << 30, "8GB")
    return replaced(large)


def test_mailboxes_to_update_come_from_per_mailbox_plan_counts() -> None:
    report = impact_of(
        _large_mailbox_edit("Premium", "Basic"),
        "Alpine,alpine.example,Business,LargeOrg,,100,60,30,10,,\n",
    )
    (tenant,) = report.tenants
    assert (tenant.mailboxes, tenant.estimated) == (40, False)
    assert (tenant.old_plan, tenant.new_plan, tenant.skipped) == (
        "LargeBusiness",
        "LargeBusiness",
        True,
    )
    assert tenant.category == "MailboxPlanConfiguration"
    # edited in place: Update-ServicePlan skips the tenant, so its mailboxes are counted apart
    assert (report.mailboxes, report.estimated, report.unreached) == (0, False, 0)
    assert report.skipped == (tenant,)


def test_the_total_stands_in_as_an_estimate_when_counts_are_missing() -> None:
    report = impact_of(
        _large_mailbox_edit("Premium"),
        "Alpine,alpine.example,Business,LargeOrg,,100,60,,,,\n"
        "Woodgrove,woodgrove.example,Business,LargeOrg,,50,,5,,,\n",
    )
    assert [(t.tenant.name, t.mailboxes, t.estimated) for t in report.tenants] == [
        ("Alpine", 100, True),
        ("Woodgrove", 5, False),
    ]
    assert (report.mailboxes, report.estimated) == (0, True)  # both skipped: edited in place
    assert sum(t.mailboxes for t in report.skipped) == 105


def test_known_counts_are_kept_when_the_total_is_missing() -> None:
    report = impact_of(
        _large_mailbox_edit("Premium", "Basic"),
        "Alpine,alpine.example,Business,LargeOrg,,,,30,,,\n",
    )
    (tenant,) = report.tenants
    assert tenant.estimated and tenant.mailboxes >= 30


def test_constant_cost_changes_update_no_mailbox() -> None:
    medium = edit(PLANS["MediumBusiness"], ORGANIZATION, "MailboxCountQuota", 2000)
    report = impact_of(
        replaced(medium),
        "Fabrikam,fabrikam.example,Business,MedOrg,,800,800,,,,\n"
        "Contoso,contoso.example,Hosting,AllFeatures,,10,,,,,\n",
    )
    (tenant,) = report.tenants
    assert (tenant.tenant.name, tenant.mailboxes, tenant.estimated) == ("Fabrikam", 0, False)
    assert tenant.category == "OrgWideConfiguration"
    assert report.unreached == 1  # Contoso: nothing changed on its plan
    assert report.findings == ()


def test_usage_above_a_new_mailbox_count_quota() -> None:
    medium = edit(PLANS["MediumBusiness"], ORGANIZATION, "MailboxCountQuota", 250)
    report = impact_of(
        replaced(medium),
        "Small,small.example,Business,MedOrg,,200,200,,,200,\n"
        "Fabrikam,fabrikam.example,Business,MedOrg,,800,800,,,800,\n",
    )
    (finding,) = report.findings
    assert (finding.rule, finding.location) == ("SP606", Location("tenants.csv", 3))
    assert "Fabrikam uses 800 against a new limit of 250" in finding.message
    assert "MailboxCountQuota" in finding.message


def test_usage_above_a_shrinking_mailbox_quota() -> None:
    report = impact_of(
        _large_mailbox_edit("Premium"),
        "Alpine,alpine.example,Business,LargeOrg,,100,60,40,,,9GB\n"
        "Tailspin,tailspin.example,Business,LargeOrg,,10,10,0,,,9GB\n"
        "Litware,litware.example,Business,LargeOrg,,10,,10,,,7GB\n",
    )
    (finding,) = report.findings
    assert (finding.rule, finding.location.line) == ("SP606", 2)
    assert "9GB against a new limit of 8GB" in finding.message
    assert "mailbox plan Premium" in finding.message


def test_a_tenant_left_behind_on_an_older_plan_is_reached() -> None:
    repointed = BUSINESS.replace("SmallOrg,SmallBusiness", "SmallOrg,MediumBusiness")
    report = impact_of(
        BUSINESS_PLANS,
        "Contoso,contoso.example,Business,SmallOrg,SmallBusiness,"
        "20,20,,,,\nNewcomer,new.example,Business,SmallOrg,,5,5,,,,\n",
        new_remap=repointed,
        old_remap=repointed,
    )
    (tenant,) = report.tenants  # the remap did not change in this diff, the tenant's plan did
    assert (tenant.tenant.name, tenant.old_plan, tenant.new_plan, tenant.skipped) == (
        "Contoso",
        "SmallBusiness",
        "MediumBusiness",
        False,
    )
    assert (tenant.plan_diff.old, tenant.plan_diff.new) == ("SmallBusiness", "MediumBusiness")
    assert tenant.category == "MailboxPlanConfiguration" and tenant.mailboxes == 20
    assert report.unreached == 1  # Newcomer is on MediumBusiness already


def test_the_plan_column_wins_over_the_old_remap() -> None:
    repointed = BUSINESS.replace("SmallOrg,SmallBusiness", "SmallOrg,MediumBusiness")
    report = impact_of(
        BUSINESS_PLANS,
        "Contoso,contoso.example,Business,SmallOrg,LargeBusiness,20,20,,,,\n",
        new_remap=repointed,
    )
    (tenant,) = report.tenants
    assert (tenant.old_plan, tenant.new_plan) == ("LargeBusiness", "MediumBusiness")
    assert "SP603" in rules(tenant.plan_diff)  # Premium and Basic are not in MediumBusiness


def test_a_tenant_whose_pair_the_new_remap_no_longer_maps() -> None:
    shrunk = BUSINESS.replace("Business,SmallOrg,SmallBusiness\n", "")
    report = impact_of(
        BUSINESS_PLANS, "Contoso,contoso.example,Business,SmallOrg,,20,20,,,,\n", new_remap=shrunk
    )
    (finding,) = report.findings
    assert (finding.rule, finding.location) == ("SP505", Location("tenants.csv", 2))
    assert "Contoso" in finding.message
    assert report.tenants == ()


def test_textual_changes_reach_no_tenant() -> None:
    medium = edit(PLANS["MediumBusiness"], ORGANIZATION, "PublicFoldersEnabled", False)
    rows = "Fabrikam,fabrikam.example,Business,MedOrg,,800,800,,,,\n"
    assert impact_of(replaced(medium), rows).unreached == 1
    report = impact_of(replaced(medium), rows, textual=True)
    assert (report.tenants, report.unreached) == ((), 1)
