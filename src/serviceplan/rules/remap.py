"""Remap rules: ServicePlanHostingRemap.csv read as Exchange reads it, checked against the plan
files beside it."""

from __future__ import annotations

from collections.abc import Mapping

from ..model import Finding, Location, RemapTable
from ..plan.load import plan_name_of
from ..suggest import nearest
from .limits import MAX_FINDINGS_PER_FILE, limited
from .registry import rule

MIN_FIELDS, MAX_FIELDS = 3, 7
_FIELD_NAMES = ("ProgramId", "OfferId", "ServicePlanName")
_HEADER_WORDS = {"programid", "offerid", "serviceplan", "serviceplanname", "plan"}


def check_remap(table: RemapTable, plans_beside: Mapping[str, str]) -> list[Finding]:
    """`plans_beside` maps each plan name (casefolded) in the remap's folder to its file."""
    findings: list[Finding] = []
    seen: dict[tuple[str, str], int] = {}
    for position, row in enumerate(table.rows):
        if len(findings) > MAX_FINDINGS_PER_FILE:  # hostile input: stop, and say so
            return limited(findings)
        fields, at = row.fields, row.location
        if position == 0 and {f.casefold() for f in fields[:3]} & _HEADER_WORDS:
            findings.append(
                rule("remap-header-row").finding(
                    f"this line looks like a header; Exchange reads it as the mapping "
                    f"({', '.join(fields[:3])})",
                    at,
                )
            )
        if not MIN_FIELDS <= len(fields) <= MAX_FIELDS:
            findings.append(
                rule("remap-field-count").finding(
                    f"{len(fields)} field{'s' if len(fields) != 1 else ''} where Exchange expects "
                    f"{MIN_FIELDS} to {MAX_FIELDS}",
                    at,
                )
            )
        for name, value in zip(_FIELD_NAMES, fields, strict=False):
            if not value:
                findings.append(rule("remap-empty-field").finding(f"{name} is empty", at))
        for number, value in enumerate(fields, start=1):
            if '"' in value and len(findings) <= MAX_FINDINGS_PER_FILE:
                findings.append(
                    rule("remap-quote-in-field").finding(
                        f"field {number} ({value}) contains a quote; Exchange keeps it as part of "
                        "the value",
                        at,
                    )
                )
        if len(fields) < MIN_FIELDS or not all(fields[:MIN_FIELDS]):
            continue
        if row.key in seen:
            findings.append(
                rule("remap-duplicate-key").finding(
                    f"({row.program_id}, {row.offer_id}) is already mapped at line {seen[row.key]}",
                    at,
                    hint="Exchange matches the pair ignoring case; keep one line",
                )
            )
        else:
            seen[row.key] = at.line
        if row.plan_name.casefold() not in plans_beside:
            findings.append(
                rule("remap-plan-missing").finding(
                    f"({row.program_id}, {row.offer_id}) points at {row.plan_name}, "
                    f"but there is no {row.plan_name}.serviceplan beside the remap",
                    at,
                    hint=_closest_plan(row.plan_name, plans_beside),
                )
            )
    return limited(findings)


def _closest_plan(name: str, plans_beside: Mapping[str, str]) -> str:
    """`did you mean X?` with the plan beside the remap closest to `name`; "": the rule's
    own hint."""
    known = [plan_name_of(path) for path in plans_beside.values()]
    return nearest(name, known)


def unreferenced_plans(tables: list[RemapTable], plans_beside: Mapping[str, str]) -> list[Finding]:
    referenced = {row.plan_name.casefold() for table in tables for row in table.rows}
    return [
        rule("plan-never-referenced").finding(
            f"no line of {', '.join(t.source for t in tables)} points at this plan", Location(path)
        )
        for name, path in sorted(plans_beside.items(), key=lambda item: item[1])
        if name not in referenced
    ]
