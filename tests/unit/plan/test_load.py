from __future__ import annotations

from pathlib import Path

import pytest

from serviceplan.errors import InputError
from serviceplan.model import FeatureElement, Location, Severity
from serviceplan.plan.load import (
    TooLarge,
    build_document,
    decode_text,
    parse_plan_xml,
    parse_remap,
    plan_name_of,
    read_input,
    to_utf8,
)

DECLARED_UTF16 = '<?xml version="1.0" encoding="utf-16"?>\n<Configuration Name="é"/>'
EXPECTED_UTF8 = '<?xml version="1.0" encoding="utf-8"?>\n<Configuration Name="é"/>'.encode()


# to_utf8


def test_utf8_without_bom_is_unchanged() -> None:
    assert to_utf8(b"<a/>", "f") == (b"<a/>", [])


def test_utf8_bom_is_stripped() -> None:
    assert to_utf8(b"\xef\xbb\xbf<a/>", "f") == (b"<a/>", [])


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom_is_transcoded_and_declaration_rewritten(codec: str) -> None:
    bom = b"\xff\xfe" if codec.endswith("le") else b"\xfe\xff"
    data, findings = to_utf8(bom + DECLARED_UTF16.encode(codec), "f")
    assert findings == []
    assert data == EXPECTED_UTF8


def test_utf16_declaration_in_single_quotes_is_rewritten() -> None:
    text = "<?xml version='1.0' encoding='UTF-16'?><a/>"
    data, findings = to_utf8(text.encode("utf-16"), "f")
    assert (data, findings) == (b"<?xml version='1.0' encoding='utf-8'?><a/>", [])


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_a_finding(codec: str) -> None:
    data, findings = to_utf8(DECLARED_UTF16.encode(codec), "plan.serviceplan")
    assert data == b""
    assert [(f.rule, f.location) for f in findings] == [
        ("SP004", Location("plan.serviceplan", 1, 1))
    ]
    assert "without a byte order mark" in findings[0].message


def test_truncated_utf16_is_a_finding() -> None:
    data, findings = to_utf8(b"\xff\xfe<\x00\x00\xd8", "f")
    assert data == b""
    assert [f.rule for f in findings] == ["SP004"]
    assert "invalid UTF-16" in findings[0].message


# parse_plan_xml


def test_well_formed_gives_the_root() -> None:
    data = b'<?xml version="1.0"?>\n<Configuration><a/></Configuration>'
    root, findings = parse_plan_xml(data, "f")
    assert findings == []
    assert root is not None
    assert root.tag == "Configuration"
    assert root.sourceline == 2


def test_utf16_plan_parses() -> None:
    root, findings = parse_plan_xml(DECLARED_UTF16.encode("utf-16"), "f")
    assert findings == []
    assert root is not None
    assert root.get("Name") == "é"


def test_malformed_gives_sp001_with_line_and_column() -> None:
    data = b'<?xml version="1.0"?>\n<Configuration>\n  <Organization>\n</Configuration>\n'
    root, findings = parse_plan_xml(data, "bad.serviceplan")
    assert root is None
    assert len(findings) == 1
    (finding,) = findings
    assert finding.rule == "SP001"
    assert finding.severity is Severity.ERROR
    assert (finding.location.file, finding.location.line) == ("bad.serviceplan", 4)
    assert finding.location.column > 0
    assert "Organization" in finding.message


def test_empty_input_is_not_well_formed() -> None:
    root, findings = parse_plan_xml(b"", "f")
    assert root is None
    assert [f.rule for f in findings] == ["SP001"]


def test_each_malformed_file_reports_its_own_error() -> None:
    _, first = parse_plan_xml(b"<a>\n<b>\n</a>", "one")
    _, second = parse_plan_xml(b"<a>\n\n\n\n<c></d></a>", "two")
    assert (first[0].location.line, second[0].location.line) == (3, 5)
    assert "d" in second[0].message.split(":")[-1]


def test_invalid_utf8_in_a_plan_is_a_bad_encoding() -> None:
    root, findings = parse_plan_xml(b"<Configuration>\xff</Configuration>", "f")
    assert root is None
    assert [f.rule for f in findings] == ["SP004"]


def test_doctype_is_sp002_with_its_line() -> None:
    data = b'<?xml version="1.0"?>\n\n<!DOCTYPE Configuration>\n<Configuration/>\n'
    root, findings = parse_plan_xml(data, "f")
    assert root is None
    assert [(f.rule, f.location.line) for f in findings] == [("SP002", 3)]


