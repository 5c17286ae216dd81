from __future__ import annotations

import pytest

from serviceplan.catalog import (
    CATEGORIES,
    MAILBOX_PLAN,
    ORGANIZATION,
    TYPES,
    Condition,
    Target,
    load_catalog,
    parse_catalog,
    parse_requires,
)
from serviceplan.errors import CatalogError
from serviceplan.rules.dependencies import requirement_split
from serviceplan.values import UNLIMITED

HEADER = (
    "scope,group,name,type,values,minimum,maximum,default,categories,hosting,required,"
    "requires,aliases,description\n"
)
GOOD_ROWS = (
    "Organization,global,Alpha,boolean,,,,false,OrgWideConfiguration,yes,no,,,\n"
    "Organization,global,Beta,boolean,,,,false,AdminPermissions,yes,no,Alpha,,\n"
    "MailboxPlan,quota,Size,bytes,,,,,MailboxPlanConfiguration,yes,yes,org.Alpha,,\n"
)


def row(
    name: str = "Gamma",
    *,
    scope: str = "Organization",
    type_: str = "boolean",
    categories: str = "OrgWideConfiguration",
    requires: str = "",
) -> str:
    return f"{scope},global,{name},{type_},,,,,{categories},yes,no,{requires},,\n"


# the shipped catalogue


def test_catalogue_has_165_features_118_organization_47_mailbox_plan() -> None:
    catalog = load_catalog()
    assert catalog.name == "exchange2013"
    assert len(catalog.features) == 165
    assert len(catalog.scope(ORGANIZATION)) == 118
    assert len(catalog.scope(MAILBOX_PLAN)) == 47


def test_catalogue_is_loaded_once() -> None:
    assert load_catalog() is load_catalog()


def test_unknown_catalogue_name_is_a_catalog_error() -> None:
    with pytest.raises(CatalogError, match="no catalogue named 'exchange1999'"):
        load_catalog("exchange1999")


@pytest.mark.parametrize(
    ("scope", "first", "last"),
    [
        (ORGANIZATION, "AcceptedDomains", "TeamMailboxCountQuota"),
        (MAILBOX_PLAN, "ActiveSyncEnabled", "SyncAccountsTimeBeforeInactive"),
    ],
)
def test_features_are_in_schema_order(scope: str, first: str, last: str) -> None:
    names = list(load_catalog().scope(scope))
    assert names[0] == first
    assert names[-1] == last


@pytest.mark.parametrize("scope", [ORGANIZATION, MAILBOX_PLAN])
def test_positions_count_from_zero_within_each_scope(scope: str) -> None:
    features = list(load_catalog().scope(scope).values())
    assert [f.position for f in features] == list(range(len(features)))
    assert all(f.scope == scope for f in features)


def test_schema_order_keeps_its_non_alphabetical_exceptions() -> None:
    organization = list(load_catalog().scope(ORGANIZATION))
    # MSOSyncEnabled sits before LicenseEnforcementEnabled in the schema's sequence
    assert organization.index("MSOSyncEnabled") < organization.index("LicenseEnforcementEnabled")
    # groups come in order: global, then permission, then quota
    groups = [f.group for f in load_catalog().scope(ORGANIZATION).values()]
    assert groups == sorted(groups, key=["global", "permission", "quota"].index)


def test_every_feature_has_known_categories_and_type() -> None:
    for feature in load_catalog().features:
        assert feature.categories, feature.name
        assert set(feature.categories) <= set(CATEGORIES), feature.name
        assert feature.type in TYPES, feature.name


def test_qualified_name_and_lookups() -> None:
    catalog = load_catalog()
    mail_tips = catalog.get(ORGANIZATION, "MailTipsEnabled")
    assert mail_tips is not None
    assert mail_tips.qualified_name == "Organization/MailTipsEnabled"
    assert mail_tips.is_boolean
    assert catalog.get(MAILBOX_PLAN, "MailTipsEnabled") is None
    assert [f.qualified_name for f in catalog.find("ActiveSyncPermissions")] == [
        "Organization/ActiveSyncPermissions",
        "MailboxPlan/ActiveSyncPermissions",
    ]
    assert list(catalog.find("NoSuchFeature")) == []


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("MailtipsEnabled", "MailTipsEnabled"),
        ("AddressListEnabled", "AddressListsEnabled"),
        ("addresslistenabled", "AddressListsEnabled"),
        ("ProhibitSendReceiveMailboxQuota", "ProhibitSendReceiveMaiboxQuota"),
    ],
)
def test_aliases_are_the_documentations_spellings(alias: str, name: str) -> None:
    assert [f.name for f in load_catalog().by_alias(alias)] == [name]


