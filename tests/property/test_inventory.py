"""The tenant inventory reader on generated CSV and JSONL (odd columns, mailboxes.X and used.X,
weird unicode, duplicates, encodings, mutations): it returns an Inventory or raises the tool's
own error, never anything else; every finding and every tenant names a line of the file."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import event, example, given

from _harness import CATALOG, PROFILE, inventory_file, line_count
from serviceplan.errors import ServicePlanError
from serviceplan.tenants.inventory import REQUIRED, read_inventory


@PROFILE
@example(case=("tenants.csv", b"name,domain,program_id,offer_id,mailboxes\na,b,c,d," + b"1" * 5000))
@example(
    case=(
        "tenants.jsonl",
        b'{"name": "a\xe2\x80\xa8b", "domain": "d", "program_id": "p", '
        b'"offer_id": "o"}\n{"name": "c"}\n',
    )
)
@example(case=("tenants.jsonl", b"[" * 100_000 + b"\n"))
@example(case=("tenants.csv", b'\xff\xfe"\x00x\x00\r\n\x00'))  # UTF-16: \r\n is one code unit
@given(case=inventory_file())
def test_inventory_reader_answers_every_file(case: tuple[str, bytes]) -> None:
    name, data = case
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / name
        path.write_bytes(data)
        try:
            inventory = read_inventory(str(path), CATALOG)
        except ServicePlanError as error:  # the tool's own error: a message, exit 2 in the CLI
            assert error.message, error
            event("tool error")
            return
    lines = line_count(data, end_of_file=False)  # every row finding is on a row's line
    event(f"{len(inventory.tenants)} tenants, {'findings' if inventory.findings else 'clean'}")
    for finding in inventory.findings:
        assert finding.location.file == str(path), finding
        assert 1 <= finding.location.line <= lines, (finding, lines)
        assert finding.rule.startswith("SP"), finding
    keys = [tenant.key for tenant in inventory.tenants]
    assert len(keys) == len(set(keys)), "duplicate tenants kept"
    for tenant in inventory.tenants:
        assert 1 <= tenant.row.line <= lines, (tenant.row, lines)
        assert all(getattr(tenant, column).strip() for column in REQUIRED), tenant
        assert tenant.mailboxes is None or tenant.mailboxes >= 0, tenant
