"""`tenants import` and `tenants export`: an inventory into a database table, and any
inventory back out as CSV or JSONL.

Import makes the table with typed columns (counts and usage as BIGINT, the rest as text; a
dot in a column's name written `__`) and a unique index on the lowercased name, and loads it in
one transaction: with `--replace` the old table is dropped and the new one made in that same
transaction, so a reader sees the old rows or the new ones, never a mix.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ..errors import InputError, UsageError
from ..files.output import STDOUT
from ..report.encode import encode_text
from .columns import MAILBOXES_PREFIX, REQUIRED, USED_PREFIX
from .database import BATCH, engine, failure, mask_url, sql_name
from .inventory import Tenant
from .rows import JSONL_SUFFIXES, Cell

TYPED = ("location", "plan")  # the other typed fields, after REQUIRED


def columns_of(tenants: Sequence[Tenant]) -> list[str]:
    """The inventory's columns in a stable order: the typed fields, the counts and usage
    (usage by its quota's name), then every other column as first seen."""
    counts: dict[str, None] = {}
    others: dict[str, None] = {}
    for tenant in tenants:
        if tenant.mailboxes is not None:
            counts.setdefault("mailboxes")
        for plan in tenant.mailboxes_by_plan:
            counts.setdefault(f"{MAILBOXES_PREFIX}{plan}")
        for quota in tenant.used:
            counts.setdefault(f"{USED_PREFIX}{quota}")
        for column in tenant.fields:
            if not column.startswith((MAILBOXES_PREFIX, USED_PREFIX)) and column != "mailboxes":
                others.setdefault(column)
    fixed = [*REQUIRED, *TYPED]
    return [*fixed, *sorted(counts, key=_count_order), *(c for c in others if c not in fixed)]


def _count_order(column: str) -> int:
    """Grouped, each group in the order first seen (the sort is stable)."""
    return 0 if column == "mailboxes" else 1 if column.startswith(MAILBOXES_PREFIX) else 2


def is_count(column: str) -> bool:
    return column == "mailboxes" or column.startswith((MAILBOXES_PREFIX, USED_PREFIX))


def value_of(tenant: Tenant, column: str) -> Cell:
    """A tenant's value for a column: typed fields and counts as read, others as written."""
    if column in REQUIRED or column in TYPED:
        return str(getattr(tenant, column))
    if column == "mailboxes":
        return tenant.mailboxes
    if column.startswith(MAILBOXES_PREFIX):
        return tenant.mailboxes_by_plan.get(column[len(MAILBOXES_PREFIX) :])
    if column.startswith(USED_PREFIX):
        return tenant.used.get(column[len(USED_PREFIX) :])
    cell = tenant.fields.get(column)
    return (
        None
        if cell is None
        else cell
        if isinstance(cell, str)
        else encode_text(cell, indent=None, newline=False)
    )


def import_tenants(tenants: Sequence[Tenant], url: str, *, table: str, replace: bool) -> int:
    """Load the tenants into `table` in one transaction; the number of rows written."""
    from sqlalchemy import BigInteger, Column, Index, MetaData, Table, Text, func, inspect
    from sqlalchemy.exc import SQLAlchemyError

    columns = columns_of(tenants)
    schema, _, bare = table.rpartition(".")
    names = {column: sql_name(column) for column in columns}
    typed = [Column(names[c], BigInteger if is_count(c) else Text) for c in columns]
    made = Table(bare, MetaData(), *typed, schema=schema or None)
    Index(f"{bare}_name_key", func.lower(made.c.name), unique=True)
    database = engine(url, write=True)
    try:
        with database.begin() as connection:
            if inspect(connection).has_table(bare, schema=schema or None):
                if not replace:
                    raise UsageError(
                        f"{mask_url(url)}: table {table} exists already",
                        hint="add --replace to swap its contents, or name another with --table",
                    )
                Table(bare, MetaData(), schema=schema or None).drop(connection)
            made.create(connection)
            for start in range(0, len(tenants), BATCH):
                rows = [
                    {names[c]: value_of(tenant, c) for c in columns}
                    for tenant in tenants[start : start + BATCH]
                ]
                if rows:
                    connection.execute(made.insert(), rows)
    except SQLAlchemyError as error:
        raise failure(url, error, f"writing table {table}", write=True) from None
    finally:
        database.dispose()
    return len(tenants)


def export_text(tenants: Sequence[Tenant], path: str, *, jsonl: bool | None = None) -> str:
    """The tenants as CSV (formula-like cells neutralised as render's CSV output does) or
    one JSON object a line: `jsonl`, else by the name (.jsonl, .ndjson, .json)."""
    columns = columns_of(tenants)
    if jsonl is None:
        jsonl = path.casefold().endswith(JSONL_SUFFIXES)
    if jsonl:
        return "".join(_json_line(tenant, columns) for tenant in tenants)
    from ..render.env import UnsafeValue, csv_cell

    lines = [",".join(csv_cell(column) for column in columns)]
    for tenant in tenants:
        try:
            lines.append(",".join(_csv_cells(tenant, columns, csv_cell)))
        except UnsafeValue as error:
            instead = "-f jsonl" if path == STDOUT else f"-o {path.rsplit('.', 1)[0]}.jsonl"
            raise InputError(
                f"{tenant.row}: tenant {tenant.name!r} has a control character in a cell, "
                "which no CSV can hold safely",
                hint=f"export to JSONL instead ({instead}): {error}",
            ) from None
    return "\n".join(lines) + "\n"


def _csv_cells(tenant: Tenant, columns: Iterable[str], cell: Any) -> list[str]:
    found = []
    for column in columns:
        value = value_of(tenant, column)
        found.append("" if value is None else cell(str(value)))
    return found


def _json_line(tenant: Tenant, columns: Iterable[str]) -> str:
    values = {c: value for c in columns if (value := value_of(tenant, c)) is not None}
    return encode_text(values, indent=None)
