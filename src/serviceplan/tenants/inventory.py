"""Inventory: the tenant list operators export (CSV with a header row, or JSONL with the same
keys), read with each row's line number; one format for `diff --tenants` and `render --tenants`."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..catalog import Catalog, Feature
from ..model import Finding, Location, RemapRow, RemapTable
from ..plan.load import decode_text, read_input
from ..rules.limits import MAX_FINDINGS_PER_FILE, limited
from ..rules.registry import rule
from ..values import UNLIMITED, ValueProblem, parse_value
from .columns import MAILBOXES_PREFIX, USED_PREFIX, Columns

REQUIRED = ("name", "domain", "program_id", "offer_id")
DEFAULT_MAX_INVENTORY_SIZE = 256 << 20  # 100,000 tenants are about 15 MB
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Windows PowerShell's Export-Csv starts with the type of the objects exported
_TYPE_LINE = re.compile(r"#TYPE\b[^\r\n]*", re.IGNORECASE)

Cell = str | int | float | bool | None


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


def read_inventory(
    path: str, catalog: Catalog, max_size: int = DEFAULT_MAX_INVENTORY_SIZE
) -> Inventory:
    """Every readable tenant and every problem; a row with a problem is left out."""
    data = read_input(Path(path), path, max_size)  # over the cap: an error (TooLarge)
    text, problems = decode_text(data, path)
    if problems:
        return Inventory(path, (), tuple(problems))
    return parse_inventory(text, path, catalog)


def parse_inventory(text: str, source: str, catalog: Catalog) -> Inventory:
    """Rows are judged as they are read, never all held first: a megabyte of bad rows costs
    the findings kept, not a million row dicts."""
    jsonl = _is_jsonl(text, source)
    columns: set[str] = set()
    reader = _RowReader(source, catalog)
    if jsonl:
        rows = _jsonl_rows(text, source, columns)  # adds the keys of each line it reads
    else:
        text, notes = _without_type_line(text, source)
        header_line, header, rows = _csv_rows(text, source)
        columns.update(header)
        if _missing(columns):
            bad = (cells for _, cells in rows if isinstance(cells, Finding))
            return _missing_columns(source, columns, "in the header row", [*notes, *bad])
        reader.columns.findings += notes
        reader.columns.header(header, header_line)
    tenants = []
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
            tenants.append(tenant)
    if jsonl and columns and _missing(columns):  # no line has it: every row lacked it too
        return _missing_columns(source, columns, "in any JSON line", bad_rows)
    findings = [*reader.findings, *reader.columns.findings]
    return Inventory(source, tuple(tenants), tuple(limited(sorted(findings, key=Finding.sort_key))))


def _missing(columns: set[str]) -> list[str]:
    return [column for column in REQUIRED if column not in columns]


def _missing_columns(
    source: str, columns: set[str], where: str, bad_rows: Iterable[Finding]
) -> Inventory:
    """One SP501 at line 1 (no tenant is read), and the unreadable rows."""
    finding = rule("inventory-missing-column").finding(
        f"no {', '.join(_missing(columns))} column {where}", Location(source, 1)
    )
    findings = limited(sorted([finding, *bad_rows], key=Finding.sort_key))
    return Inventory(source, (), tuple(findings))


def _is_jsonl(text: str, source: str) -> bool:
    if source.casefold().endswith(JSONL_SUFFIXES):
        return True
    if source.casefold().endswith(".csv"):
        return False
    return text.lstrip("\ufeff \t\r\n").startswith("{")


Row = tuple[int, dict[str, Cell] | Finding]


def _without_type_line(text: str, source: str) -> tuple[str, list[Finding]]:
    """The text with Export-Csv's `#TYPE ...` first line blanked (its line break kept, so every
    later line keeps its number), and the note that says so."""
    found = _TYPE_LINE.match(text)
    if found is None:
        return text, []
    note = rule("inventory-type-line").finding(
        f"the first line ({found.group()[:80]}) is the type line Windows PowerShell's Export-Csv "
        "writes; it is skipped",
        Location(source, 1),
    )
    return text[found.end() :], [note]


def _csv_rows(text: str, source: str) -> tuple[int, list[str], Iterator[Row]]:
    """The header's line and columns (the first row that is not blank), and the rows after it,
    read as they are consumed: column -> cell with the line each row starts on (quoted cells
    may span lines)."""
    lines = _csv_lines(text, source)
    for start, cells in lines:
        if isinstance(cells, Finding):  # unreadable before any header
            return start, [], iter([(start, cells)])
        header = [cell.strip() for cell in cells]
        return start, header, _csv_cells(lines, header, source)
    return 1, [], iter(())


def _csv_lines(text: str, source: str) -> Iterator[tuple[int, list[str] | Finding]]:
    """The rows that are not blank, each with the line it starts on; a quoting error ends
    them (the reader cannot resynchronise after one)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    consumed = 0
    while True:
        start = consumed + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            message = f"unreadable CSV: {error}; the rows after it are not read"
            yield start, _bad_row(message, source, start)
            return
        consumed = reader.line_num
        if any(cell.strip() for cell in cells):
            yield start, cells


