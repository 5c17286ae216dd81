"""An inventory's columns, judged once each (on the CSV header line, or on the first JSON line
that has the key), never per row: the quota a `used.` column names, in any spelling the
catalogue knows (`explain`'s: exact, any case, documented), and the columns a CSV header names
twice. A column with a finding here is ignored; the rows are read without it."""

from __future__ import annotations

from collections.abc import Sequence

from ..catalog import Catalog, Feature
from ..model import Finding, Location
from ..rules.limits import MAX_FINDINGS_PER_FILE
from ..rules.registry import rule
from ..suggest import did_you_mean

REQUIRED = ("name", "domain", "program_id", "offer_id")
MAILBOXES_PREFIX, USED_PREFIX = "mailboxes.", "used."
QUOTA_TYPES = ("count", "bytes")


def _is_quota(feature: Feature) -> bool:
    return feature.type in QUOTA_TYPES


class Columns:
    def __init__(self, source: str, catalog: Catalog) -> None:
        self.source = source
        self.catalog = catalog
        self.findings: list[Finding] = []
        self.ignored: set[str] = set()  # named twice in the CSV header: the first one counts
        self._quotas: dict[str, Feature | None] = {}  # used. column -> its quota (None: none)

    def header(self, header: Sequence[str], line: int | Location) -> None:
        """Judge every column of a CSV header (or a table's): unknown `used.` columns (their
        cells may all be empty), and columns naming the same field twice."""
        at = line if isinstance(line, Location) else Location(self.source, line)
        first: dict[str, tuple[int, str]] = {}  # what a column names -> its first column
        for number, column in enumerate(header, start=1):
            same = self._names(column, at)
            if same is None:
                continue
            if same in first:
                self._twice(column, number, *first[same], at)
            else:
                first[same] = (number, column)

    def quota(self, column: str, at: Location) -> Feature | None:
        """The quota a `used.` column names; None (after one finding) when it names none."""
        if column not in self._quotas:
            self._quotas[column] = self._judge(column, at)
        return self._quotas[column]

    def _names(self, column: str, at: Location) -> str | None:
        """What a column stands for, so that two spellings of one field compare equal."""
        if column.startswith(USED_PREFIX):
            feature = self.quota(column, at)
            return None if feature is None else f"{USED_PREFIX}{feature.name}"
        if column.startswith(MAILBOXES_PREFIX):  # mailbox plans compare ignoring case
            return column.casefold()
        return column

    def _judge(self, column: str, at: Location) -> Feature | None:
        name = column[len(USED_PREFIX) :]
        match = self.catalog.match(name)
        found = next((f for f in match.features if _is_quota(f)), None) if match else None
        if found is not None:
            return found
        if len(self.findings) > MAX_FINDINGS_PER_FILE:  # hostile header: no more findings
            return None
        close = [USED_PREFIX + quota for quota in self.catalog.close_names(name, _is_quota)]
        self.findings.append(
            rule("inventory-unknown-usage").finding(
                f"column {column} names no count or byte quota of the catalogue; it is ignored",
                at,
                hint=did_you_mean(close),
            )
        )
        return None

    def _twice(self, column: str, number: int, first: int, first_name: str, at: Location) -> None:
        if column != first_name:  # an exact repeat: the CSV reader keeps the first cell
            self.ignored.add(column)
        if len(self.findings) > MAX_FINDINGS_PER_FILE:
            return
        what = "repeats" if column == first_name else "names the same field as"
        self.findings.append(
            rule("inventory-duplicate-column").finding(
                f"column {number} ({column}) {what} column {first} ({first_name}); it is ignored",
                at,
            )
        )
