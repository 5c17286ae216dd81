"""The one place that chains the stages; also the library API users call."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .catalog import load_catalog
from .collector import gc_paused
from .diff.outcome import DiffOutcome as DiffOutcome
from .errors import UsageError
from .files.defaults import bundled_plans as bundled_plans
from .files.inputs import (
    STDIN_NAME,
    Input,
    discover,
    read_item,
    read_remap,
    remap_findings,
    with_remaps_beside,
)
from .model import Finding, FindingsReport, RemapTable, Severity
from .plan.load import DEFAULT_MAX_FILE_SIZE, plan_name_of
from .resolve.plans import resolve_plan
from .resolve.result import CompileResult as CompileResult
from .resolve.scope import compile_scope, plan_left_out, refuse_ambiguous
from .rules.check import explain_plan as explain_plan
from .rules.check import load_plan as load_plan
from .rules.check import validate_plan_bytes as validate_plan_bytes
from .rules.inline import Screen
from .rules.selection import ALL_RULES, RuleSelection


@dataclass(frozen=True, slots=True, kw_only=True)
class ValidateOptions:
    strict: bool = False
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    stdin_name: str = STDIN_NAME
    stdin: bytes = b""  # what `-` reads; the CLI fills it in
    rules: RuleSelection = ALL_RULES  # the project configuration's, --select, --ignore
    staged_deletions: bool = False  # also the remaps beside plans the git index deletes


def validate_paths(paths: Sequence[str], options: ValidateOptions) -> FindingsReport:
    deleted = []
    if options.staged_deletions:
        from .files.revisions import deleted_in_index

        deleted = deleted_in_index()
    inputs = with_remaps_beside(discover(paths, options.stdin_name), deleted)
    catalog = load_catalog()
    screen = Screen(options.rules, max_file_size=options.max_file_size)
    findings: list[Finding] = []
    remaps: list[tuple[Input, RemapTable]] = []
    for item in inputs:
        data = read_item(item, options.max_file_size, findings, options.stdin)
        if data is None:
            continue
        if item.is_remap:
            table = read_remap(item, data, findings)
            if table is not None:
                remaps.append((item, table))
        else:
            findings += validate_plan_bytes(data, item.display, catalog)
            findings += screen.read(data, item.display)
    findings = screen([*findings, *remap_findings(remaps, inputs)])
    findings.sort(key=Finding.sort_key)
    files = tuple(i.display for i in inputs)
    return FindingsReport(files, tuple(findings), options.strict, screen.suppressed)


@dataclass(frozen=True, slots=True, kw_only=True)
class CompileOptions:
    remap: str | None = None  # a remap file besides those found among the paths
    program_id: str | None = None
    offer_id: str | None = None
    plan: str | None = None
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    rules: RuleSelection = ALL_RULES


def compile_plans(
    paths: Sequence[str] = (), options: CompileOptions = CompileOptions()
) -> CompileResult:
    """Validate and resolve plans; with a (ProgramId, OfferId) or a plan name, just that plan."""
    with gc_paused():
        return _compile_plans(paths, options)


def _compile_plans(paths: Sequence[str], options: CompileOptions) -> CompileResult:
    if not paths:  # no surprise default: the bundled samples are bundled_plans()
        raise UsageError("no plan PATH given", hint="name plan files or folders")
    inputs = discover(paths, remap=options.remap)
    return _compile_inputs(inputs, options)


def compile_inputs(inputs: Sequence[Input], options: CompileOptions) -> CompileResult:
    """Compile inputs already listed (a git revision's files, read from memory)."""
    with gc_paused():
        return _compile_inputs(list(inputs), options)


def _compile_inputs(inputs: list[Input], options: CompileOptions) -> CompileResult:
    catalog = load_catalog()
    screen = Screen(options.rules, max_file_size=options.max_file_size)
    findings: list[Finding] = []
    remaps: list[tuple[Input, RemapTable]] = []
    unread: list[Input] = []
    for item in (i for i in inputs if i.is_remap):
        data = read_item(item, options.max_file_size, findings)
        table = None if data is None else read_remap(item, data, findings)
        if table is None:
            unread.append(item)
        else:
            remaps.append((item, table))
    plans: dict[str, Input] = {}
    for item in (i for i in inputs if not i.is_remap):
        plans.setdefault(plan_name_of(item.display).casefold(), item)
    tables = [table for _, table in remaps]
    # a file keeps the name it was given, so --remap names its input exactly
    findings += remap_findings(remaps, inputs, options.remap)
    findings = screen(findings)  # a remap finding the user ignores blocks nothing
    scope = compile_scope(
        options.program_id, options.offer_id, options.plan, tables, unread, plans, findings
    )
    refuse_ambiguous(scope.wanted, inputs)
    resolved, left_out = [], list(scope.left_out)
    for key in sorted(scope.wanted):
        item = plans[key]
        before = len(findings)
        data = read_item(item, options.max_file_size, findings)
        problems, sections = ([], None) if data is None else load_plan(data, item.display, catalog)
        if data is not None:
            problems = screen([*problems, *screen.read(data, item.display)])  # before the gate
        findings += problems
        # a plan with an error is reported, never resolved (its values may not parse)
        if sections is None or any(p.severity is Severity.ERROR for p in problems):
            left_out.append(plan_left_out(item, findings[before:]))
            continue
        name = plan_name_of(item.display)
        selected_by = scope.selected_by.get(key, ())
        resolved.append(resolve_plan(catalog, name, item.display, sections, selected_by))
    findings = screen(findings)
    findings.sort(key=Finding.sort_key)
    left_out.sort(key=lambda entry: (entry.location, entry.kind.value))
    files = tuple(i.display for i in inputs)
    report = FindingsReport(files, tuple(findings), suppressed=screen.suppressed)
    return CompileResult(
        tuple(resolved), report, tuple(tables), tuple(left_out), inline=screen.inline
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class DiffOptions:
    old: str | None = None  # a file or folder; with `git`, None
    new: str | None = None
    git: str | None = None  # A..B, A...B, or A (against the work tree)
    git_paths: tuple[str, ...] = ()
    tenants: str | None = None  # a CSV/JSONL file or a database URL
    tenants_table: str | None = None
    tenants_query: str | None = None
    textual: bool = False
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    fail_on: frozenset[str] = frozenset()  # update categories whose changes fail the gate
    exit_code: bool = False  # differences fail the gate
    rules: RuleSelection = ALL_RULES


def diff_paths(options: DiffOptions) -> DiffOutcome:
    """Compile both sides, compare them, with a tenant inventory what reaches whom; the gate."""
    from .diff.compare import diff_files, diff_revisions
    from .diff.gate import diff_gate
    from .diff.impact import tenant_impact
    from .tenants.inventory import open_inventory

    old_inputs, new_inputs, labels = _diff_sides(options)
    catalog = load_catalog()
    compile_options = CompileOptions(max_file_size=options.max_file_size, rules=options.rules)
    old = compile_inputs(old_inputs, compile_options)
    if old.report.errors:  # not compared: its report only, not a megabyte of remap rows held
        old = CompileResult((), old.report)  # while the other side is read (hostile: 2x memory)
    new = compile_inputs(new_inputs, compile_options)
    screen = Screen(options.rules, {**old.inline, **new.inline}, options.max_file_size)
    screen.suppressed = old.report.suppressed + new.report.suppressed
    files = (*old.report.files, *new.report.files)
    failed = [
        f for f in (*old.report.findings, *new.report.findings) if f.severity is Severity.ERROR
    ]
    if failed:
        report = FindingsReport(files, tuple(failed), suppressed=screen.suppressed)
        return DiffOutcome(*labels, None, None, report, diff_gate(None, report))
    if _single_plans(options, old, new):  # two plan files: an edit in place, or a move
        result = diff_files(old.plans[0], new.plans[0], catalog, textual=options.textual)
    else:
        result = diff_revisions(
            old.plans, new.plans, old.remaps, new.remaps, catalog, textual=options.textual
        )
    findings = list(result.findings)
    impact = None
    if options.tenants:
        inventory = open_inventory(
            options.tenants, catalog, table=options.tenants_table, query=options.tenants_query
        )
        impact = tenant_impact(  # the tenants stream through: only those reached are kept
            result,
            inventory,
            inventory.source,
            (old.plans, new.plans),
            (old.remaps, new.remaps),
            catalog,
        )
        findings += [*inventory.findings, *impact.findings]
        files = (*files, inventory.source)
    findings = screen(findings)
    findings.sort(key=Finding.sort_key)
    report = FindingsReport(files, tuple(findings), suppressed=screen.suppressed)
    gate = diff_gate(result, report, options.fail_on, options.exit_code)
    return DiffOutcome(*labels, result, impact, report, gate)


def _diff_sides(options: DiffOptions) -> tuple[list[Input], list[Input], tuple[str, str]]:
    if options.git is not None:
        from .files.revisions import revision_sides

        if options.old or options.new:
            raise UsageError(
                "--git takes paths inside the repository, not OLD and NEW",
                hint="serviceplan diff --git origin/main..HEAD [PATH...]",
            )
        return revision_sides(options.git, options.git_paths, options.max_file_size)
    if not options.old or not options.new:
        raise UsageError("diff needs OLD and NEW (files or folders), or --git REV1..REV2")
    old, new = discover([options.old]), discover([options.new])
    kinds = _side_kind(options.old, old), _side_kind(options.new, new)
    if kinds[0] != kinds[1]:  # a plan against a remap is no edit: never "plan removed"
        raise UsageError(
            f"diff {options.old} {options.new}: OLD is a {kinds[0]} and NEW a {kinds[1]}",
            hint="OLD and NEW must be both plan files, both remaps or both folders",
        )
    return old, new, (options.old, options.new)


def _side_kind(given: str, found: Sequence[Input]) -> str:
    if Path(given).is_dir():
        return "folder"
    return "remap" if found[0].is_remap else "plan file"


def _single_plans(options: DiffOptions, old: CompileResult, new: CompileResult) -> bool:
    return (
        options.git is None
        and len(old.plans) == len(new.plans) == 1
        and not old.remaps
        and not new.remaps
        and Path(str(options.old)).is_file()
        and Path(str(options.new)).is_file()
    )


# --------------------------------------------------------------------------- render

if TYPE_CHECKING:
    from .render.run import RenderOptions, RenderResult
    from .tools.explain import Explanation


def render_tenants(paths: Sequence[str], options: RenderOptions) -> RenderResult:
    """`serviceplan render`: compile the plans, read the inventory, one manifest per tenant.

    Usage errors (template syntax, --out and its index, --shard) stop it before any work."""
    from .render.run import prepare, render_inventory
    from .tenants.inventory import reopener

    prepared = prepare(options)
    compiled = compile_plans(
        paths,
        CompileOptions(
            remap=options.remap, max_file_size=options.max_file_size, rules=options.rules
        ),
    )
    if compiled.report.errors:  # render stands behind every plan or none: nothing to render
        compiled = replace(compiled, plans=())
    with gc_paused():  # the tenants stream; rendering itself collects (render.work)
        opener = reopener(
            options.tenants,
            load_catalog(),
            options.max_inventory_size,
            table=options.tenants_table,
            query=options.tenants_query,
        )
        return render_inventory(prepared, compiled, opener, options)


def explain_feature(
    name: str, paths: Sequence[str], options: CompileOptions | None = None
) -> Explanation:
    """`serviceplan explain`: the catalogue entries for `name` and every compiled plan's value."""
    from .tools.explain import explain, lookup

    match = lookup(load_catalog(), name)  # an unknown name fails before any plan is read
    return explain(name, match, compile_plans(paths, options or CompileOptions()))


# --------------------------------------------------------------------------- tenants


@dataclass(frozen=True, slots=True, kw_only=True)
class TenantsCheckOptions:
    tenants: str  # a CSV/JSONL file or a database URL
    table: str | None = None
    query: str | None = None
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    rules: RuleSelection = ALL_RULES


def check_tenant_paths(paths: Sequence[str], options: TenantsCheckOptions) -> FindingsReport:
    """`serviceplan tenants check`: every tenant against the plan it is on today."""
    from .tenants.check import check_tenants
    from .tenants.inventory import open_inventory

    compile_options = CompileOptions(max_file_size=options.max_file_size, rules=options.rules)
    compiled = compile_plans(paths, compile_options)
    catalog = load_catalog()
    inventory = open_inventory(options.tenants, catalog, table=options.table, query=options.query)
    findings = list(compiled.report.findings)
    if not compiled.report.errors:  # plans with errors: their limits cannot be told
        findings += check_tenants(inventory, compiled.plans, compiled.remaps, catalog)
    screen = Screen(options.rules, compiled.inline, options.max_file_size)
    checked = screen([*inventory.findings, *findings[len(compiled.report.findings) :]])
    findings = sorted([*compiled.report.findings, *checked], key=Finding.sort_key)
    files = (*compiled.report.files, inventory.source)
    suppressed = compiled.report.suppressed + screen.suppressed
    # plans with errors: no tenant was read, so none is counted either
    tenants = None if compiled.report.errors else inventory.read_count
    return FindingsReport(files, tuple(findings), suppressed=suppressed, tenants=tenants)