def test_unknown_alias_finds_nothing() -> None:
    assert load_catalog().by_alias("MailTipEnabled") == ()


def test_required_features() -> None:
    catalog = load_catalog()
    assert [f.name for f in catalog.required(ORGANIZATION)] == [
        "ContactCountQuota",
        "DistributionListCountQuota",
        "MailboxCountQuota",
        "MailUserCountQuota",
        "RecipientMailSubmissionRateQuota",
    ]
    assert [f.name for f in catalog.required(MAILBOX_PLAN)] == ["ProhibitSendReceiveMaiboxQuota"]


def test_derived_privacy_features_allowed() -> None:
    derived = load_catalog().derived["PrivacyFeaturesAllowed"]
    assert derived.name == "PrivacyFeaturesAllowed"
    assert derived.terms == (
        Target("SkipToUAndParentalControlCheckEnabled"),
        Target("HideAdminAccessWarningEnabled", negate=True),
    )
    assert load_catalog().is_boolean(ORGANIZATION, "PrivacyFeaturesAllowed")


def test_requirements_judged_when_written() -> None:
    catalog = load_catalog()
    organization, _ = requirement_split(catalog, ORGANIZATION)
    assert "ApplicationImpersonationEnabled" in organization
    assert "SearchMessageEnabled" in organization
    assert "OfflineAddressBookEnabled" in organization
    # a rule that applies when off, or a feature without requirements, is not in it
    assert "PermissionManagementEnabled" not in organization
    assert "OWAPermissions" not in organization
    assert "MailTipsEnabled" not in organization
    assert "ContactCountQuota" in organization  # value>=1001 cannot meet the default 0
    assert all(f.requires for f in organization.values())
    assert "OutlookAnywhereEnabled" in requirement_split(catalog, MAILBOX_PLAN)[0]


def test_requirements_judged_always_are_those_the_default_can_trigger() -> None:
    catalog = load_catalog()
    names = [f.name for f in requirement_split(catalog, ORGANIZATION)[1]]
    assert names == ["PermissionManagementEnabled", "OWAPermissions"]  # their off: clauses
    assert requirement_split(catalog, MAILBOX_PLAN)[1] == ()


def test_feature_defaults() -> None:
    catalog = load_catalog()
    assert catalog.get(ORGANIZATION, "MailTipsEnabled").default_value is False  # type: ignore[union-attr]
    assert catalog.get(ORGANIZATION, "MailPublicFolderCountQuota").default_value == 0  # type: ignore[union-attr]
    assert catalog.get(ORGANIZATION, "ContactCountQuota").default_value is None  # type: ignore[union-attr]
    assert catalog.get(MAILBOX_PLAN, "SkuCapability").default_value == "None"  # type: ignore[union-attr]


def test_hosting_flag() -> None:
    catalog = load_catalog()
    assert catalog.get(ORGANIZATION, "PilotEnabled").hosting is False  # type: ignore[union-attr]
    assert catalog.get(ORGANIZATION, "MailTipsEnabled").hosting is True  # type: ignore[union-attr]


# parse_requires


@pytest.mark.parametrize(
    ("text", "when", "target"),
    [
        ("X", Condition("default"), Target("X")),
        ("!X", Condition("default"), Target("X", negate=True)),
        ("org.X", Condition("default"), Target("X", "org")),
        ("any-plan.X", Condition("default"), Target("X", "any-plan")),
        ("every-plan.X", Condition("default"), Target("X", "every-plan")),
        ("!every-plan.X", Condition("default"), Target("X", "every-plan", negate=True)),
        ("on: X", Condition("on"), Target("X")),
        ("off: !X", Condition("off"), Target("X", negate=True)),
        ("set: org.X", Condition("set"), Target("X", "org")),
        ("value=EhfAC: X", Condition("eq", "EhfAC"), Target("X")),
        ("value!=0: X", Condition("ne", "0"), Target("X")),
        ("value>=1001: !X", Condition("ge", "1001"), Target("X", negate=True)),
    ],
)
def test_parse_requires_clause_forms(text: str, when: Condition, target: Target) -> None:
    (requirement,) = parse_requires(text)
    assert requirement.when == when
    assert requirement.target == target
    assert requirement.text == text