def test_doctype_with_entities_is_sp002_and_not_expanded() -> None:
    data = (
        b'<?xml version="1.0"?>\n<!DOCTYPE c [\n<!ENTITY a "aaaaaaaaaa">\n'
        b'<!ENTITY b "&a;&a;&a;&a;">\n]>\n<Configuration>&b;</Configuration>\n'
    )
    root, findings = parse_plan_xml(data, "f")
    assert root is None
    assert [(f.rule, f.location.line) for f in findings] == [("SP002", 2)]


def test_doctype_with_an_undefined_entity_is_still_sp002() -> None:
    data = b'<?xml version="1.0"?>\n<!DOCTYPE c>\n<Configuration>&nope;</Configuration>\n'
    root, findings = parse_plan_xml(data, "f")
    assert root is None
    assert [(f.rule, f.location.line) for f in findings] == [("SP002", 2)]


def test_doctype_inside_a_comment_is_no_finding() -> None:
    data = b'<?xml version="1.0"?>\n<!-- <!DOCTYPE Configuration> -->\n<Configuration/>\n'
    root, findings = parse_plan_xml(data, "f")
    assert findings == []
    assert root is not None
    assert root.tag == "Configuration"


# build_document

PLAN = b"""<?xml version="1.0" encoding="utf-8"?>
<Configuration Name="Ignored">
  <Organization>
    <MailTipsEnabled>true</MailTipsEnabled>
    <!-- a comment is not a feature -->
    <ContactCountQuota><x/></ContactCountQuota>
    <Foo/>
  </Organization>
  <MailboxPlans>
    <MailboxPlan Name="Premium" MailboxPlanIndex="0" ProvisionAsDefault="true">
      <PopEnabled>1</PopEnabled>
    </MailboxPlan>
    <Other/>
    <MailboxPlan Name="Basic" MailboxPlanIndex="1"/>
  </MailboxPlans>
</Configuration>
"""


def test_build_document_organization_features_with_lines() -> None:
    root, _ = parse_plan_xml(PLAN, "p.serviceplan")
    assert root is not None
    document = build_document(root, "p.serviceplan", "p")
    assert document.source == "p.serviceplan"
    assert document.plan_name == "p"
    assert document.location == Location("p.serviceplan", 2)
    assert document.organization_location == Location("p.serviceplan", 3)
    assert document.organization == (
        FeatureElement("MailTipsEnabled", "true", 4, False),
        FeatureElement("ContactCountQuota", "", 6, True),
        FeatureElement("Foo", "", 7, False),
    )


def test_build_document_mailbox_plans_with_attributes_and_paths() -> None:
    root, _ = parse_plan_xml(PLAN, "p.serviceplan")
    assert root is not None
    document = build_document(root, "p.serviceplan", "p")
    assert document.mailbox_plans_location == Location("p.serviceplan", 9)
    premium, basic = document.mailbox_plans
    assert (premium.name, premium.index, premium.provision_as_default) == ("Premium", "0", "true")
    assert premium.location == Location("p.serviceplan", 10)
    assert premium.path == "/Configuration/MailboxPlans/MailboxPlan[1]"
    assert premium.features == (FeatureElement("PopEnabled", "1", 11, False),)
    assert premium.label == "mailbox plan 'Premium'"
    # <Other/> is skipped and does not shift the position in the path
    assert (basic.name, basic.index, basic.provision_as_default) == ("Basic", "1", None)
    assert basic.path == "/Configuration/MailboxPlans/MailboxPlan[2]"
    assert basic.location.line == 14
    assert basic.features == ()


def test_build_document_missing_sections_are_none() -> None:
    root, _ = parse_plan_xml(b"<Configuration>\n</Configuration>", "p")
    assert root is not None
    document = build_document(root, "p", "p")
    assert document.organization is None
    assert document.organization_location is None
    assert document.mailbox_plans == ()
    assert document.mailbox_plans_location is None


def test_build_document_keeps_the_first_of_repeated_sections() -> None:
    data = (
        b"<Configuration>\n<Organization><A>1</A></Organization>\n<Organization/>\n</Configuration>"
    )
    root, _ = parse_plan_xml(data, "p")
    assert root is not None
    document = build_document(root, "p", "p")
    assert document.organization == (FeatureElement("A", "1", 2, False),)
    assert document.organization_location == Location("p", 2)


def test_unnamed_mailbox_plan_label_uses_its_path() -> None:
    root, _ = parse_plan_xml(
        b"<Configuration><MailboxPlans><MailboxPlan/></MailboxPlans></Configuration>", "p"
    )
    assert root is not None
    (plan,) = build_document(root, "p", "p").mailbox_plans
    assert plan.name is None
    assert plan.label == "mailbox plan at /Configuration/MailboxPlans/MailboxPlan[1]"


