"""reader.py: one set of rules for every row. A consumer that selects some tenants (diff: the
routes a change reaches) gets the same findings, in the same order, as a full read, and the
same tenants less those it left out, which are counted, never built."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from serviceplan.catalog import load_catalog
from serviceplan.errors import ServicePlanError
from serviceplan.tenants.inventory import (
    Inventory,
    Tenant,
    TenantStream,
    open_inventory,
    stream_text,
)
from serviceplan.tenants.reader import RowReader, Wanted
from serviceplan.tenants.rows import row_cells

CATALOG = load_catalog()
CASES = Path(__file__).parents[2] / "cases"
FIXTURES = sorted(
    path for pattern in ("tenants.csv", "tenants.jsonl") for path in CASES.rglob(pattern)
)
HEADER = "name,domain,program_id,offer_id"
# rows the fixtures may lack: short and long rows, repeated and counted columns, bad figures
EDGES = {
    "short-rows.csv": f"{HEADER},plan,mailboxes,region\nA,a,B,S,P\nB,b,B,S\nC,c\n,d,B,S,P,1,x\n",
    "repeated.csv": f"{HEADER},plan,plan,name\nA,a,B,S,P1,P2,Z\nB,b,B,M,,P3,Y\n",
    "counted.csv": (
        f"{HEADER},mailboxes,mailboxes.Premium,mailboxes.premium,used.MailboxCountQuota,"
        "used.mailboxcountquota,used.Nope\n"
        "A,a,B,S,10,4,5,3,2,\nB,b,B,M,x,-1,,9GB,,1\nC,c,B,S,,,,,,\nc,c,B,M,1,1,1,1,1,1\n"
    ),
    "figures.csv": (
        f"{HEADER},mailboxes\nA,a,B,S, 7 \nB,b,B,S,1e3\nC,c,B,S,{'9' * 19}\nD,d,B,S,٣\n"
        "E,e,B,S,\n a ,a2,B,S,1\n"
    ),
    "odd.jsonl": (
        '{"name": "A", "domain": "a", "program_id": "B", "offer_id": "S", "mailboxes": 3}\n'
        '{"name": "B", "domain": "b", "program_id": 1, "offer_id": true, "plan": null}\n'
        '{"name": "C", "domain": "c", "program_id": "B", "offer_id": "M", '
        '"mailboxes": {"Premium": 2.5}, "used": {"MailboxCountQuota": "7"}}\n'
        '{"name": "a", "domain": "a", "program_id": "B", "offer_id": "S"}\n'
    ),
}


def every_other(program_id: str, offer_id: str, plan: str) -> bool:
    return len(program_id + offer_id + plan) % 2 == 0


PREDICATES: dict[str, Wanted] = {
    "none": lambda *_: False,
    "all": lambda *_: True,
    "every-other": every_other,
}


Opener = Callable[[], TenantStream]


def read(open_it: Opener, wanted: Wanted | None) -> tuple[Inventory, int]:
    stream = open_it()
    if wanted is not None:
        stream.select(wanted, fields=False)
    return stream.read(), stream.passed


def assert_same(open_it: Opener, wanted: Wanted) -> None:
    """The selected read against the full one: same findings, the wanted tenants (without
    their cells), the rest counted."""
    full, none_passed = read(open_it, None)
    selected, passed = read(open_it, wanted)
    assert none_passed == 0
    assert selected.findings == full.findings
    kept = [t for t in full.tenants if wanted(t.program_id, t.offer_id, t.plan)]
    assert list(selected.tenants) == [replace(t, fields={}) for t in kept]
    assert passed == len(full.tenants) - len(kept)


@pytest.mark.parametrize("choice", PREDICATES)
@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: str(p.parent.relative_to(CASES)))
def test_every_inventory_fixture_reads_the_same_selected(path: Path, choice: str) -> None:
    try:
        open_inventory(str(path), CATALOG).read()
    except ServicePlanError as error:  # a file it refuses, whichever way it is read
        with pytest.raises(type(error), match=r"."):
            read(lambda: open_inventory(str(path), CATALOG), PREDICATES[choice])
        return
    assert_same(lambda: open_inventory(str(path), CATALOG), PREDICATES[choice])


@pytest.mark.parametrize("choice", PREDICATES)
@pytest.mark.parametrize("name", EDGES)
def test_edge_rows_read_the_same_selected(name: str, choice: str) -> None:
    assert_same(lambda: stream_text(EDGES[name], name, CATALOG), PREDICATES[choice])


def test_the_edge_rows_have_findings_and_tenants_to_compare() -> None:
    for name, text in EDGES.items():
        inventory = stream_text(text, name, CATALOG).read()
        assert inventory.findings and inventory.tenants, name


HOSTILE_ROWS = """
INSERT INTO tenants VALUES ('Contoso', 'c.com', 'Business', 'SmallOrg', 'SmallBusiness', 12, 2,
    12, 'x');
