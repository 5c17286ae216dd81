"""impact.py: what a diff means per tenant: mailboxes to update, tenants Update-ServicePlan
skips, usage over new limits (SP606), pairs the new remap no longer maps (SP505)."""

from __future__ import annotations

from dataclasses import replace

from _plan_edits import CATALOG, PLANS, edit, remap, rules
from serviceplan.catalog import ORGANIZATION
from serviceplan.diff.compare import diff_revisions
from serviceplan.diff.impact import ImpactReport, tenant_impact
from serviceplan.model import Location, ResolvedPlan
from serviceplan.tenants.inventory import parse_inventory, stream_text

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
    """The impact of the tenants held, checked against the same tenants streamed (only those
    it needs built, the others counted)."""
    remaps = (remap(old_remap), remap(new_remap))
    result = diff_revisions(old_plans, new_plans, *remaps, CATALOG, textual=textual)
    inventory = parse_inventory(COLUMNS + rows, "tenants.csv", CATALOG)
    assert inventory.findings == ()
    revisions = (old_plans, new_plans)
    held = tenant_impact(result, inventory.tenants, "tenants.csv", revisions, remaps, CATALOG)
    stream = stream_text(COLUMNS + rows, "tenants.csv", CATALOG)
    streamed = tenant_impact(result, stream, "tenants.csv", revisions, remaps, CATALOG)
    assert streamed == held
    return held


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
    # both skipped (edited in place): nothing to update, so not "~0" either
    assert (report.mailboxes, report.estimated) == (0, False)
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


REPOINTED = BUSINESS.replace("SmallOrg,SmallBusiness", "SmallOrg,MediumBusiness")


def test_a_move_due_before_the_change_is_not_its_cost() -> None:
    """Issue 12, item 5: `diff old/ old/` with a tenant left behind on an older plan said
    "No changes." and "20 mailboxes to update"; that move was due before, not caused."""
    report = impact_of(
        BUSINESS_PLANS,
        "Contoso,contoso.example,Business,SmallOrg,SmallBusiness,"
        "20,20,,,,\nNewcomer,new.example,Business,SmallOrg,,5,5,,,,\n",
        new_remap=REPOINTED,
        old_remap=REPOINTED,
    )
    assert report.tenants == () and report.mailboxes == 0 and report.unreached == 2
    (due,) = report.already_due
    assert (due.tenant.name, due.old_plan, due.due_plan, due.new_plan) == (
        "Contoso",
        "SmallBusiness",
        "MediumBusiness",
        "MediumBusiness",
    )
    assert (due.mailboxes, due.estimated) == (20, False)
    assert (report.due_mailboxes, report.due_estimated) == (20, False)


def test_usage_over_a_due_plan_limit_is_no_finding_of_the_change() -> None:
    """A tenant on MediumBusiness that the remap already sends to SmallBusiness (250
    mailboxes) with 800 in use: a problem the change did not make, so it fails no gate."""
    moved_back = BUSINESS.replace("MedOrg,MediumBusiness", "MedOrg,SmallBusiness")
    rows = "Fabrikam,fabrikam.example,Business,MedOrg,MediumBusiness,800,800,,,800,\n"
    report = impact_of(BUSINESS_PLANS, rows, new_remap=moved_back, old_remap=moved_back)
    assert report.findings == () and report.tenants == ()
    assert [due.tenant.name for due in report.already_due] == ["Fabrikam"]
    repointed_now = impact_of(BUSINESS_PLANS, rows, new_remap=moved_back)  # this change's
    assert [f.rule for f in repointed_now.findings] == ["SP606"]
    assert repointed_now.already_due == ()


def test_an_edit_of_the_due_plan_counts_only_what_it_adds() -> None:
    """Contoso is on SmallBusiness, the remap already sends it to MediumBusiness, and this
    change edits MediumBusiness: the move is due already; the change costs what it adds to
    that update (a setting it did not already change to that value), and no mailbox the
    update touched already."""
    medium = edit(PLANS["MediumBusiness"], ORGANIZATION, "MailboxCountQuota", 250)  # = Small's
    medium = edit(medium, "Standard", "ProhibitSendReceiveMaiboxQuota", 1 << 30, "1GB")
    report = impact_of(
        replaced(medium),
        "Contoso,contoso.example,Business,SmallOrg,SmallBusiness,20,20,,,,1.5GB\n",
        new_remap=REPOINTED,
        old_remap=REPOINTED,
    )
    (tenant,) = report.tenants
    assert tenant.due_plan == "MediumBusiness" and not tenant.skipped
    assert [(c.feature, c.old, c.new) for c in tenant.plan_diff.changes] == [
        ("ProhibitSendReceiveMaiboxQuota", 2 << 30, 1 << 30)  # MailboxCountQuota: not changed
    ]
    assert (tenant.mailboxes, report.mailboxes) == (0, 0)  # Standard's were due already
    assert [(d.tenant.name, d.mailboxes) for d in report.already_due] == [("Contoso", 20)]
    (finding,) = report.findings  # the new 1GB is this change's: 1.5GB in use
    assert finding.rule == "SP606" and "1536MB against a new limit of 1GB" in finding.message


