"""The rules of an inventory row, one implementation for every source and command: the required
fields, the counts and usage figures, duplicate names. A row is a mapping of cells (a JSON
line) or a sequence of cells under a header (a CSV row, a table's row), read by position
without a dict per row.

A consumer that needs only some tenants says which (`wanted`, by pair and plan): every row is
still judged by the same rules, in the same order, so the findings do not change; a row it
does not want is only counted (`passed`), never built into a tenant."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter
from typing import Generic, NoReturn, TypeVar

from ..catalog import Catalog, Feature
from ..model import Finding, Location
from ..rules.registry import rule
from ..values import UNLIMITED, ValueProblem, parse_value
from .columns import MAILBOXES_PREFIX, REQUIRED, USED_PREFIX, Columns
from .database import row_location
from .rows import Cell
from .seen import Seen

T = TypeVar("T")
Cells = Mapping[str, Cell]
# a row as a source gives it: a mapping of cells, a sequence under the header, or its finding
RowCells = dict[str, Cell] | Sequence[Cell] | Finding
Wanted = Callable[[str, str, str], bool]  # (program_id, offer_id, plan), each stripped

_READ = (*REQUIRED, "plan", "mailboxes", "location")  # the cells every row is read for
_PREFIXES = (MAILBOXES_PREFIX, USED_PREFIX)
_COUNTS = 10**18  # a count has at most 18 digits


class RowReader(Generic[T]):
    """Turns rows into tenants (`make` builds one), collecting findings; remembers names to
    find duplicates. A table's rows are named by their key and counted as rows, a file's by
    their line."""

    def __init__(
        self, source: str, catalog: Catalog, make: Callable[..., T], *, table: bool = False
    ) -> None:
        self.source = source
        self.catalog = catalog
        self.findings: list[Finding] = []  # the rows' problems (a row with one is left out)
        self.columns = Columns(source, catalog)  # the columns' (judged once; rows are kept)
        self.wanted: Wanted | None = None  # None: every tenant
        self.fields = True  # whether a tenant keeps its row of cells (templates need them)
        self.passed = 0  # rows read without a problem that `wanted` did not want
        self.read = 0  # rows read without a problem: tenants
        self._make = make
        self._table = table
        self._seen = Seen()  # 12 bytes a name, not the names
        # columns neither a count nor a usage: a row of only these needs no look at each cell
        self._plain: set[str] = set()
        # a row given as a sequence: its cells by column, the cells of _READ, their width
        self._mapping: Callable[[Sequence[Cell]], dict[str, Cell]] = _no_header
        self._pick: Callable[[Sequence[Cell]], tuple[Cell, ...]] = _no_header
        self._width = 0
        self._counted = False  # a count or usage column in the header: judged cell by cell
        # the row being read: its line (or row number), its name cell, its location once made
        self._line = 0
        self._name: Cell = None
        self._at: Location | None = None

    def header(
        self,
        header: Sequence[str],
        at: int | Location,
        mapping: Callable[[Sequence[Cell]], dict[str, Cell]],
    ) -> None:
        """Judge the columns (once); the rows that follow are sequences of cells, and `mapping`
        turns one into its cells by column (which cell a repeated column keeps is its say)."""
        self.columns.header(header, at)
        self._mapping = mapping
        # a row of positions through the same mapping: each column's cell, as it keeps it
        positions = mapping(range(len(header)))
        absent = len(header)  # a column the header lacks reads a padding cell (None)
        self._pick = itemgetter(*(positions.get(column, absent) for column in _READ))
        self._width = absent + (not all(column in positions for column in _READ))
        self._counted = any(column.startswith(_PREFIXES) for column in positions)

    def tenant(self, line: int, cells: RowCells) -> T | None:
        """A row's tenant: `line` is its line (a file) or its number (a table's row); None
        when it has a problem (a finding), or is not wanted."""
        if isinstance(cells, Finding):
            self.findings.append(cells)
            return None
        mapping: Cells | None = None
        row: Sequence[Cell] = ()
        if isinstance(cells, dict):
            mapping = cells
            get = cells.get
            picked = tuple(get(column) for column in _READ)
        elif len(cells) >= self._width:
            row, picked = cells, self._pick(cells)
        else:  # a short row: the cells it lacks are absent, as in its mapping
            row, picked = cells, self._pick([*cells, *(None,) * (self._width - len(cells))])
        self._line, self._name, self._at = line, picked[0], None
        problems = len(self.findings)
        try:  # most rows: every cell text (a CSV's always are)
            name, domain, program_id, offer_id, plan = map(str.strip, picked[:5])  # type: ignore[arg-type]
        except TypeError:  # a table's number, true/false or NULL, a cell the row lacks
            name, domain, program_id, offer_id, plan = map(_stripped, picked[:5])
        if not (name and domain and program_id and offer_id):
            for column, text in zip(REQUIRED, (name, domain, program_id, offer_id), strict=True):
                if not text:
                    self._finding("inventory-empty-field", f"{column} is empty")
        mailboxes = self._count(picked[5], "mailboxes")
        by_plan: dict[str, int] | None = None  # made for a row that has such columns
        used: dict[str, int] | None = None
        if mapping is None and self._counted:
            mapping = self._mapping(row)
        if mapping is not None and not self._plain.issuperset(mapping):
            by_plan, used = {}, {}
            self._special(mapping, by_plan, used)
        if len(self.findings) > problems:
            return None
        first = self._seen.first(name.casefold(), line)
        if first != line:
            earlier = f"in row {first}" if self._table else f"on line {first}"
            self._finding("inventory-duplicate-tenant", f"tenant {name} is already {earlier}")
            return None
        self.read += 1
        if self.wanted is not None and not self.wanted(program_id, offer_id, plan):
            self.passed += 1
            return None
        fields: Cells = {}
        if self.fields:
            fields = mapping if mapping is not None else self._mapping(row)
        return self._make(
            name, domain, program_id, offer_id, self._location(),
            location=_stripped(picked[6]), plan=plan, mailboxes=mailboxes,
            mailboxes_by_plan={} if by_plan is None else by_plan,
            used={} if used is None else used, fields=fields,
            number=line + 1 if self._table else 0,
        )  # fmt: skip

    def _location(self) -> Location:
        """The row's location, made when a finding or a tenant needs it (most rows: neither)."""
        if self._at is None:
            if self._table:
                self._at = row_location(self.source, self._name, self._line)
            else:  # Location(source, line), without NamedTuple's keyword handling
                self._at = tuple.__new__(Location, (self.source, self._line, 0))
        return self._at

    def _finding(self, name: str, message: str) -> None:
        self.findings.append(rule(name).finding(message, self._location()))

    def _special(self, cells: Cells, by_plan: dict[str, int], used: dict[str, int]) -> None:
        """The counts per mailbox plan and the usage of a row, in the order of its cells."""
        for column, value in cells.items():
            if column in self.columns.ignored:
                continue
            if column.startswith(MAILBOXES_PREFIX):
                if _present(value):
                    count = self._count(value, column)
                    if count is not None:
                        by_plan[column[len(MAILBOXES_PREFIX) :]] = count
            elif column.startswith(USED_PREFIX):  # judged even when empty: once, not per row
                quota = self.columns.quota(column, self._location())
                figure = self._usage(quota, column, value) if quota else None
                if quota and figure is not None:
                    used.setdefault(quota.name, figure)  # JSON may spell it twice: first counts
            else:
                self._plain.add(column)

    def _count(self, value: Cell, column: str) -> int | None:
        if type(value) is str:  # most cells: read once
            text = value.strip()
            if not text:
                return None
        elif type(value) is int and 0 <= value < _COUNTS:  # a table's: what its text would be
            return value
        elif not _present(value):
            return None
        else:
            text = _text(value).strip()
        # int() refuses more than 4,300 digits; no count has more than 18
        if not text.isdigit() or not text.isascii() or len(text) > 18 or isinstance(value, bool):
            self._finding("inventory-bad-number", f"{column} is {text!r}")
            return None
        return int(text)

    def _usage(self, quota: Feature, column: str, value: Cell) -> int | None:
        if not _present(value):
            return None
        if quota.type == "count":
            return self._count(value, column)
        text = _text(value).strip()
        try:
            size = parse_value("bytes", text) if not isinstance(value, bool) else None
        except ValueProblem:
            size = None
        if size is None or size is UNLIMITED or not isinstance(size, int):
            self._finding("inventory-bad-number", f"{column} is {text!r}")
            return None
        return size


def _no_header(cells: Sequence[Cell]) -> NoReturn:
    raise ValueError("a row of cells before its header")  # a caller's mistake, never input's


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