INSERT INTO tenants VALUES ('contoso', 'c2.com', 'Business', 'SmallOrg', NULL, 1, NULL, NULL, NULL);
INSERT INTO tenants VALUES (' Fabrikam ', 'f.com', 'Business', 'MedOrg', NULL, -4, NULL, NULL, 1);
INSERT INTO tenants VALUES ('Alpine', 'a.com', 'Business', 'MedOrg', 7, 1000000000000000000,
    NULL, NULL, NULL);
INSERT INTO tenants VALUES ('Tailspin', 't.com', 1, 2.5, NULL, 3.0, -1, 'lots', NULL);
INSERT INTO tenants VALUES (NULL, NULL, 'Business', 'SmallOrg', NULL, NULL, NULL, NULL, NULL);
INSERT INTO tenants VALUES ('Woodgrove', 'w.com', 'Business', 'LargeOrg', '', 999999999999999999,
    0, 0, NULL);
INSERT INTO tenants VALUES ('Litware', X'6C2E636F6D', 'Business', 'SmallOrg', NULL, ' 5 ', NULL,
    NULL, NULL);
"""


def make_db(path: Path, rows: str) -> str:
    connection = sqlite3.connect(path)
    connection.execute(  # no types: each cell keeps what was inserted (text, integer, real...)
        "CREATE TABLE tenants (name, domain, program_id, offer_id, plan, mailboxes, "
        "mailboxes__Premium, used__MailboxCountQuota, contact)"
    )
    connection.executescript(rows)
    connection.commit()
    connection.close()
    return f"sqlite:///{path}"


@pytest.mark.parametrize("choice", PREDICATES)
def test_a_tables_hostile_rows_read_the_same_selected(tmp_path: Path, choice: str) -> None:
    url = make_db(tmp_path / "t.db", HOSTILE_ROWS)
    inventory = open_inventory(url, CATALOG).read()
    assert len(inventory.findings) >= 5 and len(inventory.tenants) >= 3
    assert_same(lambda: open_inventory(url, CATALOG), PREDICATES[choice])


def test_a_tables_numbers_are_judged_as_their_text_would_be(tmp_path: Path) -> None:
    figures = ("-4", "1000000000000000000", "999999999999999999", "0", "3.0", "' 5 '")
    rows = "".join(
        f"INSERT INTO tenants VALUES ('T{n}', 'd', 'B', 'S', NULL, {figure}, NULL, NULL, NULL);"
        for n, figure in enumerate(figures)
    )
    table = open_inventory(make_db(tmp_path / "t.db", rows), CATALOG).read()
    text = "".join(f"T{n},d,B,S,{figure.strip(chr(39))}\n" for n, figure in enumerate(figures))
    csv = stream_text(f"{HEADER},mailboxes\n{text}", "t.csv", CATALOG).read()
    assert [f.message for f in table.findings] == [f.message for f in csv.findings]
    assert [f.message for f in csv.findings] == [
        "mailboxes is '-4'", "mailboxes is '1000000000000000000'", "mailboxes is '3.0'",
    ]  # fmt: skip
    assert [t.mailboxes for t in table.tenants] == [t.mailboxes for t in csv.tenants]


def test_rows_not_wanted_are_judged_but_never_built() -> None:
    built: list[str] = []

    def make(name: str, *args: object, **kwargs: object) -> Tenant:
        built.append(name)
        return Tenant(name, *args, **kwargs)  # type: ignore[arg-type]

    header = [*HEADER.split(","), "plan"]
    reader = RowReader("t.csv", CATALOG, make)
    reader.header(header, 1, row_cells(header))
    reader.wanted = lambda program_id, offer_id, plan: offer_id == "MedOrg"
    rows = [["A", "a", "B", "SmallOrg", ""], ["B", "b", "B", "MedOrg", ""],
            ["a", "a", "B", "MedOrg", ""], ["C", "", "B", "SmallOrg", ""]]  # fmt: skip
    tenants = [reader.tenant(line, row) for line, row in enumerate(rows, start=2)]
    assert [t.name if t else None for t in tenants] == [None, "B", None, None]
    assert built == ["B"] and reader.passed == 1
    assert [(f.rule, f.location.line) for f in reader.findings] == [("SP503", 4), ("SP502", 5)]