def _csv_cells(
    lines: Iterator[tuple[int, list[str] | Finding]], header: list[str], source: str
) -> Iterator[Row]:
    bad = 0
    # a column the header repeats: its first cell counts (a finding says so, see Columns)
    first: dict[str, int] = {}
    for number, column in enumerate(header):
        first.setdefault(column, number)
    firsts = sorted(first.values())
    names = [header[i] for i in firsts] if len(firsts) < len(header) else None
    for start, cells in lines:
        if bad > MAX_FINDINGS_PER_FILE:  # hostile input: the findings say reading stopped
            return
        if isinstance(cells, Finding):
            yield start, cells
        elif len(cells) > len(header):
            message = f"{len(cells)} cells but the header has {len(header)} columns"
            yield start, _bad_row(message, source, start)
            bad += 1
        elif names is None:
            yield start, dict(zip(header, cells, strict=False))
        else:
            yield start, {names[k]: cells[i] for k, i in enumerate(firsts) if i < len(cells)}


def _jsonl_rows(text: str, source: str, columns: set[str]) -> Iterator[Row]:
    """Each line's object flattened to column -> cell, read as consumed; the keys of each
    line read are added to `columns`."""
    bad = 0
    # line breaks as editors count them: str.splitlines would also break at U+2028, U+0085,
    # form feeds..., which a JSON string may hold raw, and shift every later line number
    for number, line in enumerate(_lines(text), start=1):
        if not line.strip():
            continue
        if bad > MAX_FINDINGS_PER_FILE:  # hostile input: the findings say reading stopped
            return
        try:
            value = json.loads(line)
        except (ValueError, RecursionError) as error:
            cells: dict[str, Cell] | str = f"not JSON: {error}"
        else:
            cells = _flatten(value) if isinstance(value, dict) else "a JSON line must be an object"
        if isinstance(cells, str):
            yield number, _bad_row(cells, source, number)
            bad += 1
            continue
        columns.update(cells)
        yield number, cells


def _lines(text: str) -> Iterator[str]:
    """`_LINE_BREAK.split(text)`, one line at a time (no list of a million lines)."""
    start = 0
    for match in _LINE_BREAK.finditer(text):
        yield text[start : match.start()]
        start = match.end()
    yield text[start:]


def _flatten(value: dict[str, object]) -> dict[str, Cell] | str:
    """One level of nesting is allowed for "mailboxes" and "used"; the result is flat."""
    cells: dict[str, Cell] = {}
    for key, item in value.items():
        if isinstance(item, dict) and key in ("mailboxes", "used"):
            for inner, figure in item.items():
                if not _is_scalar(figure):
                    return f"{key}.{inner} must be a number"
                cells[f"{key}.{inner}"] = figure
        elif _is_scalar(item):
            cells[key] = item  # type: ignore[assignment]
        else:
            return f"{key} must be a string, number, true, false or null"
    return cells


