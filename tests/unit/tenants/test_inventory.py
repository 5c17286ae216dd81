"""The tenant inventory (read by render and diff): CSV and JSONL, each problem a finding on its
row's line. (Named test_render_inventory: tests/property/test_inventory.py has the plain name.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from serviceplan.catalog import load_catalog
from serviceplan.errors import InputError
from serviceplan.model import Location, RemapRow, RemapTable, Severity
from serviceplan.tenants.inventory import Inventory, parse_inventory, read_inventory
from serviceplan.tenants.pairs import match_pairs
from serviceplan.tools.explain import lookup

HEADER = "name,domain,program_id,offer_id"


def parse(text: str, source: str = "tenants.csv") -> Inventory:
    return parse_inventory(text, source, load_catalog())


def rules(inventory: Inventory) -> list[tuple[str, int]]:
    return [(f.rule, f.location.line) for f in inventory.findings]


def tenants(inventory: Inventory) -> list[tuple[str, int]]:
    return [(t.name, t.row.line) for t in inventory.tenants]


def jsonl(*rows: dict[str, object]) -> str:
    return "".join(json.dumps(row) + "\n" for row in rows)


def row(name: str, **more: object) -> dict[str, object]:
    return {"name": name, "domain": f"{name.lower()}.com", "program_id": "Business",
            "offer_id": "SmallOrg", **more}  # fmt: skip


class TestCsv:
    def test_typed_fields_and_passthrough_columns(self) -> None:
        text = (
            f"{HEADER},location,plan,mailboxes,mailboxes.Premium,used.MailboxCountQuota,"
            "used.ProhibitSendReceiveMaiboxQuota,region\n"
            " Contoso ,contoso.com,Business,SmallOrg,en-us,SmallBusiness,120,20,118,9.5GB,emea\n"
        )
        inventory = parse(text)
        assert inventory.findings == ()
        (tenant,) = inventory.tenants
        assert (tenant.name, tenant.domain, tenant.pair) == (
            "Contoso",
            "contoso.com",
            ("business", "smallorg"),
        )
        assert (tenant.location, tenant.plan, tenant.mailboxes) == ("en-us", "SmallBusiness", 120)
        assert tenant.mailboxes_by_plan == {"Premium": 20}
        assert tenant.mailboxes_on("premium") == 20
        assert tenant.used == {"MailboxCountQuota": 118,
                               "ProhibitSendReceiveMaiboxQuota": int(9.5 * 2**30)}  # fmt: skip
        assert tenant.fields["region"] == "emea"
        assert tenant.fields["name"] == " Contoso "  # cells pass through untouched
        assert tenant.row == Location("tenants.csv", 2)

    def test_cells_with_newlines_quotes_and_commas(self) -> None:
        text = f'{HEADER}\n"O\'Brien ""&"" Sons, Ltd",o.com,Business,SmallOrg\n'
        text += '"two\nlines",t.com,Business,SmallOrg\n'
        inventory = parse(text)
        assert tenants(inventory) == [('O\'Brien "&" Sons, Ltd', 2), ("two\nlines", 3)]

    def test_rows_after_multi_line_cells_keep_their_line(self) -> None:
        text = f'{HEADER}\nA,a,B,C\n"x\ny\nz",b,B,C\n\nD,d,B,C\n'
        assert tenants(parse(text)) == [("A", 2), ("x\ny\nz", 3), ("D", 7)]

    def test_crlf_and_cr_line_ends_count_lines_alike(self) -> None:
        lf = f"{HEADER}\nA,a,B,C\n\nD,d,B,C\n"
        assert (
            tenants(parse(lf.replace("\n", "\r\n"))) == tenants(parse(lf)) == [("A", 2), ("D", 4)]
        )
        assert tenants(parse(lf.replace("\n", "\r"))) == [("A", 2), ("D", 4)]

    def test_byte_order_mark(self, tmp_path: Path) -> None:
        path = tmp_path / "tenants.csv"
        path.write_bytes(b"\xef\xbb\xbf" + f"{HEADER}\nA,a,B,C\n".encode())
        inventory = read_inventory(str(path), load_catalog())
        assert inventory.findings == ()
        assert tenants(inventory) == [("A", 2)]

    def test_utf16_with_bom(self, tmp_path: Path) -> None:
        path = tmp_path / "tenants.csv"
        path.write_bytes(f"{HEADER}\nMüller,m.de,B,C\n".encode("utf-16"))
        assert tenants(read_inventory(str(path), load_catalog())) == [("Müller", 2)]

    def test_not_utf8_is_a_finding(self, tmp_path: Path) -> None:
        path = tmp_path / "tenants.csv"
        path.write_bytes(f"{HEADER}\n".encode() + "Müller,m.de,B,C\n".encode("latin-1"))
        inventory = read_inventory(str(path), load_catalog())
        assert rules(inventory) == [("SP004", 2)]
        assert inventory.tenants == ()

    def test_missing_column_is_one_finding_at_line_1(self) -> None:
        inventory = parse("name,domain,program_id\n" + "A,a,B\n" * 50)
        assert rules(inventory) == [("SP501", 1)]
        assert "offer_id" in inventory.findings[0].message
        assert inventory.tenants == ()

    @pytest.mark.parametrize("text", ["", " \n\t\r\n\n", ",,,\n"])
    def test_an_empty_file_says_it_is_empty(self, text: str) -> None:
        inventory = parse(text)
        assert rules(inventory) == [("SP501", 1)]
        assert inventory.findings[0].message == "the file is empty: no header row, no tenant"
        assert "name,domain,program_id,offer_id" in inventory.findings[0].hint

    def test_empty_required_field(self) -> None:
        inventory = parse(f"{HEADER}\nA,,B,C\n ,b,B,C\nE,e,B,C\n")
        assert rules(inventory) == [("SP502", 2), ("SP502", 3)]
        assert tenants(inventory) == [("E", 4)]

    def test_fewer_cells_than_columns_leave_fields_empty(self) -> None:
        assert rules(parse(f"{HEADER}\nA,a,B\n")) == [("SP502", 2)]

    def test_duplicate_name_ignoring_case(self) -> None:
        inventory = parse(f"{HEADER}\nContoso,a,B,C\nCONTOSO,b,B,C\ncontoso ,c,B,C\n")
        assert rules(inventory) == [("SP503", 3), ("SP503", 4)]
        assert "line 2" in inventory.findings[0].message
        assert tenants(inventory) == [("Contoso", 2)]

    @pytest.mark.parametrize("figure", ["abc", "-5", "1.5", "１２", "1e3"])  # noqa: RUF001
    def test_bad_numbers(self, figure: str) -> None:
        inventory = parse(f"{HEADER},mailboxes\nA,a,B,C,{figure}\n")
        assert rules(inventory) == [("SP504", 2)]

    def test_bad_usage_figure(self) -> None:
        inventory = parse(f"{HEADER},used.ProhibitSendReceiveMaiboxQuota\nA,a,B,C,lots\n")
        assert rules(inventory) == [("SP504", 2)]

    @pytest.mark.parametrize("column", ["used.Nope", "used.MailTipsEnabled"])
    def test_usage_of_something_that_is_not_a_quota(self, column: str) -> None:
        """Once, on the header; the rows are read without the column (they were dropped)."""
        inventory = parse(f"{HEADER},{column}\nA,a,B,C,5\nD,d,B,C,6\n")
        assert rules(inventory) == [("SP507", 1)]
        assert tenants(inventory) == [("A", 2), ("D", 3)]
        assert inventory.tenants[0].used == {}

    def test_empty_optional_figures_are_not_reported(self) -> None:
        inventory = parse(f"{HEADER},mailboxes,used.MailboxCountQuota\nA,a,B,C,,\n")
        assert inventory.findings == ()
        assert inventory.tenants[0].mailboxes is None

    def test_too_many_cells(self) -> None:
        inventory = parse(f"{HEADER}\nA,a,B,C,extra\nD,d,B,C\n")
        assert rules(inventory) == [("SP506", 2)]
        assert tenants(inventory) == [("D", 3)]

    def test_bad_quoting_says_the_rest_is_not_read(self) -> None:
        inventory = parse(f'{HEADER}\nA,a,B,C\nD,"d"x,B,C\nE,e,B,C\n')
        assert rules(inventory) == [("SP506", 3)]
        assert "not read" in inventory.findings[0].message
        assert tenants(inventory) == [("A", 2)]

    def test_unterminated_quote(self) -> None:
        inventory = parse(f'{HEADER}\nA,a,B,C\n"E,e,B,C\nF,f,B,C\n')
        assert rules(inventory) == [("SP506", 3)]


class TestColumnSpellings:
    """A used. column accepts every spelling `explain` does; one it cannot place is reported
    once, on the header, with a did-you-mean (issue 12, item 13)."""

    @pytest.mark.parametrize(
        "column",
        [
            "used.ProhibitSendReceiveMailboxQuota",  # the documented spelling explain accepts
            "used.prohibitsendreceivemaiboxquota",  # any case
            "used.ProhibitSendReceiveMaiboxQuota",
        ],
    )
    def test_every_spelling_explain_accepts(self, column: str) -> None:
        inventory = parse(f"{HEADER},{column}\nA,a,B,C,3GB\n")
        assert inventory.findings == ()
        (tenant,) = inventory.tenants
        assert tenant.used == {"ProhibitSendReceiveMaiboxQuota": 3 * 2**30}  # the real name
        assert tenant.fields[column] == "3GB"  # the cell passes through as written

    def test_the_spelling_resolution_is_explains(self) -> None:
        catalog = load_catalog()
        for name in ("ProhibitSendReceiveMailboxQuota", "mailboxcountquota", "MailboxCountQuota"):
            assert catalog.match(name) == lookup(catalog, name)

    def test_unknown_column_once_on_the_header_even_when_empty(self) -> None:
        inventory = parse(f"{HEADER},used.MailboxCount\nA,a,B,C,\nD,d,B,C,\n")
        assert rules(inventory) == [("SP507", 1)]
        assert tenants(inventory) == [("A", 2), ("D", 3)]
        (finding,) = inventory.findings
        assert "column used.MailboxCount" in finding.message
        assert finding.hint.startswith("did you mean used.MailboxCountQuota")

    def test_unknown_key_in_jsonl_once_on_the_first_line_that_has_it(self) -> None:
        text = jsonl(row("A"), row("B", used={"Mailboxes": 5}), row("C", used={"Mailboxes": 6}))
        inventory = parse(text, "t.jsonl")
        assert rules(inventory) == [("SP507", 2)]
        assert tenants(inventory) == [("A", 1), ("B", 2), ("C", 3)]

    def test_two_spellings_of_one_quota(self) -> None:
        header = (
            f"{HEADER},used.ProhibitSendReceiveMaiboxQuota,used.ProhibitSendReceiveMailboxQuota"
        )
        inventory = parse(f"{header}\nA,a,B,C,1GB,2GB\n")
        assert rules(inventory) == [("SP509", 1)]
        assert "column 6 (used.ProhibitSendReceiveMailboxQuota) names the same field as " in (
            inventory.findings[0].message
        )
        assert inventory.tenants[0].used == {"ProhibitSendReceiveMaiboxQuota": 2**30}

    def test_a_mailbox_plan_in_two_cases(self) -> None:
        inventory = parse(f"{HEADER},mailboxes.Premium,mailboxes.premium\nA,a,B,C,3,4\n")
        assert rules(inventory) == [("SP509", 1)]
        assert inventory.tenants[0].mailboxes_by_plan == {"Premium": 3}

    def test_a_column_repeated_keeps_its_first_cell(self) -> None:
        inventory = parse(f"{HEADER},mailboxes,region,mailboxes\nA,a,B,C,3,emea,4\nD,d,B,C\n")
        assert rules(inventory) == [("SP509", 1)]
        assert "column 7 (mailboxes) repeats column 5 (mailboxes)" in inventory.findings[0].message
        assert [t.mailboxes for t in inventory.tenants] == [3, None]
        assert inventory.tenants[0].fields == {
            "name": "A", "domain": "a", "program_id": "B", "offer_id": "C",
            "mailboxes": "3", "region": "emea",
        }  # fmt: skip

    def test_a_hostile_header_is_bounded(self) -> None:
        header = HEADER + "".join(f",used.x{n}" for n in range(3000))
        inventory = parse(f"{header}\nA,a,B,C\n")
        assert len(inventory.findings) == 1001
        assert "stopped after 1,000 findings" in inventory.findings[-1].message
        assert tenants(inventory) == [("A", 2)]


class TestExportCsv:
    """Windows PowerShell's Export-Csv: a #TYPE first line, every field quoted, a BOM (issue
    12, item 12). The line is skipped with a warning; later line numbers stay right."""

    TYPE = "#TYPE System.Management.Automation.PSCustomObject"
    QUOTED = '"name","domain","program_id","offer_id","mailboxes"'

    def text(self) -> str:
        rows = [self.TYPE, self.QUOTED, '"A","a","B","C","1"', '"D","d","B","C","lots"']
        return "\r\n".join([*rows, '"E","e","B","C",""']) + "\r\n"

    @pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])  # utf-16: LE with a BOM here
    def test_type_line_is_skipped_and_lines_stay_right(self, tmp_path: Path, encoding: str) -> None:
        path = tmp_path / "tenants.csv"
        path.write_bytes(self.text().encode(encoding))
        inventory = read_inventory(str(path), load_catalog())
        assert rules(inventory) == [("SP508", 1), ("SP504", 4)]
        assert inventory.findings[0].severity is Severity.WARNING
        assert "Export-Csv" in inventory.findings[0].message
        assert "-NoTypeInformation" in inventory.findings[0].hint
        assert tenants(inventory) == [("A", 3), ("E", 5)]

    def test_a_type_name_with_commas_and_quotes(self) -> None:
        text = '#TYPE System.Collections.Generic.List`1[[System.String, "mscorlib"]]\n'
        inventory = parse(text + f"{HEADER}\nA,a,B,C\n")
        assert rules(inventory) == [("SP508", 1)]
        assert tenants(inventory) == [("A", 3)]

    def test_only_a_type_line_misses_every_column(self) -> None:
        assert rules(parse(self.TYPE + "\n")) == [("SP501", 1), ("SP508", 1)]

    def test_a_type_line_later_is_data(self) -> None:
        inventory = parse(f"{HEADER}\n#TYPE x,a,B,C\n")
        assert rules(inventory) == [] and tenants(inventory) == [("#TYPE x", 2)]


class TestJsonl:
    def test_same_keys_as_csv(self) -> None:
        text = jsonl(row("A", mailboxes=12, location="en-us"), row("B"))
        inventory = parse(text, "tenants.jsonl")
        assert tenants(inventory) == [("A", 1), ("B", 2)]
        assert inventory.tenants[0].mailboxes == 12
        assert inventory.tenants[0].fields["mailboxes"] == 12

    def test_nested_mailboxes_and_used(self) -> None:
        text = jsonl(row("A", mailboxes={"Premium": 3}, used={"MailboxCountQuota": 7}))
        (tenant,) = parse(text, "t.jsonl").tenants
        assert tenant.mailboxes_by_plan == {"Premium": 3}
        assert tenant.used == {"MailboxCountQuota": 7}

    def test_detected_from_content_without_a_suffix(self) -> None:
        assert tenants(parse(jsonl(row("A")), "tenants")) == [("A", 1)]

    def test_blank_lines_keep_numbering(self) -> None:
        text = jsonl(row("A")) + "\n  \n" + jsonl(row("B"))
        assert tenants(parse(text, "t.jsonl")) == [("A", 1), ("B", 4)]

    def test_raw_line_separator_inside_a_string_is_not_a_line_break(self) -> None:
        text = jsonl(row("A")).replace('"A"', '"A\u2028B\u0085C"') + jsonl(row("D"))
        inventory = parse(text, "t.jsonl")
        assert inventory.findings == ()
        assert tenants(inventory) == [("A\u2028B\u0085C", 1), ("D", 2)]

    def test_bad_lines(self) -> None:
        text = jsonl(row("A")) + "{not json\n" + "[1, 2]\n" + '{"name": {"x": 1}}\n'
        inventory = parse(text, "t.jsonl")
        assert rules(inventory) == [("SP506", 2), ("SP506", 3), ("SP506", 4)]
        assert tenants(inventory) == [("A", 1)]

    def test_a_bad_line_has_a_jsonl_hint(self) -> None:
        (finding,) = parse('{"name": "A",\n', "t.jsonl").findings
        assert finding.rule == "SP506" and "CSV" not in finding.hint
        assert finding.hint.startswith("Fix the line: one JSON object a line")

    @pytest.mark.parametrize("text", ["", "\n  \n"])
    def test_an_empty_file_says_it_is_empty(self, text: str) -> None:
        inventory = parse(text, "t.jsonl")
        assert rules(inventory) == [("SP501", 1)]
        assert inventory.findings[0].message == "the file is empty: no JSON line, no tenant"
        assert inventory.findings[0].hint.startswith("Write one JSON object a line")

    def test_missing_key_everywhere_is_sp501(self) -> None:
        text = jsonl({"name": "A", "domain": "a", "program_id": "B"})
        assert rules(parse(text, "t.jsonl")) == [("SP501", 1)]

    def test_missing_key_on_one_line_is_sp502(self) -> None:
        text = jsonl(row("A"), {"name": "B", "domain": "b", "program_id": "B"})
        assert rules(parse(text, "t.jsonl")) == [("SP502", 2)]

    def test_booleans_and_fractions_are_not_counts(self) -> None:
        text = jsonl(row("A", mailboxes=True), row("B", mailboxes=2.5))
        assert rules(parse(text, "t.jsonl")) == [("SP504", 1), ("SP504", 2)]


def test_a_file_over_the_cap_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "tenants.csv"
    path.write_text(f"{HEADER}\n" + "A,a,B,C\n" * 100, encoding="utf-8")
    with pytest.raises(InputError, match=r"tenants\.csv"):
        read_inventory(str(path), load_catalog(), max_size=100)


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        read_inventory(str(tmp_path / "nope.csv"), load_catalog())


class TestMatchPairs:
    TABLE = RemapTable("remap.csv", (
        RemapRow(("Business", "SmallOrg", "SmallBusiness"), Location("remap.csv", 3)),
        RemapRow(("business", "SMALLORG", "Other"), Location("remap.csv", 4)),  # a duplicate
        RemapRow(("Broken",), Location("remap.csv", 5)),
    ))  # fmt: skip

    def test_pairs_ignore_case_and_the_first_line_wins(self) -> None:
        inventory = parse(f"{HEADER}\nA,a, BUSINESS ,smallorg\n")
        chosen, findings = match_pairs(inventory.tenants, [self.TABLE])
        assert findings == []
        assert chosen["a"].location.line == 3

    def test_an_unknown_pair_names_the_tenant_row(self) -> None:
        inventory = parse(f"{HEADER}\nA,a,Business,SmallOrg\nZ,z,Business,Huge\nY,y,Broken,\n")
        chosen, findings = match_pairs(inventory.tenants, [self.TABLE])
        assert set(chosen) == {"a"}
        assert [(f.rule, f.location.line) for f in findings] == [("SP505", 3)]
        assert "Z" in findings[0].message and "Huge" in findings[0].message
