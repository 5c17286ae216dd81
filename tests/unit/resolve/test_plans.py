"""resolve: every catalogue feature of a plan, its value and where it came from.

Driven through `compile_plans` on folders written in tmp_path, as the CLI drives it.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from textwrap import dedent

import pytest

from serviceplan.catalog import MAILBOX_PLAN, ORGANIZATION, load_catalog
from serviceplan.errors import ResolveError, UsageError
from serviceplan.files.inputs import REMAP_NAME
from serviceplan.model import Location, RemapTable, ResolvedPlan, Setting
from serviceplan.pipeline import CompileOptions, compile_plans
from serviceplan.plan.load import parse_remap
from serviceplan.resolve.plans import select_row
from serviceplan.values import UNLIMITED

# Line numbers below are those of this text (line 1 is the XML declaration).
TINY = dedent(
    """\
    <?xml version="1.0" encoding="utf-8"?>
    <Configuration Version="1" Name="NotTheFileName">
      <Organization>
        <MailTipsEnabled>true</MailTipsEnabled>
        <OWAPermissions>true</OWAPermissions>
        <ContactCountQuota>10</ContactCountQuota>
        <DistributionListCountQuota>Unlimited</DistributionListCountQuota>
        <MailboxCountQuota> 25 </MailboxCountQuota>
        <MailUserCountQuota>0</MailUserCountQuota>
        <RecipientMailSubmissionRateQuota>unlimited</RecipientMailSubmissionRateQuota>
      </Organization>
      <MailboxPlans>
        <MailboxPlan Name="Main" MailboxPlanIndex="0" ProvisionAsDefault="true">
          <ProhibitSendReceiveMaiboxQuota>1048576KB</ProhibitSendReceiveMaiboxQuota>
        </MailboxPlan>
        <MailboxPlan Name="Try" MailboxPlanIndex="1" ProvisionAsDefault="0" IsPilotMailboxPlan="1">
          <MaxSendTransportQuota>10 MB (10,485,760 bytes)</MaxSendTransportQuota>
          <ProhibitSendReceiveMaiboxQuota>Unlimited</ProhibitSendReceiveMaiboxQuota>
        </MailboxPlan>
      </MailboxPlans>
    </Configuration>
    """
)


def settings_by_name(settings: tuple[Setting, ...]) -> dict[str, Setting]:
    return {setting.feature: setting for setting in settings}


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A folder with Tiny.serviceplan and a remap mapping (Business, Tiny) to it."""
    (tmp_path / "Tiny.serviceplan").write_text(TINY, encoding="utf-8")
    (tmp_path / REMAP_NAME).write_text("# comment\nBusiness,Tiny,Tiny\n", encoding="utf-8")
    return tmp_path


@pytest.fixture
def tiny_plan(tiny: Path) -> ResolvedPlan:
    result = compile_plans([str(tiny)])
    assert result.report.findings == ()
    (plan,) = result.plans
    return plan


