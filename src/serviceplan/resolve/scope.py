"""What a compile covers: the plans asked for, the remap lines that select them, and what it
leaves out and why. An error blocks only what depends on it: a plan with an error in its file,
a remap line with an error (never counted as selecting a plan), a (ProgramId, OfferId) whose
line has an error or whose remap could not be read. Every other plan still compiles."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..errors import ResolveError, UsageError
from ..files.inputs import Input
from ..model import Finding, Location, RemapRow, RemapTable, Severity, plural
from ..plan.load import plan_name_of
from ..suggest import with_suggestion
from .plans import unmapped_pair


class LeftOutKind(enum.Enum):
    PLAN = "plan"  # a plan file with an error finding: not compiled
    REMAP = "remap"  # a remap file that could not be read: no plan's selecting lines are known
    REMAP_LINE = "remap_line"  # a line naming a compiled plan, with an error: not counted
    SELECTION = "selection"  # the (ProgramId, OfferId) asked for could not be resolved


@dataclass(frozen=True, slots=True)
class LeftOut:
    """Something the compile did not stand behind, and why (its findings say the details)."""

    kind: LeftOutKind
    name: str | None  # the plan concerned, when known
    location: Location  # the file (and line) the findings are about
    reason: str
    rules: tuple[str, ...]  # the ids of the error findings behind it, sorted


@dataclass(frozen=True, slots=True)
class Scope:
    wanted: frozenset[str]  # plan names (casefolded) to compile
    selected_by: Mapping[str, tuple[RemapRow, ...]]  # plan name -> the lines that select it
    left_out: tuple[LeftOut, ...]


def no_plan_named(name: str, known: Sequence[str]) -> ResolveError:
    """`--plan NAME` names no plan read (compile, matrix): the closest one, then them all."""
    listing = ", ".join(sorted(known, key=str.casefold)) or "none"
    return ResolveError(
        with_suggestion(f"no plan named {name}", name, known), hint=f"plans found: {listing}"
    )


def compile_scope(
    program_id: str | None,
    offer_id: str | None,
    plan: str | None,
    remaps: Sequence[RemapTable],
    unread: Sequence[Input],
    plans: Mapping[str, Input],
    findings: Sequence[Finding],
) -> Scope:
    """Which plans to compile and the remap lines selecting each. `unread`: the remap files
    that could not be read; `findings`: those of the remaps (the errors there block lines)."""
    if (program_id is None) != (offer_id is None):
        raise UsageError("--program and --offer go together")
    errors = _error_rules(findings)
    unread_notes = tuple(_unread(item, errors) for item in unread)
    if program_id is not None and offer_id is not None:
        return _pair_scope(program_id, offer_id, remaps, unread_notes, plans, errors)
    if plan is not None:
        if plan.casefold() not in plans:
            raise no_plan_named(plan, [plan_name_of(i.display) for i in plans.values()])
        wanted = frozenset({plan.casefold()})
    else:
        wanted = frozenset(plans)
    selected_by: dict[str, list[RemapRow]] = {}
    left_out = list(unread_notes)
    for table in remaps:
        for row in table.rows:
            key = row.plan_name.casefold()
            if key not in wanted:
                continue
            rules = errors.get(row.location)
            if rules:
                reason = (
                    f"maps ({row.program_id}, {row.offer_id}) to {row.plan_name} but has an "
                    "error, so it is not counted as selecting the plan"
                )
                left_out.append(
                    LeftOut(LeftOutKind.REMAP_LINE, row.plan_name, row.location, reason, rules)
                )
            else:
                selected_by.setdefault(key, []).append(row)
    return Scope(wanted, {k: tuple(v) for k, v in selected_by.items()}, tuple(left_out))


def _pair_scope(
    program_id: str,
    offer_id: str,
    remaps: Sequence[RemapTable],
    unread: tuple[LeftOut, ...],
    plans: Mapping[str, Input],
    errors: Mapping[Location, tuple[str, ...]],
) -> Scope:
    pair = f"({program_id}, {offer_id})"
    row = RemapTable.lookup(remaps, program_id, offer_id)
    if row is None and unread:  # it may be on a line of the remap that could not be read
        first = unread[0]
        reason = f"{pair} cannot be looked up: {first.location.file} could not be read"
        left = LeftOut(LeftOutKind.SELECTION, None, first.location, reason, first.rules)
        return Scope(frozenset(), {}, (*unread, left))
    if row is None:
        raise unmapped_pair(remaps, program_id, offer_id)
    rules = errors.get(row.location)
    if rules:
        reason = f"{pair} is mapped at {row.location} to {row.plan_name}, a line with an error"
        left = LeftOut(LeftOutKind.SELECTION, row.plan_name, row.location, reason, rules)
        return Scope(frozenset(), {}, (*unread, left))
    key = row.plan_name.casefold()
    if key not in plans:
        raise ResolveError(
            f"{pair} is mapped at {row.location} to {row.plan_name}, but there is no "
            f"{row.plan_name}.serviceplan among the plans",
            hint="add the plan file, or correct the plan name in the remap",
        )
    return Scope(frozenset({key}), {key: (row,)}, unread)


def _error_rules(findings: Iterable[Finding]) -> dict[Location, tuple[str, ...]]:
    """The rules of the error findings at each (file, line)."""
    rules: dict[Location, set[str]] = {}
    for finding in findings:
        if finding.severity is Severity.ERROR:
            at = finding.location
            rules.setdefault(Location(at.file, at.line), set()).add(finding.rule)
    return {at: tuple(sorted(found)) for at, found in rules.items()}


def _unread(item: Input, errors: Mapping[Location, tuple[str, ...]]) -> LeftOut:
    rules = sorted(
        {rule for at, found in errors.items() if at.file == item.display for rule in found}
    )
    reason = "could not be read, so the lines that select each plan are not known"
    return LeftOut(LeftOutKind.REMAP, None, Location(item.display), reason, tuple(rules))


def plan_left_out(item: Input, problems: Sequence[Finding]) -> LeftOut:
    """A plan not compiled because its file has error findings."""
    errors = [p for p in problems if p.severity is Severity.ERROR]
    rules = tuple(sorted({p.rule for p in errors}))
    reason = f"{plural(len(errors), 'error')} in its file" if errors else "its file is unusable"
    return LeftOut(
        LeftOutKind.PLAN, plan_name_of(item.display), Location(item.display), reason, rules
    )


def refuse_ambiguous(wanted: Iterable[str], inputs: Sequence[Input]) -> None:
    """Exchange reads one folder, so a plan name stands for one file; two is a mistake."""
    files: dict[str, list[str]] = {}
    for item in inputs:
        if not item.is_remap:
            files.setdefault(plan_name_of(item.display).casefold(), []).append(item.display)
    for key in sorted(wanted):
        if len(files.get(key, [])) > 1:
            raise ResolveError(
                f"{len(files[key])} files define the plan {plan_name_of(files[key][0])}: "
                f"{', '.join(files[key])}",
                hint="compile one folder at a time (Exchange reads a single ServicePlans folder)",
            )
