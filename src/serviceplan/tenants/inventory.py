"""Inventory: the tenant list operators export (CSV with a header row, or JSONL with the same
keys), read with each row's line number, or a database table (tenants.database); one format for
`diff --tenants`, `render --tenants` and `tenants`. Tenants stream: `open_inventory`."""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..catalog import Catalog
from ..errors import InputError, UsageError
from ..model import Finding, Location
from ..plan.load import decode_text, read_input
from ..rules.limits import MAX_FINDINGS_PER_FILE, limited
from ..rules.registry import rule
from .columns import REQUIRED
from .database import is_url
from .large import check_utf8, streamed
from .reader import RowCells, RowReader, Wanted
from .rows import Cell, csv_rows, is_jsonl, jsonl_rows, row_cells, without_type_line

DEFAULT_MAX_INVENTORY_SIZE = 256 << 20  # 100,000 tenants are about 15 MB
SQLITE_MAGIC = b"SQLite format 3\0"  # the first 16 bytes of every SQLite database file


@dataclass(frozen=True, slots=True)
class Tenant:
    """One tenant organization; `fields` keeps every column as read, for templates."""

    name: str
    domain: str
    program_id: str
    offer_id: str
    row: Location  # where the tenant is in the inventory
    location: str = ""  # passed to New-Organization (a datacenter location, not a file's)
    plan: str = ""  # the plan it was last provisioned or updated with, when known
    mailboxes: int | None = None
    mailboxes_by_plan: Mapping[str, int] = field(default_factory=dict)
    used: Mapping[str, int] = field(default_factory=dict)  # quota's name -> usage (count, bytes)
    fields: Mapping[str, Cell] = field(default_factory=dict)
    # a table's row: its number counted as the lines of the same inventory's CSV file (the
    # header is line 1), so templates print the same `tenant.line` from either
    number: int = 0

    @property
    def line(self) -> int:
        """The inventory line (a file's), or the row counted as one (a table's)."""
        return self.row.line or self.number

    @property
    def key(self) -> str:
        return self.name.casefold()

    @property
    def pair(self) -> tuple[str, str]:
        return (self.program_id.casefold(), self.offer_id.casefold())

    def mailboxes_on(self, mailbox_plan: str) -> int | None:
        """Mailboxes on a mailbox plan (names compared ignoring case), when reported."""
        wanted = mailbox_plan.casefold()
        for name, count in self.mailboxes_by_plan.items():
            if name.casefold() == wanted:
                return count
        return None


@dataclass(frozen=True, slots=True)
class Inventory:
    source: str
    tenants: tuple[Tenant, ...]
    findings: tuple[Finding, ...]  # problems of rows, each naming its line


class TenantStream:
    """An inventory's tenants one at a time (nothing holds them all); `findings` is complete
    once every tenant was read. A database is read in one read-only transaction, open while
    the tenants are."""

    def __init__(
        self,
        source: str,
        tenants: Iterator[Tenant],
        sink: list[Finding],
        reader: RowReader[Tenant] | None = None,
    ) -> None:
        self.source = source
        self._tenants = tenants
        self._sink = sink
        self._reader = reader

    def __iter__(self) -> Iterator[Tenant]:
        return self._tenants

    def select(self, wanted: Wanted | None, *, fields: bool = True) -> None:
        """Yield from now on only the tenants `wanted` keeps (by program_id, offer_id, plan),
        without their row of cells unless `fields`. Every row is still judged, its findings
        the same; the rest are counted (`passed`), never built: a million tenants of which a
        few are wanted cost a reader, not a million tenants. (A stream held whole yields all.)"""
        if self._reader is not None:
            self._reader.wanted, self._reader.fields = wanted, fields

    @property
    def passed(self) -> int:
        """The tenants read (without a problem) that `select` left out."""
        return self._reader.passed if self._reader is not None else 0

    @property
    def read_count(self) -> int:
        """The tenants read so far without a problem (handed out, or left out by `select`);
        0 for an inventory that could not be read."""
        return self._reader.read if self._reader is not None else 0

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(limited(sorted(self._sink, key=Finding.sort_key)))

    def read(self) -> Inventory:
        tenants = tuple(self._tenants)
        return Inventory(self.source, tenants, self.findings)


