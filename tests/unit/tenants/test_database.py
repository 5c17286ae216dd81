"""Reading a tenant inventory from a database: SQLite here (always), PostgreSQL in
tests/acceptance/test_tenant_sources.py."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from serviceplan.catalog import load_catalog
from serviceplan.errors import InputError, UsageError
from serviceplan.tenants.database import (
    column_name,
    failure,
    is_url,
    mask_url,
    read_only,
    sql_name,
)
from serviceplan.tenants.inventory import open_inventory, read_inventory

CATALOG = load_catalog()


def make_db(path: Path, table: str = "tenants", rows: str = "") -> str:
    connection = sqlite3.connect(path)
    connection.execute(
        f'CREATE TABLE "{table}" (name TEXT, domain TEXT, program_id TEXT, offer_id TEXT, '
        "plan TEXT, mailboxes INTEGER, mailboxes__Premium INTEGER, "
        "used__MailboxCountQuota INTEGER, contact TEXT)"
    )
    connection.executescript(rows)
    connection.commit()
    connection.close()
    return f"sqlite:///{path}"


ROWS = """
INSERT INTO tenants VALUES ('Contoso', 'contoso.com', 'Business', 'SmallOrg', 'SmallBusiness',
    120, 20, 120, 'admin@contoso.com');
INSERT INTO tenants VALUES ('Fabrikam', 'fabrikam.com', 'Business', 'MedOrg', NULL,
    NULL, NULL, NULL, NULL);
