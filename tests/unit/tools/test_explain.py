"""The data behind `explain` and `features`: lookup, reverse dependencies, filters, uses."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import pytest

from serviceplan.catalog import CATEGORIES, MAILBOX_PLAN, ORGANIZATION, Feature, load_catalog
from serviceplan.errors import UsageError
from serviceplan.pipeline import bundled_plans, compile_plans, explain_feature
from serviceplan.report import ReportOptions
from serviceplan.tools.explain import (
    PER_MAILBOX_COST,
    PER_TENANT_COST,
    cost,
    dependents,
    describe_requirement,
    feature_row,
    lookup,
    render_explain_json,
    render_explain_text,
    select_features,
    suggest,
    uses,
)
from serviceplan.tools.features_table import render_features_json, render_features_text

OPTIONS = ReportOptions(tool_version="9.9.9")


def csv_rows() -> list[dict[str, str]]:
    """The shipped catalogue read straight from its CSV, independently of catalog.py."""
    text = (resources.files("serviceplan.schemas") / "catalog" / "exchange2013.csv").read_text(
        encoding="utf-8"
    )
    return list(csv.DictReader(io.StringIO(text)))


def qualified(features: Iterable[Feature]) -> set[str]:
    return {f.qualified_name for f in features}


# --- lookup ----------------------------------------------------------------------------------


def test_exact_name_matches_exactly() -> None:
    match = lookup(load_catalog(), "MailboxCountQuota")
    assert match.how == "exact"
    assert qualified(match.features) == {"Organization/MailboxCountQuota"}


def test_a_name_in_any_case_matches() -> None:
    match = lookup(load_catalog(), "mailboxcountquota")
    assert match.how == "case"
    assert [f.name for f in match.features] == ["MailboxCountQuota"]


def test_documentation_spelling_finds_the_schema_name() -> None:
    # TechNet's "MailtipsEnabled" differs from the schema only in case, so it matches that way;
    # "AddressListEnabled" (a missing s) only the catalogue's documented spellings know
    match = lookup(load_catalog(), "MailtipsEnabled")
    assert [f.name for f in match.features] == ["MailTipsEnabled"]
    assert match.how == "case"
    alias = lookup(load_catalog(), "AddressListEnabled")
    assert alias.how == "alias"
    assert [f.name for f in alias.features] == ["AddressListsEnabled"]


@pytest.mark.parametrize("name", ["ActiveSyncPermissions", "EXOCoreFeatures"])
def test_a_name_of_both_scopes_gives_both_entries(name: str) -> None:
    match = lookup(load_catalog(), name)
    assert [f.scope for f in match.features] == [ORGANIZATION, MAILBOX_PLAN]
    assert {f.name for f in match.features} == {name}


def test_unknown_name_is_a_usage_error_with_did_you_mean() -> None:
    with pytest.raises(UsageError) as caught:
        lookup(load_catalog(), "MailboxCountQuta")
    assert caught.value.exit_code == 2
    assert "MailboxCountQuta" in caught.value.message
    assert "did you mean MailboxCountQuota" in caught.value.hint


def test_suggestions_include_documentation_spellings() -> None:
    assert "ProhibitSendReceiveMaiboxQuota" in suggest(load_catalog(), "ProhibitSendReceiveMailbox")


def test_nothing_close_points_at_the_listing() -> None:
    hint = suggest(load_catalog(), "Nope")
    assert "did you mean" not in hint
    assert "serviceplan features" in hint


# --- reverse dependencies --------------------------------------------------------------------


def test_reverse_dependencies_of_mailtips_enabled() -> None:
    catalog = load_catalog()
    feature = catalog.get(ORGANIZATION, "MailTipsEnabled")
    assert feature is not None
    found = {d.feature.qualified_name: d for d in dependents(catalog, feature)}
    # Organization's own clause says "MailTipsEnabled", the mailbox plan's "org.MailTipsEnabled"
    assert set(found) == {"Organization/MailTipsPermissions", "MailboxPlan/MailTipsPermissions"}
    assert found["MailboxPlan/MailTipsPermissions"].requirement.text == "org.MailTipsEnabled"


def test_reverse_dependencies_respect_the_scope() -> None:
    catalog = load_catalog()
    # UMPermissions exists in both scopes; a plain "UMPermissions" clause means the clause's own
    org, mailbox = (catalog.get(scope, "UMPermissions") for scope in (ORGANIZATION, MAILBOX_PLAN))
    assert org is not None
    assert mailbox is not None
    assert {d.feature.qualified_name for d in dependents(catalog, mailbox)} == {
        "MailboxPlan/UMCloudServicePermissions",
        "MailboxPlan/UMSMSMsgWaitingPermissions",
    }
    assert {d.feature.scope for d in dependents(catalog, org)} == {ORGANIZATION}
    assert len(dependents(catalog, org)) == 7
    outlook = catalog.get(MAILBOX_PLAN, "OutlookAnywhereEnabled")
    assert outlook is not None
    assert {d.feature.qualified_name for d in dependents(catalog, outlook)} == {
        "Organization/OfflineAddressBookEnabled",
        "Organization/OutlookAnywherePermissions",
    }


def test_reverse_dependencies_through_a_derived_value() -> None:
    catalog = load_catalog()
    feature = catalog.get(ORGANIZATION, "SkipToUAndParentalControlCheckEnabled")
    assert feature is not None
    found = dependents(catalog, feature)
    assert found
    assert {d.via for d in found} == {"PrivacyFeaturesAllowed"}
    assert "Organization/ApplicationImpersonationEnabled" in {
        d.feature.qualified_name for d in found
    }


def test_every_reverse_dependency_is_a_forward_one() -> None:
    catalog = load_catalog()
    for feature in catalog.features:
        for dependent in dependents(catalog, feature):
            assert dependent.requirement in dependent.feature.requires


# --- features: filters and rows --------------------------------------------------------------


@pytest.mark.parametrize("category", CATEGORIES)
def test_category_filter_is_exactly_what_the_csv_says(category: str) -> None:
    expected = [
        f"{row['scope']}/{row['name']}"
        for row in csv_rows()
        if category in row["categories"].split(";")
    ]
    got = [f.qualified_name for f in select_features(load_catalog(), category)]
    assert got == expected
    assert got  # every category has features


def test_category_counts_add_up_to_the_category_memberships() -> None:
    memberships = sum(len(row["categories"].split(";")) for row in csv_rows())
    catalog = load_catalog()
    assert sum(len(select_features(catalog, c)) for c in CATEGORIES) == memberships


def test_no_filter_is_the_whole_catalogue_in_order() -> None:
    got = [f.qualified_name for f in select_features(load_catalog())]
    assert got == [f"{row['scope']}/{row['name']}" for row in csv_rows()]
    assert len(got) == 165


def test_scope_and_hosting_filters() -> None:
    catalog = load_catalog()
    mailbox = select_features(catalog, scope=MAILBOX_PLAN)
    assert len(mailbox) == 47
    assert all(f.scope == MAILBOX_PLAN for f in mailbox)
    hosting = select_features(catalog, hosting_only=True)
    assert len(hosting) == sum(1 for row in csv_rows() if row["hosting"] == "yes")
    assert len(hosting) < 165


def test_feature_row_keys_and_values() -> None:
    feature = load_catalog().get(ORGANIZATION, "TeamMailboxCountQuota")
    assert feature is not None
    row = feature_row(feature)
    assert list(row) == [
        "scope",
        "group",
        "name",
        "type",
        "default",
        "categories",
        "hosting",
        "required",
        "requires",
    ]
    assert row["requires"] == [
        "value!=0: TeamMailboxPermissions",
        "value>=1001: !FastRecipientCountingDisabled",
    ]
    assert row["default"] == "0"


def test_features_renderers() -> None:
    features = select_features(load_catalog(), "MailboxPlanConfiguration")
    parsed = json.loads(render_features_json(features))
    assert [item["name"] for item in parsed] == [f.name for f in features]
    text = render_features_text(features)
    assert text.splitlines()[0].split()[:3] == ["Scope", "Group", "Name"]
    assert text.rstrip().endswith(f"{len(features)} features")


# --- words -----------------------------------------------------------------------------------


def test_update_cost_notes() -> None:
    assert (
        cost("MailboxPlanConfiguration")
        == PER_MAILBOX_COST
        == ("touches every mailbox on the plan")
    )
    assert {cost(c) for c in CATEGORIES[:-1]} == {PER_TENANT_COST}


def test_requirements_in_words() -> None:
    catalog = load_catalog()
    team = catalog.get(ORGANIZATION, "TeamMailboxCountQuota")
    assert team is not None
    words = [describe_requirement(catalog, team, r) for r in team.requires]
    assert words == [
        "when it is not 0, needs TeamMailboxPermissions on",
        "when it is 1001 or more, needs FastRecipientCountingDisabled off",
    ]
    outlook = catalog.get(MAILBOX_PLAN, "OutlookAnywhereEnabled")
    assert outlook is not None
    assert describe_requirement(catalog, outlook, outlook.requires[0]) == (
        "when on, needs ShowInAddressListsEnabled on in the same mailbox plan"
    )


# --- which plans set it ----------------------------------------------------------------------


def test_uses_list_every_plan_with_explicit_and_default_values() -> None:
    catalog = load_catalog()
    plans = compile_plans([bundled_plans()]).plans
    feature = catalog.get(ORGANIZATION, "MailboxCountQuota")
    assert feature is not None
    found = {u.plan: u for u in uses(plans, feature)}
    assert set(found) == {p.name for p in plans}
    small = found["SmallBusiness"].setting
    assert (small.value, small.is_default) == (250, False)
    assert small.location is not None
    assert Path(small.location.file).name == "SmallBusiness.serviceplan"
    accepted = catalog.get(ORGANIZATION, "AcceptedDomains")
    assert accepted is not None
    assert any(u.setting.is_default for u in uses(plans, accepted))


def test_uses_of_a_mailbox_plan_feature_list_each_mailbox_plan() -> None:
    catalog = load_catalog()
    plans = compile_plans([bundled_plans()]).plans
    feature = catalog.get(MAILBOX_PLAN, "OutlookAnywhereEnabled")
    assert feature is not None
    got = [(u.plan, u.section) for u in uses(plans, feature)]
    assert got == [(p.name, m.name) for p in plans for m in p.mailbox_plans]
    assert ("LargeBusiness", "Basic") in got


def test_explain_of_a_both_scope_name_renders_both() -> None:
    explanation = explain_feature("EXOCoreFeatures", [bundled_plans()])
    assert [e.feature.scope for e in explanation.entries] == [ORGANIZATION, MAILBOX_PLAN]
    text = render_explain_text(explanation, OPTIONS)
    assert "both scopes" in text
    assert text.count("Set in:") == 2
    document = json.loads(render_explain_json(explanation, OPTIONS))
    assert [f["scope"] for f in document["features"]] == [ORGANIZATION, MAILBOX_PLAN]


def test_explain_json_marks_explicit_and_default(small_business: str) -> None:
    line = next(
        number
        for number, text in enumerate(small_business.splitlines(), start=1)
        if "<OutlookAnywhereEnabled>" in text
    )
    document = json.loads(
        render_explain_json(explain_feature("OutlookAnywhereEnabled", [bundled_plans()]), OPTIONS)
    )
    rows = {(r["plan"], r["section"]): r for r in document["features"][0]["set_in"]}
    assert rows["SmallBusiness", "Standard"]["source"] == "explicit"
    assert rows["SmallBusiness", "Standard"]["line"] == line
    assert rows["LargeBusiness", "Basic"]["source"] == "default"
    assert rows["LargeBusiness", "Basic"]["value"] is False


def test_explain_shows_a_value_as_the_file_writes_it(tmp_path: Path, small_business: str) -> None:
    """`10 GB` in the file is `10 GB` in explain (not `10GB`), with its meaning in bytes."""
    assert "<ProhibitSendReceiveMaiboxQuota>2GB<" in small_business
    (tmp_path / "SmallBusiness.serviceplan").write_text(
        small_business.replace(
            "<ProhibitSendReceiveMaiboxQuota>2GB<", "<ProhibitSendReceiveMaiboxQuota>10 GB<"
        ),
        encoding="utf-8",
    )
    text = render_explain_text(
        explain_feature("ProhibitSendReceiveMaiboxQuota", [str(tmp_path)]), OPTIONS
    )
    assert re.search(r"^\s*SmallBusiness\s+Standard\s+10 GB = 10,737,418,240 bytes\s", text, re.M)
    document = json.loads(
        render_explain_json(
            explain_feature("ProhibitSendReceiveMaiboxQuota", [str(tmp_path)]), OPTIONS
        )
    )
    (use,) = document["features"][0]["set_in"]
    assert (use["text"], use["value"]) == ("10 GB", 10 * 1024**3)
