"""Remap rules (SP401-SP407) on ServicePlanHostingRemap.csv text."""

from __future__ import annotations

from serviceplan.model import Finding, Location, Severity
from serviceplan.plan.load import parse_remap
from serviceplan.rules.remap import check_remap, unreferenced_plans

BESIDE = {"smallbusiness": "SmallBusiness.serviceplan"}


def remap(text: str, *expected: tuple[str, int]) -> list[Finding]:
    findings = check_remap(parse_remap(text, "r.csv"), BESIDE)
    assert sorted((f.rule, f.location.line) for f in findings) == sorted(expected), [
        f"{f.rule} {f.location.line} {f.message}" for f in findings
    ]
    assert all(f.location.file == "r.csv" for f in findings)
    return findings


def test_valid_remap() -> None:
    remap(
        "# ProgramId,OfferId,ServicePlanName\n"
        "\n"
        "Business,SmallOrg,SmallBusiness\n"
        "Business,MedOrg,smallbusiness\n"
        "Business,Extra,SmallBusiness,d4,d5,d6,d7\n"
    )


def test_field_count() -> None:
    short, long_ = remap(
        "Business,SmallOrg\nA,B,SmallBusiness,4,5,6,7,8\n",
        ("SP401", 1),
        ("SP401", 2),
    )
    assert short.message.startswith("2 fields")
    assert "3 to 7" in short.message
    assert long_.message.startswith("8 fields")


def test_single_field_is_singular() -> None:
    (finding,) = remap("JustOne\n", ("SP401", 1))
    assert finding.message.startswith("1 field ")


def test_empty_fields() -> None:
    program, offer, plan = remap(
        ",SmallOrg,SmallBusiness\nBusiness,,SmallBusiness\nBusiness,X, \n",
        ("SP402", 1),
        ("SP402", 2),
        ("SP402", 3),
    )
    assert program.message == "ProgramId is empty"
    assert offer.message == "OfferId is empty"
    assert plan.message == "ServicePlanName is empty"


def test_duplicate_key_ignores_case() -> None:
    (finding,) = remap(
        "Business,SmallOrg,SmallBusiness\n# comment\nBUSINESS , smallorg,SmallBusiness\n",
        ("SP403", 3),
    )
    assert "already mapped at line 1" in finding.message
    assert "(BUSINESS, smallorg)" in finding.message


def test_plan_missing() -> None:
    (finding,) = remap("Business,MedOrg,MediumBusiness\n", ("SP404", 1))
    assert "MediumBusiness" in finding.message
    assert "MediumBusiness.serviceplan" in finding.message
    assert "correct the name" in finding.hint  # nothing close beside the remap


def test_plan_missing_suggests_the_closest_plan_beside_the_remap() -> None:
    (finding,) = remap("Business,SmallOrg,SmalBusines\n", ("SP404", 1))
    assert finding.hint == "did you mean SmallBusiness?"


def test_quote_in_field() -> None:
    findings = remap(
        '"Business",SmallOrg,SmallBusiness\nBusiness,MedOrg,"SmallBusiness"\n',
        ("SP406", 1),
        ("SP406", 2),
        ("SP404", 2),
    )
    quoted_program, quoted_plan = [f for f in findings if f.rule == "SP406"]
    assert quoted_program.message.startswith('field 1 ("Business")')
    assert quoted_plan.message.startswith('field 3 ("SmallBusiness")')


def test_header_row_is_a_warning() -> None:
    header, missing = remap(
        "ProgramId,OfferId,ServicePlanName\nBusiness,SmallOrg,SmallBusiness\n",
        ("SP407", 1),
        ("SP404", 1),
    )
    assert header.severity is Severity.WARNING
    assert "header" in header.message
    assert missing.severity is Severity.ERROR


def test_header_detected_after_comments() -> None:
    remap("# the mappings\n\nProgramId,OfferId,Plan\n", ("SP407", 3), ("SP404", 3))


def test_header_words_later_are_not_a_header() -> None:
    remap("Business,SmallOrg,SmallBusiness\nProgramId,OfferId,SmallBusiness\n")


def test_commented_header_is_fine() -> None:
    remap("# ProgramId,OfferId,ServicePlanName\nBusiness,SmallOrg,SmallBusiness\n")


def test_rows_too_short_are_not_checked_further() -> None:
    remap("Business\nBusiness\n", ("SP401", 1), ("SP401", 2))


# SP405 plan-never-referenced


def test_unreferenced_plans_sorted_by_path() -> None:
    table = parse_remap("Business,SmallOrg,SMALLBUSINESS\n", "plans/r.csv")
    beside = {
        "smallbusiness": "plans/SmallBusiness.serviceplan",
        "medium": "plans/Medium.serviceplan",
        "archive": "plans/Archive.servicePlan",
    }
    findings = unreferenced_plans([table], beside)
    assert [(f.rule, f.severity, f.location) for f in findings] == [
        ("SP405", Severity.WARNING, Location("plans/Archive.servicePlan")),
        ("SP405", Severity.WARNING, Location("plans/Medium.serviceplan")),
    ]
    assert "plans/r.csv" in findings[0].message


def test_unreferenced_plans_counts_every_table() -> None:
    first = parse_remap("A,B,SmallBusiness\n", "one.csv")
    second = parse_remap("A,C,Medium\n", "two.csv")
    beside = {"smallbusiness": "SmallBusiness.serviceplan", "medium": "Medium.serviceplan"}
    assert unreferenced_plans([first, second], beside) == []
    assert [f.location.file for f in unreferenced_plans([first], beside)] == ["Medium.serviceplan"]