def test_parse_requires_several_clauses_and_blanks() -> None:
    requirements = parse_requires(" A ;  ; on: !org.B ;")
    assert [r.text for r in requirements] == ["A", "on: !org.B"]
    assert requirements[1].target == Target("B", "org", negate=True)
    assert parse_requires("") == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("bogus: X", "bad condition 'bogus'"),
        ("value>=abc: X", "bad condition 'value>=abc'"),
        ("value<3: X", "bad condition 'value<3'"),
        ("1X", "bad target '1X'"),
        ("elsewhere.X", "bad target 'elsewhere.X'"),
        ("on:", "bad target ''"),
    ],
)
def test_parse_requires_rejects_bad_clauses(text: str, message: str) -> None:
    with pytest.raises(CatalogError, match=message):
        parse_requires(text)


def test_condition_and_target_descriptions() -> None:
    assert str(Condition("ge", "1001")) == "is 1001 or more"
    assert str(Condition("eq", "EhfAC")) == "is EhfAC"
    assert str(Condition("ne", "0")) == "is not 0"
    assert str(Condition("on")) == "on"
    assert Target("X").describe(True) == "X on"
    assert Target("X", negate=True).describe(True) == "X off"
    assert Target("X", "org").describe(False) == "X set in the Organization"
    assert Target("X", "any-plan").describe(True) == "X on in at least one mailbox plan"
    assert Target("X", "every-plan", True).describe(False) == "X unset in every mailbox plan"


# parse_catalog


def test_parse_catalog_minimal() -> None:
    catalog = parse_catalog("mini", HEADER + GOOD_ROWS)
    assert [f.qualified_name for f in catalog.features] == [
        "Organization/Alpha",
        "Organization/Beta",
        "MailboxPlan/Size",
    ]
    assert [f.position for f in catalog.features] == [0, 1, 0]
    beta = catalog.get(ORGANIZATION, "Beta")
    assert beta is not None
    assert beta.requires[0].target == Target("Alpha")
    assert [f.name for f in catalog.required(MAILBOX_PLAN)] == ["Size"]
    assert list(requirement_split(catalog, ORGANIZATION)[0]) == ["Beta"]
    assert list(requirement_split(catalog, MAILBOX_PLAN)[0]) == ["Size"]


def test_parse_catalog_reads_derived_values() -> None:
    derived = "name,expression,description\nBothOrNone,Alpha | !Beta,test\n"
    catalog = parse_catalog("mini", HEADER + GOOD_ROWS + row(requires="BothOrNone"), derived)
    assert catalog.derived["BothOrNone"].terms == (Target("Alpha"), Target("Beta", negate=True))


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (row(type_="float"), "unknown scope or type"),
        (row(scope="Tenant"), "unknown scope or type"),
        (row(categories="OrgWideConfiguration;Bogus"), "unknown update category"),
        (row(categories=""), "unknown update category"),
        (row(requires="whenever: Alpha"), "bad condition 'whenever'"),
        (row(requires="NoSuchFeature"), "requires NoSuchFeature, which is not a Organization"),
        (row(requires="any-plan.Alpha"), "requires Alpha, which is not a MailboxPlan"),
        (row(scope="MailboxPlan", requires="org.Size"), "requires Size, which is not a"),
    ],
)
def test_parse_catalog_rejects_bad_rows(extra: str, message: str) -> None:
    with pytest.raises(CatalogError, match=message):
        parse_catalog("mini", HEADER + GOOD_ROWS + extra)


def test_parse_catalog_error_names_the_csv_line() -> None:
    with pytest.raises(CatalogError, match="catalogue mini, line 5"):
        parse_catalog("mini", HEADER + GOOD_ROWS + row(type_="float"))


def test_parse_catalog_rejects_a_bad_minimum() -> None:
    bad = "Organization,quota,Q,count,,low,,,OrgWideConfiguration,yes,no,,,\n"
    with pytest.raises(CatalogError, match="line 5"):
        parse_catalog("mini", HEADER + GOOD_ROWS + bad)


def test_unlimited_default_is_judged_always() -> None:
    extra = (
        "Organization,quota,Q,count,,0,,Unlimited,OrgWideConfiguration,yes,no,value>=5: Alpha,,\n"
    )
    catalog = parse_catalog("mini", HEADER + GOOD_ROWS + extra)
    quota = catalog.get(ORGANIZATION, "Q")
    assert quota is not None
    assert quota.default_value is UNLIMITED
    assert quota.minimum == 0
    assert quota.maximum is None
    # its default (Unlimited) meets value>=5, so it is judged even when not written
    assert [f.name for f in requirement_split(catalog, ORGANIZATION)[1]] == ["Q"]
