"""The rows of an inventory file, read as they are consumed: CSV (a header row, quoted cells
that may span lines, Export-Csv's #TYPE line) or JSONL (one object a line, one level of
nesting for `mailboxes` and `used`), each with the line it starts on."""

from __future__ import annotations

import csv
import itertools
import json
import re
from collections.abc import Iterable, Iterator

from ..model import Finding, Location
from ..rules.limits import MAX_FINDINGS_PER_FILE
from ..rules.registry import rule

JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
# Windows PowerShell's Export-Csv starts with the type of the objects exported
_TYPE_LINE = re.compile(r"#TYPE\b[^\r\n]*", re.IGNORECASE)

Cell = str | int | float | bool | None
Row = tuple[int, dict[str, Cell] | Finding]


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


def csv_rows(lines: Iterable[str], source: str) -> tuple[int, list[str], Iterator[Row]]:
    """The header's line and columns (the first row that is not blank), and the rows after it,
    read as they are consumed: column -> cell with the line each row starts on (quoted cells
    may span lines)."""
    rows = _csv_lines(lines, source)
    for start, cells in rows:
        if isinstance(cells, Finding):  # unreadable before any header
            return start, [], iter([(start, cells)])
        header = [cell.strip() for cell in cells]
        return start, header, _csv_cells(rows, header, source)
    return 1, [], iter(())


def _csv_lines(lines: Iterable[str], source: str) -> Iterator[tuple[int, list[str] | Finding]]:
    """The rows that are not blank, each with the line it starts on; a quoting error ends
    them (the reader cannot resynchronise after one)."""
    reader = csv.reader(lines, strict=True)
    consumed = 0
    while True:
        start = consumed + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            message = f"unreadable CSV: {error}; the rows after it are not read"
            yield start, bad_row(message, source, start)
            return
        consumed = reader.line_num
        if (cells and cells[0].strip()) or any(cell.strip() for cell in cells):
            yield start, cells  # most rows: the first cell (the name) says it is not blank


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
            yield start, bad_row(message, source, start)
            bad += 1
        elif names is None:
            yield start, dict(zip(header, cells, strict=False))
        else:
            yield start, {names[k]: cells[i] for k, i in enumerate(firsts) if i < len(cells)}


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
            yield number, bad_row(cells, source, number)
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


def bad_row(message: str, source: str, line: int) -> Finding:
    return rule("inventory-bad-row").finding(message, Location(source, line))