# plan_name_of


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("plans/SmallBusiness.serviceplan", "SmallBusiness"),
        ("SmallBusiness.servicePlan", "SmallBusiness"),
        ("X.SERVICEPLAN", "X"),
        ("a.b.serviceplan", "a.b"),
        ("dir/plan.xml", "plan"),
        ("noext", "noext"),
    ],
)
def test_plan_name_of(path: str, name: str) -> None:
    assert plan_name_of(path) == name


# parse_remap


def test_parse_remap_skips_comments_and_blank_lines_and_trims() -> None:
    text = "# ProgramId,OfferId,ServicePlanName\n\n  Business , SmallOrg ,SmallBusiness  \n"
    text += "   # indented comment\n\t\nHosting,AllFeatures,HostingAllFeatures,x,y\n"
    table = parse_remap(text, "r.csv")
    assert table.source == "r.csv"
    assert [(row.fields, row.location) for row in table.rows] == [
        (("Business", "SmallOrg", "SmallBusiness"), Location("r.csv", 3)),
        (("Hosting", "AllFeatures", "HostingAllFeatures", "x", "y"), Location("r.csv", 6)),
    ]


def test_parse_remap_crlf_line_endings() -> None:
    table = parse_remap("# c\r\nA,B,C\r\n\r\nD,E,F\r\n", "r.csv")
    assert [(row.fields, row.location.line) for row in table.rows] == [
        (("A", "B", "C"), 2),
        (("D", "E", "F"), 4),
    ]


def test_parse_remap_keeps_empty_fields_and_quotes() -> None:
    table = parse_remap(',,\n"A",B\n', "r.csv")
    assert [row.fields for row in table.rows] == [("", "", ""), ('"A"', "B")]


def test_remap_row_fields() -> None:
    (row,) = parse_remap("Business,SmallOrg,SmallBusiness", "r.csv").rows
    assert (row.program_id, row.offer_id, row.plan_name) == (
        "Business",
        "SmallOrg",
        "SmallBusiness",
    )
    assert row.key == ("business", "smallorg")
    (short,) = parse_remap("OnlyOne", "r.csv").rows
    assert (short.program_id, short.offer_id, short.plan_name) == ("OnlyOne", "", "")


# decode_text


def test_decode_text_utf8_with_and_without_bom() -> None:
    assert decode_text(b"\xef\xbb\xbfA,B,C\n", "r") == ("A,B,C\n", [])
    assert decode_text("Ä,B,C".encode(), "r") == ("Ä,B,C", [])


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be"])
def test_decode_text_utf16_with_bom(codec: str) -> None:
    data = "A,B,Ä\n".encode(codec)
    if codec == "utf-16-be":
        data = b"\xfe\xff" + data
    assert decode_text(data, "r") == ("A,B,Ä\n", [])


def test_decode_text_invalid_utf8_names_the_line() -> None:
    text, findings = decode_text(b"A,B,C\nD,E,\xff\n", "r.csv")
    assert text == ""
    assert [(f.rule, f.location) for f in findings] == [("SP004", Location("r.csv", 2))]
    assert "byte 10" in findings[0].message


# read_input


def test_read_input_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "p.serviceplan"
    path.write_bytes(b"0123456789")
    assert read_input(path, "p", 10) == b"0123456789"


def test_read_input_size_cap_is_sp003(tmp_path: Path) -> None:
    path = tmp_path / "p.serviceplan"
    path.write_bytes(b"x" * 11)
    with pytest.raises(TooLarge) as caught:
        read_input(path, "shown.serviceplan", 10)
    finding = caught.value.finding
    assert finding.rule == "SP003"
    assert finding.location == Location("shown.serviceplan")
    assert "10-byte cap" in finding.message


def test_read_input_stdin_and_its_cap() -> None:
    assert read_input(None, "<stdin>", 3, b"abc") == b"abc"
    with pytest.raises(TooLarge) as caught:
        read_input(None, "<stdin>", 2, b"abc")
    finding = caught.value.finding
    assert (finding.rule, finding.location.file) == ("SP003", "<stdin>")


def test_read_input_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"gone\.serviceplan: cannot read"):
        read_input(tmp_path / "gone", "gone.serviceplan", 10)


def test_too_large_is_an_input_error_other_errors_are_not_too_large() -> None:
    assert issubclass(TooLarge, InputError)  # a command that must read whole exits 2
    assert not isinstance(InputError("x"), TooLarge)
