"""The tenant inventory (read by render and diff): CSV and JSONL, each problem a finding on its
row's line. (Named test_render_inventory: tests/property/test_inventory.py has the plain name.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from serviceplan.catalog import load_catalog
from serviceplan.errors import InputError
from serviceplan.inventory import Inventory, match_pairs, parse_inventory, read_inventory
from serviceplan.model import Location, RemapRow, RemapTable

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

    def test_empty_file_misses_every_column(self) -> None:
        assert rules(parse("")) == [("SP501", 1)]

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
        inventory = parse(f"{HEADER},{column}\nA,a,B,C,5\n")
        assert rules(inventory) == [("SP507", 2)]

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