@pytest.fixture
def samples(tmp_path: Path, samples_folder: Path) -> Path:
    """A copy of the bundled plans and remap (SmallBusiness is mapped on line 7)."""
    folder = tmp_path / "samples"
    shutil.copytree(samples_folder, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return folder


# values and provenance


def test_explicit_value_keeps_text_and_file_line(tiny: Path, tiny_plan: ResolvedPlan) -> None:
    main = settings_by_name(tiny_plan.mailbox_plans[0].settings)
    size = main["ProhibitSendReceiveMaiboxQuota"]
    assert size == Setting(
        "ProhibitSendReceiveMaiboxQuota",
        1073741824,
        "1048576KB",
        Location(str(tiny / "Tiny.serviceplan"), 14),
    )
    assert not size.is_default
    assert str(size.location).endswith("Tiny.serviceplan:14")


def test_text_is_kept_as_written(tiny_plan: ResolvedPlan) -> None:
    org = settings_by_name(tiny_plan.organization)
    assert (org["MailboxCountQuota"].value, org["MailboxCountQuota"].text) == (25, " 25 ")
    pilot = settings_by_name(tiny_plan.mailbox_plans[1].settings)
    send = pilot["MaxSendTransportQuota"]
    assert (send.value, send.text) == (10485760, "10 MB (10,485,760 bytes)")
    assert send.location is not None and send.location.line == 17


def test_unlimited(tiny_plan: ResolvedPlan) -> None:
    org = settings_by_name(tiny_plan.organization)
    assert org["DistributionListCountQuota"].value is UNLIMITED
    rate = org["RecipientMailSubmissionRateQuota"]
    assert (rate.value, rate.text) == (UNLIMITED, "unlimited")  # any case; text as written
    pilot = settings_by_name(tiny_plan.mailbox_plans[1].settings)
    assert pilot["ProhibitSendReceiveMaiboxQuota"].value == UNLIMITED
    written_zero = org["MailUserCountQuota"]  # written 0 is explicit, not a default
    assert written_zero.value == 0 and type(written_zero.value) is int
    assert not written_zero.is_default


def test_defaults(tiny_plan: ResolvedPlan) -> None:
    org = settings_by_name(tiny_plan.organization)
    main = settings_by_name(tiny_plan.mailbox_plans[0].settings)
    # a missing boolean is off
    assert org["AcceptedDomains"] == Setting("AcceptedDomains", False, None, None)
    assert main["ActiveSyncEnabled"] == Setting("ActiveSyncEnabled", False, None, None)
    # ... except CommonConfiguration, which is on unless a plan turns it off
    assert org["CommonConfiguration"] == Setting("CommonConfiguration", True, None, None)
    # a missing count quota is 0
    assert org["TeamMailboxCountQuota"] == Setting("TeamMailboxCountQuota", 0, None, None)
    assert org["MailPublicFolderCountQuota"].value == 0
    # (Setting is a tuple, where False == 0: check the value types too)
    assert org["AcceptedDomains"].value is False and main["ActiveSyncEnabled"].value is False
    assert org["CommonConfiguration"].value is True
    assert type(org["TeamMailboxCountQuota"].value) is int
    # a missing byte quota, integer, string or timespan is unset
    for name in (
        "ArchiveQuota",
        "MaxReceiveTransportQuota",
        "MaxRecipientsTransportQuota",
        "SyncAccountsPollingInterval",
        "UMEnabled",
    ):
        assert main[name] == Setting(name, None, None, None)
    assert org["PrivacyLink"] == Setting("PrivacyLink", None, None, None)
    assert all(s.is_default for s in (org["AcceptedDomains"], main["ArchiveQuota"]))


def test_written_false_overrides_an_on_default(tmp_path: Path) -> None:
    text = TINY.replace(
        "    <MailTipsEnabled>",
        "    <CommonConfiguration>false</CommonConfiguration>\n    <MailTipsEnabled>",
    )
    (tmp_path / "Off.serviceplan").write_text(text, encoding="utf-8")
    (plan,) = compile_plans([str(tmp_path)]).plans
    common = settings_by_name(plan.organization)["CommonConfiguration"]
    assert common.value is False and common.text == "false"
    assert common.location == Location(str(tmp_path / "Off.serviceplan"), 4)


def test_every_catalogue_feature_in_catalogue_order(tiny_plan: ResolvedPlan) -> None:
    catalog = load_catalog()
    organization = [s.feature for s in tiny_plan.organization]
    assert organization == list(catalog.scope(ORGANIZATION))
    assert len(organization) == 118
    for mailbox_plan in tiny_plan.mailbox_plans:
        names = [s.feature for s in mailbox_plan.settings]
        assert names == list(catalog.scope(MAILBOX_PLAN))
        assert len(names) == 47


def test_plan_name_and_source(tiny: Path, tiny_plan: ResolvedPlan) -> None:
    assert tiny_plan.name == "Tiny"  # the file's base name, not Configuration/@Name
    assert tiny_plan.source == str(tiny / "Tiny.serviceplan")
    (row,) = tiny_plan.selected_by  # no pair asked for: every line naming the plan
    assert row.location == Location(str(tiny / REMAP_NAME), 2)


def test_mailbox_plan_headers(tiny: Path, tiny_plan: ResolvedPlan) -> None:
    main, pilot = tiny_plan.mailbox_plans
    assert (main.name, main.index, main.provision_as_default, main.is_pilot) == (
        "Main",
        0,
        True,
        False,
    )
    assert (pilot.name, pilot.index, pilot.provision_as_default, pilot.is_pilot) == (
        "Try",
        1,
        False,
        True,
    )
    assert main.location == Location(str(tiny / "Tiny.serviceplan"), 13)
    assert pilot.location.line == 16


def test_large_business_mailbox_plans(samples: Path) -> None:
    result = compile_plans([str(samples)], CompileOptions(plan="largebusiness"))
    (plan,) = result.plans
    assert plan.name == "LargeBusiness"
    assert [(m.name, m.index, m.provision_as_default) for m in plan.mailbox_plans] == [
        ("Standard", 0, False),
        ("Premium", 1, True),
        ("Basic", 2, False),
    ]
    premium = settings_by_name(plan.mailbox_plans[1].settings)
    expected = {
        "ProhibitSendReceiveMaiboxQuota": (10 << 30, "10GB", 104),
        "ArchiveQuota": (1 << 30, "1GB", 105),
        "MaxReceiveTransportQuota": (100 << 20, "100MB", 102),
        "MaxRecipientsTransportQuota": (50, "50", 103),
    }
    for name, (value, text, line) in expected.items():
        setting = premium[name]
        assert (setting.value, setting.text) == (value, text)
        assert setting.location == Location(str(samples / "LargeBusiness.serviceplan"), line)
    basic = settings_by_name(plan.mailbox_plans[2].settings)
    assert basic["ProhibitSendReceiveMaiboxQuota"].value == 1 << 30
    assert basic["ArchiveQuota"].value is None  # Basic has no archive


# select_row


def table(text: str, source: str = REMAP_NAME) -> RemapTable:
    return parse_remap(text, source)


def test_select_row_trims_and_ignores_case() -> None:
    tables = [table("# ProgramId,OfferId,ServicePlanName\n  Business , SmallOrg ,SmallBusiness \n")]
    row = select_row(tables, " BUSINESS", "smallorg  ")
    assert row.plan_name == "SmallBusiness"
    assert row.location == Location(REMAP_NAME, 2)
    assert (row.program_id, row.offer_id) == ("Business", "SmallOrg")


def test_select_row_first_table_wins() -> None:
    first = table("Business,SmallOrg,SmallBusiness\n", "a.csv")
    second = table("Business,SmallOrg,MediumBusiness\n", "b.csv")
    assert select_row([first, second], "Business", "SmallOrg").location.file == "a.csv"


def test_select_row_miss_names_the_pair_and_the_files() -> None:
    tables = [table("Business,SmallOrg,SmallBusiness\nBusiness,Short\n")]
    with pytest.raises(ResolveError) as raised:
        select_row(tables, "Business", "Short")  # a short line maps nothing
    assert "(Business, Short)" in raised.value.message
    assert REMAP_NAME in raised.value.message
    assert "Business,Short,PlanName" in raised.value.hint
    with pytest.raises(ResolveError, match=r"no remap file maps \(Education, K12\)"):
        select_row([], "Education", "K12")


# selection through compile_plans


def test_program_and_offer_select_the_mapped_plan(samples: Path) -> None:
    options = CompileOptions(program_id="business", offer_id="SMALLORG")
    result = compile_plans([str(samples)], options)
    (plan,) = result.plans
    assert plan.name == "SmallBusiness"
    (row,) = plan.selected_by
    assert row.location == Location(str(samples / REMAP_NAME), 7)
    assert (row.program_id, row.offer_id, row.plan_name) == (
        "Business",
        "SmallOrg",
        "SmallBusiness",
    )


def test_whole_folder_compiles_every_plan_sorted(samples: Path) -> None:
    result = compile_plans([str(samples)])
    assert [plan.name for plan in result.plans] == [
        "HostingAllFeatures",
        "HostingBusinessMapi",
        "HostingBusinessNonMapi",
        "LargeBusiness",
        "MediumBusiness",
        "SmallBusiness",
    ]
    assert result.report.errors == 0


def test_pair_that_maps_nowhere(samples: Path) -> None:
    with pytest.raises(ResolveError, match=r"maps \(Business, HugeOrg\)"):
        compile_plans([str(samples)], CompileOptions(program_id="Business", offer_id="HugeOrg"))


def test_row_whose_plan_file_is_missing(tmp_path: Path, small_business: str) -> None:
    """The line has an error (SP404), so the pair is left out: a finding, not a tool error."""
    (tmp_path / "SmallBusiness.serviceplan").write_text(small_business, encoding="utf-8")
    (tmp_path / REMAP_NAME).write_text(
        "Business,SmallOrg,SmallBusiness\nBusiness,MedOrg,MediumBusiness\n", encoding="utf-8"
    )
    options = CompileOptions(program_id="Business", offer_id="MedOrg")
    result = compile_plans([str(tmp_path)], options)
    assert result.plans == ()
    (left,) = result.left_out
    assert (left.kind.value, left.name, left.rules) == ("selection", "MediumBusiness", ("SP404",))
    assert left.location == Location(str(tmp_path / REMAP_NAME), 2)
    assert "(Business, MedOrg)" in left.reason
    assert [f.rule for f in result.report.findings] == ["SP404"]


def test_unknown_plan_name(samples: Path) -> None:
    with pytest.raises(ResolveError, match="no plan named Nope") as raised:
        compile_plans([str(samples)], CompileOptions(plan="Nope"))
    assert "LargeBusiness" in raised.value.hint


def test_unknown_plan_name_suggests_the_closest_as_matrix_does(samples: Path) -> None:
    with pytest.raises(ResolveError) as raised:
        compile_plans([str(samples)], CompileOptions(plan="LargeBuisness"))
    assert str(raised.value) == "no plan named LargeBuisness: did you mean LargeBusiness?"


def test_program_without_offer_is_a_usage_error(samples: Path) -> None:
    with pytest.raises(UsageError):
        compile_plans([str(samples)], CompileOptions(program_id="Business"))


def test_plan_with_an_error_finding_is_left_out_and_the_others_compile(tiny: Path) -> None:
    broken = TINY.replace("<MailTipsEnabled>true<", "<MailTipsEnabled>yes<")
    (tiny / "Broken.serviceplan").write_text(broken, encoding="utf-8")
    result = compile_plans([str(tiny)])
    assert [plan.name for plan in result.plans] == ["Tiny"]
    assert result.report.errors > 0
    assert {f.location.file for f in result.report.findings} >= {str(tiny / "Broken.serviceplan")}
    (left,) = result.left_out
    assert (left.kind.value, left.name, left.location.file) == (
        "plan",
        "Broken",
        str(tiny / "Broken.serviceplan"),
    )


def test_warnings_do_not_stop_the_compile(tmp_path: Path) -> None:
    (tmp_path / "Tiny.serviceplan").write_text(TINY, encoding="utf-8")
    (tmp_path / REMAP_NAME).write_text("Business,Other,Tiny\n", encoding="utf-8")
    (tmp_path / "Spare.serviceplan").write_text(TINY, encoding="utf-8")  # never referenced
    result = compile_plans([str(tmp_path)])
    assert result.report.errors == 0 and result.report.warnings == 1
    assert [plan.name for plan in result.plans] == ["Spare", "Tiny"]
    assert result.plans[0].selected_by == ()


def test_remap_table_lookup_is_the_one_lookup() -> None:
    first = table("Business,SmallOrg,SmallBusiness\nBusiness,Short\n", "a.csv")
    second = table("Business,SmallOrg,MediumBusiness\nBusiness,Short,Later\n", "b.csv")
    lines = RemapTable.lines([first, second])
    assert lines[("business", "smallorg")].location.file == "a.csv"
    assert lines[("business", "short")].plan_name == "Later"  # a short line maps nothing
    row = RemapTable.lookup([first, second], " BUSINESS ", "smallorg")
    assert row is not None and row.plan_name == "SmallBusiness"
    assert RemapTable.lookup([first], "Education", "K12") is None
