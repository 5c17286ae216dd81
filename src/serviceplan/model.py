"""Frozen values handed between the pipeline stages."""

from __future__ import annotations

import enum
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from .values import Value


def base_name(path: str) -> str:
    """The last part of a path, either separator, and after a git revision's `REV:` (plain
    string work, as it runs per file; Windows file names cannot hold a colon)."""
    return path.replace("\\", "/").rpartition("/")[2].rpartition(":")[2]


_TRAILING_NUMBER = re.compile(r"[0-9]+$")


def next_plan_name(name: str, taken: Collection[str] = ()) -> str:
    """The name to save an edited plan under: its trailing number plus one, keeping the
    digits' width (SmallBusiness2 -> SmallBusiness3, Plan09 -> Plan10), else `2` appended
    (SmallBusiness -> SmallBusiness2); past every name in `taken` (casefolded), since the
    suggestion must not be a plan that already exists."""
    while True:
        number = _TRAILING_NUMBER.search(name)
        if number is None:
            name = f"{name}2"
        else:
            digits = number.group()
            name = name[: number.start()] + str(int(digits) + 1).zfill(len(digits))
        if name.casefold() not in taken:
            return name


class Location(NamedTuple):
    """Where something came from: a file, and a 1-based line and column when known.

    A tuple: immutable, ordered by file, line, column, and cheap to make per feature.
    """

    file: str
    line: int = 0
    column: int = 0

    def brief(self) -> str:
        """The file's own name and the line: for tables whose heading gives the path."""
        name = base_name(self.file)
        return f"{name}:{self.line}" if self.line else name

    def __str__(self) -> str:
        if not self.line:
            return self.file
        if not self.column:
            return f"{self.file}:{self.line}"
        return f"{self.file}:{self.line}:{self.column}"


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in one input, as a value: the CLI turns findings into an exit code."""

    rule: str
    severity: Severity
    message: str
    location: Location
    hint: str = ""
    path: str = ""  # element path in the plan, e.g. /Configuration/Organization/MailTipsEnabled

    def sort_key(self) -> tuple[str, int, int, str, str]:
        loc = self.location
        return (loc.file, loc.line, loc.column, self.rule, self.message)


class FeatureElement(NamedTuple):
    """A feature element as written in a plan file (any name, any text).

    A tuple rather than a dataclass: plans hold many of these and validation is hot.
    """

    name: str
    text: str
    line: int
    has_children: bool = False


@dataclass(frozen=True, slots=True)
class MailboxPlanElement:
    """A <MailboxPlan> with its attributes as written and its feature elements."""

    name: str | None
    index: str | None
    provision_as_default: str | None
    features: tuple[FeatureElement, ...]
    location: Location
    path: str
    is_pilot: str | None = None

    @property
    def label(self) -> str:
        return f"mailbox plan {self.name!r}" if self.name else f"mailbox plan at {self.path}"


@dataclass(frozen=True, slots=True)
class PlanDocument:
    """A parsed .serviceplan file, tolerant of structure the schema would reject."""

    source: str
    plan_name: str  # Exchange names a plan after the file's base name
    location: Location
    organization: tuple[FeatureElement, ...] | None
    organization_location: Location | None
    mailbox_plans: tuple[MailboxPlanElement, ...]
    mailbox_plans_location: Location | None


@dataclass(frozen=True, slots=True)
class RemapRow:
    """One mapping line of ServicePlanHostingRemap.csv, fields trimmed as Exchange does."""

    fields: tuple[str, ...]
    location: Location

    @property
    def program_id(self) -> str:
        return self.fields[0] if self.fields else ""

    @property
    def offer_id(self) -> str:
        return self.fields[1] if len(self.fields) > 1 else ""

    @property
    def plan_name(self) -> str:
        return self.fields[2] if len(self.fields) > 2 else ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.program_id.casefold(), self.offer_id.casefold())


@dataclass(frozen=True, slots=True)
class RemapTable:
    source: str
    rows: tuple[RemapRow, ...]

    @staticmethod
    def lines(tables: Sequence[RemapTable]) -> dict[tuple[str, str], RemapRow]:
        """The line Exchange picks for each (ProgramId, OfferId), compared ignoring case: the
        first line of a pair that names a plan, the tables read in order."""
        lines: dict[tuple[str, str], RemapRow] = {}
        for table in tables:
            for row in table.rows:
                if len(row.fields) >= 3:
                    lines.setdefault(row.key, row)
        return lines

    @staticmethod
    def lookup(tables: Sequence[RemapTable], program_id: str, offer_id: str) -> RemapRow | None:
        """The line Exchange picks for one pair: fields trimmed, compared ignoring case."""
        key = (program_id.strip().casefold(), offer_id.strip().casefold())
        return RemapTable.lines(tables).get(key)


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


@dataclass(frozen=True, slots=True)
class FindingsReport:
    """Every input a command checked and every finding, sorted: what `validate` reports, and
    the findings part of compile, diff, render, matrix and `tenants check` (the reporters of
    the validate formats print any of them)."""

    files: tuple[str, ...]
    findings: tuple[Finding, ...]
    strict: bool = False
    suppressed: int = 0  # findings left out: not selected, ignored, or suppressed inline
    tenants: int | None = None  # `tenants check`: the inventory's tenants read and checked

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.WARNING)

    @property
    def failed(self) -> bool:
        """Errors fail; warnings fail only under --strict."""
        return bool(self.errors or (self.strict and self.warnings))

    def summary(self) -> str:
        """One line such as "7 files: 2 errors, 1 warning (3 suppressed)" (`tenants check`:
        "11 tenants, 8 files: ...")."""
        hidden = f" ({self.suppressed:,} suppressed)" if self.suppressed else ""
        tenants = "" if self.tenants is None else f"{plural(self.tenants, 'tenant')}, "
        return (
            f"{tenants}{plural(len(self.files), 'file')}: {plural(self.errors, 'error')}, "
            f"{plural(self.warnings, 'warning')}{hidden}"
        )


class Setting(NamedTuple):
    """One feature's resolved value and where it came from.

    A tuple rather than a dataclass: a plan resolves to a few hundred of these.
    """

    feature: str
    value: Value | None  # None: unset (a string or enumeration the plan does not write)
    text: str | None  # as written; None when the catalogue default applies
    location: Location | None  # where it was written; None: the catalogue default

    @property
    def is_default(self) -> bool:
        return self.location is None


@dataclass(frozen=True, slots=True)
class ResolvedMailboxPlan:
    name: str
    index: int
    provision_as_default: bool
    is_pilot: bool
    location: Location
    settings: tuple[Setting, ...]


@dataclass(frozen=True, slots=True)
class ResolvedPlan:
    """A plan compiled: every catalogue feature of the Organization and of each mailbox plan."""

    name: str  # Exchange's name for the plan: the file's base name
    source: str
    organization: tuple[Setting, ...]
    mailbox_plans: tuple[ResolvedMailboxPlan, ...]
    selected_by: tuple[RemapRow, ...] = ()