def open_inventory(
    source: str,
    catalog: Catalog,
    max_size: int = DEFAULT_MAX_INVENTORY_SIZE,
    *,
    table: str | None = None,
    query: str | None = None,
) -> TenantStream:
    """The tenants of a CSV/JSONL file or a database URL, as they are read; a row with a
    problem is left out (a finding says why)."""
    if is_url(source):
        from .database import DEFAULT_TABLE, label, mask_url

        sink: list[Finding] = []
        where = f"{label(source)}:{'query' if query is not None else table or DEFAULT_TABLE}"
        reader = RowReader(where, catalog, Tenant, table=True)
        stream = _database_tenants(source, query, table, reader, sink)
        return TenantStream(mask_url(source), _started(stream), sink, reader)
    if table is not None or query is not None:
        raise UsageError(
            f"--tenants {source}: --tenants-table and --tenants-query need a database URL",
            hint="e.g. --tenants sqlite:///tenants.db --tenants-table tenants",
        )
    _refuse_database_file(source)
    if streamed(source, max_size):
        problems = check_utf8(source)
        if problems:
            return TenantStream(source, iter(()), problems)
        sink = []
        reader = RowReader(source, catalog, Tenant)
        return TenantStream(source, _file_tenants(source, reader, sink), sink, reader)
    data = read_input(Path(source), source, max_size)  # over the cap: an error (TooLarge)
    text, problems = decode_text(data, source)
    if problems:
        return TenantStream(source, iter(()), list(problems))
    return stream_text(text, source, catalog)


