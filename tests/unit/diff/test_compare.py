"""diff.py: each kind of change, each update category and the roll-up, the Update-ServicePlan
blockers (SP601-SP605), and what is not a change."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

import pytest

from _plan_edits import (
    CATALOG,
    DEFAULT,
    PLANS,
    REMAP,
    SAMPLES,
    edit,
    edit_mailbox_plan,
    remap,
    rules,
    value_of,
)
from serviceplan.catalog import CATEGORIES, ORGANIZATION
from serviceplan.diff.changes import (
    ADDED,
    DEFAULT_MOVED,
    MAILBOX_PLAN_ADDED,
    MAILBOX_PLAN_REINDEXED,
    MAILBOX_PLAN_REMOVED,
    MAILBOX_PLAN_RENAMED,
    MODIFIED,
    PILOT_CHANGED,
    PLAN_ADDED,
    PLAN_REMOVED,
    REMOVED,
    TEXTUAL,
    Change,
    PlanDiff,
    most_impactful,
)
from serviceplan.diff.compare import diff_files, diff_plans, diff_revisions
from serviceplan.diff.remap import ROW_ADDED, ROW_REMOVED, ROW_REPOINTED, diff_remaps
from serviceplan.errors import UsageError
from serviceplan.model import Location, ResolvedPlan
from serviceplan.pipeline import DiffOptions, bundled_plans, diff_paths
from serviceplan.values import parse_value

# --------------------------------------------------------------------------- settings


def test_identical_revisions_have_no_change() -> None:
    result = diff_revisions(SAMPLES.plans, SAMPLES.plans, REMAP, REMAP, CATALOG)
    assert result.plans == result.remap == result.transitions == result.findings == ()
    assert not result.changed
    assert result.category is None
    assert result.categories() == {}


def test_setting_added_removed_and_modified() -> None:
    small = PLANS["SmallBusiness"]
    new = edit(small, ORGANIZATION, "AcceptedDomains", True)  # not written before: added
    new = edit(new, ORGANIZATION, "MailTipsEnabled", DEFAULT)  # written before: removed
    new = edit(new, ORGANIZATION, "MailboxCountQuota", 300)
    new = edit(new, "Standard", "ProhibitSendReceiveMaiboxQuota", 3 << 30, "3GB")
    changes = {c.feature: c for c in diff_plans(small, new, CATALOG).changes}
    assert {name: (c.kind, c.old, c.new) for name, c in changes.items()} == {
        "AcceptedDomains": (ADDED, False, True),
        "MailTipsEnabled": (REMOVED, True, False),
        "MailboxCountQuota": (MODIFIED, 250, 300),
        "ProhibitSendReceiveMaiboxQuota": (MODIFIED, 2 << 30, 3 << 30),
    }
    added = changes["AcceptedDomains"]
    assert (added.old_text, added.new_text, added.old_location) == (None, "true", None)
    assert added.categories == CATALOG.scope(ORGANIZATION)["AcceptedDomains"].categories
    assert changes["MailTipsEnabled"].new_location is None
    assert changes["ProhibitSendReceiveMaiboxQuota"].scope == "Standard"
    assert changes["ProhibitSendReceiveMaiboxQuota"].plan == "SmallBusiness"


def test_textual_change_is_listed_only_when_asked() -> None:
    small = PLANS["SmallBusiness"]
    new = edit(small, "Standard", "ProhibitSendReceiveMaiboxQuota", 2 << 30, "2048MB")
    assert diff_plans(small, new, CATALOG).changes == ()
    (change,) = diff_plans(small, new, CATALOG, textual=True).changes
    assert (change.kind, change.old_text, change.new_text) == (TEXTUAL, "2GB", "2048MB")
    assert (change.categories, change.category, change.cost) == ((), None, "none")


def test_writing_a_default_explicitly_is_not_a_change() -> None:
    small = PLANS["SmallBusiness"]
    new = edit(small, ORGANIZATION, "AcceptedDomains", False)  # the default, now written
    assert diff_plans(small, new, CATALOG).changes == ()
    (change,) = diff_plans(small, new, CATALOG, textual=True).changes
    assert (change.kind, change.old_text, change.new_text) == (TEXTUAL, None, "false")
    assert change.category is None


def test_equal_but_differently_typed_values_are_a_change() -> None:
    small = PLANS["SmallBusiness"]
    new = edit(small, ORGANIZATION, "MailTipsEnabled", 1, "1")  # an int where a bool was
    (change,) = diff_plans(small, new, CATALOG).changes
    assert change.kind == MODIFIED


# --------------------------------------------------------------------------- plans and remap


def test_plan_added_and_removed() -> None:
    old = [PLANS["SmallBusiness"], PLANS["MediumBusiness"]]
    new = [PLANS["MediumBusiness"], PLANS["LargeBusiness"]]
    result = diff_revisions(old, new, REMAP, REMAP, CATALOG)
    assert [(d.old, d.new, [c.kind for c in d.changes]) for d in result.plans] == [
        (None, "LargeBusiness", [PLAN_ADDED]),
        ("SmallBusiness", None, [PLAN_REMOVED]),
    ]
    added = result.plans[0]
    assert added.new_source == PLANS["LargeBusiness"].source and added.old_source is None
    assert added.changes[0].new_location == Location(PLANS["LargeBusiness"].source)
    assert added.category is None and not added.in_place
    assert result.changed and result.categories() == {}


def test_plans_are_matched_ignoring_case() -> None:
    medium = PLANS["MediumBusiness"]
    result = diff_revisions(
        [medium], [replace(medium, name="mediumbusiness")], REMAP, REMAP, CATALOG
    )
    assert result.plans == ()


def test_remap_rows_added_removed_repointed() -> None:
    old = remap(
        "Business,SmallOrg,SmallBusiness\nBusiness,MedOrg,MediumBusiness\n"
        "Business,LargeOrg,LargeBusiness\n"
    )
    new = remap(
        "business,smallorg,MediumBusiness\nBusiness,MedOrg,mediumbusiness\n"
        "Hosting,AllFeatures,HostingAllFeatures\n"
    )
    changes = diff_remaps(old, new)
    assert [(c.kind, c.program_id, c.offer_id, c.old_plan, c.new_plan) for c in changes] == [
        (ROW_REMOVED, "Business", "LargeOrg", "LargeBusiness", None),
        (ROW_REPOINTED, "business", "smallorg", "SmallBusiness", "MediumBusiness"),
        (ROW_ADDED, "Hosting", "AllFeatures", None, "HostingAllFeatures"),
    ]
    repointed = changes[1]
    assert repointed.old_location == Location("ServicePlanHostingRemap.csv", 1)
    assert repointed.new_location == Location("ServicePlanHostingRemap.csv", 1)


def test_a_repoint_gives_one_transition_per_plan_pair() -> None:
    old = remap(
        "Business,SmallOrg,SmallBusiness\nBusiness,TinyOrg,SmallBusiness\n"
        "Business,MedOrg,MediumBusiness\n"
    )
    new = remap(
        "Business,SmallOrg,MediumBusiness\nBusiness,TinyOrg,MediumBusiness\n"
        "Business,MedOrg,MediumBusiness\n"
    )
    plans = [PLANS["SmallBusiness"], PLANS["MediumBusiness"]]
    result = diff_revisions(plans, plans, old, new, CATALOG)
    assert result.plans == ()
    assert len(result.remap) == 2
    (move,) = result.transitions
    assert (move.old, move.new, move.in_place) == ("SmallBusiness", "MediumBusiness", False)
    assert move.changes  # Medium differs from Small
    assert not any(f.rule == "SP605" for f in move.findings)
    assert result.categories() == _counts(move)


def _counts(plan_diff: PlanDiff) -> dict[str, int]:
    counts: dict[str, int] = {}
    for change in plan_diff.changes:
        if change.category:
            counts[change.category] = counts.get(change.category, 0) + 1
    return counts


# --------------------------------------------------------------------------- mailbox plans


def test_mailbox_plan_added() -> None:
    large = PLANS["LargeBusiness"]
    extra = replace(large.mailbox_plans[2], name="Extra", index=7, provision_as_default=False)
    new = replace(large, mailbox_plans=(*large.mailbox_plans, extra))
    plan_diff = diff_plans(large, new, CATALOG)
    (change,) = plan_diff.changes
    assert (change.kind, change.scope, change.category) == (
        MAILBOX_PLAN_ADDED,
        "Extra",
        "MailboxPlanSatellite",
    )
    assert rules(plan_diff) == ["SP605"]  # edited in place; nothing blocks the update


def test_mailbox_plan_removed_blocks_the_update() -> None:
    large = PLANS["LargeBusiness"]
    new = replace(large, mailbox_plans=large.mailbox_plans[:2])
    plan_diff = diff_plans(large, new, CATALOG)
    assert [(c.kind, c.scope) for c in plan_diff.changes] == [(MAILBOX_PLAN_REMOVED, "Basic")]
    assert rules(plan_diff) == ["SP603"]
    assert plan_diff.findings[0].severity.value == "error"


def test_mailbox_plan_renamed_blocks_the_update() -> None:
    large = PLANS["LargeBusiness"]
    new = edit_mailbox_plan(large, "Basic", name="Light")
    new = edit(new, "Light", "ProhibitSendReceiveMaiboxQuota", 3 << 30, "3GB")
    plan_diff = diff_plans(large, new, CATALOG)
    kinds = [(c.kind, c.scope, c.feature) for c in plan_diff.changes]
    assert kinds == [
        (MAILBOX_PLAN_RENAMED, "Light", ""),
        (MODIFIED, "Light", "ProhibitSendReceiveMaiboxQuota"),
    ]
    renamed = plan_diff.changes[0]
    assert (renamed.old, renamed.new) == ("Basic", "Light")
    assert rules(plan_diff) == ["SP601", "SP605"]


def test_mailbox_plan_reindexed_blocks_the_update() -> None:
    large = PLANS["LargeBusiness"]
    plan_diff = diff_plans(large, edit_mailbox_plan(large, "Basic", index=5), CATALOG)
    (change,) = plan_diff.changes
    assert (change.kind, change.scope, change.old, change.new) == (
        MAILBOX_PLAN_REINDEXED,
        "Basic",
        2,
        5,
    )
    assert rules(plan_diff) == ["SP602"]


def test_mailbox_plans_are_matched_by_name_not_position() -> None:
    large = PLANS["LargeBusiness"]
    new = replace(large, mailbox_plans=tuple(reversed(large.mailbox_plans)))
    assert diff_plans(large, new, CATALOG, textual=True).changes == ()


def test_default_mailbox_plan_moved() -> None:
    large = PLANS["LargeBusiness"]
    new = edit_mailbox_plan(
        edit_mailbox_plan(large, "Premium", provision_as_default=False),
        "Standard",
        provision_as_default=True,
    )
    plan_diff = diff_plans(large, new, CATALOG)
    (change,) = plan_diff.changes
    assert (change.kind, change.old, change.new, change.category) == (
        DEFAULT_MOVED,
        "Premium",
        "Standard",
        "OrgWideConfiguration",
    )
    assert rules(plan_diff) == ["SP605"]


def test_renaming_the_default_mailbox_plan_does_not_move_the_default() -> None:
    large = PLANS["LargeBusiness"]
    plan_diff = diff_plans(large, edit_mailbox_plan(large, "Premium", name="Gold"), CATALOG)
    assert [(c.kind, c.old, c.new) for c in plan_diff.changes] == [
        (MAILBOX_PLAN_RENAMED, "Premium", "Gold")
    ]


def test_mailbox_plan_names_are_case_sensitive() -> None:
    """Update-ServicePlan needs the same Name: a change of case is a rename, and blocks."""
    large = PLANS["LargeBusiness"]
    plan_diff = diff_plans(large, edit_mailbox_plan(large, "Basic", name="basic"), CATALOG)
    assert [(c.kind, c.old, c.new) for c in plan_diff.changes] == [
        (MAILBOX_PLAN_RENAMED, "Basic", "basic")
    ]
    assert "SP601" in rules(plan_diff)


def test_pilot_flag_turned_on_is_a_change() -> None:
    large = PLANS["LargeBusiness"]
    plan_diff = diff_plans(large, edit_mailbox_plan(large, "Basic", is_pilot=True), CATALOG)
    (change,) = plan_diff.changes
    assert (change.kind, change.scope, change.old, change.new, change.category) == (
        PILOT_CHANGED,
        "Basic",
        False,
        True,
        "OrgWideConfiguration",
    )


# --------------------------------------------------------------------------- categories


ONE_CATEGORY = [  # a hosting feature carrying exactly this one category
    ("AdminPermissions", ORGANIZATION, "AddressBookPolicyPermissions"),
    ("RoleGroupRoleAssignment", ORGANIZATION, "ApplicationImpersonationEnabled"),
    ("OrgWideConfiguration", ORGANIZATION, "AutoForwardEnabled"),
    ("MailboxPlanPermissions", "Premium", "ImapPermissions"),
    ("MailboxPlanRoleAssignment", "Premium", "AutoGroupPermissions"),
    ("MailboxPlanSatellite", "Premium", "SkipResetPasswordOnFirstLogonEnabled"),
    ("MailboxPlanConfiguration", "Premium", "EwsEnabled"),
]


def test_the_table_covers_every_category() -> None:
    assert sorted(category for category, _, _ in ONE_CATEGORY) == sorted(CATEGORIES)


@pytest.mark.parametrize(("category", "scope", "feature"), ONE_CATEGORY)
def test_each_update_category(category: str, scope: str, feature: str) -> None:
    section = ORGANIZATION if scope == ORGANIZATION else "MailboxPlan"
    catalogued = CATALOG.get(section, feature)
    assert catalogued is not None and catalogued.categories == (category,)
    large = PLANS["LargeBusiness"]
    new = edit(large, scope, feature, not value_of(large, scope, feature))
    result = diff_revisions([large], [new], REMAP, REMAP, CATALOG)
    (plan_diff,) = result.plans
    (change,) = plan_diff.changes
    per_mailbox = category == "MailboxPlanConfiguration"
    assert (change.category, change.per_mailbox) == (category, per_mailbox)
    assert change.cost == ("per-mailbox" if per_mailbox else "constant")
    assert plan_diff.category == result.category == category
    assert result.categories() == {category: 1}
    assert plan_diff.per_mailbox_scopes() == (
        frozenset({"premium"}) if per_mailbox else frozenset()
    )


def test_most_impactful_follows_the_cost_order() -> None:
    assert most_impactful([]) is None
    for cheaper, costlier in pairwise(CATEGORIES):
        assert most_impactful([costlier, cheaper]) == costlier
        assert most_impactful([cheaper, costlier]) == costlier


def test_a_feature_with_several_categories_counts_under_its_costliest() -> None:
    catalogued = CATALOG.get(ORGANIZATION, "MessageTrackingPermissions")
    assert catalogued is not None
    assert set(catalogued.categories) == {
        "OrgWideConfiguration",
        "AdminPermissions",
        "RoleGroupRoleAssignment",
    }
    medium = PLANS["MediumBusiness"]
    new = edit(
        medium,
        ORGANIZATION,
        "MessageTrackingPermissions",
        not value_of(medium, ORGANIZATION, "MessageTrackingPermissions"),
    )
    result = diff_revisions([medium], [new], REMAP, REMAP, CATALOG)
    (change,) = result.plans[0].changes
    assert change.categories == catalogued.categories
    assert change.category == "OrgWideConfiguration"
    assert result.categories() == {"OrgWideConfiguration": 1}  # counted once


def test_the_costliest_change_wins_per_plan_and_overall() -> None:
    large, medium = PLANS["LargeBusiness"], PLANS["MediumBusiness"]
    new_large = edit(large, ORGANIZATION, "AddressBookPolicyPermissions", False)
    new_large = edit(new_large, "Basic", "EwsEnabled", True)
    new_medium = edit(
        medium,
        ORGANIZATION,
        "AutoForwardEnabled",
        not value_of(medium, ORGANIZATION, "AutoForwardEnabled"),
    )
    result = diff_revisions([large, medium], [new_large, new_medium], REMAP, REMAP, CATALOG)
    by_name = {d.name: d for d in result.plans}
    assert by_name["LargeBusiness"].category == "MailboxPlanConfiguration"
    assert by_name["MediumBusiness"].category == "OrgWideConfiguration"
    assert result.category == "MailboxPlanConfiguration"
    assert result.categories() == {
        "AdminPermissions": 1,
        "MailboxPlanConfiguration": 1,
        "OrgWideConfiguration": 1,
    }


# --------------------------------------------------------------------------- SP604, SP605


def _forbidden(old: ResolvedPlan, new: ResolvedPlan) -> list[str]:
    return [f.message for f in diff_plans(old, new, CATALOG).findings if f.rule == "SP604"]


def _single(plan: str = "SmallBusiness") -> ResolvedPlan:
    return PLANS[plan]


@pytest.mark.parametrize("old_value", [False, True])
def test_any_change_of_per_mailbox_plan_owa_policy_is_refused(old_value: bool) -> None:
    old = edit(_single(), ORGANIZATION, "PerMBXPlanOWAPolicyEnabled", old_value)
    new = edit(old, ORGANIZATION, "PerMBXPlanOWAPolicyEnabled", not old_value)
    (message,) = _forbidden(old, new)
    assert "PerMBXPlanOWAPolicyEnabled" in message


def test_role_assignment_policy_off_to_on_is_refused() -> None:
    old = _single()
    (message,) = _forbidden(
        old, edit(old, ORGANIZATION, "PerMBXPlanRoleAssignmentPolicyEnabled", True)
    )
    assert "cannot be turned on" in message


def test_role_assignment_policy_on_to_off_is_refused_only_with_several_mailbox_plans() -> None:
    large = PLANS["LargeBusiness"]  # three mailbox plans, the policy on
    assert value_of(large, ORGANIZATION, "PerMBXPlanRoleAssignmentPolicyEnabled") is True
    off = edit(large, ORGANIZATION, "PerMBXPlanRoleAssignmentPolicyEnabled", DEFAULT)
    (message,) = _forbidden(large, off)
    assert "several mailbox plans" in message
    single_on = edit(_single(), ORGANIZATION, "PerMBXPlanRoleAssignmentPolicyEnabled", True)
    assert _forbidden(single_on, _single()) == []


def test_retention_policy_change_is_refused_when_the_new_plan_has_several_mailbox_plans() -> None:
    large = PLANS["LargeBusiness"]
    on = edit(large, ORGANIZATION, "PerMBXPlanRetentionPolicyEnabled", True)
    assert len(_forbidden(large, on)) == 1
    assert len(_forbidden(on, large)) == 1
    small = _single()
    assert (
        _forbidden(small, edit(small, ORGANIZATION, "PerMBXPlanRetentionPolicyEnabled", True)) == []
    )


@pytest.mark.parametrize(
    "feature",
    [
        "ShareableConfigurationEnabled",
        "CommonHydrateableObjectsSharedEnabled",
        "AdvancedHydrateableObjectsSharedEnabled",
    ],
)
def test_shared_configuration_flags_cannot_be_turned_on(feature: str) -> None:
    small = _single()
    on = edit(small, ORGANIZATION, feature, True)
    (message,) = _forbidden(small, on)
    assert f"{feature} cannot be turned on" in message
    assert _forbidden(on, small) == []  # on -> off is allowed


def test_a_forbidden_transition_is_found_on_a_repoint_too() -> None:
    small = _single()
    medium = edit(PLANS["MediumBusiness"], ORGANIZATION, "PerMBXPlanOWAPolicyEnabled", True)
    old = remap("Business,SmallOrg,SmallBusiness\n")
    new = remap("Business,SmallOrg,MediumBusiness\n")
    result = diff_revisions([small, PLANS["MediumBusiness"]], [small, medium], old, new, CATALOG)
    assert [f.rule for f in result.transitions[0].findings] == ["SP604"]
    assert "SP604" in [f.rule for f in result.findings]


def test_an_edit_in_place_is_said_plainly() -> None:
    medium = PLANS["MediumBusiness"]
    new = edit(medium, ORGANIZATION, "MailboxCountQuota", 250)
    plan_diff = diff_plans(medium, new, CATALOG)
    assert plan_diff.in_place
    (finding,) = plan_diff.findings
    assert (finding.rule, finding.severity.value) == ("SP605", "warning")
    assert "only new tenants" in finding.message
    assert value_of(medium, ORGANIZATION, "PublicFoldersEnabled") is False  # not written
    textual_only = edit(medium, ORGANIZATION, "PublicFoldersEnabled", False)
    textual = diff_plans(medium, textual_only, CATALOG, textual=True)
    assert [c.kind for c in textual.changes] == [TEXTUAL]
    assert textual.findings == ()  # nothing reaches anyone: no SP605


# --------------------------------------------------------------------------- files


@pytest.fixture
def sides(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    old, new = tmp_path / "old", tmp_path / "new"
    for side in (old, new):
        shutil.copytree(bundled_plans(), side, ignore=shutil.ignore_patterns("__*"))
    yield old, new


def _rewrite(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def test_formatting_comments_and_defaults_are_not_changes(sides: tuple[Path, Path]) -> None:
    old, new = sides
    small = new / "SmallBusiness.serviceplan"
    _rewrite(small, "<MailTipsEnabled>true<", "<MailTipsEnabled> 1 <")
    _rewrite(small, ">2GB<", ">2048MB<")
    _rewrite(small, "<!-- Quota elements -->", "<!-- quotas, reviewed -->")
    _rewrite(
        small,
        "    <AddressListsEnabled>",
        "    <AcceptedDomains>false</AcceptedDomains>\n    <AddressListsEnabled>",
    )
    outcome = diff_paths(DiffOptions(old=str(old), new=str(new)))
    assert outcome.report.findings == ()
    assert outcome.diff is not None and not outcome.diff.changed
    textual = diff_paths(DiffOptions(old=str(old), new=str(new), textual=True)).diff
    assert textual is not None
    (plan_diff,) = textual.plans
    assert sorted((c.feature, c.kind) for c in plan_diff.changes) == [
        ("AcceptedDomains", TEXTUAL),
        ("MailTipsEnabled", TEXTUAL),
        ("ProhibitSendReceiveMaiboxQuota", TEXTUAL),
    ]
    assert plan_diff.category is None and textual.categories() == {}
    assert plan_diff.findings == ()  # no SP605 for a change that changes nothing


def test_mailbox_plan_reordering_is_not_a_change(sides: tuple[Path, Path]) -> None:
    old, new = sides
    large = new / "LargeBusiness.serviceplan"
    text = large.read_text(encoding="utf-8")
    head, _, rest = text.partition("    <!-- Same Name")
    standard, _, rest = rest.partition("    </MailboxPlan>\n")
    large.write_text(
        head
        + rest.replace(
            "  </MailboxPlans>",
            "    <!-- Same Name" + standard + "    </MailboxPlan>\n  </MailboxPlans>",
        ),
        encoding="utf-8",
    )
    outcome = diff_paths(DiffOptions(old=str(old), new=str(new)))
    assert outcome.report.findings == ()
    assert outcome.diff is not None and not outcome.diff.changed
    assert large.read_text(encoding="utf-8") != text


def test_a_comment_only_edit_is_no_change_even_with_textual(sides: tuple[Path, Path]) -> None:
    """Comments leave no trace in the compiled model (verify-copies reports such drift)."""
    old, new = sides
    _rewrite(new / "SmallBusiness.serviceplan", "<!-- Quota elements -->", "<!-- quotas -->")
    outcome = diff_paths(DiffOptions(old=str(old), new=str(new), textual=True))
    assert outcome.diff is not None and not outcome.diff.changed


def test_a_compile_error_on_one_side_gives_no_diff(sides: tuple[Path, Path]) -> None:
    old, new = sides
    _rewrite(new / "SmallBusiness.serviceplan", "<MailTipsEnabled>true<", "<MailTipsEnabled>yes<")
    outcome = diff_paths(DiffOptions(old=str(old), new=str(new)))
    assert outcome.diff is None and outcome.impact is None
    assert outcome.report.errors >= 1


def _plan_file(path: Path, old: str = "", new: str = "") -> Path:
    """The SmallBusiness sample saved as `path`, with one text replaced."""
    text = (Path(bundled_plans()) / "SmallBusiness.serviceplan").read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_two_plan_files_with_different_names_are_a_move() -> None:
    """Issue 12, item 4: not "SmallBusiness edited in place" with an SP605 warning."""
    small = Path(bundled_plans()) / "SmallBusiness.serviceplan"
    medium = Path(bundled_plans()) / "MediumBusiness.serviceplan"
    diff = diff_paths(DiffOptions(old=str(small), new=str(medium))).diff
    assert diff is not None
    assert diff.plans == () and diff.remap == ()
    (move,) = diff.transitions
    assert (move.old, move.new, move.in_place) == ("SmallBusiness", "MediumBusiness", False)
    assert diff.file_moves == (move,) and diff.changed
    direct = diff_plans(PLANS["SmallBusiness"], PLANS["MediumBusiness"], CATALOG)
    assert move.changes == direct.changes
    assert diff.findings == ()  # no SP605: nothing is edited in place
    assert diff.categories()["MailboxPlanConfiguration"] == 5


def test_two_plan_files_with_the_same_name_are_an_edit_in_place(tmp_path: Path) -> None:
    small = Path(bundled_plans()) / "SmallBusiness.serviceplan"
    other = _plan_file(
        tmp_path / "SmallBusiness.serviceplan", "<MailboxCountQuota>250<", "<MailboxCountQuota>300<"
    )
    diff = diff_paths(DiffOptions(old=str(small), new=str(other))).diff
    assert diff is not None and diff.transitions == () and diff.file_moves == ()
    (plan_diff,) = diff.plans
    assert plan_diff.in_place
    assert [(c.feature, c.old, c.new) for c in plan_diff.changes] == [
        ("MailboxCountQuota", 250, 300)
    ]
    assert [f.rule for f in diff.findings] == ["SP605"]


def test_a_plan_file_move_hits_the_update_blockers() -> None:
    """A move is what Update-ServicePlan does for a repointed tenant: SP604 applies."""
    on = edit(PLANS["MediumBusiness"], ORGANIZATION, "PerMBXPlanOWAPolicyEnabled", True)
    result = diff_files(PLANS["SmallBusiness"], on, CATALOG)
    assert [f.rule for f in result.findings] == ["SP604"]
    assert "(SmallBusiness to MediumBusiness)" in result.findings[0].message
    assert result.transitions[0].findings == result.findings


def test_two_plan_files_with_the_same_settings_are_no_change(tmp_path: Path) -> None:
    small = Path(bundled_plans()) / "SmallBusiness.serviceplan"
    copy = _plan_file(tmp_path / "SmallBusiness2.serviceplan")
    diff = diff_paths(DiffOptions(old=str(small), new=str(copy), exit_code=True))
    assert diff.diff is not None and not diff.diff.changed
    assert [(m.old, m.new, m.changes) for m in diff.diff.file_moves] == [
        ("SmallBusiness", "SmallBusiness2", ())
    ]
    assert not diff.gate.failed


def test_tenants_need_a_remap_on_one_side(tmp_path: Path) -> None:
    """Two plan files hold no remap: every tenant would be SP505, the change's fault."""
    small = Path(bundled_plans()) / "SmallBusiness.serviceplan"
    medium = Path(bundled_plans()) / "MediumBusiness.serviceplan"
    tenants = tmp_path / "tenants.csv"
    tenants.write_text("name,domain,program_id,offer_id\nA,a.example,Business,SmallOrg\n")
    with pytest.raises(UsageError, match=r"neither side has a ServicePlanHostingRemap\.csv"):
        diff_paths(DiffOptions(old=str(small), new=str(medium), tenants=str(tenants)))


def test_per_mailbox_scopes_of_an_organization_feature_is_every_mailbox_plan() -> None:
    change = Change("P", ORGANIZATION, "X", MODIFIED, categories=("MailboxPlanConfiguration",))
    assert PlanDiff("P", "P", "a", "a", (change,), ()).per_mailbox_scopes() is None


def test_bytes_parse_as_the_sample_writes_them() -> None:  # guards the edit() values above
    assert parse_value("bytes", "2GB") == 2 << 30
    assert value_of(PLANS["SmallBusiness"], "Standard", "ProhibitSendReceiveMaiboxQuota") == 2 << 30
