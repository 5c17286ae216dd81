"""The plan matrix: what `compile` resolved, laid out for comparing plans.

Columns are the plans (by default every plan the remap maps, in remap order, then the rest by
name), each mailbox plan a sub-column of its plan. Rows are the catalogue's features grouped
by section (the catalogue's groups, in its order): the Organization's rows have a cell per
plan, the mailbox plans' rows a cell per mailbox plan. A cell holds the resolved value, its
text as people read it (`10 GB`, `1,000`, `Unlimited`) and whether the file writes it or the
catalogue default applies.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from ..catalog import MAILBOX_PLAN, ORGANIZATION, Catalog, Feature
from ..model import Finding, Location, RemapRow, ResolvedPlan, Setting, Severity
from ..resolve.result import CompileResult
from ..resolve.scope import LeftOut, LeftOutKind, no_plan_named
from ..values import UNSET_TEXT, Unlimited, Value, collapse, format_value


class MatrixScope(enum.StrEnum):
    ORGANIZATION = "organization"
    MAILBOX_PLANS = "mailbox-plans"
    ALL = "all"


@dataclass(frozen=True, slots=True, kw_only=True)
class MatrixOptions:
    plans: tuple[str, ...] = ()  # plan names, in the order wanted; none: every plan
    different: bool = False  # only the rows where the plans differ
    scope: MatrixScope = MatrixScope.ALL
    all_features: bool = False  # also datacenter-only features every plan leaves at default


@dataclass(frozen=True, slots=True, kw_only=True)
class MailboxColumn:
    plan: str
    name: str
    index: int
    default: bool  # ProvisionAsDefault

    @property
    def label(self) -> str:
        return f"{self.plan} / {self.name}"


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanColumn:
    name: str
    source: str
    pairs: tuple[RemapRow, ...]  # the remap lines that select the plan
    mailbox_plans: tuple[MailboxColumn, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Cell:
    value: Value | None
    text: str  # as people read it; booleans `true` / `false`, an unset value `(unset)`
    location: Location | None  # where the file writes it; None: the catalogue default

    @property
    def written(self) -> bool:
        return self.location is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class Row:
    feature: Feature
    cells: tuple[Cell, ...]  # one per plan (Organization) or per mailbox plan column

    @property
    def differs(self) -> bool:
        return len({(type(cell.value), cell.value) for cell in self.cells}) > 1


# what people call each of the catalogue's groups
SECTION_TITLES = {
    "global": "Global",
    "permission": "Permissions",
    "quota": "Quotas",
    "boolean": "Features",
    "enum": "Settings",
    "timespan": "Time limits",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Section:
    scope: str  # ORGANIZATION or MAILBOX_PLAN
    group: str  # the catalogue's group
    rows: tuple[Row, ...]

    @property
    def title(self) -> str:
        return SECTION_TITLES.get(self.group, self.group.capitalize())


@dataclass(frozen=True, slots=True, kw_only=True)
class Matrix:
    catalog: str
    plans: tuple[PlanColumn, ...]
    organization: tuple[Section, ...]  # empty when the scope leaves it out
    mailbox_plans: tuple[Section, ...]
    options: MatrixOptions
    left_out: tuple[LeftOut, ...]  # wanted plans (and remap lines) an error kept out
    findings: tuple[Finding, ...]  # the findings about the plans and remaps shown
    hidden: int  # rows not shown: datacenter-only defaults, or (--different) rows alike
    features: int  # rows of the catalogue in the scope

    @property
    def columns(self) -> tuple[MailboxColumn, ...]:
        return tuple(column for plan in self.plans for column in plan.mailbox_plans)

    @property
    def errors(self) -> int:
        return sum(1 for finding in self.findings if finding.severity is Severity.ERROR)

    @property
    def rows(self) -> int:
        return sum(len(s.rows) for s in (*self.organization, *self.mailbox_plans))


def people_text(value: Value | None, kind: str) -> str:
    """A value as people read it: `10 GB`, `1,000`, `Unlimited`, `true`, `1.00:00:00`."""
    if value is None:
        return UNSET_TEXT
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Unlimited | timedelta):
        return format_value(value)
    if isinstance(value, int) and kind == "bytes":
        for unit, factor in (("TB", 1 << 40), ("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
            if value and value % factor == 0:
                return f"{value // factor:,} {unit}"
        return f"{value:,} B"
    if isinstance(value, int):
        return f"{value:,}"
    return collapse(value)


def build_matrix(compiled: CompileResult, catalog: Catalog, options: MatrixOptions) -> Matrix:
    """The matrix of the compiled plans; a plan asked for that is not among them is an error
    (unless an error kept it out: `left_out` says so)."""
    plans = _columns(compiled, options.plans)
    wanted = {plan.name.casefold() for plan in plans} | {p.casefold() for p in options.plans}
    left_out = tuple(
        entry
        for entry in compiled.left_out
        if entry.name is None or not options.plans or entry.name.casefold() in wanted
    )
    unwanted = {  # the files of plans not asked for: their findings are not this run's
        entry.location.file
        for entry in compiled.left_out
        if entry.kind is LeftOutKind.PLAN and entry not in left_out
    } | {plan.source for plan in compiled.plans if plan.name.casefold() not in wanted}
    findings = tuple(f for f in compiled.report.findings if f.location.file not in unwanted)
    organization: tuple[Section, ...] = ()
    mailbox: tuple[Section, ...] = ()
    kept = shown = 0
    if plans and options.scope is not MatrixScope.MAILBOX_PLANS:
        organization, total, count = _sections(catalog, ORGANIZATION, plans, options)
        kept, shown = kept + total, shown + count
    if plans and options.scope is not MatrixScope.ORGANIZATION:
        mailbox, total, count = _sections(catalog, MAILBOX_PLAN, plans, options)
        kept, shown = kept + total, shown + count
    return Matrix(
        catalog=catalog.name,
        plans=tuple(_plan_column(plan) for plan in plans),
        organization=organization,
        mailbox_plans=mailbox,
        options=options,
        left_out=left_out,
        findings=findings,
        hidden=kept - shown,
        features=kept,
    )


def _columns(compiled: CompileResult, names: Sequence[str]) -> list[ResolvedPlan]:
    """The plans to show, in order: those named (as named), else every plan the remap maps in
    remap order, then the rest by name."""
    by_name = {plan.name.casefold(): plan for plan in compiled.plans}
    if names:
        kept_out = {(e.name or "").casefold() for e in compiled.left_out}
        chosen: list[ResolvedPlan] = []
        for name in names:
            plan = by_name.get(name.casefold())
            if plan is None and name.casefold() not in kept_out:
                raise no_plan_named(name, [p.name for p in compiled.plans])
            if plan is not None and plan not in chosen:
                chosen.append(plan)
        return chosen
    tables = {table.source: i for i, table in enumerate(compiled.remaps)}

    def position(plan: ResolvedPlan) -> tuple[int, int, int, str]:
        if not plan.selected_by:
            return (1, 0, 0, plan.name.casefold())
        first = min(_row_position(row, tables) for row in plan.selected_by)
        return (0, *first, plan.name.casefold())

    return sorted(compiled.plans, key=position)


def _row_position(row: RemapRow, tables: dict[str, int]) -> tuple[int, int]:
    return (tables.get(row.location.file, len(tables)), row.location.line)


def _plan_column(plan: ResolvedPlan) -> PlanColumn:
    return PlanColumn(
        name=plan.name,
        source=plan.source,
        pairs=plan.selected_by,
        mailbox_plans=tuple(
            MailboxColumn(
                plan=plan.name, name=m.name, index=m.index, default=m.provision_as_default
            )
            for m in plan.mailbox_plans
        ),
    )


def _cell(setting: Setting, feature: Feature) -> Cell:
    return Cell(
        value=setting.value,
        text=people_text(setting.value, feature.type),
        location=setting.location,
    )


def _sections(
    catalog: Catalog, scope: str, plans: Sequence[ResolvedPlan], options: MatrixOptions
) -> tuple[tuple[Section, ...], int, int]:
    """The scope's sections, the catalogue's rows in it and how many are shown."""
    if scope == ORGANIZATION:
        columns = [plan.organization for plan in plans]
    else:
        columns = [m.settings for plan in plans for m in plan.mailbox_plans]
    groups: dict[str, list[Row]] = {}
    features = catalog.scope(scope)
    for position, feature in enumerate(features.values()):
        cells = tuple(_cell(settings[position], feature) for settings in columns)
        row = Row(feature=feature, cells=cells)
        groups.setdefault(feature.group, [])
        if not feature.hosting and not options.all_features and not any(c.written for c in cells):
            continue  # hosting mode never applies a datacenter-only default
        if options.different and not row.differs:
            continue
        groups[feature.group].append(row)
    sections = tuple(
        Section(scope=scope, group=group, rows=tuple(rows))
        for group, rows in groups.items()
        if rows
    )
    return sections, len(features), sum(len(rows) for rows in groups.values())