def _refuse_database_file(source: str) -> None:
    """A SQLite file named without its URL would be read as a CSV of bad bytes: say what it
    is and how to name it instead."""
    try:  # a regular file only: a FIFO is not opened (that would wait for a writer)
        if not Path(source).is_file():
            return
        with open(source, "rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError:
        return  # read_input says what is wrong
    if head == SQLITE_MAGIC:
        raise InputError(
            f"{source}: a SQLite database, not a CSV or JSONL inventory",
            hint=f"give it as a database URL: sqlite:///{source}",
        )


def reopener(
    source: str,
    catalog: Catalog,
    max_size: int = DEFAULT_MAX_INVENTORY_SIZE,
    *,
    table: str | None = None,
    query: str | None = None,
) -> Callable[[], TenantStream]:
    """Opens the same inventory again for each pass over it (render reads it twice): a file or
    a database is read again; standard input or a pipe is read once and held."""
    if is_url(source) or (source != "-" and Path(source).is_file()):
        return lambda: open_inventory(source, catalog, max_size, table=table, query=query)
    held = read_inventory(source, catalog, max_size, table=table, query=query)
    return lambda: _Held(held)


class _Held(TenantStream):
    """An inventory read whole, streamed again (its findings were limited once already)."""

    def __init__(self, inventory: Inventory) -> None:
        super().__init__(inventory.source, iter(inventory.tenants), [])
        self._held = inventory.findings

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self._held


def _file_tenants(source: str, reader: RowReader[Tenant], sink: list[Finding]) -> Iterator[Tenant]:
    """A large UTF-8 file, a line at a time (its encoding was checked first)."""
    with open(source, encoding="utf-8-sig", newline="") as lines:
        start = lines.read(4096)
        lines.seek(0)
        yield from _line_tenants(lines, start, reader, sink)


def _started(tenants: Iterator[Tenant | None]) -> Iterator[Tenant]:
    """Connect, find the table and read the first row now: a server, table or query error
    is raised here, before any work, not while the tenants are used. (The row is judged
    later, as the others: after the consumer selected what it wants.)"""
    next(tenants, None)  # the generator's None: the first row is read
    return (tenant for tenant in tenants if tenant is not None)


def read_inventory(
    path: str,
    catalog: Catalog,
    max_size: int = DEFAULT_MAX_INVENTORY_SIZE,
    *,
    table: str | None = None,
    query: str | None = None,
) -> Inventory:
    """Every readable tenant and every problem, held; `open_inventory` streams them."""
    return open_inventory(path, catalog, max_size, table=table, query=query).read()


def parse_inventory(text: str, source: str, catalog: Catalog) -> Inventory:
    return stream_text(text, source, catalog).read()


def stream_text(text: str, source: str, catalog: Catalog) -> TenantStream:
    sink: list[Finding] = []
    lines = io.StringIO(text, newline="")
    reader = RowReader(source, catalog, Tenant)
    tenants = _line_tenants(lines, text[:4096], reader, sink)
    return TenantStream(source, tenants, sink, reader)


def _line_tenants(
    lines: Iterator[str], start: str, reader: RowReader[Tenant], sink: list[Finding]
) -> Iterator[Tenant]:
    """Rows are judged as they are read, never all held first: a megabyte of bad rows costs
    the findings kept, not a million row dicts."""
    source = reader.source
    jsonl = is_jsonl(start, source)
    columns: set[str] = set()
    rows: Iterator[tuple[int, RowCells]]
    if jsonl:
        rows = jsonl_rows(lines, source, columns)  # adds the keys of each line it reads
    else:
        lines, notes = without_type_line(lines, source)
        header_line, header, rows = csv_rows(lines, source)
        columns.update(header)
        if _missing(columns):
            bad = [cells for _, cells in rows if isinstance(cells, Finding)]
            if not header and not notes and not bad:
                sink.append(_empty(source, jsonl=False))
                return
            sink += _missing_columns(
                Location(source, 1), columns, "in the header row", [*notes, *bad]
            )
            return
        reader.columns.findings += notes
        reader.header(header, header_line, row_cells(header))
    bad_rows: list[Finding] = []  # at most 1,001: a JSONL file may lack a column in every line
    findings = reader.findings
    line = 0  # stays 0 when there is no row (a JSONL file with no line)
    for line, cells in rows:
        if jsonl and isinstance(cells, Finding):
            bad_rows.append(cells)
        if len(findings) > MAX_FINDINGS_PER_FILE:  # hostile input: stop, and say so
            if jsonl and _missing(columns):
                continue  # judge no more rows, but read on: a later line may have the key
            break
        tenant = reader.tenant(line, cells)
        if tenant is not None:
            yield tenant
    if jsonl and not line:
        sink.append(_empty(source, jsonl=True))
        return
    if jsonl and columns and _missing(columns):  # no line has it: every row lacked it too
        sink += _missing_columns(Location(source, 1), columns, "in any JSON line", bad_rows)
        return
    sink += [*reader.findings, *reader.columns.findings]


def _database_tenants(
    source: str,
    query: str | None,
    table: str | None,
    reader: RowReader[Tenant],
    sink: list[Finding],
) -> Iterator[Tenant | None]:
    """The table's tenants, after a None once the first row is read (see _started)."""
    from .database import read_only, select_rows

    where = reader.source
    with read_only(source) as connection:
        names, rows = select_rows(connection, source, table, query)
        if _missing(set(names)):
            sink += _missing_columns(Location(where), set(names), "in the table", [])
            return
        reader.header(names, Location(where), lambda row: dict(zip(names, row, strict=True)))
        first = next(rows, None)
        yield None
        if first is not None:
            rows = itertools.chain([first], rows)
        findings = reader.findings
        for number, row in enumerate(rows, start=1):
            if len(findings) > MAX_FINDINGS_PER_FILE:
                break
            tenant = reader.tenant(number, row)
            if tenant is not None:
                yield tenant
    sink += [*reader.findings, *reader.columns.findings]


def _missing(columns: set[str]) -> list[str]:
    return [column for column in REQUIRED if column not in columns]


def _empty(source: str, jsonl: bool) -> Finding:
    """SP501 for a file with nothing in it (0 bytes, only blank lines): no column at all."""
    first, hint = (
        ("JSON line", 'Write one JSON object a line: {"name": ..., "domain": ..., '
         '"program_id": ..., "offer_id": ...}.')
        if jsonl
        else ("header row", "Start it with the header row: name,domain,program_id,offer_id.")
    )  # fmt: skip
    return rule("inventory-missing-column").finding(
        f"the file is empty: no {first}, no tenant", Location(source, 1), hint=hint
    )


def _missing_columns(
    at: Location, columns: set[str], where: str, bad_rows: Iterable[Finding]
) -> list[Finding]:
    """One SP501 (no tenant is read), and the unreadable rows."""
    finding = rule("inventory-missing-column").finding(
        f"no {', '.join(_missing(columns))} column {where}", at
    )
    return [finding, *bad_rows]
