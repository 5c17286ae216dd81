"""Inventory: the tenant list operators export (CSV with a header row, or JSONL with the same
keys), read with each row's line number, or a database table (tenants.database); one format for
`diff --tenants`, `render --tenants` and `tenants`. Tenants stream: `open_inventory`."""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..catalog import Catalog, Feature
from ..errors import UsageError
from ..model import Finding, Location
from ..plan.load import decode_text, read_input
from ..rules.limits import MAX_FINDINGS_PER_FILE, limited
from ..rules.registry import rule
from ..values import UNLIMITED, ValueProblem, parse_value
from .columns import MAILBOXES_PREFIX, USED_PREFIX, Columns
from .database import is_url
from .large import check_utf8, streamed
from .rows import Cell, csv_rows, is_jsonl, jsonl_rows, without_type_line
from .seen import Seen

REQUIRED = ("name", "domain", "program_id", "offer_id")
DEFAULT_MAX_INVENTORY_SIZE = 256 << 20  # 100,000 tenants are about 15 MB


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

    def __init__(self, source: str, tenants: Iterator[Tenant], sink: list[Finding]) -> None:
        self.source = source
        self._tenants = tenants
        self._sink = sink

    def __iter__(self) -> Iterator[Tenant]:
        return self._tenants

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
        from .database import mask_url

        sink: list[Finding] = []
        stream = _database_tenants(source, catalog, table, query, sink)
        return TenantStream(mask_url(source), _started(stream), sink)
    if table is not None or query is not None:
        raise UsageError(
            f"--tenants {source}: --tenants-table and --tenants-query need a database URL",
            hint="e.g. --tenants sqlite:///tenants.db --tenants-table tenants",
        )
    if streamed(source, max_size):
        problems = check_utf8(source)
        if problems:
            return TenantStream(source, iter(()), problems)
        sink = []
        return TenantStream(source, _file_tenants(source, catalog, sink), sink)
    data = read_input(Path(source), source, max_size)  # over the cap: an error (TooLarge)
    text, problems = decode_text(data, source)
    if problems:
        return TenantStream(source, iter(()), list(problems))
    return stream_text(text, source, catalog)


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


def _file_tenants(source: str, catalog: Catalog, sink: list[Finding]) -> Iterator[Tenant]:
    """A large UTF-8 file, a line at a time (its encoding was checked first)."""
    with open(source, encoding="utf-8-sig", newline="") as lines:
        start = lines.read(4096)
        lines.seek(0)
        yield from _line_tenants(lines, start, source, catalog, sink)


def _started(tenants: Iterator[Tenant]) -> Iterator[Tenant]:
    """Connect, find the table and read the first row now: a server, table or query error
    is raised here, before any work, not while the tenants are used."""
    first = next(tenants, None)
    return tenants if first is None else itertools.chain([first], tenants)


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
    return TenantStream(source, _line_tenants(lines, text[:4096], source, catalog, sink), sink)


def _line_tenants(
    lines: Iterator[str], start: str, source: str, catalog: Catalog, sink: list[Finding]
) -> Iterator[Tenant]:
    """Rows are judged as they are read, never all held first: a megabyte of bad rows costs
    the findings kept, not a million row dicts."""
    jsonl = is_jsonl(start, source)
    columns: set[str] = set()
    reader = _RowReader(source, catalog)
    if jsonl:
        rows = jsonl_rows(lines, source, columns)  # adds the keys of each line it reads
    else:
        lines, notes = without_type_line(lines, source)
        header_line, header, rows = csv_rows(lines, source)
        columns.update(header)
        if _missing(columns):
            bad = (cells for _, cells in rows if isinstance(cells, Finding))
            sink += _missing_columns(
                Location(source, 1), columns, "in the header row", [*notes, *bad]
            )
            return
        reader.columns.findings += notes
        reader.columns.header(header, header_line)
    bad_rows: list[Finding] = []  # at most 1,001: a JSONL file may lack a column in every line
    for line, cells in rows:
        if jsonl and isinstance(cells, Finding):
            bad_rows.append(cells)
        if len(reader.findings) > MAX_FINDINGS_PER_FILE:  # hostile input: stop, and say so
            if jsonl and _missing(columns):
                continue  # judge no more rows, but read on: a later line may have the key
            break
        tenant = reader.tenant(line, cells)
        if tenant is not None:
            yield tenant
    if jsonl and columns and _missing(columns):  # no line has it: every row lacked it too
        sink += _missing_columns(Location(source, 1), columns, "in any JSON line", bad_rows)
        return
    sink += [*reader.findings, *reader.columns.findings]


def _database_tenants(
    source: str, catalog: Catalog, table: str | None, query: str | None, sink: list[Finding]
) -> Iterator[Tenant]:
    from .database import DEFAULT_TABLE, cells, label, read_only, row_location, select_rows

    where = f"{label(source)}:{'query' if query is not None else table or DEFAULT_TABLE}"
    reader = _RowReader(where, catalog)
    with read_only(source) as connection:
        names, rows = select_rows(connection, source, table, query)
        if _missing(set(names)):
            sink += _missing_columns(Location(where), set(names), "in the table", [])
            return
        reader.columns.header(names, Location(where))
        for number, row in enumerate(rows, start=1):
            if len(reader.findings) > MAX_FINDINGS_PER_FILE:
                break
            values = cells(names, row)
            tenant = reader.tenant(row_location(where, values, number), values, number)
            if tenant is not None:
                yield tenant
    sink += [*reader.findings, *reader.columns.findings]


