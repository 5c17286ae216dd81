from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from serviceplan.catalog import load_catalog
from serviceplan.errors import InputError, UsageError
from serviceplan.tenants.inventory import parse_inventory, read_inventory
from serviceplan.tenants.store import columns_of, export_text, import_tenants

CATALOG = load_catalog()
CSV = (
    "name,domain,program_id,offer_id,plan,mailboxes,mailboxes.Premium,used.mailboxcountquota,note\n"
    "Contoso,contoso.com,Business,SmallOrg,SmallBusiness,120,20,120,=SUM(A1)\n"
    "Fabrikam,fabrikam.com,Business,MedOrg,,,,,\n"
)


def tenants() -> tuple:  # type: ignore[type-arg]
    inventory = parse_inventory(CSV, "tenants.csv", CATALOG)
    assert inventory.findings == ()
    return inventory.tenants


def test_columns_are_typed_fields_then_counts_then_the_rest() -> None:
    assert columns_of(tenants()) == [
        "name", "domain", "program_id", "offer_id", "location", "plan",
        "mailboxes", "mailboxes.Premium", "used.MailboxCountQuota", "note",
    ]  # fmt: skip


def test_import_makes_a_typed_table_with_a_unique_name_index(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/t.db"
    assert import_tenants(tenants(), url, table="tenants", replace=False) == 2
    connection = sqlite3.connect(tmp_path / "t.db")
    types = {row[1]: row[2] for row in connection.execute("PRAGMA table_info(tenants)")}
    assert types["mailboxes__Premium"] == "BIGINT" and types["note"] == "TEXT"
    with pytest.raises(sqlite3.IntegrityError):
        connection.execute(
            "INSERT INTO tenants (name, domain, program_id, offer_id) "
            "VALUES ('CONTOSO', '', '', '')"
        )
    connection.close()
    back = read_inventory(url, CATALOG)
    assert [(t.name, t.mailboxes, t.used) for t in back.tenants] == [
        ("Contoso", 120, {"MailboxCountQuota": 120}),
        ("Fabrikam", None, {}),
    ]


def test_an_existing_table_needs_replace_which_swaps_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/t.db"
    import_tenants(tenants(), url, table="tenants", replace=False)
    with pytest.raises(UsageError, match="exists already"):
        import_tenants(tenants()[:1], url, table="tenants", replace=False)
    assert len(read_inventory(url, CATALOG).tenants) == 2
    import_tenants(tenants()[:1], url, table="tenants", replace=True)
    assert [t.name for t in read_inventory(url, CATALOG).tenants] == ["Contoso"]


def test_export_neutralises_formulas_and_reads_back(tmp_path: Path) -> None:
    text = export_text(tenants(), "out.csv")
    assert "'=SUM(A1)" in text
    again = parse_inventory(text, "out.csv", CATALOG)
    assert [(t.name, t.mailboxes_by_plan) for t in again.tenants] == [
        ("Contoso", {"Premium": 20}),
        ("Fabrikam", {}),
    ]
    lines = export_text(tenants(), "out.jsonl").splitlines()
    assert lines[0].startswith('{"name": "Contoso"') and '"mailboxes": 120' in lines[0]
    assert parse_inventory("\n".join(lines), "out.jsonl", CATALOG).findings == ()


def test_a_database_in_a_missing_folder_gets_a_sqlite_hint(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/no/such/t.db"
    with pytest.raises(InputError) as raised:
        import_tenants(tenants(), url, table="tenants", replace=False)
    assert (
        raised.value.message == f"{url}: writing table tenants failed: unable to open database file"
    )
    assert raised.value.hint == (
        f"the folder {tmp_path}/no/such must exist and be writable (the database is made there)"
    )
