"""The rows of an inventory file, read as they are consumed: CSV (a header row, quoted cells
that may span lines, Export-Csv's #TYPE line) or JSONL (one object a line, one level of
nesting for `mailboxes` and `used`), each with the line it starts on."""

from __future__ import annotations

import csv
import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence

from ..model import Finding, Location
from ..rules.limits import MAX_FINDINGS_PER_FILE
from ..rules.registry import rule

JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
# Windows PowerShell's Export-Csv starts with the type of the objects exported
_TYPE_LINE = re.compile(r"#TYPE\b[^\r\n]*", re.IGNORECASE)

# SP506's own hint speaks of CSV quoting; a JSON line's problem needs this one
JSONL_ROW_HINT = (
    "Fix the line: one JSON object a line, its keys and text in double quotes; only "
    "mailboxes and used may hold an object (of numbers)."
)

Cell = str | int | float | bool | None
Row = tuple[int, dict[str, Cell] | Finding]
CsvRow = tuple[int, list[str] | Finding]


def is_jsonl(text: str, source: str) -> bool:
    """JSONL by the name, else by the first character (`text`: the start of the file)."""
    if source.casefold().endswith(JSONL_SUFFIXES):
        return True
    if source.casefold().endswith(".csv"):
        return False
    return text.lstrip("\ufeff \t\r\n").startswith("{")


def without_type_line(lines: Iterator[str], source: str) -> tuple[Iterator[str], list[Finding]]:
    """The text with Export-Csv's `#TYPE ...` first line blanked (its line break kept, so every
    later line keeps its number), and the note that says so."""
    first = next(lines, "")
    found = _TYPE_LINE.match(first)
    if found is None:
        return itertools.chain([first], lines), []
    note = rule("inventory-type-line").finding(
        f"the first line ({found.group()[:80]}) is the type line Windows PowerShell's Export-Csv "
        "writes; it is skipped",
        Location(source, 1),
    )
    return itertools.chain([first[found.end() :]], lines), [note]


def csv_rows(lines: Iterable[str], source: str) -> tuple[int, list[str], Iterator[CsvRow]]:
    """The header's line and columns (the first row that is not blank), and the rows after it,
    read as they are consumed: each row's cells (`row_cells(header)` maps them to columns)
    with the line it starts on (quoted cells may span lines)."""
    rows = _csv_rows(lines, source)
    for start, cells in rows:
        if isinstance(cells, Finding):  # unreadable before any header
            return start, [], iter([(start, cells)])
        return start, [cell.strip() for cell in cells], rows
    return 1, [], iter(())


def _csv_rows(lines: Iterable[str], source: str) -> Iterator[CsvRow]:
    """The header row, then the rows: those that are not blank, each with the line it starts
    on; a quoting error ends them (the reader cannot resynchronise after one)."""
    reader = csv.reader(lines, strict=True)
    consumed = 0
    width = -1  # the header's cells, once read
    bad = 0
    try:
        for cells in reader:
            start, consumed = consumed + 1, reader.line_num
            # most rows: the first cell (the name) says it is not blank
            if not ((cells and cells[0].strip()) or any(cell.strip() for cell in cells)):
                continue
            if bad > MAX_FINDINGS_PER_FILE:  # hostile input: the findings say reading stopped
                return
            if width < 0:
                width = len(cells)
            elif len(cells) > width:
                message = f"{len(cells)} cells but the header has {width} columns"
                yield start, bad_row(message, source, start)
                bad += 1
                continue
            yield start, cells
    except csv.Error as error:
        if bad <= MAX_FINDINGS_PER_FILE:
            message = f"unreadable CSV: {error}; the rows after it are not read"
            yield consumed + 1, bad_row(message, source, consumed + 1)


def row_cells(header: Sequence[str]) -> Callable[[Sequence[Cell]], dict[str, Cell]]:
    """A CSV row's cells by column; a column the header repeats keeps its first cell (a
    finding says so, see Columns), a short row lacks the columns it has no cell for."""
    first: dict[str, int] = {}
    for number, column in enumerate(header):
        first.setdefault(column, number)
    if len(first) == len(header):
        return lambda cells: dict(zip(header, cells, strict=False))
    firsts = sorted(first.values())
    names = [header[i] for i in firsts]
    return lambda cells: {names[k]: cells[i] for k, i in enumerate(firsts) if i < len(cells)}


def jsonl_rows(lines: Iterable[str], source: str, columns: set[str]) -> Iterator[Row]:
    """Each line's object flattened to column -> cell, read as consumed; the keys of each
    line read are added to `columns`."""
    bad = 0
    # line breaks as editors count them: str.splitlines would also break at U+2028, U+0085,
    # form feeds..., which a JSON string may hold raw, and shift every later line number
    for number, line in enumerate(lines, start=1):
        line = line.rstrip("\r\n")
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
            yield number, bad_row(cells, source, number, JSONL_ROW_HINT)
            bad += 1
            continue
        columns.update(cells)
        yield number, cells


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


def bad_row(message: str, source: str, line: int, hint: str = "") -> Finding:
    return rule("inventory-bad-row").finding(message, Location(source, line), hint=hint)