def _missing(columns: set[str]) -> list[str]:
    return [column for column in REQUIRED if column not in columns]


def _missing_columns(
    at: Location, columns: set[str], where: str, bad_rows: Iterable[Finding]
) -> list[Finding]:
    """One SP501 (no tenant is read), and the unreadable rows."""
    finding = rule("inventory-missing-column").finding(
        f"no {', '.join(_missing(columns))} column {where}", at
    )
    return [finding, *bad_rows]


class _RowReader:
    """Turns rows into tenants, collecting findings; remembers names to find duplicates."""

    def __init__(self, source: str, catalog: Catalog) -> None:
        self.source = source
        self.catalog = catalog
        self.findings: list[Finding] = []  # the rows' problems (a row with one is left out)
        self.columns = Columns(source, catalog)  # the columns' (judged once; rows are kept)
        self._seen = Seen()  # 12 bytes a name, not the names
        # columns neither a count nor a usage: a row of only these needs no look at each cell
        self._plain: set[str] = set()

    def _special(
        self, cells: dict[str, Cell], at: Location, by_plan: dict[str, int], used: dict[str, int]
    ) -> None:
        """The counts per mailbox plan and the usage of a row, in the order of its cells."""
        for column, value in cells.items():
            if column in self.columns.ignored:
                continue
            if column.startswith(MAILBOXES_PREFIX):
                if _present(value):
                    count = self._count(value, column, at)
                    if count is not None:
                        by_plan[column[len(MAILBOXES_PREFIX) :]] = count
            elif column.startswith(USED_PREFIX):  # judged even when empty: once, not per row
                quota = self.columns.quota(column, at)
                figure = self._usage(quota, column, value, at) if quota else None
                if quota and figure is not None:
                    used.setdefault(quota.name, figure)  # JSON may spell it twice: first counts
            else:
                self._plain.add(column)

    def tenant(
        self, where: int | Location, cells: dict[str, Cell] | Finding, number: int = 0
    ) -> Tenant | None:
        """A row's tenant: `where` is its line (a file) or its location (a table's row, then
        `number` counts the rows)."""
        if isinstance(cells, Finding):
            self.findings.append(cells)
            return None
        line = where if isinstance(where, int) else number
        # Location(source, line), without NamedTuple's keyword handling: once a row
        at = where if isinstance(where, Location) else _location((self.source, where, 0))
        problems = len(self.findings)
        get = cells.get
        required = [_stripped(get(column)) for column in REQUIRED]
        if not all(required):
            for column, text in zip(REQUIRED, required, strict=True):
                if not text:
                    self.findings.append(
                        rule("inventory-empty-field").finding(f"{column} is empty", at)
                    )
        mailboxes = self._count(get("mailboxes"), "mailboxes", at)
        by_plan: dict[str, int] = {}
        used: dict[str, int] = {}
        if not self._plain.issuperset(cells):  # a count or usage column: judged cell by cell
            self._special(cells, at, by_plan, used)
        if len(self.findings) > problems:
            return None
        name, domain, program_id, offer_id = required
        first = self._seen.first(name.casefold(), line)
        if first != line:
            earlier = f"on line {first}" if isinstance(where, int) else f"in row {first}"
            self.findings.append(
                rule("inventory-duplicate-tenant").finding(
                    f"tenant {name} is already {earlier}", at
                )
            )
            return None
        return Tenant(
            name, domain, program_id, offer_id, at,
            location=_stripped(get("location")), plan=_stripped(get("plan")),
            mailboxes=mailboxes, mailboxes_by_plan=by_plan, used=used, fields=cells,
            number=0 if isinstance(where, int) else number + 1,
        )  # fmt: skip

    def _count(self, value: Cell, column: str, at: Location) -> int | None:
        if type(value) is str:  # most cells: read once
            text = value.strip()
            if not text:
                return None
        elif not _present(value):
            return None
        else:
            text = _text(value).strip()
        # int() refuses more than 4,300 digits; no count has more than 18
        if isinstance(value, bool) or not text.isascii() or not text.isdigit() or len(text) > 18:
            self.findings.append(rule("inventory-bad-number").finding(f"{column} is {text!r}", at))
            return None
        return int(text)

    def _usage(self, quota: Feature, column: str, value: Cell, at: Location) -> int | None:
        if not _present(value):
            return None
        if quota.type == "count":
            return self._count(value, column, at)
        text = _text(value).strip()
        try:
            size = parse_value("bytes", text) if not isinstance(value, bool) else None
        except ValueProblem:
            size = None
        if size is None or size is UNLIMITED or not isinstance(size, int):
            self.findings.append(rule("inventory-bad-number").finding(f"{column} is {text!r}", at))
            return None
        return size


def _location(fields: tuple[str, int, int]) -> Location:
    return tuple.__new__(Location, fields)


def _stripped(value: Cell) -> str:
    return value.strip() if type(value) is str else _text(value).strip()


def _present(value: Cell) -> bool:
    return value is not None and _text(value).strip() != ""


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