def test_mailboxes_the_due_update_did_not_touch_are_the_changes() -> None:
    """The due move changed Organization settings only; the edit adds a per-mailbox change:
    those mailboxes are this change's cost, and the due move's are 0."""
    small = PLANS["SmallBusiness"]
    due_to = replace(edit(small, ORGANIZATION, "MailboxCountQuota", 1000), name="MediumBusiness")
    edited = edit(due_to, "Standard", "ProhibitSendReceiveMaiboxQuota", 1 << 30, "1GB")
    old_plans = [small, due_to, PLANS["LargeBusiness"], PLANS["HostingAllFeatures"]]
    new_plans = [small, edited, PLANS["LargeBusiness"], PLANS["HostingAllFeatures"]]
    report = impact_of(
        new_plans,
        "Contoso,contoso.example,Business,SmallOrg,SmallBusiness,20,20,,,,\n",
        new_remap=REPOINTED,
        old_plans=old_plans,
        old_remap=REPOINTED,
    )
    (tenant,) = report.tenants
    assert [c.feature for c in tenant.plan_diff.changes] == ["ProhibitSendReceiveMaiboxQuota"]
    assert (tenant.mailboxes, report.mailboxes) == (20, 20)
    assert [(d.tenant.name, d.mailboxes) for d in report.already_due] == [("Contoso", 0)]


def test_a_repoint_back_to_the_tenants_plan_cancels_its_due_move() -> None:
    """Fabrikam is on MediumBusiness while the old remap says SmallBusiness; the change
    points the row back at MediumBusiness: nothing is due any more, nothing is caused."""
    old_remap = BUSINESS.replace("MedOrg,MediumBusiness", "MedOrg,SmallBusiness")
    report = impact_of(
        BUSINESS_PLANS,
        "Fabrikam,fabrikam.example,Business,MedOrg,MediumBusiness,800,800,,,,\n",
        old_remap=old_remap,
    )
    assert report.tenants == report.already_due == () and report.unreached == 1


def test_the_plan_column_wins_over_the_old_remap() -> None:
    report = impact_of(
        BUSINESS_PLANS,
        "Contoso,contoso.example,Business,SmallOrg,LargeBusiness,20,20,,,,\n",
        new_remap=REPOINTED,
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


def test_a_tenant_on_an_unknown_plan_is_said_not_counted_unreached() -> None:
    """A typo in the `plan` column made the tenant silently "not reached"."""
    medium = edit(PLANS["MediumBusiness"], ORGANIZATION, "MailboxCountQuota", 250)
    report = impact_of(
        replaced(medium),
        "Fabrikam,fabrikam.example,Business,MedOrg,MediumBusines,800,800,,,800,\n"
        "Newcomer,new.example,Business,NewOrg,,5,5,,,,\n",
        new_remap=BUSINESS + "Business,NewOrg,MediumBusiness\n",
    )
    assert report.tenants == () and report.unreached == 0
    assert [(f.rule, f.severity.value, f.location.line) for f in report.findings] == [
        ("SP607", "warning", 2),
        ("SP607", "warning", 3),
    ]
    assert "its plan MediumBusines is no plan of the old revision" in report.findings[0].message
    assert "no `plan` and the old remap maps no line" in report.findings[1].message


def test_a_stream_builds_only_the_tenants_the_report_names() -> None:
    """Tenants no change reaches are judged and counted by the reader, never built: only the
    reached, the due and the unknown ones come through."""
    medium = edit(PLANS["MediumBusiness"], ORGANIZATION, "MailboxCountQuota", 250)
    new_remap = BUSINESS.replace("Business,SmallOrg,SmallBusiness\n", "")
    rows = (
        "Fabrikam,fabrikam.example,Business,MedOrg,,800,800,,,,\n"  # reached
        "Alpine,alpine.example,Business,LargeOrg,,100,60,30,10,,\n"  # not reached
        "Tailspin,tailspin.example,Business,LargeOrg,,5,,,,,\n"  # not reached
        "Contoso,contoso.example,Business,SmallOrg,,20,20,,,,\n"  # its pair no longer mapped
        "Woodgrove,w.example,Business,LargeOrg,MediumBusiness,7,,,,,\n"  # due, not reached
    )
    remaps = (remap(BUSINESS), remap(new_remap))
    revisions = (BUSINESS_PLANS, replaced(medium))
    result = diff_revisions(*revisions, *remaps, CATALOG)
    stream = stream_text(COLUMNS + rows, "tenants.csv", CATALOG)
    report = tenant_impact(result, stream, "tenants.csv", revisions, remaps, CATALOG)
    assert stream.passed == 2 and report.unreached == 3  # Woodgrove is built: it was due
    assert [t.tenant.name for t in report.tenants] == ["Fabrikam"]
    assert [d.tenant.name for d in report.already_due] == ["Woodgrove"]
    assert [f.rule for f in report.findings] == ["SP505"]
    assert all(not t.tenant.fields for t in report.tenants)  # no row of cells kept
