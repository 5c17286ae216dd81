"""A large inventory file streams a line at a time and reads exactly as when read whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from serviceplan.catalog import load_catalog
from serviceplan.plan.load import decode_text
from serviceplan.tenants import large
from serviceplan.tenants.inventory import parse_inventory, read_inventory

CATALOG = load_catalog()
CSV = (
    "#TYPE System.Management.Automation.PSCustomObject\r\n"
    "name,domain,program_id,offer_id,mailboxes,note\r\n"
    'Contoso,contoso.com,Business,SmallOrg,12,"two\r\nlines"\r\n'
    "Fabrikam,fabrikam.com,Business,SmallOrg,many,\r"
    "Müller,mueller.de,Business,SmallOrg,3,\u2028x\n"
    "contoso,c.com,Business,SmallOrg,1,\n"
)
JSONL = '{"name": "A", "domain": "a", "program_id": "p", "offer_id": "o"}\r\n\n{"name": 1}\r{x\n'


@pytest.mark.parametrize(("name", "text"), [("t.csv", CSV), ("t.jsonl", JSONL)])
def test_streamed_reads_as_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, text: str
) -> None:
    path = tmp_path / name
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    whole = parse_inventory(text, str(path), CATALOG)
    monkeypatch.setattr(large, "STREAM_ABOVE", 10)
    assert large.streamed(str(path), 1 << 20)
    assert read_inventory(str(path), CATALOG) == whole
    assert whole.findings


def test_a_bad_byte_is_the_same_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = CSV.encode("utf-8").replace("Müller".encode(), b"M\xfcller")
    path = tmp_path / "t.csv"
    path.write_bytes(data)
    _, expected = decode_text(data, str(path))
    monkeypatch.setattr(large, "STREAM_ABOVE", 10)
    monkeypatch.setattr(large, "_CHUNK", 7)  # the bad byte and line breaks across chunks
    inventory = read_inventory(str(path), CATALOG)
    assert inventory.tenants == () and list(inventory.findings) == expected
    assert expected[0].location.line == 6