"""


def test_urls_are_told_from_files_and_passwords_masked(tmp_path: Path) -> None:
    assert is_url("sqlite:///t.db") and is_url("postgresql://u:p@h/db")
    assert not is_url("tenants.csv") and not is_url(str(tmp_path))
    assert mask_url("postgresql://u:s3cret@h:5432/db") == "postgresql://u:***@h:5432/db"
    assert "s3cret" not in mask_url("weird://u:s3cret@")


def test_double_underscores_stand_for_the_dot() -> None:
    assert column_name("mailboxes__Premium") == "mailboxes.Premium"
    assert column_name("used__MailboxCountQuota") == "used.MailboxCountQuota"
    assert column_name("my__column") == "my__column"
    assert sql_name("mailboxes.Premium") == "mailboxes__Premium"


def test_a_table_reads_as_a_file_does(tmp_path: Path) -> None:
    url = make_db(tmp_path / "t.db", rows=ROWS)
    inventory = read_inventory(url, CATALOG)
    assert inventory.findings == ()
    contoso, fabrikam = inventory.tenants
    assert (contoso.name, contoso.plan, contoso.mailboxes) == ("Contoso", "SmallBusiness", 120)
    assert contoso.mailboxes_by_plan == {"Premium": 20}
    assert contoso.used == {"MailboxCountQuota": 120}
    assert contoso.fields["contact"] == "admin@contoso.com"
    assert str(contoso.row) == "t.db:tenants[name='Contoso']"
    assert (contoso.line, fabrikam.line) == (2, 3)  # as the CSV's lines
    assert fabrikam.mailboxes is None and fabrikam.plan == ""


def test_row_findings_name_the_table_and_key(tmp_path: Path) -> None:
    rows = ROWS + (
        "INSERT INTO tenants VALUES ('O''Brien', 'x.com', 'Business', 'SmallOrg', NULL, "
        "-4, NULL, NULL, NULL);"
        "INSERT INTO tenants VALUES ('contoso', 'c.com', 'Business', 'SmallOrg', NULL, "
        "1, NULL, NULL, NULL);"
        "INSERT INTO tenants VALUES ('', 'e.com', 'Business', 'SmallOrg', NULL, "
        "1, NULL, NULL, NULL);"
    )
    inventory = read_inventory(make_db(tmp_path / "t.db", rows=rows), CATALOG)
    found = {(f.rule, str(f.location)) for f in inventory.findings}
    assert found == {
        ("SP504", "t.db:tenants[name='O''Brien']"),
        ("SP503", "t.db:tenants[name='contoso']"),
        ("SP502", "t.db:tenants[row 5]"),
    }
    assert [t.name for t in inventory.tenants] == ["Contoso", "Fabrikam"]


def test_a_query_and_another_table(tmp_path: Path) -> None:
    url = make_db(tmp_path / "t.db", table="select", rows=ROWS.replace("tenants", '"select"'))
    assert [t.name for t in read_inventory(url, CATALOG, table="select").tenants] == [
        "Contoso",
        "Fabrikam",
    ]
    query = (
        "SELECT name AS name, domain, program_id, offer_id FROM \"select\" WHERE name = 'Contoso'"
    )
    inventory = read_inventory(url, CATALOG, query=query)
    assert [str(t.row) for t in inventory.tenants] == ["t.db:query[name='Contoso']"]


def test_missing_columns_are_sp501(tmp_path: Path) -> None:
    url = make_db(tmp_path / "t.db", rows=ROWS)
    inventory = read_inventory(url, CATALOG, query="SELECT name FROM tenants")
    assert [(f.rule, str(f.location)) for f in inventory.findings] == [("SP501", "t.db:query")]
    assert "domain, program_id, offer_id" in inventory.findings[0].message


@pytest.mark.parametrize(
    ("table", "query", "error", "says"),
    [
        ("nope", None, InputError, "no table nope"),
        (None, "SELECT nosuch FROM tenants", InputError, "no such column"),
        (None, "DELETE FROM tenants", InputError, "readonly"),
    ],
)
def test_errors_are_one_line(
    tmp_path: Path, table: str | None, query: str | None, error: type[Exception], says: str
) -> None:
    url = make_db(tmp_path / "t.db", rows=ROWS)
    with pytest.raises(error, match=says):
        read_inventory(url, CATALOG, table=table, query=query)


def test_a_missing_file_and_options_without_a_url(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no database file"):
        read_inventory(f"sqlite:///{tmp_path}/none.db", CATALOG)
    with pytest.raises(UsageError, match="need a database URL"):
        open_inventory(str(tmp_path / "t.csv"), CATALOG, table="tenants")


def test_the_transaction_is_read_only(tmp_path: Path) -> None:
    url = make_db(tmp_path / "t.db", rows=ROWS)
    with read_only(url) as connection, pytest.raises(Exception, match="readonly"):
        connection.execute(text("DELETE FROM tenants"))
    assert len(read_inventory(url, CATALOG).tenants) == 2


def test_tenants_stream_from_a_table(tmp_path: Path) -> None:
    url = make_db(tmp_path / "t.db", rows=ROWS)
    stream = open_inventory(url, CATALOG)
    first = next(iter(stream))
    assert first.name == "Contoso"
    assert [t.name for t in stream] == ["Fabrikam"]


def test_errors_come_when_the_source_is_opened(tmp_path: Path) -> None:
    url = make_db(tmp_path / "t.db", rows=ROWS)
    with pytest.raises(InputError, match="no table other"):
        open_inventory(url, CATALOG, table="other")  # not only once the tenants are read


@pytest.mark.parametrize("named", ["relative", "absolute"])
def test_a_database_file_named_without_its_url_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, named: str
) -> None:
    make_db(tmp_path / "t.db", rows=ROWS)
    monkeypatch.chdir(tmp_path)
    source = "t.db" if named == "relative" else str(tmp_path / "t.db")
    with pytest.raises(InputError) as raised:
        read_inventory(source, CATALOG)
    assert raised.value.message == f"{source}: a SQLite database, not a CSV or JSONL inventory"
    assert raised.value.hint == f"give it as a database URL: sqlite:///{source}"


def test_a_file_that_is_no_database_gets_a_sqlite_hint(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("name,domain,program_id,offer_id\n" * 100)
    with pytest.raises(InputError) as raised:
        read_inventory(f"sqlite:///{tmp_path}/t.csv", CATALOG)
    assert raised.value.message.endswith("failed: file is not a database")
    assert raised.value.hint == f"check that {tmp_path}/t.csv is a SQLite database you can read"


class _Refused(Exception):
    orig = 'connection failed: connection to server at "127.0.0.1", port 1 failed: refused'


def test_a_server_error_says_connecting_once_with_a_server_hint() -> None:
    error = failure("postgresql://u:pw@127.0.0.1:1/db", _Refused(), "connecting")
    assert error.message == (
        "postgresql://u:***@127.0.0.1:1/db: connecting failed: "
        'connection to server at "127.0.0.1", port 1 failed: refused'
    )
    assert "PGPASSWORD" in error.hint