def _is_scalar(value: object) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _bad_row(message: str, source: str, line: int) -> Finding:
    return rule("inventory-bad-row").finding(message, Location(source, line))


class _RowReader:
    """Turns rows into tenants, collecting findings; remembers names to find duplicates."""

    def __init__(self, source: str, catalog: Catalog) -> None:
        self.source = source
        self.catalog = catalog
        self.findings: list[Finding] = []  # the rows' problems (a row with one is left out)
        self.columns = Columns(source, catalog)  # the columns' (judged once; rows are kept)
        self._seen: dict[str, int] = {}

    def tenant(self, line: int, cells: dict[str, Cell] | Finding) -> Tenant | None:
        if isinstance(cells, Finding):
            self.findings.append(cells)
            return None
        at = Location(self.source, line)
        problems = len(self.findings)
        required = {column: _text(cells.get(column)).strip() for column in REQUIRED}
        for column, text in required.items():
            if not text:
                self.findings.append(
                    rule("inventory-empty-field").finding(f"{column} is empty", at)
                )
        mailboxes = self._count(cells.get("mailboxes"), "mailboxes", at)
        by_plan: dict[str, int] = {}
        used: dict[str, int] = {}
        for column, value in cells.items():
            if column in self.columns.ignored:
                continue
            if column.startswith(MAILBOXES_PREFIX) and _present(value):
                count = self._count(value, column, at)
                if count is not None:
                    by_plan[column[len(MAILBOXES_PREFIX) :]] = count
            elif column.startswith(USED_PREFIX):  # judged even when empty: once, not per row
                quota = self.columns.quota(column, at)
                figure = self._usage(quota, column, value, at) if quota else None
                if quota and figure is not None:
                    used.setdefault(quota.name, figure)  # JSON may spell it twice: first counts
        if len(self.findings) > problems:
            return None
        name = required["name"]
        first = self._seen.setdefault(name.casefold(), line)
        if first != line:
            self.findings.append(
                rule("inventory-duplicate-tenant").finding(
                    f"tenant {name} is already on line {first}", at
                )
            )
            return None
        return Tenant(
            name, required["domain"], required["program_id"], required["offer_id"], at,
            location=_text(cells.get("location")).strip(),
            plan=_text(cells.get("plan")).strip(),
            mailboxes=mailboxes, mailboxes_by_plan=by_plan, used=used, fields=cells,
        )  # fmt: skip

    def _count(self, value: Cell, column: str, at: Location) -> int | None:
        if not _present(value):
            return None
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


def _present(value: Cell) -> bool:
    return value is not None and _text(value).strip() != ""


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def match_pairs(
    tenants: Sequence[Tenant], tables: Sequence[RemapTable]
) -> tuple[dict[str, RemapRow], list[Finding]]:
    """The remap line each tenant's pair selects (as Exchange picks it), by tenant key; a
    pair no line maps is a finding naming the tenant's row."""
    lines = RemapTable.lines(tables)
    chosen: dict[str, RemapRow] = {}
    findings: list[Finding] = []
    for tenant in tenants:
        found = lines.get(tenant.pair)
        if found is None:
            findings.append(unknown_pair(tenant, "no remap line maps"))
        else:
            chosen[tenant.key] = found
    return chosen, findings


def unknown_pair(tenant: Tenant, unmapped: str) -> Finding:
    """The finding (on the tenant's row) for a tenant whose pair no remap line maps; `unmapped`
    says which remap, e.g. "no remap line maps"."""
    return rule("inventory-unknown-pair").finding(
        f"tenant {tenant.name}: {unmapped} ({tenant.program_id}, {tenant.offer_id})", tenant.row
    )
